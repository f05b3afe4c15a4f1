"""Nothing in a spec becomes code: hostile names, labels and file names compile to a file whose
calls, imports and strings are all netspec's own, and running it never runs the spec's text."""

from __future__ import annotations

import ast
import subprocess
import sys
import unicodedata

import pytest
from compile_support import compile_text
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from netspec.checker import check_text
from netspec.codegen import generate
from netspec.pycode import Code, call, comment_text, literal

PAYLOAD = "__import__('os').system('touch PWNED') or open('PWNED', 'w')"

# A raw carriage return is a line break in a spec (as in any text file), so inside the string the
# line-breaking characters Python's str.splitlines knows besides it stand in: NEL, VT, LS.
HOSTILE_SPEC = (
    f'network "Evil\\"\\"\\"\x85\x0b{PAYLOAD}\x00\u202e\u2066#\\\\ \\"\\"\\"\u2028x"\n'
    'input 3x8x8  # """; import os; os.system(\'touch PWNED\')\n'
    "__import__: conv 4 3 pad=same\n"
    "eval: relu\n"
    "exec: maxpool 2 stride=2 pad=same\n"
    "os.system: avgpool 2 pad=same\n"
    "open: l2pool 2\n"
    "self: batchnorm\n"
    "print: fc 5\n"
    "getattr: softmax\n"
    "train {\n"
    "  init normal std=0.02\n"
    '  data "x\\"\\"\\"; import os"\n'
    "}\n"
)
HOSTILE_FILE = f'spec"""\n{PAYLOAD}\r\n#\u202e\\x.net'

ALLOWED_IMPORTS = {"math", "torch", "torch.nn.functional", "torch:nn"}
ALLOWED_FUNCTIONS = {"super", "isinstance", "any", "print", "tuple"}
ALLOWED_ROOTS = {"torch", "nn", "F", "math", "self", "super()", "model", "sums"}
ALLOWED_STRINGS = {"relu", "counts", "divisor", "__main__", "output shape: "}
FORBIDDEN_ATTRIBUTES = {"system", "__import__", "__builtins__", "__globals__", "__subclasses__", "__class__"}
FORBIDDEN_NAMES = {"__import__", "eval", "exec", "open", "os", "system", "getattr", "compile", "globals", "PWNED"}


def _dotted(node: ast.AST) -> tuple[str, str]:
    """(root, dotted name) of a call's function: `nn.init.zeros_` → ("nn", "nn.init.zeros_")."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        root = node.id
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        root = node.func.id + "()"
    else:
        root = type(node).__name__
    return root, ".".join([root, *reversed(parts)])


def _docstrings(tree: ast.Module) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def assert_only_netspec_code(source: str) -> None:
    assert "\\" not in source and "\r" not in source
    assert all(ch == "\n" or ch.isprintable() for ch in source)
    assert not any(
        unicodedata.bidirectional(ch) in ("RLO", "LRO", "RLE", "LRE", "PDF", "RLI", "LRI", "FSI", "PDI")
        for ch in source
    )
    tree = ast.parse(source)
    classes = {node.name for node in tree.body if isinstance(node, ast.ClassDef)}
    docstrings = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            assert {alias.name for alias in node.names} <= ALLOWED_IMPORTS
        elif isinstance(node, ast.ImportFrom):
            assert {f"{node.module}:{alias.name}" for alias in node.names} <= ALLOWED_IMPORTS
        elif isinstance(node, ast.Call):
            root, name = _dotted(node.func)
            allowed = ALLOWED_ROOTS | {f"{c}()" for c in classes}
            assert root in allowed or name in ALLOWED_FUNCTIONS | classes, name
        elif isinstance(node, ast.Name):
            assert node.id not in FORBIDDEN_NAMES, node.id
        elif isinstance(node, ast.Attribute):  # self.eval would be a layer: only a few attributes are never ours
            assert node.attr not in FORBIDDEN_ATTRIBUTES, node.attr
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            assert node.value in ALLOWED_STRINGS, node.value


def test_hostile_names_labels_and_file_name_compile_to_netspec_code_only(tmp_path):
    result = check_text(HOSTILE_SPEC, HOSTILE_FILE)
    assert result.ok, [d.message for d in result.diagnostics.errors]
    source = generate(result)
    assert_only_netspec_code(source)
    assert "class Evil" in source
    assert [layer.name for layer in result.layers] == [
        "import_",
        "eval_",
        "exec",
        "os_system",
        "open",
        "self_",
        "print",
        "getattr",
    ]
    path = tmp_path / "hostile.py"
    path.write_text(source, encoding="utf-8")
    run = subprocess.run([sys.executable, str(path)], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout == "output shape: (2, 5)\n"
    assert not (tmp_path / "PWNED").exists()


def test_free_text_ends_up_on_one_comment_line_without_quotes():
    source = generate(check_text(HOSTILE_SPEC, HOSTILE_FILE))
    docstring = ast.get_docstring(ast.parse(source))
    title = docstring.splitlines()[0]
    assert title.startswith("Evil''' ") and "\u202e" not in title and '"' not in title
    assert source.count('"""') == 2 * len(_docstrings(ast.parse(source)))  # no stray triple quotes


@hypothesis_settings(max_examples=60, deadline=None)
@given(name=st.text(max_size=60), file_name=st.text(max_size=40))
def test_any_network_or_file_name_gives_a_file_that_parses_to_netspec_code(name, file_name):
    result = check_text("input 2x4x4\nconv 2 3 pad=same\nfc 3\nsoftmax\n", file_name or "<spec>")
    result.network.name = name
    source = generate(result)
    assert_only_netspec_code(source)
    compile(source, "generated.py", "exec")


@given(st.text())
def test_comment_text_is_one_printable_line_without_quotes_or_backslashes(text):
    line = comment_text(text, limit=40)
    assert len(line) <= 40 and line == line.strip()
    assert all(ch.isprintable() for ch in line)
    assert not {'"', "\\", "\n", "\r", "\u2028", "\u2029", "\x85", "\u202e", "\u2066"} & set(line)


def test_literals_come_from_parsed_values_only():
    assert literal(3) == "3" and literal(1e-05) == "1e-05" and literal((0, 1, 0, 1)) == "(0, 1, 0, 1)"
    assert literal((7,)) == "(7,)" and literal(True) == "True" and literal(Code("-math.inf")) == "-math.inf"
    for bad in ("1); import os; (", float("nan"), float("inf"), [1, 2]):
        with pytest.raises((TypeError, ValueError)):
            literal(bad)
    with pytest.raises(TypeError):
        call("nn.Dropout", "0.5")


@pytest.mark.parametrize(
    "label,name",
    [
        ("__import__", "import_"),
        ("class", "class_"),
        ("None", "none"),
        ("a.b-c", "a_b_c"),
        ("_init_weights", "init_weights"),
    ],
)
def test_labels_become_safe_identifiers(label, name):
    result, source = compile_text(f"input 4\n{label}: fc 2\n")
    assert result.layers[0].name == name
    assert f"self.{name} = nn.Linear(4, 2)" in source

"""Every diagnostic the checker can give, each triggered by a small spec, at its line and column,
rendered as `file:line:col: severity: message  [code]`, the source line, and a caret under it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from netspec import resources
from netspec.checker import check_text
from netspec.codes import CODES, SEVERITY, STRICT_ENV, UnregisteredCode
from netspec.diagnostics import WARNING, Diagnostic, Diagnostics, render

NESTED = "input 1x8x8\n" + "repeat 1 {\n" * 40 + "relu\n" + "}\n" * 40

# code: (spec, severity, line, column) of the first diagnostic with that code
TRIGGERS = {
    "bad-expression": ("input 1x8x8\nblock b w {\n  conv w/3 3x3\n}\nb 8\n", "error", 3, 8),
    "bad-outpad": ("input 1x8x8\nconvtranspose 2 3x3 stride=2 outpad=2\n", "error", 2, 30),
    "empty-merge": ("input 1x8x8\nadd {\n}\n", "error", 2, 1),
    "merge-jump": (
        "input 1x8x8\nconcat {\n  branch { globalavgpool }\n  branch { maxpool 2; globalavgpool }\n}\n",
        "warning",
        2,
        1,
    ),
    "merge-shape": ("input 1x8x8\nresidual {\n  conv 4 3x3 stride=2 pad=1\n}\n", "error", 2, 1),
    "softmax-in-block": ("input 4\nblock head { fc 3; softmax }\nhead\n", "warning", 2, 20),
    "unused-label": ("input 1x8x8\nstage1: repeat 2 { relu }\n", "warning", 2, 1),
    "single-branch": ("input 1x8x8\nconcat {\n  branch { relu }\n}\n", "warning", 2, 1),
    "after-flatten": ("input 1x8x8\nfc 10\nconv 4 3x3\n", "error", 3, 1),
    "bad-block": ("input 1x8x8\nblock 3 {\n  relu\n}\n", "error", 2, 1),
    "bad-input": ("input 28x28\nrelu\n", "error", 1, 7),
    "bad-value": ("input 1x8x8\ndropout 1.5\n", "error", 2, 9),
    "ceil-ignored": ("input 1x8x8\nmaxpool 2 pad=same ceil=true\n", "warning", 2, 20),
    "double-activation": ("input 1x8x8\nconv 2 3x3\nrelu\ntanh\n", "warning", 4, 1),
    "duplicate-input": ("input 1x8x8\ninput 1x8x8\nrelu\n", "error", 2, 1),
    "duplicate-network": ("network A\nnetwork B\ninput 1x8x8\n", "error", 2, 1),
    "duplicate-option": ("input 1x8x8\nconv 2 3x3 stride=1 stride=2\n", "error", 2, 21),
    "extra-arg": ("input 1x8x8\nrelu 3\n", "error", 2, 6),
    "groups": ("input 3x8x8\nconv 4 3x3 groups=2\n", "error", 2, 12),
    "inexact-size": ("input 3x224x224\nconv 96 11x11 stride=4\n", "warning", 2, 9),
    "kernel-too-large": ("input 1x4x4\nconv 2 5x5\n", "error", 2, 8),
    "misplaced": ("input 1x8x8\nrepeat 2 {\n  input 1x8x8\n}\n", "error", 3, 3),
    "missing-arg": ("input 1x8x8\nconv 4\n", "error", 2, 1),
    "missing-input": ("conv 4 3x3\n", "error", 1, 1),
    "nesting": (NESTED, "error", 33, 1),
    "pad-too-large": ("input 1x8x8\nmaxpool 2 pad=2\n", "error", 2, 11),
    "recursive-block": ("input 1x8x8\nblock b {\n  b\n}\nb\n", "error", 3, 3),
    "skipped-pixels": ("input 1x8x8\nmaxpool 2 stride=3\n", "warning", 2, 11),
    "softmax-not-last": ("input 10\nsoftmax\nfc 3\n", "warning", 2, 1),
    "syntax": ("input 1x8x8\nconv 4 (3,3)\n", "error", 2, 10),
    "too-large": ("input 10\nrepeat 100000 {\n  repeat 100000 {\n    relu\n  }\n}\n", "error", 2, 1),
    "too-many-errors": ("input 1x8x8\n" + "conv = =\n" * 60, "note", 51, 6),
    "unexpected-block": ("input 1x8x8\nrelu {\n}\n", "error", 2, 1),
    "unknown-layer": ("input 1x8x8\nconvv 4 3x3\n", "error", 2, 1),
    "unknown-option": ("input 1x8x8\nconv 4 3x3 strid=2\n", "error", 2, 12),
    "unknown-setting": ("input 4\nfc 2\ntrain {\n  epoch 3\n}\n", "error", 4, 3),
    "duplicate-setting": ("input 4\nfc 2\ntrain {\n  epochs 3\n  epochs 4\n}\n", "error", 5, 3),
}

# Modules whose diagnostics `netspec check` never gives (compiling and training report their own).
# cli and api: the memory-limit warning, which the check's memory estimate adds (tests/test_cli.py),
# and `unreadable` (tests/test_api_audit.py); budgets: over-budget, only under --budget
# (tests/test_budgets.py).
NOT_FROM_CHECK = ("codegen", "pycode", "data", "compile", "training", "cli", "api", "budgets")

SEVERITY_NAMES = {"ERROR": "error", "WARNING": "warning", "NOTE": "note"}  # netspec.diagnostics


class CodeUse:
    """One place in netspec/ that reports a diagnostic: `.error("code", …)`, `.warning(…)`,
    `.note(…)` or `Diagnostic(SEVERITY, "code", …)`."""

    def __init__(self, path: Path, line: int, code: str, severity: str | None):
        self.path, self.line, self.code, self.severity = path, line, code, severity

    def __repr__(self) -> str:
        return f"{self.path.name}:{self.line}: {self.severity} [{self.code}]"


def _module_strings(tree: ast.Module) -> dict[str, str]:
    """Module-level `NAME = "text"` assignments (budgets.CODE, api.UNREADABLE) and the severity
    names imported from netspec.diagnostics."""
    strings = dict(SEVERITY_NAMES)
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            strings.update({target.id: node.value.value for target in node.targets if isinstance(target, ast.Name)})
    return strings


def _values(node: ast.expr, strings: dict[str, str]) -> list[str] | None:
    """The strings an argument can be: a constant, a module constant, either side of `a if c else b`;
    None when it is something else (a parameter passed through, an f-string)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Name) and node.id in strings:
        return [strings[node.id]]
    if isinstance(node, ast.IfExp):
        body, orelse = _values(node.body, strings), _values(node.orelse, strings)
        return None if body is None or orelse is None else body + orelse
    return None


def code_uses() -> tuple[list[CodeUse], list[str]]:
    """Every diagnostic reported in netspec/, found by walking each module's syntax tree; and the
    calls whose code could not be read (only pass-through parameters named `code` are expected)."""
    uses: list[CodeUse] = []
    unread: list[str] = []
    for path in sorted(Path(resources.PACKAGE).rglob("*.py")):
        if path.name == "_grammar_parser.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        strings = _module_strings(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            # a diagnostic call names a code and a message (a printer's one-argument `.note(text)` is not one)
            if isinstance(func, ast.Attribute) and func.attr in ("error", "warning", "note") and len(node.args) >= 2:
                severities, code_arg = [func.attr], node.args[0]
            elif isinstance(func, ast.Name) and func.id == "Diagnostic" and len(node.args) >= 2:
                severities, code_arg = _values(node.args[0], strings), node.args[1]
            else:
                continue
            codes = _values(code_arg, strings)
            if codes is None:
                if not isinstance(code_arg, ast.JoinedStr):  # an f-string is a message (argparse)
                    unread.append(f"{path.name}:{node.lineno}: {ast.unparse(code_arg)}")
                continue
            for code in codes:
                if any(ch.isspace() for ch in code):  # a log message (`log.error("netspec lsp: …")`)
                    continue
                for severity in severities or [None]:
                    uses.append(CodeUse(path, node.lineno, code, severity))
    return uses, unread


def codes_in_source() -> set[str]:
    """The codes that `netspec check` itself can report."""
    return {use.code for use in code_uses()[0] if not use.path.name.startswith(NOT_FROM_CHECK)}


def test_the_scan_finds_the_known_call_forms():
    uses, unread = code_uses()
    found = {(use.path.name, use.code, use.severity) for use in uses}
    assert ("budgets.py", "over-budget", "warning") in found  # Diagnostic(WARNING, CODE, …)
    assert ("api.py", "unreadable", "error") in found  # Diagnostic(ERROR, UNREADABLE, …)
    assert ("elaborate.py", "duplicate-network", "error") in found  # "a" if top else "b"
    assert ("pool.py", "ceil-ignored", "warning") in found  # where.warning("…")
    # the pass-throughs: Where.error/warning in layers/base.py, Diagnostics.error/… in diagnostics.py
    assert unread and all(call.endswith(": code") for call in unread), f"a code the scan cannot read: {unread}"
    assert {call.split(":")[0] for call in unread} == {"base.py", "diagnostics.py"}


def test_every_code_used_in_netspec_is_registered_with_its_severity():
    uses, _ = code_uses()
    wrong = [use for use in uses if SEVERITY.get(use.code) != use.severity]
    assert not wrong, f"register these in netspec/codes.py (or fix the severity): {wrong}"


def test_every_registered_code_is_used():
    used = {use.code for use in code_uses()[0]}
    assert set(CODES) - used == set(), "codes registered in netspec/codes.py but reported nowhere"


def _docs_table() -> list[tuple[str, str]]:
    """(code, severity) of each code in docs/language.md's diagnostics table, in its order."""
    text = (Path(__file__).parent.parent / "docs" / "language.md").read_text(encoding="utf-8")
    section = text[text.index("## Diagnostics") :]
    table = section[section.index("| code | severity | when |") :].split("\n\n")[0]
    rows = []
    for line in table.splitlines()[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        rows += [(code, cells[1]) for code in re.findall(r"`([^`]+)`", cells[0])]
    return rows


def test_the_docs_table_lists_exactly_the_registered_codes_in_order():
    assert _docs_table() == [(code.name, code.severity) for code in CODES.values()]


def test_every_registered_code_has_a_one_line_meaning():
    for name, code in CODES.items():
        assert code.name == name and code.severity in ("error", "warning", "note")
        assert code.meaning and "\n" not in code.meaning and len(code.meaning) <= 100, name


def test_an_unregistered_code_raises_under_the_tests(monkeypatch):
    monkeypatch.setenv(STRICT_ENV, "1")
    with pytest.raises(UnregisteredCode, match="not in netspec/codes.py"):
        Diagnostics().error("no-such-code", "message", None)
    with pytest.raises(UnregisteredCode, match="registered as a warning"):
        Diagnostics().error("inexact-size", "message", None)
    with pytest.raises(UnregisteredCode):
        Diagnostic(WARNING, "syntax", "message", None)


def test_an_unregistered_code_is_kept_as_it_is_in_a_users_check(monkeypatch):
    monkeypatch.delenv(STRICT_ENV, raising=False)
    diagnostics = Diagnostics()
    diagnostics.warning("no-such-code", "message", None)
    assert [item.to_json()["code"] for item in diagnostics.items] == ["no-such-code"]


def test_every_diagnostic_code_in_the_checker_has_a_trigger_here():
    missing = codes_in_source() - set(TRIGGERS)
    assert not missing, f"add a triggering spec for {sorted(missing)}"


@pytest.mark.parametrize("code", sorted(TRIGGERS))
def test_each_trigger_has_the_registered_severity(code):
    assert TRIGGERS[code][1] == SEVERITY[code]


@pytest.mark.parametrize("code", sorted(TRIGGERS))
def test_diagnostic_is_reported_at_its_line_and_column(code):
    text, severity, line, column = TRIGGERS[code]
    result = check_text(text, "t.net")
    found = [d for d in result.diagnostics.sorted() if d.code == code]
    assert found, [(d.code, d.message) for d in result.diagnostics.items]
    diagnostic = found[0]
    assert (diagnostic.severity, diagnostic.span.line, diagnostic.span.column) == (severity, line, column)
    assert diagnostic.message
    if severity == "error":
        assert not result.ok


@pytest.mark.parametrize("code", sorted(TRIGGERS))
def test_diagnostic_renders_location_source_line_and_caret(code):
    text, severity, line, column = TRIGGERS[code]
    result = check_text(text, "t.net")
    diagnostic = next(d for d in result.diagnostics.sorted() if d.code == code)
    shown = render(diagnostic, result.source).splitlines()
    assert shown[0].startswith(f"t.net:{line}:{column}: {severity}: ")
    assert shown[0].endswith(f"[{code}]")
    source_line = text.splitlines()[line - 1]
    assert shown[1] == "    " + source_line
    caret = shown[2]
    assert caret.index("^") == 4 + column - 1
    assert set(caret.strip()) <= {"^", "~"}
    assert len(caret) - 4 <= len(source_line)  # the span stays on the line
    if diagnostic.hint:
        assert shown[3] == f"  hint: {diagnostic.hint}"
    notes = shown[4 if diagnostic.hint else 3 :]
    assert notes == [f"t.net:{span.line}:{span.column}: note: {message}" for message, span in diagnostic.notes]


def test_caret_spans_the_whole_offending_word():
    result = check_text("input 1x8x8\nconvolutio 4 3x3\n", "t.net")
    (diagnostic,) = result.diagnostics.errors
    caret = render(diagnostic, result.source).splitlines()[2]
    assert caret == "    ^" + "~" * (len("convolutio") - 1)


@pytest.mark.parametrize(
    "line,suggestion",
    [
        ("convv 4 3x3", "did you mean `conv`?"),
        ("maxpol 2", "did you mean `maxpool`?"),
        ("reluu", "did you mean `relu`?"),
    ],
)
def test_unknown_layer_suggests_the_nearest_kind(line, suggestion):
    (error,) = check_text(f"input 1x8x8\n{line}\n").diagnostics.errors
    assert error.code == "unknown-layer"
    assert error.hint == suggestion


@pytest.mark.parametrize(
    "line,suggestion",
    [("conv 4 3x3 strid=2", "did you mean `stride=`?"), ("maxpool 2 cel=true", "did you mean `ceil=`?")],
)
def test_unknown_option_suggests_the_nearest_option(line, suggestion):
    (error,) = check_text(f"input 1x8x8\n{line}\n").diagnostics.errors
    assert error.code == "unknown-option"
    assert error.hint == suggestion


def test_unknown_word_far_from_any_kind_points_to_the_list_of_kinds():
    (error,) = check_text("input 1x8x8\nxyzzy 3\n").diagnostics.errors
    assert "did you mean" not in error.hint
    assert "--kinds" in error.hint


def test_all_errors_of_a_file_are_reported_at_once():
    text = "\n".join(
        [
            "input 1x28x28",
            "convv 6 5x5",  # 2: unknown kind
            "conv 6 5x5 strid=2",  # 3: unknown option
            "dropout 1.5",  # 4: value out of range
            "conv 6 (5,5)",  # 5: syntax
            "fc -3",  # 6: negative units
            "pool 2",  # 7: unknown kind
            "",
        ]
    )
    errors = check_text(text).diagnostics.sorted()
    assert [(e.code, e.span.line) for e in errors] == [
        ("unknown-layer", 2),
        ("unknown-option", 3),
        ("bad-value", 4),
        ("syntax", 5),
        ("bad-value", 6),
        ("unknown-layer", 7),
    ]


def test_a_syntax_error_is_the_only_error_on_its_line():
    """The rest of a broken line is skipped; what remains of it is not reported again."""
    errors = check_text("input 1x8x8\nconv 4 (3,3)\nconv 2 3x3\n").diagnostics.errors
    assert [(e.code, e.span.line) for e in errors] == [("syntax", 2)]


def test_shape_errors_before_the_first_broken_statement_are_reported_too():
    errors = check_text("input 1x4x4\nconv 2 5x5\nconvv 3\n").diagnostics.sorted()
    assert [(e.code, e.span.line) for e in errors] == [("kernel-too-large", 2), ("unknown-layer", 3)]


def test_layers_after_a_broken_statement_are_not_checked_even_when_written_above_it():
    """A block body is written above its call; when an earlier statement failed, the block's
    layers would be checked on the wrong input (here 8x8 instead of the padded 14x14)."""
    text = "input 1x8x8\nblock b f k {\n  conv f k\n}\nconv 2 3x3 pad=3 stride=0\nb 2 9\n"
    result = check_text(text)
    assert [(e.code, e.span.line) for e in result.diagnostics.sorted()] == [("bad-value", 5)]
    assert result.layers == []


def test_unclosed_block_names_the_line_that_opened_it():
    (error,) = check_text("input 1x8x8\nrepeat 2 {\n  relu\n").diagnostics.errors
    assert error.code == "syntax"
    assert "ends inside" in error.message
    assert "line 2" in error.hint


def test_every_unclosed_brace_is_reported_at_its_brace():
    text = "input 1x8x8\nrepeat 2 {\n  conv 4 3x3 pad=1\n  repeat 2 {\n    relu\n"
    errors = check_text(text).diagnostics.sorted()
    assert [(e.code, e.span.line, e.span.column) for e in errors] == [("syntax", 2, 10), ("syntax", 4, 12)]
    assert all("never closed" in e.message for e in errors)
    assert ["line 2" in errors[0].hint, "line 4" in errors[1].hint] == [True, True]


def test_a_thousand_unclosed_braces_are_ten_errors_and_a_note():
    items = check_text("input 1x8x8\n" + "repeat 2 {\n" * 1000).diagnostics.sorted()
    assert [(d.severity, d.span.line) for d in items] == [("error", n) for n in range(2, 12)] + [("note", 12)]
    assert "990 more" in items[-1].message


def test_braces_in_strings_and_comments_are_not_blocks():
    text = "input 1x8x8\nrepeat 2 { # }\n  relu  # {\n"
    (error,) = check_text(text).diagnostics.errors
    assert (error.span.line, error.span.column) == (2, 10)


def test_an_unclosed_brace_is_reported_even_when_the_last_line_has_an_error_too():
    errors = check_text("input 1x8x8\nrepeat 2 {\n  relu ?\n").diagnostics.sorted()
    assert [(e.span.line, e.span.column) for e in errors] == [(2, 10), (3, 8)]


def test_a_stray_closing_parenthesis_is_about_the_parenthesis():
    for text in ("input 1x8x8\nconv 6 5x5)\n", "input 1x8x8\nconv 6 ) 5x5\n"):
        (error,) = check_text(text).diagnostics.errors
        assert error.message == "`)` without a matching `(`"
        assert "parenthes" in error.hint and "size" not in error.hint


def test_a_parenthesis_left_open_is_reported_at_it_once():
    """At the `(`, and not again on every later line (the parser skips to a `)`)."""
    text = "input 1x8x8\nblock b w {\n  conv (w+1 3x3\n  relu\n}\nb 2\nrelu\n"
    (error,) = check_text(text).diagnostics.errors
    assert (error.span.line, error.span.column) == (3, 8)
    assert "`(` is not closed" in error.message and "`3x3`" in error.message
    (error,) = check_text("input 1x8x8\nconv 2 3x3 stride=(1\nrelu\nrelu\n").diagnostics.errors
    assert (error.span.line, error.span.column) == (2, 19) and "the line ends" in error.message


def test_a_parenthesis_left_open_inside_an_unclosed_block_reports_both():
    errors = check_text("input 1x8x8\nrepeat 2 {\n  conv 2 (3\n").diagnostics.sorted()
    assert [(e.span.line, e.span.column) for e in errors] == [(2, 10), (3, 10)]


def test_closing_brace_without_opening_one():
    (error,) = check_text("input 1x8x8\nrelu\n}\n").diagnostics.errors
    assert (error.code, error.span.line, error.span.column) == ("syntax", 3, 1)
    assert "without a matching" in error.message


@pytest.mark.parametrize(
    "line,expected,received",
    [
        ("dropout 1", "< 1", "1"),
        ("conv 0 3x3", "≥ 1", "0"),
        ("conv -4 3x3", "≥ 1", "-4"),
        ("conv 4 3x3 stride=0", "≥ 1", "0"),
        ("conv 4 3x3 pad=-1", "≥ 0", "-1"),
        ("conv 4 3x3 bias=maybe", "true or false", "maybe"),
        ("maxpool 2 pad=bogus", "same", "bogus"),
        ("fc 2.5", "whole number", "2.5"),
    ],
)
def test_values_out_of_range_say_what_was_expected_and_what_was_received(line, expected, received):
    (error,) = check_text(f"input 1x8x8\n{line}\n").diagnostics.errors
    assert error.code == "bad-value"
    assert expected in error.message
    assert f"got `{received}`" in error.message
    assert (error.span.line, error.span.column) == (2, line.index(received) + 1)


def test_absurd_repeat_count_is_an_error():
    (error,) = check_text("input 10\nrepeat 100000000 {\n  relu\n}\n").diagnostics.errors
    assert (error.code, error.span.line) == ("bad-value", 2)


def test_alexnet_at_224_warns_about_54_25_and_suggests_227():
    text = (resources.specs_dir() / "alexnet.net").read_text(encoding="utf-8").replace("3x227x227", "3x224x224")
    result = check_text(text, "alexnet.net")
    assert result.ok
    warnings = [d for d in result.diagnostics.warnings if d.code == "inexact-size"]
    first = warnings[0]
    assert first.span.line == next(i for i, line in enumerate(text.splitlines(), 1) if "conv1:" in line)
    assert "54.25" in first.message
    assert "227" in first.hint
    assert "223" in first.hint
    assert "never seen" in first.message


# SqueezeNet 1.1's first convolution (3x3, stride 2, no padding) never sees the last row and
# column of a 224x224 input, in torchvision as in the paper's code; its header says so.
EXPECTED_WARNINGS = {"squeezenet.net": ["inexact-size"]}


def test_shipped_specs_have_no_warnings_but_the_documented_ones():
    for path in resources.bundled_specs():
        result = check_text(path.read_text(encoding="utf-8"), path.name)
        codes = [d.code for d in result.diagnostics.items]
        assert codes == EXPECTED_WARNINGS.get(path.name, []), (path.name, [d.message for d in result.diagnostics.items])


def test_diagnostic_spans_are_well_formed_for_every_trigger():
    for code, (text, *_rest) in TRIGGERS.items():
        lines = text.splitlines() or [""]
        for d in check_text(text).diagnostics.items:
            assert d.span is not None, code
            assert 1 <= d.span.line <= d.span.end_line <= max(len(lines), 1), (code, d)
            if d.span.line == d.span.end_line:
                assert d.span.column < d.span.end_column, (code, d)


@given(
    n=st.integers(1, 40),
    k=st.integers(2, 7),
    s=st.integers(2, 4),
    p=st.integers(0, 1),
    layer=st.sampled_from(["conv 2", "maxpool", "avgpool", "l2pool"]),
)
def test_every_fix_the_inexact_size_warning_suggests_makes_the_size_exact(n, k, s, p, layer):
    """(The warning needs real pixels lost, so a stride no larger than the kernel, little padding.)"""

    def check(size: int, pad: int):
        return check_text(f"input 1x{size}x{size}\n{layer} {k} stride={s} pad={pad}\n")

    assume(s <= k)
    result = check(n, p)
    inexact = [d for d in result.diagnostics.items if d.code == "inexact-size"]
    assume(result.ok and inexact)
    hint = inexact[0].hint
    sizes = [int(size) for size in re.search(r"input size (\d+)(?: or (\d+))?", hint).groups() if size]
    assert sizes == sorted(sizes) and sizes[-1] > n and (len(sizes) == 1 or sizes[0] < n)
    for size in sizes:
        fixed = check(size, p)
        assert fixed.ok and not [d for d in fixed.diagnostics.items if d.code == "inexact-size"], (size, hint)
    suggested = re.search(r"pad=(\d+) \(output (\d+)\)", hint)
    if suggested:
        pad, output = map(int, suggested.groups())
        fixed = check(n, pad)
        assert fixed.ok and not [d for d in fixed.diagnostics.items if d.code == "inexact-size"], hint
        assert fixed.layers[0].output[1:] == (output, output)


@pytest.mark.parametrize(
    ("spec", "warns"),
    [
        ("conv 64 7x7 stride=2 pad=3", False),  # ResNet's stem: the unseen cell is padding
        ("maxpool 3 stride=2 pad=1", False),
        ("conv 8 3x3 stride=2 pad=1", False),
        ("conv 8 1x1 stride=2", False),  # a strided 1x1 projection skips pixels by design
        ("conv 96 11x11 stride=4", True),  # AlexNet at 224 loses a real row and column
        ("conv 8 3x3 stride=2", True),
    ],
)
def test_inexact_size_fires_only_when_real_pixels_are_never_seen(spec, warns):
    result = check_text(f"input 3x224x224\n{spec}\n")
    codes = {d.code for d in result.diagnostics.items}
    assert ("inexact-size" in codes) == warns, result.diagnostics.items
    assert "skipped-pixels" not in codes


def test_diagnostics_inside_a_block_say_which_calls_they_come_from():
    text = (
        "input 3x32x32\nblock down f {\n  residual { conv f*2 3x3 pad=1 }\n}\nblock stage f {\n  down f\n}\nstage 8\n"
    )
    (error,) = check_text(text).diagnostics.errors
    assert (error.code, error.span.line) == ("merge-shape", 3)
    assert [(message, span.line) for message, span in error.notes] == [
        ("in the call `down 8`", 6),
        ("in the call `stage 8`", 8),
    ]
    assert "shortcut { conv 16 1x1" in error.hint


@given(st.text(max_size=60), st.booleans())
def test_terminal_text_escapes_exactly_what_is_not_printable(text, keep_tabs):
    from netspec.diagnostics import terminal_text

    shown = terminal_text(text, keep_tabs=keep_tabs)
    assert all(ch.isprintable() or (keep_tabs and ch == "\t") for ch in shown)
    kept = all(ch.isprintable() or (keep_tabs and ch == "\t") for ch in text)
    assert (shown == text) == kept

"""One place per layer kind (issue #15): what the drawings need of a kind is the kind's own trait.

The receptive-field picture asks a kind what one output cell `reads`, the structure asks whether it
`folds` into the box before it, captions come from `caption`, a merge's circle from `symbol`; no
module outside `netspec/layers/` keeps a list of kind names for them. The scan below keeps it so:
a string naming a kind may appear outside the kinds only in the modules still listed (with at most
as many mentions as today), and every table of names there names real kinds.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import netspec
from netspec.layers import KINDS
from netspec.layers.base import BINS, SAME_CELL, WHOLE, WINDOW
from netspec.layers.merge import MERGES

PACKAGE = Path(netspec.__file__).parent
KIND_NAMES = {kind.name for kind in KINDS} | {merge.name for merge in MERGES}
# Modules that still hold facts about kinds by name, and how many mentions: move them into the
# kinds (issue #15) and lower the number; a module not listed may mention none.
STILL_OUTSIDE = {
    "memory.py": 36,  # temporaries and workspaces
    "checker.py": 2,  # "ends in softmax"
    "codegen.py": 2,  # "ends in softmax"; `identity` is a variable's name there
    "budgets.py": 1,  # the fc that holds most parameters
    "elaborate.py": 1,  # `input` is a statement keyword there
}


def _mentions(path: Path) -> list[ast.Constant]:
    """String constants equal to a kind's name, docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and node.value in KIND_NAMES and id(node) not in docstrings
    ]


def _modules() -> list[Path]:
    return [
        path
        for path in sorted(PACKAGE.rglob("*.py"))
        if "layers" not in path.relative_to(PACKAGE).parts and path.name != "_grammar_parser.py"
    ]


def test_kind_names_stay_in_the_kinds():
    found = {str(path.relative_to(PACKAGE)): len(_mentions(path)) for path in _modules()}
    over = {name: count for name, count in found.items() if count > STILL_OUTSIDE.get(name, 0)}
    assert not over, f"kind names written outside netspec/layers/ (make them a trait of the kind): {over}"


def test_every_table_of_kind_names_names_real_kinds():
    """A tuple, set, list or dict keys of strings mostly naming kinds names nothing else (a typo
    like `"maxpool2"` would silently never match)."""
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            items = node.keys if isinstance(node, ast.Dict) else getattr(node, "elts", None)
            if not isinstance(node, ast.Tuple | ast.Set | ast.List | ast.Dict) or not items:
                continue
            words = [item.value for item in items if isinstance(item, ast.Constant) and isinstance(item.value, str)]
            if (
                len(words) >= 2
                and len(words) == len(items)
                and sum(word in KIND_NAMES for word in words) * 2 > len(words)
            ):
                strays = [word for word in words if word not in KIND_NAMES]
                assert not strays, f"{path.name}:{node.lineno}: {strays} in a table of kind names"


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_each_kind_says_what_an_output_cell_reads(kind):
    assert kind.reads in (WINDOW, SAME_CELL, WHOLE, BINS, None)
    argument_names = {arg.name for arg in kind.args}
    if kind.reads == WINDOW:  # the footprint reads these values
        assert {"kernel", "stride", "pad"} <= argument_names
    if kind.activation:
        assert kind.reads == SAME_CELL
    assert kind.folds == (kind.reads == SAME_CELL)


def test_merges_are_kinds_with_a_symbol_and_never_fold():
    for merge in MERGES:
        assert merge.merge and not merge.folds
        assert merge.symbol in "+⊕×"
    assert len({merge.symbol for merge in MERGES}) == len(MERGES)
    assert not any(kind.merge for kind in KINDS)


@pytest.mark.parametrize(
    ("line", "caption"),
    [
        ("conv 96 11x11 stride=4", "conv 11×11/4"),
        ("conv 8 3x3 stride=2x1 dilation=2", "conv 3×3/2×1 d2"),
        ("conv 8 3x3 groups=8 pad=1", "conv 3×3 dw"),
        ("conv 8 3x3 groups=2 pad=1", "conv 3×3 g2"),
        ("convtranspose 4 2 stride=2", "deconv 2×2/2"),
        ("maxpool 3 stride=2", "maxpool 3×3/2"),
        ("adaptiveavgpool 2", "adaptiveavgpool 2×2"),
        ("upsample 2", "upsample ×2"),
        ("upsample 2x1", "upsample ×2×1"),
        ("globalavgpool", "global avgpool"),
        ("batchnorm", "bn"),
        ("dropout 0.25", "dropout 0.25"),
        ("fc 10", "fc 10"),
        ("relu", "relu"),
    ],
)
def test_captions_come_from_the_kind(line, caption):
    from netspec.checker import check_text
    from netspec.draw.text import caption as drawn_caption

    result = check_text(f"input 8x32x32\n{line}\n", "t.net")
    assert not result.diagnostics.errors, result.diagnostics
    layer = result.layers[-1]
    assert drawn_caption(layer) == caption

"""Inlay hints: each statement's output shape after its last word (`conv 96 11x11 stride=4 → 96×55×55`).

A layer or merge gets the shape it outputs; a block call, `branch` or `shortcut` the shape its last
layer outputs. A statement that runs several times (in a block body called with different values,
or in a repeat) gets its distinct shapes in the order they ran: `→ 64×56×56 | 128×28×28 | …` (at
most MAX_SHAPES, then `…`); one shape when every run gives the same. A statement the check did not
reach (after an error) gets none.
"""

from __future__ import annotations

from lsprotocol import types

from netspec.lsp.document import Analysis, walk
from netspec.lsp.hover import shape_text
from netspec.lsp.ranges import position

MAX_SHAPES = 3


def shapes_label(shapes: list[tuple[int, ...]]) -> str:
    """`→ 96×55×55`, or the distinct shapes of several runs: `→ 64×56×56 | 128×28×28 | …`."""
    distinct = list(dict.fromkeys(shapes))
    shown = [shape_text(s) for s in distinct[:MAX_SHAPES]] + (["…"] if len(distinct) > MAX_SHAPES else [])
    return "→ " + " | ".join(shown)


def inlay_hints(analysis: Analysis, first_line: int, last_line: int, encoding: str) -> list[types.InlayHint]:
    """Hints for the statements that start on lines `first_line`…`last_line` (1-based)."""
    hints = []
    for statement in walk(analysis.statements):
        if not first_line <= statement.span.line <= last_line:
            continue
        layers = analysis.layers_of(statement)
        shapes = [layer.output for layer in layers] or [run[-1].output for run in analysis.runs_of(statement)]
        if not shapes:
            continue
        span = statement.span
        hints.append(
            types.InlayHint(
                position=position(analysis.lines, span.end_line, span.end_column, encoding),
                label=shapes_label(shapes),
                kind=types.InlayHintKind.Type,
                padding_left=True,
            )
        )
    return hints

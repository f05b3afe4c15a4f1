"""Hover: what a statement does, from the check — input → output shape, parameters, MACs,
receptive field and the arithmetic `netspec check --explain` prints for it.

A statement in a block body (or a repeat) runs once per call: the hover lists every run's figures
(at most MAX_RUNS, then a count) and the arithmetic of the first. A block call, `branch` or
`shortcut` shows what the whole call did: its input → output, layers, parameters and MACs.

The text is Markdown made of a fenced code block only: everything in it comes from the spec, and
inside a fence nothing is read as Markdown or HTML.
"""

from __future__ import annotations

import re

from netspec.checker import LayerReport
from netspec.diagnostics import terminal_text
from netspec.layers import lookup
from netspec.layers.merge import BY_NAME as MERGES
from netspec.lsp.completion import BRANCH, KEYWORDS, SHORTCUT
from netspec.lsp.document import Analysis, walk
from netspec.syntax import Statement

MAX_RUNS = 8


def shape_text(shape: tuple[int, ...] | None) -> str:
    """`96×55×55`, `10`."""
    return "×".join(str(d) for d in shape) if shape else "?"


def pair_text(pair) -> str:
    if pair is None:
        return "-"
    return str(pair[0]) if pair[0] == pair[1] else f"{pair[0]}×{pair[1]}"


def hover_text(analysis: Analysis, statement: Statement) -> str | None:
    """The hover of a statement, as Markdown; None when there is nothing to say."""
    lines = _describe(analysis, statement)
    return fenced("\n".join(lines)) if lines else None


def fenced(text: str) -> str:
    """`text` as a Markdown code block whose fence is longer than any run of backticks in it."""
    text = "\n".join(terminal_text(line, keep_tabs=True) for line in text.split("\n"))
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"


def _describe(analysis: Analysis, statement: Statement) -> list[str]:
    word = statement.word.lower()
    result = analysis.result
    layers = analysis.layers_of(statement)
    if layers:
        return _layer_runs(layers)
    runs = analysis.runs_of(statement)
    if runs:
        return _scope_runs(statement, runs, analysis)
    if word == "input" and result.input_shape is not None:
        return [f"input {shape_text(result.input_shape)} (C×H×W)" if len(result.input_shape) == 3 else
                f"input {shape_text(result.input_shape)} (a vector)"]  # fmt: skip
    if word == "network":
        return _network(analysis)
    if word == "block" and statement.args:
        return _block(analysis, statement)
    if word in KEYWORDS or word in ("branch", "shortcut"):
        return [KEYWORDS.get(word) or (BRANCH if word == "branch" else SHORTCUT)]
    kind = lookup(word) or MERGES.get(word)
    if kind is not None:
        return [f"{kind.name}: {kind.summary}", "(not checked: an earlier error stops the check before it)"]
    if word in analysis.blocks:
        return [f"call of block {word} (line {analysis.blocks[word].span.line})", "(not checked)"]
    return []


def _layer_runs(layers: list[LayerReport]) -> list[str]:
    first = layers[0]
    lines = [first.instance.statement.text]
    if len(layers) == 1:
        lines += [f"name    {first.name}", *_figures(first)]
    else:
        lines.append(f"runs {len(layers):,} times (block calls or repeats):")
        for layer in layers[:MAX_RUNS]:
            lines.append(
                f"  {layer.name}: {shape_text(layer.input)} → {shape_text(layer.output)}, "
                f"params {layer.params:,}, MACs {layer.macs:,}, RF {pair_text(layer.rf)}"
            )
        if len(layers) > MAX_RUNS:
            lines.append(f"  … and {len(layers) - MAX_RUNS:,} more")
        lines += ["", f"the first, {first.name} ({first.instance.statement.text}):", *_figures(first)]
    return lines


def _figures(layer: LayerReport) -> list[str]:
    return [
        f"input   {shape_text(layer.input)}",
        f"output  {shape_text(layer.output)}",
        f"params  {layer.params:,}" + (f" (+ {layer.buffers:,} buffers)" if layer.buffers else ""),
        f"MACs    {layer.macs:,}",
        f"RF      {pair_text(layer.rf)} (jump {pair_text(layer.jump)})",
        "",
        *layer.explain,
    ]


def _scope_runs(statement: Statement, runs: list[list[LayerReport]], analysis: Analysis) -> list[str]:
    word = statement.word.lower()
    head = statement.text if word not in ("branch", "shortcut") else word
    lines = [head]
    block = analysis.blocks.get(word)
    if block is not None:
        lines.append(f"block {block.args[0].text}, defined on line {block.span.line}")
    if len(runs) > 1:
        lines.append(f"runs {len(runs):,} times:")
    for run in runs[:MAX_RUNS]:
        params = sum(layer.params for layer in run)
        macs = sum(layer.macs for layer in run)
        first, last = run[0], run[-1]
        lines.append(
            f"{'  ' if len(runs) > 1 else ''}{shape_text(first.input)} → {shape_text(last.output)}: "
            f"{len(run):,} layer{'s' * (len(run) != 1)}, params {params:,}, MACs {macs:,}, RF {pair_text(last.rf)}"
        )
    if len(runs) > MAX_RUNS:
        lines.append(f"  … and {len(runs) - MAX_RUNS:,} more")
    return lines


def _block(analysis: Analysis, statement: Statement) -> list[str]:
    name = statement.args[0].text.lower()
    calls = [s for s in walk(analysis.statements) if s.word.lower() == name]
    params = [v.text for v in statement.args[1:]] + [f"{o.key}={o.value.text}" for o in statement.options]
    where = ", ".join(str(s.span.line) for s in calls[:MAX_RUNS]) + (", …" if len(calls) > MAX_RUNS else "")
    return [
        " ".join(["block", statement.args[0].text, *params]),
        f"called {len(calls):,} time{'s' * (len(calls) != 1)}" + (f" (lines {where})" if calls else ""),
        "hover a call for its figures",
    ]


def _network(analysis: Analysis) -> list[str]:
    result = analysis.result
    lines = [f"network {result.name}"]
    if result.ok:
        lines += [
            f"{shape_text(result.input_shape)} → {shape_text(result.output_shape)}",
            f"{len(result.layers):,} layers, params {result.params:,}, MACs {result.macs:,} per sample",
        ]
    else:
        lines.append("(the spec has errors: no totals)")
    return lines

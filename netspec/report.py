"""Presenting a check: the per-layer table, the totals, the memory estimate, and the JSON object."""

from __future__ import annotations

from netspec.checker import CheckResult, LayerReport
from netspec.color import PLAIN, Palette
from netspec.diagnostics import render_all, summary, terminal_text
from netspec.layers.base import fmt_shape
from netspec.memory import DTYPE_BYTES, MemoryEstimate, peak_text
from netspec.units import fmt_bytes, fmt_count

SCHEMA = 2


def statement_text(layer: LayerReport) -> str:
    """The layer as it runs: its statement with the values a block call gave it (`conv 128 3x3
    pad=1`, not `conv filters 3x3 pad=1`), without its label (the name column shows that)."""
    return layer.instance.statement.text


def line_text(layer: LayerReport) -> str:
    """`8`, or `8←40` for a layer written on line 8 in a block's body and run by the call on
    line 40 (the outermost call: the place in the spec's own sequence of layers)."""
    calls = layer.node.calls
    if not calls:
        return str(layer.line)
    return f"{layer.line}←{calls[0].span.line}"


def _rf(pair: tuple[int, int] | None) -> str:
    if pair is None:
        return "-"
    return str(pair[0]) if pair[0] == pair[1] else f"{pair[0]}x{pair[1]}"


def table(result: CheckResult, explain: bool = False, palette: Palette = PLAIN) -> str:
    header = ("#", "line", "layer", "name", "output", "params", "MACs", "RF", "jump")
    rows = [
        (
            "0",
            str(result.network.input_span.line) if result.network.input_span else "",
            "input",
            "",
            fmt_shape(result.input_shape),
            "0",
            "0",
            _rf((1, 1)) if len(result.input_shape) == 3 else "-",
            "1" if len(result.input_shape) == 3 else "-",
        )
    ]
    for layer in result.layers:
        text = terminal_text(statement_text(layer))
        if len(text) > 40:
            text = text[:39] + "…"
        rows.append(
            (
                str(layer.index),
                line_text(layer),
                text,
                layer.name,
                fmt_shape(layer.output),
                f"{layer.params:,}",
                f"{layer.macs:,}",
                _rf(layer.rf),
                _rf(layer.jump),
            )
        )
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    right = {0, 1, 5, 6}

    def fmt(row) -> str:
        cells = [cell.rjust(w) if i in right else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths))]
        return "  ".join(cells).rstrip()

    lines = [palette.paint(fmt(header), "header"), "  ".join("-" * w for w in widths)]
    for i, row in enumerate(rows):
        lines.append(fmt(row))
        if explain and i > 0:
            for step in result.layers[i - 1].explain:
                lines.append(" " * (widths[0] + widths[1] + 4) + "  " + step)
    return "\n".join(lines)


def totals_text(result: CheckResult, memory: MemoryEstimate, limit: int) -> str:
    params, macs = result.params, result.macs
    size = params * DTYPE_BYTES[memory.dtype]
    lines = [
        f"params      {params:,} ({fmt_count(params)}), all trainable; weights {fmt_bytes(size)} in {memory.dtype}",
        f"MACs        {macs:,} ({fmt_count(macs)}) per sample; FLOPs = 2 × MACs = {fmt_count(2 * macs)}",
        f"memory      one training step at batch {memory.batch}, {memory.dtype}, {memory.optimizer}, {memory.device}:",
        f"              weights {fmt_bytes(memory.weights)} + gradients {fmt_bytes(memory.gradients)}"
        f" + optimizer {fmt_bytes(memory.optimizer_state)}",
        f"              + activations {fmt_bytes(memory.activations)} + input {fmt_bytes(memory.input)}"
        f" + workspace {fmt_bytes(memory.workspace)} = {fmt_bytes(memory.total)}",
        f"              {peak_text(memory)}",
        f"              largest batch in {fmt_bytes(limit)}: {memory.max_batch(limit):,}",
    ]
    if result.buffers:
        lines.insert(1, f"buffers     {result.buffers:,} (batch-norm running statistics, not trained)")
    return "\n".join(lines)


def text_report(
    result: CheckResult, memory: MemoryEstimate | None, limit: int, explain: bool = False, palette: Palette = PLAIN
) -> str:
    """What `netspec check` prints: name, table, totals, diagnostics, the count of problems; in
    colour (netspec.color) when `palette` is on."""
    parts = []
    diagnostics = render_all(result.diagnostics.sorted(), result.source, palette)  # each once, in source order
    if result.network is not None and result.input_shape is not None and (result.layers or result.ok):
        parts.append(terminal_text(f"{result.name} ({result.source.name})"))
        parts.append(table(result, explain, palette))
        if result.ok and memory is not None:
            parts.append(totals_text(result, memory, limit))
    if diagnostics:
        parts.append(diagnostics)
    shown = result.diagnostics.sorted()
    if any(d.severity in ("error", "warning") for d in shown):
        parts.append(summary(shown))
    return "\n\n".join(parts)


def json_report(result: CheckResult, memory: MemoryEstimate | None, limit: int | None) -> dict:
    """The stable JSON object of `netspec check --json` (schema 2, see README)."""
    layers = [
        {
            "id": layer.index,
            "index": layer.index,
            "inputs": list(layer.inputs),
            "line": layer.line,
            "call_lines": [call.span.line for call in layer.node.calls],
            "kind": layer.kind,
            "name": layer.name,
            "scope": _scope(layer),
            "text": statement_text(layer),
            "input": list(layer.input),
            "output": list(layer.output),
            "params": layer.params,
            "macs": layer.macs,
            "rf": _json_pair(layer.rf),
            "jump": _json_pair(layer.jump),
        }
        for layer in result.layers
    ]
    return {
        "schema": SCHEMA,
        "file": result.source.name,
        "network": result.name,
        "input": list(result.input_shape) if result.input_shape else None,
        "output": list(result.output_shape) if result.output_shape else None,
        "ok": result.ok,
        "layers": layers,
        "totals": {
            "params": result.params,
            "trainable_params": result.params,
            "buffers": result.buffers,
            "macs": result.macs,
            "flops": 2 * result.macs,
        },
        "memory": memory.to_json(limit) if memory is not None and result.ok else None,
        "diagnostics": [d.to_json() for d in result.diagnostics.sorted()],
    }


def _scope(layer: LayerReport) -> list[dict]:
    """The frames around a layer, outermost first: block calls, branches and shortcuts, each with
    its part of the layer's dotted name."""
    parts = layer.name.split(".")
    return [
        {"kind": frame.kind, "name": part, "block": frame.name if frame.kind == "call" else None,
         "line": frame.statement.span.line}
        for frame, part in zip(layer.node.frames, parts)
    ]  # fmt: skip


def _json_pair(pair) -> list | None:
    """RF and jump per axis: whole numbers, or [numerator, denominator] after upsampling."""
    if pair is None:
        return None
    return [v if isinstance(v, int) else [v.numerator, v.denominator] for v in pair]

"""A check as HTML, for Jupyter (`Report._repr_html_`): the table, the totals, the memory of a
training step and the diagnostics, each with its source line and a caret under the span.

The same facts as `netspec check`'s text (netspec.report), laid out as tables. Every piece of
text from a spec, a file name or a diagnostic goes through one helper, `_escaped` (control
characters escaped as the terminal shows them, then `&`, `<`, `>` and quotes as entities), so a
label such as `<script>` is shown, never interpreted. Styles are inline (notebooks may drop a
`<style>` element) and there are no scripts; colours are mid-tones and backgrounds translucent
greys, so the output reads on light and dark themes alike.

A network of many thousands of layers shows its first `HEAD_ROWS` and last `TAIL_ROWS` rows and
says how many it left out (`Report.layers` has them all); diagnostics are capped per code as on
a terminal (netspec.diagnostics.SHOWN_PER_CODE).
"""

from __future__ import annotations

import html

from netspec.checker import CheckResult
from netspec.diagnostics import ERROR, SHOWN_PER_CODE, WARNING, Diagnostic, render, summary, terminal_text
from netspec.layers.base import fmt_shape
from netspec.memory import MemoryEstimate
from netspec.report import _rf as rf_text
from netspec.report import line_text, statement_text
from netspec.units import fmt_bytes, fmt_count

HEAD_ROWS = 200
TAIL_ROWS = 50
COLOURS = {ERROR: "#d9534f", WARNING: "#c98a1a", "note": "#5b8fd9", "ok": "#3a9e5c"}
RULE = "rgba(127,127,127,0.35)"
SHADE = "rgba(127,127,127,0.12)"
MONO = "font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace"
CELL = "padding:1px 8px"  # short: it is repeated in every cell of up to 250 rows
ROW = f"border-bottom:1px solid {RULE}"
COLUMNS = ("#", "line", "layer", "name", "output", "params", "MACs", "RF", "jump")
RIGHT = {"#", "line", "params", "MACs"}


def _escaped(text: object, keep_tabs: bool = False) -> str:
    """The one way text reaches the page: printable (netspec.diagnostics.terminal_text), then
    HTML-escaped with quotes, so it is safe inside elements and attribute values alike."""
    return html.escape(terminal_text(str(text), keep_tabs=keep_tabs), quote=True)


def html_report(result: CheckResult, memory: MemoryEstimate | None, limit: int) -> str:
    """The check as one `<div>` of HTML (see the module docstring)."""
    parts = [f'<div style="{MONO}; font-size: 12px; line-height: 1.45; color: inherit">']
    shown = result.diagnostics.sorted()
    if result.network is not None and result.input_shape is not None and (result.layers or result.ok):
        parts.append(_title(result, shown))
        parts.append(_layer_table(result))
        if result.ok and memory is not None:
            parts.append(_totals(result, memory, limit))
    if shown:
        parts.append(_diagnostics(shown, result))
    parts.append("</div>")
    return "\n".join(parts)


def _title(result: CheckResult, shown: list[Diagnostic]) -> str:
    if any(d.severity in (ERROR, WARNING) for d in shown):
        colour = COLOURS[ERROR] if not result.ok else COLOURS[WARNING]
        status = summary(shown)
    else:
        colour, status = COLOURS["ok"], "ok"
    return (
        f'<div style="margin: 4px 0 6px 0"><b>{_escaped(result.name)}</b> '
        f'<span style="opacity: 0.7">({_escaped(result.source.name)})</span> '
        f'<span style="color: {colour}; font-weight: bold">{_escaped(status)}</span></div>'
    )


def _row(cells: list[str], header: bool = False) -> str:
    tag = "th" if header else "td"
    out = []
    for column, cell in zip(COLUMNS, cells):
        align = "right" if column in RIGHT else "left"
        out.append(f'<{tag} style="{CELL};text-align:{align}">{cell}</{tag}>')
    shade = f";background:{SHADE};font-weight:bold" if header else ""
    return f'<tr style="{ROW}{shade}">' + "".join(out) + "</tr>"


def _layer_table(result: CheckResult) -> str:
    vector = len(result.input_shape) != 3
    span = result.network.input_span
    rows = [
        _row(
            [
                "0",
                str(span.line) if span else "",
                "input",
                "",
                _escaped(fmt_shape(result.input_shape)),
                "0",
                "0",
                "-" if vector else "1",
                "-" if vector else "1",
            ]
        )
    ]
    layers = result.layers
    skipped = len(layers) - HEAD_ROWS - TAIL_ROWS
    chosen = layers if skipped <= 0 else [*layers[:HEAD_ROWS], None, *layers[-TAIL_ROWS:]]
    for layer in chosen:
        if layer is None:
            rows.append(
                f'<tr style="{ROW}"><td colspan="{len(COLUMNS)}" style="{CELL};opacity:0.7">… {skipped:,} layers not shown '
                f"(Report.layers lists them all) …</td></tr>"
            )
            continue
        rows.append(
            _row(
                [
                    str(layer.index),
                    _escaped(line_text(layer)),
                    _escaped(statement_text(layer)),
                    _escaped(layer.name),
                    _escaped(fmt_shape(layer.output)),
                    f"{layer.params:,}",
                    f"{layer.macs:,}",
                    _escaped(rf_text(layer.rf)),
                    _escaped(rf_text(layer.jump)),
                ]
            )
        )
    header = _row([_escaped(c) for c in COLUMNS], header=True)
    return (
        '<table data-netspec="layers" style="border-collapse: collapse; margin: 0 0 8px 0; white-space: nowrap; '
        'font-size: 12px; font-variant-numeric: tabular-nums">'
        f"<thead>{header}</thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _totals(result: CheckResult, memory: MemoryEstimate, limit: int) -> str:
    params, macs = result.params, result.macs
    lines = [
        ("params", f"{params:,}", f"({fmt_count(params)}), all trainable; weights {fmt_bytes(memory.weights)} in "
         f"{memory.dtype}"),
        ("buffers", f"{result.buffers:,}", "batch-norm running statistics, not trained") if result.buffers else None,
        ("MACs", f"{macs:,}", f"({fmt_count(macs)}) per sample; FLOPs = 2 × MACs = {fmt_count(2 * macs)}"),
        ("memory", fmt_bytes(memory.total),
         f"one training step at batch {memory.batch:,}, {memory.dtype}, {memory.optimizer}, {memory.device}"),
        ("", fmt_bytes(memory.weights), "weights"),
        ("", fmt_bytes(memory.gradients), "gradients"),
        ("", fmt_bytes(memory.optimizer_state), "optimizer state"),
        ("", fmt_bytes(memory.activations), "activations saved for backward"),
        ("", fmt_bytes(memory.input), "input batch"),
        ("", fmt_bytes(memory.workspace), "workspace (gradients alive during backward)"),
        ("largest batch", f"{memory.max_batch(limit):,}", f"in {fmt_bytes(limit)}"),
    ]  # fmt: skip
    cell = "padding: 0 8px; white-space: nowrap"
    rows = [
        f'<tr><th style="{cell}; text-align: left">{_escaped(label)}</th>'
        f'<td style="{cell}; text-align: right">{_escaped(value)}</td>'
        f'<td style="{cell}; text-align: left; opacity: 0.8">{_escaped(words)}</td></tr>'
        for label, value, words in filter(None, lines)
    ]
    return (
        '<table data-netspec="totals" style="border-collapse: collapse; margin: 0 0 8px 0; '
        f'font-size: 12px; font-variant-numeric: tabular-nums">{"".join(rows)}</table>'
    )


def _diagnostics(diagnostics: list[Diagnostic], result: CheckResult) -> str:
    """Each diagnostic as `netspec check` renders it (netspec.diagnostics.render: the location,
    the message, the source line, the caret, the hint, the notes), coloured by severity."""
    blocks = []
    seen: dict[str, int] = {}
    hidden: dict[tuple[str, str], int] = {}
    for diagnostic in diagnostics:
        seen[diagnostic.code] = seen.get(diagnostic.code, 0) + 1
        if seen[diagnostic.code] > SHOWN_PER_CODE:
            key = (diagnostic.severity, diagnostic.code)
            hidden[key] = hidden.get(key, 0) + 1
            continue
        blocks.append(_diagnostic(diagnostic, result))
    for (severity, code), count in hidden.items():
        blocks.append(f'<div style="opacity: 0.7">… {count:,} more {_escaped(severity)}s [{_escaped(code)}] not '
                      "shown (Report.diagnostics lists them all)</div>")  # fmt: skip
    return '<div data-netspec="diagnostics">' + "\n".join(blocks) + "</div>"


def _diagnostic(diagnostic: Diagnostic, result: CheckResult) -> str:
    colour = COLOURS.get(diagnostic.severity, COLOURS["note"])
    lines = render(diagnostic, result.source).split("\n")
    caret = 2 if diagnostic.span is not None and len(lines) > 2 and _is_caret(lines[2]) else None
    out = []
    for position, line in enumerate(lines):
        text = _escaped(line, keep_tabs=True)  # already printable: this only escapes for HTML
        if position == 0:
            text = f'<span style="color: {colour}; font-weight: bold">{text}</span>'
        elif position == caret:
            text = f'<span style="color: {colour}; font-weight: bold">{text}</span>'
        out.append(text)
    return (
        f'<pre data-severity="{_escaped(diagnostic.severity)}" style="{MONO}; margin: 4px 0; padding: 4px 8px; '
        f'border-left: 3px solid {colour}; background: {SHADE}; color: inherit; white-space: pre; overflow-x: auto; tab-size: 8">'
        + "\n".join(out)
        + "</pre>"
    )


def _is_caret(line: str) -> bool:
    stripped = line.strip()
    return line.startswith("    ") and stripped != "" and set(stripped) <= {"^", "~"}

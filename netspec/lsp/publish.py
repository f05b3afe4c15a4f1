"""The check's diagnostics as LSP diagnostics: severity, code, message with its hint, and the block
calls a diagnostic comes from as related information ("in the call `stage 128 2`")."""

from __future__ import annotations

from lsprotocol import types

from netspec.diagnostics import ERROR, WARNING, terminal_text
from netspec.lsp.document import Analysis
from netspec.lsp.ranges import span_range

SEVERITIES = {ERROR: types.DiagnosticSeverity.Error, WARNING: types.DiagnosticSeverity.Warning}
MAX_PER_CODE = 200  # 100,000 `relu` lines in a row would otherwise send 99,999 warnings


def lsp_diagnostics(analysis: Analysis, encoding: str) -> list[types.Diagnostic]:
    """Every diagnostic of the check once, in source order; past MAX_PER_CODE of one code the
    rest are left out (the last one sent says how many)."""
    lines = analysis.lines
    out: list[types.Diagnostic] = []
    counts: dict[str, int] = {}
    items = analysis.result.diagnostics.sorted()
    totals: dict[str, int] = {}
    for item in items:
        totals[item.code] = totals.get(item.code, 0) + 1
    for item in items:
        counts[item.code] = counts.get(item.code, 0) + 1
        if counts[item.code] > MAX_PER_CODE:
            continue
        # as the terminal shows it: control characters from the spec escaped, one line each
        message = terminal_text(item.message) + (f"\nhint: {terminal_text(item.hint)}" if item.hint else "")
        if counts[item.code] == MAX_PER_CODE and totals[item.code] > MAX_PER_CODE:
            message += (
                f"\n({totals[item.code] - MAX_PER_CODE:,} more [{item.code}] not shown: netspec check lists them)"
            )
        related = [
            types.DiagnosticRelatedInformation(
                location=types.Location(uri=analysis.uri, range=span_range(lines, span, encoding)),
                message=terminal_text(note),
            )
            for note, span in item.notes
        ]
        out.append(
            types.Diagnostic(
                range=span_range(lines, item.span, encoding),
                message=message,
                severity=SEVERITIES.get(item.severity, types.DiagnosticSeverity.Information),
                code=item.code,
                source="netspec",
                related_information=related or None,
            )
        )
    return out

"""netspec spans as LSP ranges, in the negotiated position encoding."""

from __future__ import annotations

from lsprotocol import types

from netspec.lsp.positions import to_lsp
from netspec.source import Span


def position(lines: list[str], line: int, column: int, encoding: str) -> types.Position:
    """A 1-based netspec (line, column) as an LSP position."""
    line0, character = to_lsp(lines, line, column, encoding)
    return types.Position(line=line0, character=character)


def span_range(lines: list[str], span: Span | None, encoding: str) -> types.Range:
    """A span as a range; no span (a file-level diagnostic) is the file's first character."""
    if span is None:
        return types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0))
    return types.Range(
        start=position(lines, span.line, span.column, encoding),
        end=position(lines, span.end_line, span.end_column, encoding),
    )

"""Go to definition (a block call → its `block` line) and the document's outline: the network with
its labelled layers, block calls and merges; each block with its own; the `train` settings."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from lsprotocol import types

from netspec.diagnostics import terminal_text
from netspec.lsp.document import Analysis, block_end
from netspec.lsp.hover import shape_text
from netspec.lsp.ranges import position, span_range
from netspec.source import Span
from netspec.syntax import Statement

SymbolKind = types.SymbolKind


def definition(analysis: Analysis, line: int, column: int, encoding: str) -> types.Location | None:
    """Where the word at (line, column) is defined: a block parameter used in the block's body →
    the parameter in the `block` line; anywhere on a block call → the `block NAME …` line."""
    statement = analysis.statement_at(line, column)
    if statement is None:
        return None
    word = word_at(analysis.source.line_text(line), column)
    if word is not None and statement.word_span.line == line and not _covers(statement.word_span, column):
        for block in analysis.blocks.values():
            if block.span.line < line <= block_end(analysis.source, block)[0]:
                span = _parameter_span(block, word)
                if span is not None:
                    return types.Location(uri=analysis.uri, range=span_range(analysis.lines, span, encoding))
    block = analysis.blocks.get(statement.word.lower())
    if block is None or block is statement:
        return None
    return types.Location(uri=analysis.uri, range=span_range(analysis.lines, block.span, encoding))


def word_at(text: str, column: int) -> str | None:
    """The name (letters, digits, `_`) at or just before 1-based `column` of `text`."""
    for match in re.finditer(r"[A-Za-z_][A-Za-z0-9_]*", text):
        if match.start() < column <= match.end() + 1:
            return match.group()
    return None


def _parameter_span(block: Statement, name: str) -> Span | None:
    for value in block.args[1:]:
        if value.kind == "word" and value.text == name:
            return value.span
    for option in block.options:
        if option.key == name:
            return option.key_span
    return None


def _covers(span: Span, column: int) -> bool:
    return span.column <= column <= span.end_column


def document_symbols(analysis: Analysis, encoding: str) -> list[types.DocumentSymbol]:
    """The outline: the network (its labelled statements inside), every block, `train`."""
    lines = analysis.lines
    if not analysis.statements:
        return []
    symbols: list[types.DocumentSymbol] = []
    network_children: list[types.DocumentSymbol] = []
    network_statement = None
    for statement in analysis.statements:
        word = statement.word.lower()
        if word == "block" and statement.body is not None and statement.args:
            params = " ".join(v.text for v in statement.args[1:])
            symbols.append(_symbol(analysis, statement, statement.args[0].text, SymbolKind.Class, params, encoding))
        elif word == "train" and statement.body is not None:
            symbols.append(_symbol(analysis, statement, "train", SymbolKind.Namespace, "training settings", encoding))
        elif word == "network" and network_statement is None:
            network_statement = statement
        else:
            network_children += _labelled(analysis, statement, encoding)
    result = analysis.result
    name = result.name if result.network is not None else PurePosixPath(analysis.source.name).stem
    end = position(lines, len(lines), len(lines[-1]) + 1 if lines else 1, encoding)
    anchor = network_statement.span if network_statement is not None else Span.point(1, 1, 0)
    detail = "network"
    if result.ok:
        detail = f"{shape_text(result.input_shape)} → {shape_text(result.output_shape)}, {result.params:,} params"
    network = types.DocumentSymbol(
        name=terminal_text(name) or "network",
        kind=SymbolKind.Module,
        range=types.Range(start=types.Position(line=0, character=0), end=end),
        selection_range=span_range(lines, anchor, encoding),
        detail=detail,
        children=network_children,
    )
    return [network, *symbols]


def _labelled(analysis: Analysis, statement: Statement, encoding: str) -> list[types.DocumentSymbol]:
    """The symbol of a labelled statement (its labelled descendants inside), or the labelled
    descendants of an unlabelled one (a `repeat`)."""
    if statement.label is None:
        return [s for child in statement.body or () for s in _labelled(analysis, child, encoding)]
    word = statement.word.lower()
    kind = SymbolKind.Object if statement.body is not None or word in analysis.blocks else SymbolKind.Field
    return [_symbol(analysis, statement, statement.label, kind, statement.text, encoding)]


def _symbol(analysis: Analysis, statement: Statement, name: str, kind, detail: str, encoding: str):
    lines = analysis.lines
    span = statement.span
    if statement.body is not None:
        end_line, end_column = block_end(analysis.source, statement)
        full = Span(span.line, span.column, end_line, end_column)
    else:
        full = span
    children = [s for child in statement.body or () for s in _labelled(analysis, child, encoding)]
    selection = statement.label_span if statement.label_span is not None else statement.word_span
    if statement.word.lower() == "block" and statement.args:
        selection = statement.args[0].span
    return types.DocumentSymbol(
        name=terminal_text(name),
        kind=kind,
        range=span_range(lines, full, encoding),
        selection_range=span_range(lines, selection, encoding),
        detail=terminal_text(detail),
        children=children,
    )

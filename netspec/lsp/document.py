"""One version of an open document, checked once and indexed for the editor's questions.

The check is the CLI's (`netspec.checker.check_source`); the statements come from the same parser
(`netspec.syntax.parse`), so the editor and `netspec check` never disagree. What the features ask —
which statement is under the cursor, which layers it ran as, which block a call names — is answered
from indexes built here once per version.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import unquote

from netspec import syntax
from netspec.checker import CheckResult, LayerReport, check_source
from netspec.collector import collector_paused
from netspec.diagnostics import Diagnostics
from netspec.source import SourceFile, Span
from netspec.syntax import Statement

_STRING_OR_COMMENT = re.compile(r'"(?:[^"\\\n]|\\.)*"|#[^\n]*')


def document_name(uri: str) -> str:
    """The file name a diagnostic and the default network name come from: `file:///a/b/lenet.net`
    → `lenet.net`."""
    return unquote(uri.rstrip("/").rsplit("/", 1)[-1]) or "untitled.net"


class Analysis:
    """A document's text, its check, its statements and the indexes over them."""

    def __init__(self, uri: str, text: str):
        self.uri = uri
        self.text = text  # as the editor sent it (SourceFile makes its line endings `\n`)
        self.source = SourceFile(document_name(uri), text)
        self.result: CheckResult = check_source(self.source)
        self.statements: list[Statement] = []
        self.blocks: dict[str, Statement] = {}
        self.layers_at: dict[tuple[int, int], list[LayerReport]] = {}
        self.frames_at: dict[tuple[int, int], dict[int, list[LayerReport]]] = {}
        self._editor_lines: list[str] | None = None
        with collector_paused():  # what is built here is kept, without cycles (netspec/collector.py)
            self._index()

    def _index(self) -> None:
        self.statements = parse_statements(self.source)
        self.blocks = {
            s.args[0].text.lower(): s
            for s in self.statements
            if s.word.lower() == "block" and s.body is not None and s.args and s.args[0].kind == "word"
        }
        for layer in self.result.layers:
            self.layers_at.setdefault(_start(layer.instance.statement.span), []).append(layer)
            for frame in layer.node.frames:
                calls = self.frames_at.setdefault(_start(frame.statement.span), {})
                calls.setdefault(id(frame), []).append(layer)

    @property
    def lines(self) -> list[str]:
        return self.source.lines

    @property
    def editor_lines(self) -> list[str]:
        """The lines as the editor counts them (see `editor_lines`)."""
        if self._editor_lines is None:
            self._editor_lines = editor_lines(self.source)
        return self._editor_lines

    def statement_at(self, line: int, column: int) -> Statement | None:
        """The innermost statement written on `line` (1-based): the one whose words cover
        `column`, else the last one starting before it, else the first on the line."""
        on_line = [s for s in walk(self.statements) if s.span.line == line]
        if not on_line:
            return None
        covering = [s for s in on_line if s.span.column <= column <= _end_on_line(s.span)]
        if covering:
            return max(covering, key=lambda s: s.span.column)
        before = [s for s in on_line if s.span.column <= column]
        return max(before, key=lambda s: s.span.column) if before else min(on_line, key=lambda s: s.span.column)

    def layers_of(self, statement: Statement) -> list[LayerReport]:
        """The layers (or the merge) a layer statement ran as: one per block call or repeat."""
        return self.layers_at.get(_start(statement.span), [])

    def runs_of(self, statement: Statement) -> list[list[LayerReport]]:
        """For a block call, `branch` or `shortcut`: the layers each run of it executed, in order."""
        return list(self.frames_at.get(_start(statement.span), {}).values())


def editor_lines(source: SourceFile) -> list[str]:
    """The lines an editor's positions count: `SourceFile.lines` plus, after a final line break,
    the empty line the cursor stands on to start a new statement (LSP splits at every `\n`, `\r\n`
    and `\r`, which SourceFile has made `\n`). Reading a position against `SourceFile.lines` put
    that cursor at the end of the line above: completion offered its kind's options, hover
    described its statement."""
    return source.text.split("\n")


def parse_statements(source: SourceFile) -> list[Statement]:
    """The document's statements, also while it is being typed: a file that ends inside `{ }`
    (`block stage f {` before its `}` is written) is parsed with the missing braces closed."""
    statements = syntax.parse(source, Diagnostics())
    if statements is not None:
        return statements
    missing = unclosed_braces(source.text)
    if missing:
        closed = SourceFile(source.name, source.text + "\n" + "}\n" * missing)
        statements = syntax.parse(closed, Diagnostics())
    return statements or []


def unclosed_braces(text: str) -> int:
    """How many `{` are never closed (strings and comments skipped)."""
    depth = 0
    for char in _STRING_OR_COMMENT.sub("", text):
        if char == "{":
            depth += 1
        elif char == "}" and depth:
            depth -= 1
    return depth


def walk(statements: list[Statement] | tuple[Statement, ...]) -> Iterator[Statement]:
    """Every statement, nested ones too, in the order written."""
    stack = list(reversed(statements))
    while stack:
        statement = stack.pop()
        yield statement
        if statement.body:
            stack.extend(reversed(statement.body))


def block_end(source: SourceFile, statement: Statement) -> tuple[int, int]:
    """The (line, column) just after the `}` closing a statement's body (1-based), found by
    matching braces from the statement's last word; the end of the file when it is not closed."""
    lines = source.lines
    depth = 0
    line, column = statement.span.end_line, statement.span.end_column
    while line <= len(lines):
        text = _STRING_OR_COMMENT.sub(lambda m: " " * len(m.group()), lines[line - 1])
        for index in range(column - 1, len(text)):
            if text[index] == "{":
                depth += 1
            elif text[index] == "}":
                depth -= 1
                if depth <= 0:
                    return line, index + 2
        line, column = line + 1, 1
    return (len(lines), len(lines[-1]) + 1) if lines else (1, 1)


def _start(span: Span) -> tuple[int, int]:
    return span.line, span.column


def _end_on_line(span: Span) -> int:
    return span.end_column if span.end_line == span.line else 1 << 30

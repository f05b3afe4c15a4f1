"""A source file held in memory, and positions inside it."""

from __future__ import annotations

from netspec.record import Record


class Span(Record):
    """A 1-based line/column range in a source file; `end_column` is exclusive."""

    __slots__ = ("line", "column", "end_line", "end_column")

    def __init__(self, line: int, column: int, end_line: int, end_column: int):
        self.line = line
        self.column = column
        self.end_line = end_line
        self.end_column = end_column

    @classmethod
    def point(cls, line: int, column: int, width: int = 1) -> Span:
        return cls(line, column, line, column + width)

    @classmethod
    def of_token(cls, token) -> Span:
        """The span of a Lark token (which carries line/column/end_line/end_column)."""
        return cls(token.line, token.column, token.end_line, token.end_column)

    def to(self, other: Span) -> Span:
        """The span from the start of `self` to the end of `other`."""
        return Span(self.line, self.column, other.end_line, other.end_column)


class SourceFile(Record):
    """The text of a spec together with the name it is reported under.

    Line endings are made `\n` (Windows `\r\n` and old-Mac `\r` alike), and lines are split at
    `\n` only, as the parser counts them: `str.splitlines` would also split at form feeds and
    Unicode separators, and a diagnostic would then show the wrong line."""

    __slots__ = ("name", "text", "_lines")
    _fields = ("name", "text")  # `_lines` is a cache

    def __init__(self, name: str, text: str):
        self.name = name
        self.text = text.replace("\r\n", "\n").replace("\r", "\n")
        self._lines: list[str] | None = None

    def line_text(self, line: int) -> str:
        lines = self.lines
        if 1 <= line <= len(lines):
            return lines[line - 1]
        return ""

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            lines = self.text.split("\n")
            if lines[-1] == "":  # the text ends with a newline: no line after it
                lines.pop()
            self._lines = lines
        return self._lines

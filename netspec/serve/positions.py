"""Line/column positions of diagnostics as the character offsets the browser's editor uses.

A diagnostic's span is 1-based (line, column) in Unicode code points, as the parser counts them,
with lines split at `\n` only (`SourceFile`). CodeMirror 6 addresses its document by offsets in
UTF-16 code units (JavaScript string indices), a line break counting one. So

    offset(line, column) = Σ_{l < line} (utf16(text of l) + 1) + utf16(first column−1 characters of line)

where utf16(s) = len(s.encode("utf-16-le")) / 2: a character outside the Basic Multilingual Plane
(an emoji in a label) is two code units. Positions past a line's end or the text's end are clamped.
"""

from __future__ import annotations

from netspec.source import SourceFile


def utf16_length(text: str) -> int:
    """The length of `text` in UTF-16 code units (JavaScript's `text.length`)."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


class OffsetTable:
    """The UTF-16 offset of every line start of one source, computed once for many lookups."""

    def __init__(self, source: SourceFile):
        self.lines = source.text.split("\n")
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + utf16_length(line) + 1)
        self.end = self.starts[-1] - 1  # the document's length: no line break after the last line

    def offset(self, line: int, column: int) -> int:
        """The UTF-16 offset of 1-based (`line`, `column`), clamped into the document."""
        if line < 1:
            return 0
        if line > len(self.lines):
            return self.end
        text = self.lines[line - 1]
        inside = min(max(column, 1) - 1, len(text))
        return self.starts[line - 1] + utf16_length(text[:inside])

    def range(self, line: int, column: int, end_line: int, end_column: int) -> tuple[int, int]:
        """`(from, to)` of a span; never empty where the document has room, so an underline shows."""
        start = self.offset(line, column)
        stop = max(start, self.offset(end_line, end_column))
        if stop == start:
            stop = min(start + 1, self.end)
            start = min(start, stop)
        return start, stop

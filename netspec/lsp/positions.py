"""Between netspec's positions and the Language Server Protocol's.

netspec (Lark) counts lines and columns from 1, columns in characters (Unicode code points), the
end column exclusive (`netspec.source.Span`). LSP counts lines and characters from 0, characters in
the code units of the encoding agreed at `initialize` (`positionEncoding`): UTF-16 unless the client
offers another (LSP 3.17, "Position" and "PositionEncodingKind"):

    units("é", utf-8) = 2,   units("é", utf-16) = 1,   units("😀", utf-16) = 2 (a surrogate pair),
    units(s, utf-32) = len(s).

A position inside a character (the middle of a surrogate pair or of a UTF-8 sequence) is taken as
the start of that character; one past the end of a line as its end.
"""

from __future__ import annotations

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"
ENCODINGS = (UTF8, UTF16, UTF32)


def char_units(ch: str, encoding: str) -> int:
    """Code units of one character: UTF-8 1–4 bytes by code point range (RFC 3629 §3), UTF-16 two
    units above U+FFFF (RFC 2781 §2.1), UTF-32 one."""
    code = ord(ch)
    if encoding == UTF8:
        return 1 if code < 0x80 else 2 if code < 0x800 else 3 if code < 0x10000 else 4
    if encoding == UTF16:
        return 2 if code > 0xFFFF else 1
    return 1


def units(text: str, encoding: str) -> int:
    """The length of `text` in code units of `encoding`."""
    if encoding == UTF32 or text.isascii():
        return len(text)
    return sum(char_units(ch, encoding) for ch in text)


def to_lsp(lines: list[str], line: int, column: int, encoding: str) -> tuple[int, int]:
    """netspec's 1-based (line, column in characters) as LSP's 0-based (line, character in units).
    Beyond the last line: the end of the last line; beyond a line's end: that line's end."""
    if not lines:
        return 0, 0
    if line > len(lines):
        return len(lines) - 1, units(lines[-1], encoding)
    text = lines[max(line, 1) - 1]
    return max(line, 1) - 1, units(text[: max(column, 1) - 1], encoding)


def from_lsp(lines: list[str], line: int, character: int, encoding: str) -> tuple[int, int]:
    """LSP's 0-based (line, character in units) as netspec's 1-based (line, column in characters)."""
    if not lines:
        return 1, 1
    if line >= len(lines):
        return len(lines), len(lines[-1]) + 1
    text = lines[max(line, 0)]
    return max(line, 0) + 1, char_index(text, character, encoding) + 1


def char_index(text: str, character: int, encoding: str) -> int:
    """The index in `text` of the character at `character` code units (0-based): the character
    the unit belongs to, or len(text) past the end."""
    if encoding == UTF32 or text.isascii():
        return min(max(character, 0), len(text))
    seen = 0
    for index, ch in enumerate(text):
        seen += char_units(ch, encoding)
        if seen > character:
            return index
    return len(text)

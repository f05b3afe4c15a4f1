"""Text from a spec or from data on its way to a terminal: control characters escaped.

A network name, a data set's folder or a run folder's name comes from files netspec did not write;
`\x1b]0;…` (set the window title), `\x1b[2J` (clear the screen) or a bidirectional override would
act on the terminal if printed raw. `printable` writes each such character as a Python escape.
"""

from __future__ import annotations

import unicodedata


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def printable(text: str, newlines: bool = False) -> str:
    """`text` with control and format characters (Unicode categories Cc, Cf, and line/paragraph
    separators) escaped; line feeds kept when `newlines`."""
    return "".join(
        char
        if (char == "\n" and newlines)
        or (char.isprintable() and unicodedata.category(char) not in ("Cc", "Cf", "Zl", "Zp"))
        or char == " "
        else _escape(char)
        for char in text
    )

"""Writing Python source from parsed values: literals, calls, and free text made safe for comments.

Nothing a spec says reaches generated code as code. Numbers are re-emitted with `repr` of the
parsed int or float, identifiers come from `netspec.naming`, and free text (a network name, a
file name) only appears in comments and docstrings after `comment_text` has reduced it to one
printable line without quotes or backslashes. Fragments of code are written by netspec itself and
marked as such with `Code`.
"""

from __future__ import annotations

import math


class Code(str):
    """A fragment of Python written by netspec (never by a spec), passed through `literal` as is."""


def literal(value: object) -> str:
    """The Python source of a parsed value: an int, a finite float, a bool, None, a tuple of those,
    or `Code`. Strings are refused, so that text from a spec cannot become code by accident."""
    if isinstance(value, Code):
        return str(value)
    if value is None or isinstance(value, bool | int):
        return repr(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"not a finite number: {value!r}")
        return repr(value).replace("e+", "e")  # 1e308, as `ruff format` writes it
    if isinstance(value, tuple):
        items = [literal(item) for item in value]
        return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"
    raise TypeError(f"no literal for {type(value).__name__} values")


def size(pair: tuple[int, int]) -> int | tuple[int, int]:
    """`(5, 5)` as 5, the way PyTorch layers are usually written; `(5, 3)` stays a pair."""
    return pair[0] if pair[0] == pair[1] else pair


def call(function: str, *args: object, **kwargs: object) -> Code:
    """`function(arg, ..., key=value, ...)` with every value written by `literal`."""
    parts = [literal(arg) for arg in args] + [f"{key}={literal(value)}" for key, value in kwargs.items()]
    return Code(f"{function}({', '.join(parts)})")


# Line and paragraph separators end a line in Python source too; tabs and other white space
# become plain spaces. Everything else that is not printable (controls, bidirectional overrides
# and isolates, zero-width characters, surrogates) is dropped.
_SPACES = {"\t", "\n", "\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"}


def comment_text(text: str, limit: int = 72) -> str:
    """`text` as one printable line fit for a comment or a docstring: no newlines, no backslashes,
    no double quotes (so never a closing triple quote), no bidirectional controls, at most `limit`
    characters."""
    import unicodedata  # only compiling writes comments: not loaded at every `netspec check`

    out = []
    for char in text:
        if char in _SPACES or unicodedata.category(char) == "Zs":
            out.append(" ")
        elif char == "\\":
            out.append("/")
        elif char == '"':
            out.append("'")
        elif char.isprintable():
            out.append(char)
    line = " ".join("".join(out).split())
    if len(line) > limit:
        line = line[: limit - 3].rstrip() + "..."
    return line

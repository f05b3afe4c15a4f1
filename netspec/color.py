"""Colour in what `netspec check` prints on a terminal: when, and which.

When (`--color auto`, the default): only when the output is a terminal, TERM is not `dumb`, and
NO_COLOR is unset or empty (no-color.org: "when present and not an empty string, prevents the
addition of ANSI color"). `--color always` and `--color never` decide outright; NO_COLOR only
changes `auto`. JSON never has colour, nor does anything written to a pipe or a file under `auto`.
FORCE_COLOR is not read: `--color always` asks for colour in a pipe for one command, where an
inherited variable would also colour what scripts and tests capture.

Which: SGR escape sequences (ECMA-48), added by netspec only, around text that has already been
through `diagnostics.terminal_text` — so an escape character from a spec is shown as `\\x1b`,
never sent to the terminal raw, coloured or not.
"""

from __future__ import annotations

import os

MODES = ("auto", "always", "never")
RESET = "\x1b[0m"
# role → SGR parameters: bold red errors, bold yellow warnings, bold cyan notes, cyan hints,
# dim codes, bold locations and table headers, green for a file that checked clean
STYLES = {
    "error": "1;31",
    "warning": "1;33",
    "note": "1;36",
    "hint": "36",
    "code": "2",
    "location": "1",
    "header": "1",
    "ok": "32",
}


def wants_color(mode: str, stream, environ: dict[str, str] | None = None) -> bool:
    """Whether to colour what is written to `stream` under `mode` (auto, always or never)."""
    if mode == "always":
        return True
    if mode == "never":
        return False
    environ = os.environ if environ is None else environ
    if environ.get("NO_COLOR", "") != "" or environ.get("TERM") == "dumb":
        return False
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):  # closed, or not a real stream
        return False


class Palette:
    """Paints text in a role's colour, or leaves it as it is when colour is off."""

    __slots__ = ("enabled",)

    def __init__(self, enabled: bool):
        self.enabled = enabled

    def paint(self, text: str, role: str) -> str:
        """`text` in the colour of `role`; `text` must already be safe for a terminal."""
        if not self.enabled or not text:
            return text
        return f"\x1b[{STYLES[role]}m{text}{RESET}"


PLAIN = Palette(False)

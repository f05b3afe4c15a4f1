"""A one-line progress bar for terminals, and plain lines for everything else (CI, log files).

On a terminal the bar redraws itself in place (`\\r`), at most `interval` seconds apart; elsewhere
nothing is drawn until `close`, which prints one plain line. Pure Python, no dependencies.
"""

from __future__ import annotations

import shutil
import sys
import time
from typing import TextIO


def is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class Bar:
    """`label [#########.........]  45%  <status>`, redrawn as `update` is called."""

    def __init__(self, label: str, total: int, stream: TextIO | None = None, interval: float = 0.2, enabled=None):
        self.label = label
        self.total = max(total, 0)
        self.stream = stream or sys.stderr
        self.live = is_terminal(self.stream) if enabled is None else enabled
        self.interval = interval
        self.done = 0
        self.last_draw = 0.0
        self.status = ""

    def due(self) -> bool:
        """Whether the next `update` would redraw (so callers can skip computing the status)."""
        return self.live and time.monotonic() - self.last_draw >= self.interval

    def update(self, done: int, status: str = "", force: bool = False) -> None:
        self.done = done
        if status:
            self.status = status
        if self.live and (force or time.monotonic() - self.last_draw >= self.interval):
            self.last_draw = time.monotonic()
            self.stream.write("\r" + self.line() + "\x1b[K")
            self.stream.flush()

    def line(self) -> str:
        width = shutil.get_terminal_size((100, 20)).columns
        fraction = self.done / self.total if self.total else 1.0
        room = max(10, min(30, width - len(self.label) - len(self.status) - 12))
        filled = int(room * min(fraction, 1.0))
        return f"{self.label} [{'#' * filled}{'.' * (room - filled)}] {fraction:4.0%} {self.status}"[: width - 1]

    def close(self, final: str | None = None) -> None:
        """End the bar: on a terminal the line is replaced by `final`; elsewhere `final` is printed."""
        if self.live:
            self.stream.write("\r\x1b[K")
        if final:
            self.stream.write(final + "\n")
        self.stream.flush()

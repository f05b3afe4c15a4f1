"""A one-line progress bar for terminals, and plain lines for everything else (CI, log files).

On a terminal the bar redraws itself in place (`\\r`), at most `interval` seconds apart; elsewhere
nothing is drawn until `close`, which prints one plain line. Pure Python, no dependencies.

The bar shows the time elapsed and, once it has measured enough, the time remaining:
`epoch 3/10 [#########.....]  45% 12.3s<15s loss …`. The rate is measured from the end of the
first unit (a batch, a chunk), not from the start, so a slow first step (allocation, cuDNN's
benchmark, `torch.compile`) does not make the estimate too pessimistic; until `MIN_UNITS` units
over `MIN_SECONDS` are measured it shows `?` rather than a guess.
"""

from __future__ import annotations

import math
import shutil
import sys
import time
from collections.abc import Callable
from typing import TextIO

MIN_UNITS = 3  # units measured after the first before an ETA is shown
MIN_SECONDS = 0.5  # and seconds measured


def is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def remaining_seconds(
    done: int,
    total: int,
    reference_done: int,
    reference_time: float,
    now: float,
    min_units: int = MIN_UNITS,
    min_seconds: float = MIN_SECONDS,
) -> float | None:
    """Seconds left at a constant rate measured since the reference point (the end of the first unit):

        remaining = (total − done) · (now − t₀) / (done − d₀)

    None until `min_units` units over `min_seconds` seconds have been measured (an honest bar says
    it does not know yet), or when `total` is unknown (0)."""
    measured, seconds = done - reference_done, now - reference_time
    if total <= 0 or measured < min_units or seconds < min_seconds:
        return None
    return max(total - done, 0) * seconds / measured


def format_seconds(seconds: float) -> str:
    """`9.6s` under a minute, `4:05` under an hour, `1:04:05` beyond."""
    if not math.isfinite(seconds):
        return "?"
    if seconds < 59.95:
        return f"{seconds:.1f}s"
    whole = int(round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Bar:
    """`label [#########.........]  45% <elapsed><<remaining> <status>`, redrawn as `update` is called."""

    def __init__(
        self,
        label: str,
        total: int,
        stream: TextIO | None = None,
        interval: float = 0.2,
        enabled=None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.label = label
        self.total = max(total, 0)
        self.stream = stream or sys.stderr
        self.live = is_terminal(self.stream) if enabled is None else enabled
        self.interval = interval
        self.clock = clock
        self.started = clock()
        self.reference: tuple[int, float] | None = None  # (done, time) at the first update with done > 0
        self.done = 0
        self.last_draw = -math.inf
        self.status = ""

    def due(self) -> bool:
        """Whether the next `update` would redraw (so callers can skip computing the status)."""
        return self.live and self.clock() - self.last_draw >= self.interval

    def update(self, done: int, status: str = "", force: bool = False) -> None:
        now = self.clock()
        self.done = done
        if self.reference is None and done > 0:
            self.reference = (done, now)
        if status:
            self.status = status
        if self.live and (force or now - self.last_draw >= self.interval):
            self.last_draw = now
            self.stream.write("\r" + self.line(now) + "\x1b[K")
            self.stream.flush()

    def timing(self, now: float | None = None) -> str:
        """`12.3s<45s`: elapsed, then remaining (`?` until measured)."""
        now = self.clock() if now is None else now
        left = None
        if self.reference is not None:
            left = remaining_seconds(self.done, self.total, *self.reference, now)
        return f"{format_seconds(now - self.started)}<{format_seconds(left) if left is not None else '?'}"

    def line(self, now: float | None = None) -> str:
        width = shutil.get_terminal_size((100, 20)).columns
        fraction = self.done / self.total if self.total else 1.0
        timing = self.timing(now)
        room = max(10, min(30, width - len(self.label) - len(self.status) - len(timing) - 13))
        filled = int(room * min(fraction, 1.0))
        bar = f"{'#' * filled}{'.' * (room - filled)}"
        return f"{self.label} [{bar}] {fraction:4.0%} {timing} {self.status}".rstrip()[: width - 1]

    def close(self, final: str | None = None) -> None:
        """End the bar: on a terminal the line is replaced by `final`; elsewhere `final` is printed."""
        if self.live:
            self.stream.write("\r\x1b[K")
        if final:
            self.stream.write(final + "\n")
        self.stream.flush()

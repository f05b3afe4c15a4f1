"""An epoch's clock: its seconds, and its samples per second without the warm-up step.

With `--compile`, `torch.compile` compiles the model during its first call, so the first step of
the first epoch can take seconds (or minutes) that say nothing about training speed. The clock
then sets that step apart:

    seconds        = t_end − t_start                       (the epoch's wall time, compile included)
    warmup         = t_first − t_start                     (the first step, compile included)
    samples_per_s  = (samples − first_samples) / (seconds − warmup)

`sync` (torch.cuda.synchronize on a GPU) is called once, at the end of the first step, so that the
work queued by that step is counted in the warm-up rather than in the steps after it.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class EpochClock:
    """Started with the epoch; told of every step's samples; read at its end."""

    def __init__(
        self,
        warmup: bool = False,
        clock: Callable[[], float] = time.perf_counter,
        sync: Callable[[], None] = lambda: None,
    ):
        self.warmup = warmup  # set the first step apart
        self.clock = clock
        self.sync = sync
        self.started = clock()
        self.samples = 0
        self.steps = 0
        self.first_done: float | None = None  # when the warm-up step ended
        self.first_samples = 0

    def step_done(self, samples: int) -> None:
        self.steps += 1
        self.samples += samples
        if self.warmup and self.steps == 1:
            self.sync()
            self.first_done = self.clock()
            self.first_samples = samples

    @property
    def warmup_seconds(self) -> float | None:
        """The first step's seconds when it was set apart, else None."""
        return self.first_done - self.started if self.first_done is not None else None

    def elapsed(self) -> float:
        return self.clock() - self.started

    def rate(self, samples: int | None = None, now: float | None = None) -> float | None:
        """Samples per second so far (or for `samples`, counted like `self.samples`), the warm-up
        step left out when there are steps after it; None before any time has passed."""
        now = self.clock() if now is None else now
        samples = self.samples if samples is None else samples
        if self.first_done is not None and self.steps > 1 and now > self.first_done:
            scale = samples / self.samples if self.samples else 1.0
            return (samples - self.first_samples * scale) / (now - self.first_done)
        seconds = now - self.started
        return samples / seconds if seconds > 0 else None


__all__ = ["EpochClock"]

"""An epoch's clock: its seconds, and its samples per second without the steps that compiled.

With `--compile`, `torch.compile` compiles the model during its first call, and again at the first
call with a new input shape (the last, smaller batch of an epoch): those steps can take seconds or
minutes that say nothing about training speed. While the model is new to this process (its first
epoch), the clock sets apart every step whose batch size it has not seen yet:

    seconds        = t_end − t_start                       (the epoch's wall time, compiling included)
    warmup         = Σ (t_after − t_before) over the set-apart steps
    samples_per_s  = (samples − their samples) / (seconds − warmup)

`sync` (torch.cuda.synchronize on a GPU) is called before and after each set-apart step, so that
queued work is counted where it belongs; other steps add no synchronization.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class EpochClock:
    """Started with the epoch; told when each step begins and ends; read at its end."""

    def __init__(
        self,
        warmup: bool = False,
        clock: Callable[[], float] = time.perf_counter,
        sync: Callable[[], None] = lambda: None,
    ):
        self.warmup = warmup  # set apart each step with a batch size not seen yet
        self.clock = clock
        self.sync = sync
        self.started = clock()
        self.samples = 0
        self.steps = 0
        self.seen_sizes: set[int] = set()
        self.warmup_steps = 0
        self.warmup_samples = 0
        self.warmup_total = 0.0
        self.step_started: float | None = None  # set while a set-apart step runs

    def begin_step(self, samples: int) -> None:
        if self.warmup and samples not in self.seen_sizes:
            self.sync()
            self.step_started = self.clock()

    def end_step(self, samples: int) -> None:
        self.steps += 1
        self.samples += samples
        if self.step_started is not None:
            self.sync()
            self.warmup_total += self.clock() - self.step_started
            self.warmup_steps += 1
            self.warmup_samples += samples
            self.seen_sizes.add(samples)
            self.step_started = None

    @property
    def warmup_seconds(self) -> float | None:
        """The set-apart steps' seconds, or None when none was set apart."""
        return self.warmup_total if self.warmup_steps else None

    def rate(self, samples: int | None = None, now: float | None = None) -> float | None:
        """Samples per second so far, the set-apart steps left out when other steps followed.
        `samples`: a count in other units (all processes' samples) to scale the same way as this
        process's own count; None before any time has passed."""
        now = self.clock() if now is None else now
        own = self.samples
        samples = own if samples is None else samples
        seconds = now - self.started
        if self.warmup_steps and self.steps > self.warmup_steps and own:
            measured = samples * (own - self.warmup_samples) / own
            if seconds - self.warmup_total > 0:
                return measured / (seconds - self.warmup_total)
        return samples / seconds if seconds > 0 else None


__all__ = ["EpochClock"]

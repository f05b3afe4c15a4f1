"""What training can use at all: settings past these bounds only overflow torch's float32
arithmetic or diverge at the first step, so they are refused before a run starts, with the setting
named (the train block accepts any finite number; these are what the runner can train with).

The learning rate is checked at its largest over the schedule: `step` with gamma > 1 multiplies
it by gamma^⌊(epochs − 1) / every⌋, computed in logarithms so that it cannot overflow.
"""

from __future__ import annotations

import math

from netspec.train_settings import TrainSettings

LARGEST = 1e6  # lr, weight_decay, eps, min, init std: beyond this no step is meaningful in float32


class SettingsError(Exception):
    """A setting that training cannot use; the message names it and the bound."""


def largest_lr(settings: TrainSettings) -> float:
    """The largest learning rate the schedule reaches in `settings.epochs` epochs (inf on overflow)."""
    base, schedule = settings.optimizer.lr, settings.schedule
    if schedule.name == "cosine":
        return max(base, schedule.min_lr)
    if schedule.name == "step" and schedule.gamma > 1 and base > 0:
        every = schedule.every or max(1, settings.epochs // 3)
        decays = (settings.epochs - 1) // every
        log = math.log(base) + decays * math.log(schedule.gamma)
        return math.exp(log) if log < 700 else math.inf
    return base


def check_usable(settings: TrainSettings) -> None:
    """Raise SettingsError for a setting that no run can train with."""
    o, s = settings.optimizer, settings.schedule
    values = [
        ("lr", o.lr, "the `optimizer` setting's lr= (or --lr)"),
        ("eps", o.eps, "the `optimizer` setting's eps="),
        ("weight_decay", settings.weight_decay, "`weight_decay`"),
        ("the schedule's min", s.min_lr, "the `schedule` setting's min="),
    ]
    if settings.init.std is not None:
        values.append(("init std", settings.init.std, "the `init` setting's std="))
    for name, value, where in values:
        if not math.isfinite(value) or value > LARGEST:
            raise SettingsError(f"{name} {value:g} is more than training can use (at most {LARGEST:g}): lower {where}")
    peak = largest_lr(settings)
    if peak > LARGEST:
        raise SettingsError(
            f"the `step` schedule (gamma={s.gamma:g}) raises the lr from {o.lr:g} to {peak:g} in {settings.epochs} "
            f"epochs, more than training can use (at most {LARGEST:g}): use a gamma below 1 (it is the factor "
            "at each decay)"
        )

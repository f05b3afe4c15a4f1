"""Optimizers and learning-rate schedules from the train settings.

The schedule is a pure function of the step (`lr_factor`), applied by setting each parameter
group's lr before the step: nothing to save in a checkpoint but the step count, and a resumed run
follows exactly the curve an uninterrupted one would.
"""

from __future__ import annotations

import math

import torch

from netspec.train_settings import OptimizerSettings, ScheduleSettings


def build_optimizer(
    parameters, settings: OptimizerSettings, weight_decay: float, device: torch.device
) -> torch.optim.Optimizer:
    """The PyTorch optimizer for `settings` (weight_decay: L2 added to the gradient; AdamW decouples it)."""
    o = settings
    fast = {"foreach": True} if uses_foreach(device) else {}
    if o.name in ("sgd", "momentum", "nesterov"):
        momentum = 0.0 if o.name == "sgd" else o.momentum
        return torch.optim.SGD(
            parameters, lr=o.lr, momentum=momentum, nesterov=o.name == "nesterov", weight_decay=weight_decay, **fast
        )
    if o.name == "adagrad":
        return torch.optim.Adagrad(parameters, lr=o.lr, eps=o.eps, weight_decay=weight_decay, **fast)
    if o.name == "rmsprop":
        return torch.optim.RMSprop(
            parameters, lr=o.lr, alpha=o.alpha, eps=o.eps, momentum=o.momentum, weight_decay=weight_decay, **fast
        )
    if o.name in ("adam", "adamw"):
        kind = torch.optim.AdamW if o.name == "adamw" else torch.optim.Adam
        return kind(
            parameters,
            lr=o.lr,
            betas=(o.beta1, o.beta2),
            eps=o.eps,
            weight_decay=weight_decay,
            amsgrad=o.amsgrad,
            **fast,
        )
    raise ValueError(f"unknown optimizer {o.name!r}")


def uses_foreach(device: torch.device) -> bool:
    """Whether `build_optimizer` asks for the foreach (multi-tensor) implementation on `device`:
    on CUDA and CPU; elsewhere PyTorch's default, which is the for-loop on MPS. netspec.memory
    models the two differently (their temporaries differ)."""
    return device.type in ("cuda", "cpu")


def lr_factor(schedule: ScheduleSettings, step: int, steps_per_epoch: int, epochs: int) -> float:
    """The multiplier of the base lr at `step` (0-based, counting every optimizer step of the run).

    - constant: 1
    - step: gamma ** ⌊epoch / every⌋ (every: a third of the epochs unless given)
    - cosine: linear warm-up over `warmup` epochs, then ½(1 + cos(π·t)) from 1 down to min_lr/lr
      (Loshchilov & Hutter 2017, without restarts); `min_lr` is applied by the caller
    - onecycle: from 1/div up to 1 over the first `pct` of the steps, then down to
      1/(div·final_div), both halves on a cosine (Smith & Topin 2018, as torch's OneCycleLR)
    """
    total = max(1, steps_per_epoch * epochs)
    name = schedule.name
    if name == "constant":
        return 1.0
    if name == "step":
        every = schedule.every or max(1, epochs // 3)
        return schedule.gamma ** ((step // max(1, steps_per_epoch)) // every)
    if name == "cosine":
        warmup = int(round(schedule.warmup * steps_per_epoch))
        if step < warmup:
            return (step + 1) / warmup
        t = (step - warmup) / max(1, total - warmup)
        return 0.5 * (1 + math.cos(math.pi * min(1.0, t)))
    if name == "onecycle":
        start, end = 1 / schedule.div, 1 / (schedule.div * schedule.final_div)
        rise = max(1, int(schedule.pct * total))
        if step < rise:
            return _cosine_between(start, 1.0, step / rise)
        return _cosine_between(1.0, end, (step - rise) / max(1, total - rise))
    raise ValueError(f"unknown schedule {name!r}")


def _cosine_between(a: float, b: float, t: float) -> float:
    return b + (a - b) * 0.5 * (1 + math.cos(math.pi * min(1.0, max(0.0, t))))


def learning_rate(base: float, schedule: ScheduleSettings, step: int, steps_per_epoch: int, epochs: int) -> float:
    factor = lr_factor(schedule, step, steps_per_epoch, epochs)
    if schedule.name == "cosine" and schedule.min_lr:
        return schedule.min_lr + (base - schedule.min_lr) * factor
    return base * factor


def set_lr(optimizer: torch.optim.Optimizer, lr: float) -> None:
    for group in optimizer.param_groups:
        group["lr"] = lr

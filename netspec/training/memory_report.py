"""What the runner says about memory: the checker's estimate of its step, the answer to a CUDA
out-of-memory error, and the peak it measured beside that estimate.

The estimate is `netspec check`'s (netspec.memory.estimate) for the step the runner takes: the
same optimizer with the options that change its state (`amsgrad`, rmsprop's `momentum`), the
same `weight_decay` (L2 makes the optimizer copy the gradients) and the same implementation
(foreach on CUDA and CPU, netspec.training.optim.uses_foreach), in fp32: autocast (bf16, fp16)
computes in the lower precision but keeps the weights, gradients and optimizer state in fp32, so
only its saved activations are smaller than this estimate.
"""

from __future__ import annotations

import torch

from netspec import memory
from netspec.checker import CheckResult
from netspec.train_settings import OptimizerSettings
from netspec.training.scoring import PRECISION_DTYPES
from netspec.units import fmt_bytes


def is_out_of_memory(error: BaseException) -> bool:
    kinds = tuple(k for k in (getattr(torch, "OutOfMemoryError", None), torch.cuda.OutOfMemoryError) if k)
    return isinstance(error, kinds) or (isinstance(error, RuntimeError) and "out of memory" in str(error).lower())


def step_estimate(
    result: CheckResult,
    batch: int,
    optimizer: OptimizerSettings,
    weight_decay: float = 0.0,
    foreach: bool = True,
) -> memory.MemoryEstimate:
    """netspec check's estimate of one step at `batch`, in fp32 (see the module docstring); with
    the run's `weight_decay` and `foreach` it is `netspec check --json`'s `memory` for the spec."""
    slots = memory.optimizer_slots(optimizer.name, amsgrad=optimizer.amsgrad, momentum=optimizer.momentum)
    return memory.estimate(
        result,
        batch=batch,
        dtype="fp32",
        optimizer=optimizer.name,
        device="cuda",
        slots=slots,
        weight_decay=weight_decay,
        foreach=foreach,
    )


def autocast_note(precision: str) -> str:
    return f"; under {precision} autocast the activations take less" if precision in PRECISION_DTYPES else ""


def out_of_memory_message(
    result: CheckResult,
    batch: int,
    precision: str,
    optimizer: OptimizerSettings,
    device_memory: int | None,
    weight_decay: float = 0.0,
    foreach: bool = True,
) -> str:
    """What to do after a CUDA out-of-memory error: the checker's estimate and the largest batch that fits."""
    estimate = step_estimate(result, batch, optimizer, weight_decay, foreach)
    lines = [
        f"CUDA ran out of memory training {result.name} at batch {batch:,} (per process).",
        f"netspec check estimates {fmt_bytes(estimate.total)} for one step (fp32, {optimizer.name}"
        f"{autocast_note(precision)}): "
        f"weights {fmt_bytes(estimate.weights)}, gradients {fmt_bytes(estimate.gradients)}, "
        f"optimizer state {fmt_bytes(estimate.optimizer_state)}, saved activations {fmt_bytes(estimate.activations)}, "
        f"input {fmt_bytes(estimate.input)}, workspace {fmt_bytes(estimate.workspace)}.",
    ]
    if device_memory:
        fits = estimate.max_batch(device_memory)
        if fits >= 1:
            lines.append(
                f"The GPU has {fmt_bytes(device_memory)}; by that estimate the largest batch that fits is {fits:,}: "
                f"try --batch {fits:,} (or a little less: the allocator and cuDNN need room too)."
            )
        else:
            lines.append(
                f"The GPU has {fmt_bytes(device_memory)}: not even one sample fits by that estimate; the weights, "
                f"gradients and optimizer state alone need {fmt_bytes(estimate.fixed)}. Use a smaller network, "
                "or `optimizer sgd` (it keeps no state)."
            )
    else:
        lines.append("Try a smaller --batch.")
    return "\n".join(lines)


def peak_memory_report(
    measured: int, estimate: memory.MemoryEstimate, optimizer: str, precision: str, data_on_device: int
) -> tuple[str, dict]:
    """The line printed at the end of a CUDA run, and run.json's `memory`: torch's measured peak
    (max_memory_allocated) beside the estimate for the same batch, optimizer and weight decay."""
    line = (
        f"peak GPU memory {fmt_bytes(measured)} (torch.cuda.max_memory_allocated) vs {fmt_bytes(estimate.total)} "
        f"estimated by netspec check (batch {estimate.batch}, fp32, {optimizer}{autocast_note(precision)}; "
        f"the data set on the device adds {fmt_bytes(data_on_device)})"
    )
    return line, {"peak_allocated": measured, "estimated": estimate.total, "data_on_device": data_on_device}

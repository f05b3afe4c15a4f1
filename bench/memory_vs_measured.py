"""The memory of one training step, measured, next to `netspec check`'s estimate (issue #9).

    python bench/memory_vs_measured.py                       # every shipped spec, batch 32, sgd and adam
    python bench/memory_vs_measured.py --quick               # the small specs only (seconds)
    python bench/memory_vs_measured.py --specs lenet alexnet --optimizer adam --batch 8
    python bench/memory_vs_measured.py --weight-decay 5e-4 --optimizer momentum rmsprop adagrad
    python bench/memory_vs_measured.py --quick --for-loop    # torch's for-loop optimizers (foreach=False)
    python bench/memory_vs_measured.py --device cuda         # torch.cuda.max_memory_allocated (not run yet)
    python bench/memory_vs_measured.py --specs deep --optimizer sgd --trace   # every allocation, by operation
    python bench/memory_vs_measured.py --cases               # one small network per layer kind (CASES)
    python bench/memory_vs_measured.py --cases l2pool --optimizer sgd --trace

Prints one row per spec and optimizer: the estimate (`memory.estimate(...).total`, the peak of the
step's timeline), the measured peak, the error, the phase the measured peak fell in and what was
alive before the step (weights, gradients, optimizer state, the batch). A spec whose estimate needs
more than 80 % of the free memory is skipped (U-Net at batch 32 on a 24 GiB machine).

What runs is `netspec train`'s own step, with its own pieces: the compiled module
(`training.model.compiled_model_class`), channels-last on CPU and CUDA as the runner does, the
runner's `build_optimizer` (foreach), and per step `forward_loss` (log-probabilities, Σ NLL),
`zero_grad(set_to_none=True)` after the forward (the runner's order, so the previous step's
gradients are alive during the forward), `backward`, `optimizer.step()`. Two steps run; the second
is measured, when the optimizer state exists.

How the peak is measured on CPU: `torch.profiler.profile(profile_memory=True)` records a
`[memory]` event for every allocation (+bytes) and free (−bytes) made through PyTorch's CPU
allocator, in order. The profiler starts before the model is built, so every tensor of the run
is allocated under it and its free is recorded too (a free of a block allocated before profiling
started is not reported). The live bytes at any moment are the running sum of the events so far;
the peak of the second step is the largest running sum inside its `record_function` range, and
it counts everything alive then: weights, gradients, optimizer state, the batch, saved
activations, gradients of activations and every temporary an operation or the optimizer makes.
Memory not allocated through PyTorch's allocator (Python objects, a library's own buffers) is not
seen. `tests/test_memory_timeline.py` checks this measure against hand-computed peaks.

On CUDA: `torch.cuda.reset_peak_memory_stats()` before the second step and
`torch.cuda.max_memory_allocated()` after it (the caching allocator's blocks, rounded up to
512 bytes; not the CUDA context, not cached-but-free memory).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path

import torch
from torch.profiler import ProfilerActivity, profile, record_function

from netspec import resources
from netspec.checker import CheckResult, check_source, check_text
from netspec.loading import load_spec
from netspec.memory import estimate, optimizer_slots
from netspec.train_settings import OptimizerSettings
from netspec.training.model import compiled_model_class
from netspec.training.optim import build_optimizer
from netspec.training.runner import CHANNELS_LAST, forward_loss
from netspec.units import fmt_bytes

QUICK = ("lenet", "mnist_cnn", "network3", "deep")
# Small networks, one per layer kind or option, each made so that the layer's own step dominates
# the peak (a 1x1 convolution of 16 channels and an fc after it): how the temporaries of
# docs/memory.md's table were found (`--cases NAME --trace`). "first_" ones put the layer before the
# first layer with parameters, where nothing needs a gradient.
_TAIL = "conv 16 1x1\nrelu\nfc 10\n"
CASES = {
    "conv": "input 16x16x16\nconv 16 3x3 pad=1\nconv 32 3x3 pad=1\n",
    "strided_conv": "input 16x16x16\nconv 16 3x3 pad=1\nconv 32 3x3 stride=2 pad=1\n",
    "first_strided_conv": "input 3x32x32\nconv 16 3x3 stride=2 pad=1\n",
    "dilated_conv": "input 16x16x16\nconv 16 3x3 pad=1\nconv 32 3x3 dilation=2 pad=2\n",
    "grouped_conv": "input 16x16x16\nconv 16 3x3 pad=1\nconv 32 3x3 pad=1 groups=4\n",
    "depthwise_conv": "input 16x16x16\nconv 32 3x3 pad=1\nconv 32 3x3 pad=1 groups=32\n",
    "convtranspose": "input 16x16x16\nconv 16 3x3 pad=1\nconvtranspose 16 2x2 stride=2\n",
    "l2pool": "input 16x16x16\nconv 16 3x3 pad=1\nl2pool 2\n",
    "l2pool_stride1": "input 16x16x16\nconv 16 3x3 pad=1\nl2pool 3 stride=1 pad=1\n",
    "l2pool_same": "input 16x15x15\nconv 16 3x3 pad=1\nl2pool 3 stride=2 pad=same\n",
    "upsample": "input 16x16x16\nconv 16 3x3 pad=1\nupsample 2\n",
    "upsample_bilinear": "input 16x16x16\nconv 16 3x3 pad=1\nupsample 2 mode=bilinear\n",
    "maxpool_same": "input 16x16x16\nconv 16 3x3 pad=1\nmaxpool 3 stride=2 pad=same\n",
    "avgpool_same": "input 16x16x16\nconv 16 3x3 pad=1\navgpool 3 stride=2 pad=same\n",
    "first_relu": "input 16x16x16\nrelu\nconv 16 3x3 pad=1\n",
    "first_avgpool": "input 16x16x16\navgpool 2\nconv 16 3x3 pad=1\n",
    "first_l2pool": "input 16x16x16\nl2pool 2\nconv 16 3x3 pad=1\n",
    "first_upsample": "input 16x16x16\nupsample 2\nconv 16 3x3 pad=1\n",
    "first_maxpool_same": "input 16x16x16\nmaxpool 3 stride=2 pad=same\nconv 16 3x3 pad=1\n",
}
CASES = {name: text + _TAIL for name, text in CASES.items()}
PHASES = ("forward", "backward", "optimizer")


class Measured:
    """The measured peak of one step and what was alive before it (bytes)."""

    def __init__(self, peak: int, phase: str, before: dict[str, int], events=None):
        self.peak = peak
        self.phase = phase  # the phase the peak fell in
        self.before = before  # weights, gradients, optimizer_state, batch: alive when the step starts
        self.events = events  # the profiler's events (CPU), for `trace`


def load(name: str) -> CheckResult:
    path = resources.bundled_spec(name)
    if path is None:
        path = Path(name)
    source, _ = load_spec(str(path))
    result = check_source(source)
    if not result.ok:
        raise SystemExit(f"{path}: the spec has errors (run netspec check on it)")
    return result


def _nbytes(tensors) -> int:
    return sum(t.untyped_storage().nbytes() for t in tensors if t is not None)


def _state_tensors(optimizer: torch.optim.Optimizer) -> list[torch.Tensor]:
    return [v for state in optimizer.state.values() for v in state.values() if isinstance(v, torch.Tensor)]


def live_peak(events, name: str) -> tuple[int, int, int]:
    """(live bytes when the `record_function` range `name` starts, the most live bytes inside it,
    when): the running sum of the allocator's `[memory]` events, in the order they happened,
    from the start of profiling."""
    start, end = next((e.start_ns(), e.end_ns()) for e in events if e.name() == name)
    memory = sorted((e.start_ns(), i, e.nbytes()) for i, e in enumerate(events) if e.name() == "[memory]")
    live, before, peak, at = 0, None, 0, start
    for when, _, nbytes in memory:
        if when > end:
            break
        if when >= start and before is None:
            before = peak = live
        live += nbytes
        if before is not None and live > peak:
            peak, at = live, when
    if before is None:
        before = peak = live
    return before, peak, at


def measure_step(
    result: CheckResult,
    batch: int,
    optimizer: OptimizerSettings,
    weight_decay: float = 0.0,
    device: str = "cpu",
    seed: int = 0,
    foreach: bool = True,
) -> Measured:
    """The peak memory of the second of two training steps of `result` at `batch`, as the runner
    runs it; `foreach=False`: torch's for-loop optimizer implementation instead of the runner's."""
    torch.manual_seed(seed)
    where = torch.device(device)
    channels_last = where.type in CHANNELS_LAST and len(result.input_shape) == 3
    out = result.output_shape
    on_cuda = where.type == "cuda"
    activities = [ProfilerActivity.CPU]
    with profile(activities=activities, profile_memory=not on_cuda) as prof:
        model = compiled_model_class(result)().to(where)
        if channels_last:
            model = model.to(memory_format=torch.channels_last)
        opt = build_optimizer(model.parameters(), optimizer, weight_decay, where)
        for group in opt.param_groups:
            group["foreach"] = foreach
        x = torch.randn(batch, *result.input_shape, device=where)
        if channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        y = torch.randint(0, out[0], (batch, *out[1:]), device=where)
        log_probs = None
        before: dict[str, int] = {}
        for step in (1, 2):
            if step == 2:
                before = {
                    "weights": _nbytes(model.parameters()),
                    "gradients": _nbytes(p.grad for p in model.parameters()),
                    "optimizer_state": _nbytes(_state_tensors(opt)),
                    "batch": _nbytes((x, y)),
                }
                if on_cuda:
                    torch.cuda.synchronize(where)
                    torch.cuda.reset_peak_memory_stats(where)
            with record_function(f"step{step}"):
                with record_function(f"step{step}.forward"):
                    loss, log_probs = forward_loss(model, x, y, 0.0, where, "fp32")
                    opt.zero_grad(set_to_none=True)
                with record_function(f"step{step}.backward"):
                    loss.backward()
                with record_function(f"step{step}.optimizer"):
                    opt.step()
            del loss
        if on_cuda:
            torch.cuda.synchronize(where)
            return Measured(torch.cuda.max_memory_allocated(where), "?", before)
    events = prof.profiler.kineto_results.events()
    ranges = {e.name(): (e.start_ns(), e.end_ns()) for e in events if e.name().startswith("step2")}
    _, peak, at = live_peak(events, "step2")
    phase = next((p for p in PHASES if ranges[f"step2.{p}"][0] <= at <= ranges[f"step2.{p}"][1]), "?")
    return Measured(peak, phase, before, events)


def trace(events, name: str = "step2"):
    """Yield (bytes, live bytes, the innermost operations) for every allocation and free inside
    the range `name`: what each operation allocates, in order (`--trace`)."""
    start, end = next((e.start_ns(), e.end_ns()) for e in events if e.name() == name)
    calls = [e for e in events if e.name() != "[memory]" and e.duration_ns() > 0 and start <= e.start_ns() <= end]
    memory = sorted((e.start_ns(), i, e.nbytes()) for i, e in enumerate(events) if e.name() == "[memory]")
    live = 0
    for when, _, nbytes in memory:
        if when > end:
            break
        live += nbytes
        if when >= start:
            inside = sorted((c for c in calls if c.start_ns() <= when <= c.end_ns()), key=lambda c: c.duration_ns())
            yield nbytes, live, " < ".join(c.name() for c in inside[:2])


def free_memory(device: str) -> int | None:
    """Bytes free for the run (Linux: available physical pages; CUDA: the device's free memory):
    a spec whose estimate needs more than 80 % of it is skipped, not run into swap or a crash."""
    if device.startswith("cuda"):
        return torch.cuda.mem_get_info(torch.device(device))[0]
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def settings_for(name: str) -> OptimizerSettings:
    """The train block's defaults for an optimizer name (momentum 0.9 for momentum/nesterov)."""
    momentum = 0.9 if name in ("momentum", "nesterov") else 0.0
    return OptimizerSettings(name=name, momentum=momentum, eps=1e-10 if name == "adagrad" else 1e-8)


def estimated_total(
    result: CheckResult, batch: int, settings: OptimizerSettings, weight_decay: float, device: str, foreach: bool
):
    slots = optimizer_slots(settings.name, amsgrad=settings.amsgrad, momentum=settings.momentum)
    return estimate(
        result,
        batch=batch,
        optimizer=settings.name,
        device=device,
        slots=slots,
        weight_decay=weight_decay,
        foreach=foreach,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--specs", nargs="+", help="shipped spec names or .net paths (default: every shipped spec)")
    parser.add_argument("--quick", action="store_true", help=f"only {', '.join(QUICK)}")
    parser.add_argument(
        "--cases", nargs="*", choices=sorted(CASES), help="small networks of one layer kind (CASES; none named: all)"
    )
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--optimizer", nargs="+", default=["sgd", "adam"])
    parser.add_argument("--weight-decay", type=float, default=0.0)
    parser.add_argument("--for-loop", action="store_true", help="torch's for-loop optimizers, not foreach")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (0: torch's default)")
    parser.add_argument("--trace", action="store_true", help="print every allocation and free of the second step")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    names = args.specs or (list(QUICK) if args.quick else [p.stem for p in resources.bundled_specs()])
    if args.cases is not None:
        names = args.cases or list(CASES)
    print(
        f"# torch {torch.__version__}, {args.device}, batch {args.batch}, weight_decay {args.weight_decay}, "
        f"{'for-loop' if args.for_loop else 'foreach'} optimizers, {date.today()}"
    )
    print(
        "| spec | optimizer | estimate | measured | error | peak in | before the step: weights, grads, state, batch |"
    )
    print("| --- | --- | ---: | ---: | ---: | --- | --- |")
    worst = 0.0
    for name in names:
        result = check_text(CASES[name]) if args.cases is not None else load(name)
        for optimizer in args.optimizer:
            settings = settings_for(optimizer)
            started = time.perf_counter()
            foreach = not args.for_loop
            device = "cuda" if args.device.startswith("cuda") else "cpu"
            guess = estimated_total(result, args.batch, settings, args.weight_decay, device, foreach)
            room = free_memory(args.device)
            if room is not None and guess.total > 0.8 * room:
                print(
                    f"| {Path(name).stem} | {optimizer} | {guess.total:,} B ({fmt_bytes(guess.total)}) | "
                    f"skipped: {fmt_bytes(room)} free | | | |",
                    flush=True,
                )
                continue
            measured = measure_step(result, args.batch, settings, args.weight_decay, args.device, foreach=foreach)
            error = (guess.total - measured.peak) / measured.peak
            worst = max(worst, abs(error))
            before = ", ".join(fmt_bytes(v) for v in measured.before.values())
            print(
                f"| {Path(name).stem} | {optimizer} | {guess.total:,} B ({fmt_bytes(guess.total)}) | "
                f"{measured.peak:,} B ({fmt_bytes(measured.peak)}) | {error:+.1%} | {measured.phase} "
                f"(model: {guess.phase}) | {before} |",
                flush=True,
            )
            print(f"#   {time.perf_counter() - started:.1f} s", file=sys.stderr)
            if args.trace and measured.events is not None:
                for nbytes, live, where in trace(measured.events):
                    print(f"#   {nbytes:+14,} {live:16,}  {where}")
    print(f"# largest error {worst:.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

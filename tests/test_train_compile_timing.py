"""`--compile`: the run says it is compiling, and epoch 1's samples/s leaves the compiling step out.

torch.compile is replaced by a wrapper that sleeps at its first call with each batch size (as
torch.compile compiles, then recompiles for the smaller last batch) and otherwise runs the model as
it is, so the test is fast and does not depend on a compiler being installed."""

from __future__ import annotations

import csv
import json
import time

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn
from train_fixtures import digits_npz, only_run, write_spec

from netspec.cli import main
from netspec.training.timing import EpochClock

COMPILE_SECONDS = 0.5


class SlowFirstCall(nn.Module):
    """What torch.compile's result looks like to the runner: a module, slow at each new input shape."""

    def __init__(self, inner: nn.Module):
        super().__init__()
        self.inner = inner
        self.calls = 0
        self.shapes: set[tuple[int, ...]] = set()

    def forward(self, x, *args, **kwargs):
        if tuple(x.shape) not in self.shapes:
            self.shapes.add(tuple(x.shape))
            time.sleep(COMPILE_SECONDS)
        self.calls += 1
        return self.inner(x, *args, **kwargs)


@pytest.fixture
def slow_compile(monkeypatch):
    compiled = []

    def fake_compile(model, *args, **kwargs):
        wrapper = SlowFirstCall(model)
        compiled.append(wrapper)
        return wrapper

    monkeypatch.setattr(torch, "compile", fake_compile)
    return compiled


def test_compile_is_announced_and_left_out_of_epoch_1s_rate(tmp_path, capsys, slow_compile):
    spec = write_spec(tmp_path)
    data = digits_npz(tmp_path / "digits.npz", train=500, test=64)  # 15 batches of 32, then one of 20
    runs = tmp_path / "runs"
    args = ["train", str(spec), "--data", str(data), "--runs", str(runs), "--device", "cpu", "--compile"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert len(slow_compile) == 1 and slow_compile[0].calls == 2 * 16  # two epochs of 16 steps
    assert len(slow_compile[0].shapes) == 2  # it "compiled" twice, both in epoch 1
    lines = out.splitlines()
    announced = lines.index("compiling the model (torch.compile)…")
    first_epoch = next(i for i, line in enumerate(lines) if line.startswith("epoch 1/2"))
    assert announced < first_epoch and out.count("compiling the model") == 1  # once: epoch 2 is compiled
    assert "not counting" in lines[first_epoch] and "of steps that compiled" in lines[first_epoch]
    assert "not counting" not in next(line for line in lines if line.startswith("epoch 2/2"))

    run = only_run(runs)
    rows = list(csv.DictReader((run / "metrics.csv").open()))
    seconds, rate = float(rows[0]["seconds"]), float(rows[0]["samples_per_s"])
    history = json.loads((run / "checkpoint.json").read_text())["history"]
    warmup = history[0]["warmup_seconds"]
    assert seconds > warmup >= 2 * COMPILE_SECONDS and "warmup_seconds" not in history[1]
    # 500 samples: the 14 steps that did not compile (448 samples), over the time they took.
    assert rate == pytest.approx((500 - 32 - 20) / (seconds - warmup), rel=1e-3)
    assert rate > 500 / seconds  # what counting the compiling would have given


def test_without_compile_nothing_is_set_apart(tmp_path, capsys):
    spec = write_spec(tmp_path)
    data = digits_npz(tmp_path / "digits.npz", train=128, test=32)
    assert main(["train", str(spec), "--data", str(data), "--runs", str(tmp_path / "runs"), "--device", "cpu"]) == 0
    out = capsys.readouterr().out
    assert "compiling" not in out and "not counting" not in out


class FakeClock:
    def __init__(self):
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


@settings(max_examples=100, deadline=None)
@given(
    warmup=st.floats(0.0, 100.0),
    step=st.floats(1e-4, 1.0),
    steps=st.integers(2, 200),
    batch=st.integers(1, 512),
)
def test_the_rate_is_the_steps_after_the_warm_up(warmup, step, steps, batch):
    """Steps of `step` seconds after a first one of `warmup`: the rate is batch / step exactly."""
    clock = FakeClock()
    synced = []
    timer = EpochClock(warmup=True, clock=clock, sync=lambda: synced.append(clock.now))
    timer.begin_step(batch)
    clock.now += warmup
    timer.end_step(batch)
    for _ in range(steps - 1):
        timer.begin_step(batch)
        clock.now += step
        timer.end_step(batch)
    assert synced == [50.0, 50.0 + warmup]  # around the first step only
    assert timer.warmup_seconds == pytest.approx(warmup)
    assert timer.rate() == pytest.approx(batch / step, rel=1e-6)
    assert timer.rate(2 * timer.samples) == pytest.approx(2 * batch / step, rel=1e-6)  # all processes' samples


def run_steps(timer: EpochClock, clock: FakeClock, steps: list[tuple[int, float]]) -> None:
    for samples, seconds in steps:
        timer.begin_step(samples)
        clock.now += seconds
        timer.end_step(samples)


def test_a_new_batch_size_is_set_apart_too():
    """The last, smaller batch makes torch.compile compile again: that step is left out as well."""
    clock = FakeClock()
    timer = EpochClock(warmup=True, clock=clock)
    run_steps(timer, clock, [(64, 30.0), (64, 1.0), (64, 1.0), (64, 1.0), (16, 20.0)])
    assert timer.warmup_steps == 2 and timer.warmup_seconds == pytest.approx(50.0)
    assert timer.rate() == pytest.approx(64.0)


def test_without_warm_up_the_rate_counts_every_step():
    clock = FakeClock()
    timer = EpochClock(clock=clock)
    run_steps(timer, clock, [(30, 3.0), (10, 1.0)])
    assert timer.warmup_seconds is None and timer.rate() == pytest.approx(10.0)


def test_a_single_step_epoch_falls_back_to_the_whole_time():
    clock = FakeClock()
    timer = EpochClock(warmup=True, clock=clock)
    run_steps(timer, clock, [(64, 2.0)])
    assert timer.rate() == pytest.approx(32.0)  # nothing after the warm-up to measure

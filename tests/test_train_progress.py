"""The progress bar's elapsed time and ETA (netspec.progress), driven by a fake clock."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netspec.progress import MIN_SECONDS, MIN_UNITS, Bar, format_seconds, remaining_seconds


class FakeClock:
    def __init__(self, now: float = 1000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def live_bar(total: int, clock: FakeClock) -> tuple[Bar, io.StringIO]:
    stream = io.StringIO()
    return Bar("epoch 1/1", total, stream=stream, interval=0.0, enabled=True, clock=clock), stream


def last_drawn(stream: io.StringIO) -> str:
    return stream.getvalue().split("\r")[-1].removesuffix("\x1b[K")


def test_no_eta_until_a_few_steps_after_the_first_are_measured():
    clock = FakeClock()
    bar, stream = live_bar(100, clock)
    clock.advance(5.0)  # a slow first step: allocation, cuDNN's benchmark, torch.compile
    bar.update(1)
    assert "5.0s<?" in last_drawn(stream)
    for done in range(2, 1 + MIN_UNITS):
        clock.advance(0.25)
        bar.update(done)
        assert "<?" in last_drawn(stream), done
    clock.advance(0.25)
    bar.update(1 + MIN_UNITS)  # MIN_UNITS steps of 0.25 s measured since the first: 4 per second
    remaining = (100 - 1 - MIN_UNITS) * 0.25
    assert f"{5.0 + 0.25 * MIN_UNITS:.1f}s<{format_seconds(remaining)}" in last_drawn(stream)


def test_the_first_step_does_not_count_into_the_rate():
    """A first step of a minute and steps of 0.1 s after it: the ETA is the steps' rate, not a minute's."""
    clock = FakeClock()
    bar, _ = live_bar(1000, clock)
    clock.advance(60.0)
    bar.update(1)
    for done in range(2, 101):
        clock.advance(0.1)
        bar.update(done)
    assert bar.timing() == f"{format_seconds(60 + 9.9)}<{format_seconds(900 * 0.1)}"


def test_a_bar_without_a_total_never_guesses():
    clock = FakeClock()
    bar, stream = live_bar(0, clock)
    for done in range(1, 50):
        clock.advance(1.0)
        bar.update(done)
    assert "<?" in last_drawn(stream)


def test_a_bar_off_the_terminal_draws_nothing_until_close():
    clock = FakeClock()
    stream = io.StringIO()
    bar = Bar("epoch 1/1", 10, stream=stream, enabled=False, clock=clock)
    for done in range(1, 11):
        clock.advance(1.0)
        bar.update(done, "loss 0.1")
    assert stream.getvalue() == ""
    bar.close("epoch 1/1  loss 0.1")
    assert stream.getvalue() == "epoch 1/1  loss 0.1\n"


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(0.0, "0.0s"), (9.64, "9.6s"), (59.9, "59.9s"), (60, "1:00"), (245, "4:05"), (3845, "1:04:05")],
)
def test_durations_read_as_seconds_minutes_or_hours(seconds, shown):
    assert format_seconds(seconds) == shown


@settings(max_examples=200, deadline=None)
@given(
    total=st.integers(MIN_UNITS + 2, 10_000),
    warmup=st.floats(0.0, 100.0),
    step=st.floats(1e-3, 10.0),
    data=st.data(),
)
def test_at_a_constant_rate_the_eta_is_the_time_the_rest_takes(total, warmup, step, data):
    """Simulated steps of `step` seconds after a first step of `warmup`: the ETA, once shown, is the
    time the remaining steps will take, whatever the warm-up was."""
    done = data.draw(st.integers(1 + MIN_UNITS, total))
    measured = done - 1
    if measured * step < MIN_SECONDS:
        assert remaining_seconds(done, total, 1, warmup, warmup + measured * step) is None
        return
    eta = remaining_seconds(done, total, 1, warmup, warmup + measured * step)
    assert eta == pytest.approx((total - done) * step, rel=1e-9, abs=1e-9)


def test_the_eta_needs_both_enough_steps_and_enough_time():
    assert remaining_seconds(MIN_UNITS, 100, 1, 0.0, 10.0) is None  # MIN_UNITS − 1 steps measured
    assert remaining_seconds(100, 1000, 1, 0.0, MIN_SECONDS / 2) is None  # fast, but too short to trust
    assert remaining_seconds(100, 1000, 1, 0.0, 9.9) == pytest.approx(90.0)

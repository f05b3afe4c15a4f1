"""The check worker shared by `netspec serve` and `netspec lsp` (netspec/serve/worker.py): a long
job does not keep the others waiting, a newer job of the same key stops the older one, a job past
the deadline is stopped, and waiters are answered at once even by a job that never checks its token.

The jobs here stand in for a long check: `spin` calls `checkpoint()` as the check's loops do;
`stuck` waits on an event and never does (a check before its loops had checkpoints)."""

from __future__ import annotations

import threading
import time

import pytest

from netspec.cancellation import checkpoint
from netspec.serve.worker import DaemonWorker, Superseded, TooLong

BOUND_S = 5  # generous: only a job kept waiting behind another takes this long


def spin(seconds: float, stopped: list | None = None) -> str:
    """Busy for `seconds`, as a check is, calling checkpoint() all along."""
    end = time.monotonic() + seconds
    try:
        while time.monotonic() < end:
            checkpoint()
            sum(range(200))
    except BaseException:
        if stopped is not None:
            stopped.append(True)
        raise
    return "spun"


def test_a_short_job_is_answered_while_a_long_one_runs():
    """Finding: with one thread, every check waited behind a 40 s one."""
    worker = DaemonWorker("test")
    long = worker.submit(spin, 20, key="long")
    try:
        assert worker.submit(lambda: "short").result(BOUND_S) == "short"
        assert not long.done()
    finally:
        worker.stop("long")  # not to spin on beside the next tests


def test_a_newer_job_of_the_same_key_stops_the_running_one_at_its_next_checkpoint():
    worker = DaemonWorker("test")
    stopped: list = []
    old = worker.submit(spin, 20, stopped, key="doc")
    time.sleep(0.2)  # running
    new = worker.submit(lambda: "new", key="doc")
    assert new.result(BOUND_S) == "new"
    with pytest.raises(Superseded):
        old.result(BOUND_S)
    deadline = time.monotonic() + BOUND_S
    while not stopped and time.monotonic() < deadline:
        time.sleep(0.01)
    assert stopped, "the old job ran on"


def test_a_job_superseded_before_it_starts_never_runs():
    worker = DaemonWorker("test", threads=1)
    release = threading.Event()
    ran: list = []
    busy = worker.submit(release.wait, 10)
    first = worker.submit(ran.append, "first", key="doc")
    second = worker.submit(ran.append, "second", key="doc")
    assert first.cancelled()
    release.set()
    second.result(BOUND_S)
    assert busy.result(BOUND_S) is True and ran == ["second"]


def test_other_keys_are_not_stopped():
    worker = DaemonWorker("test")
    a = worker.submit(spin, 0.5, key="a")
    b = worker.submit(spin, 0.5, key="b")
    assert a.result(BOUND_S) == b.result(BOUND_S) == "spun"


def test_a_job_past_the_deadline_is_stopped_and_its_thread_freed():
    worker = DaemonWorker("test", threads=1, deadline_s=0.5)
    stopped: list = []
    long = worker.submit(spin, 30, stopped)
    with pytest.raises(TooLong) as caught:
        long.result(BOUND_S)
    assert caught.value.seconds == 0.5
    assert worker.submit(lambda: "next").result(BOUND_S) == "next"  # the one thread is free again
    assert stopped


def test_a_job_that_never_reaches_a_checkpoint_is_still_answered_at_the_deadline():
    """Its thread cannot be stopped from outside, but whoever waits is answered at the deadline,
    and the other threads take the next jobs."""
    worker = DaemonWorker("test", threads=2, deadline_s=0.5)
    release = threading.Event()
    stuck = worker.submit(release.wait, 30)
    try:
        with pytest.raises(TooLong):
            stuck.result(BOUND_S)
        assert worker.submit(lambda: "next").result(BOUND_S) == "next"
    finally:
        release.set()


def test_at_most_threads_jobs_run_at_once():
    worker = DaemonWorker("test", threads=2)
    release = threading.Event()
    running: list = []
    lock = threading.Lock()
    peak: list = [0]

    def job():
        with lock:
            running.append(1)
            peak[0] = max(peak[0], len(running))
        release.wait(10)
        with lock:
            running.pop()

    futures = [worker.submit(job) for _ in range(5)]
    time.sleep(0.3)
    assert peak[0] == 2
    release.set()
    for future in futures:
        future.result(BOUND_S)
    assert peak[0] == 2


def test_stop_with_a_future_stops_only_that_job():
    worker = DaemonWorker("test")
    old = worker.submit(spin, 20, key="page")
    time.sleep(0.2)  # running
    new = worker.submit(spin, 0.2, key="page")
    worker.stop("page", old)  # `old` is no longer the newest: `new` is left alone
    assert new.result(BOUND_S) == "spun"
    with pytest.raises(Superseded):
        old.result(BOUND_S)

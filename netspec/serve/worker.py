"""A few background threads for CPU-bound jobs (a check, a compile, a drawing), used by
`netspec serve` and `netspec lsp`, that never keep the process alive, never let one long job
starve the others, and give up on a job that runs past a deadline.

Daemon threads: `concurrent.futures.ThreadPoolExecutor` and anyio's worker threads are joined
when Python exits, so Ctrl-C (or an editor's `exit`) during the check of a 100,000-line spec would
wait for that check to finish: 20 seconds and more. A check writes nothing, so nothing is lost by
abandoning it; these threads are daemons and the process ends at once. Saves do not go through
here: a write must finish once started.

Several threads (`threads`, 3 by default): with one, a spec that takes 40 s to check kept every
other check and hover waiting behind it for those 40 s. Python runs one thread at a time, so
threads share the CPU rather than add to it: a small check beside a long one is answered in about
twice its own time instead of after the long one.

Stopping a job: each job runs inside `netspec.cancellation.cancellable(token)`, so the check's
`checkpoint()` calls raise `Cancelled` once its token is set. A job submitted with a `key` (a
document, a page) supersedes the job of the same key before it: that one is skipped if it has not
started, else its token is set and its future fails with `Superseded` at once. A job running
longer than `deadline_s` has its token set and its future fails with `TooLong`. In both cases the
waiters are answered at once, even by a job that reaches no checkpoint: its thread then runs on
to the job's end and drops the result (and counts towards `threads` until then).

`submit(fn, *args)` returns a `concurrent.futures.Future`, as an executor's does, so it serves
`loop.run_in_executor(worker, fn, *args)`; a job cancelled before it starts is skipped.
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future, InvalidStateError

from netspec.cancellation import Cancelled, cancellable

IDLE_S = 30.0  # a thread with no job for this long ends; the next job starts another
THREADS = 3  # jobs running at once: a long check on each of two documents, and one more


class Superseded(Exception):
    """A newer job of the same key replaced this one (a newer text of the document or page)."""


class TooLong(Exception):
    """The job ran past the worker's deadline and was abandoned."""

    def __init__(self, seconds: float):
        super().__init__(f"took over {seconds:g} s")
        self.seconds = seconds


class _Job:
    """One submitted call, its future, and the token that asks it to stop."""

    __slots__ = ("future", "fn", "args", "key", "token")

    def __init__(self, fn, args: tuple, key):
        self.future: Future = Future()
        self.fn = fn
        self.args = args
        self.key = key
        self.token = threading.Event()

    def stop(self, reason: Exception) -> None:
        """Ask the job to stop, and answer its waiters with `reason` now (a job that has not
        started is cancelled instead, and then skipped)."""
        if not self.future.cancel():
            _settle(self.future, error=reason)  # first: a checkpoint that sees the token finds it
        self.token.set()


class DaemonWorker:
    """Runs submitted jobs in order on up to `threads` daemon threads, each started when a job
    finds no idle one and ended after IDLE_S without a job. `deadline_s` None: no deadline."""

    def __init__(self, name: str, threads: int = THREADS, deadline_s: float | None = None):
        self.name = name
        self.threads = threads
        self.deadline_s = deadline_s
        self.jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self.lock = threading.Lock()
        self.started = 0  # threads alive
        self.idle = 0  # of those, waiting for a job
        self.latest: dict[object, _Job] = {}  # key → its newest job, until that one is done

    def submit(self, fn, /, *args, key=None) -> Future:
        """Queue `fn(*args)`; with `key`, the previous job of that key is superseded."""
        job = _Job(fn, args, key)
        previous = None
        if key is not None:
            with self.lock:
                previous, self.latest[key] = self.latest.get(key), job
        if previous is not None:  # outside the lock: stopping runs the future's callbacks
            previous.stop(Superseded())
        self.jobs.put(job)
        self._more_threads()
        return job.future

    def stop(self, key, future: Future | None = None) -> None:
        """Stop the newest job of `key` if one is queued or running (its document was closed, its
        page went away); with `future`, only if that job is still the one of `future`."""
        with self.lock:
            job = self.latest.get(key)
            if job is None or (future is not None and job.future is not future):
                return
            del self.latest[key]
        job.stop(Superseded())

    def _more_threads(self) -> None:
        """Start a thread when a job waits and no thread is idle (up to `threads`)."""
        with self.lock:
            if self.jobs.qsize() > self.idle and self.started < self.threads:
                self.started += 1
                threading.Thread(target=self._run, name=self.name, daemon=True).start()

    def _run(self) -> None:
        while True:
            with self.lock:
                self.idle += 1
            try:
                job = self.jobs.get(timeout=IDLE_S)
            except queue.Empty:
                with self.lock:  # `submit` puts its job before taking the lock: none can be missed
                    self.idle -= 1
                    if self.jobs.empty():
                        self.started -= 1
                        return
                continue
            with self.lock:
                self.idle -= 1
            self._more_threads()  # another job may have come while this one was taken
            self._run_one(job)
            del job  # drop the finished job's text and result before waiting again

    def _run_one(self, job: _Job) -> None:
        if job.token.is_set() or not job.future.set_running_or_notify_cancel():
            return  # stopped while it waited: a newer text replaced it
        timer = None
        if self.deadline_s is not None:
            timer = threading.Timer(self.deadline_s, job.stop, (TooLong(self.deadline_s),))
            timer.daemon = True
            timer.start()
        try:
            with cancellable(job.token):
                result = job.fn(*job.args)
        except Cancelled:
            _settle(job.future, error=Superseded())  # unless stop() has answered already
        except BaseException as error:  # noqa: BLE001 (handed to whoever waits on the future)
            _settle(job.future, error=error)
        else:
            _settle(job.future, result=result)
        finally:
            if timer is not None:
                timer.cancel()
            with self.lock:
                if job.key is not None and self.latest.get(job.key) is job:
                    del self.latest[job.key]

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Nothing to wait for: the threads are daemons (asyncio calls this on executors it owns)."""


def _settle(future: Future, result=None, error: BaseException | None = None) -> None:
    """Give `future` its outcome unless it has one (a job stopped early was answered already)."""
    try:
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)
    except InvalidStateError:
        pass

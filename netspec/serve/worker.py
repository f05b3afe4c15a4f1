"""One background thread for CPU-bound jobs (a check, a compile, a drawing), one job at a time,
(used by `netspec serve` and `netspec lsp`)
that never keeps the process alive.

`concurrent.futures.ThreadPoolExecutor` and anyio's worker threads are joined when Python exits,
so Ctrl-C (or an editor's `exit`) during the check of a 100,000-line spec would wait for that
check to finish: 20 seconds and more. A check writes nothing, so nothing is lost by abandoning it;
this worker's thread is a daemon and the process ends at once. Saves do not go through here: a
write must finish once started.

`submit(fn, *args)` returns a `concurrent.futures.Future`, as an executor's does, so it serves
`loop.run_in_executor(worker, fn, *args)`; a job cancelled before it starts is skipped.
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future

IDLE_S = 30.0  # a thread with no job for this long ends; the next job starts another


class DaemonWorker:
    """Runs submitted jobs in order on one daemon thread, started at the first job (and again
    after it ended, idle)."""

    def __init__(self, name: str):
        self.name = name
        self.jobs: queue.SimpleQueue = queue.SimpleQueue()
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()

    def submit(self, fn, /, *args) -> Future:
        future: Future = Future()
        self.jobs.put((future, fn, args))
        with self.lock:
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, name=self.name, daemon=True)
                self.thread.start()
        return future

    def _run(self) -> None:
        while True:
            try:
                future, fn, args = self.jobs.get(timeout=IDLE_S)
            except queue.Empty:
                with self.lock:  # `submit` puts its job before taking the lock: none can be missed
                    if self.jobs.empty():
                        self.thread = None
                        return
                continue
            if not future.set_running_or_notify_cancel():
                continue  # cancelled while it waited: a newer text replaced it
            try:
                result = fn(*args)
            except BaseException as error:  # noqa: BLE001 (handed to whoever waits on the future)
                future.set_exception(error)
            else:
                future.set_result(result)
            del future, fn, args  # drop the finished job's text and result before waiting again

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Nothing to wait for: the thread is a daemon (asyncio calls this on executors it owns)."""

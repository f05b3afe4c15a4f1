"""One process at a time in a run folder: `.netspec.lock`, held with flock for the whole run.

Two runs in one folder would each write checkpoints and remove the other's: the second `--resume`
would read a checkpoint.json naming a tensor file that the first had just replaced, and call a
healthy folder damaged. So a run takes an exclusive lock on the folder's `.netspec.lock` before it
reads or writes anything there, and holds it until it ends; a second run is refused at once
(exit 2) and touches nothing. A fresh run takes it in its folder before the folder gets its name
(netspec.training.outputs.new_run_dir), so no `--resume` can slip in between.

The lock is the kernel's (flock(2)), on an open file: it goes when the process ends, however it
ends (a SIGKILL included), so a killed run never leaves its folder locked, and the empty file
is left in place (removing it would let two processes lock two different files). The file is
opened without following a link, and only a regular file is locked. Where the file system has no
flock (some network mounts), the run goes on unlocked, with a note.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from netspec.loading import UsageError
from netspec.training.run_folder import DamagedRun, open_folder, walks_by_descriptor

LOCK_NAME = ".netspec.lock"

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no flock; runs are not locked there
    fcntl = None


class FolderInUse(UsageError):
    """Another process holds the run folder's lock (exit 2: nothing was read or written)."""


class RunLock:
    """An exclusive flock on a run folder's `.netspec.lock`, from `take` until `release`."""

    def __init__(self) -> None:
        self.handle: int | None = None
        self.note: str | None = None  # for the user, when this file system cannot lock

    def take(self, run_dir: Path) -> None:
        """Lock `run_dir`, or raise FolderInUse (another process has it) or DamagedRun (the lock
        file is a link or not a file). Where the file system cannot lock, `note` says so and the
        run goes on without the lock."""
        if fcntl is None or not walks_by_descriptor():  # pragma: no cover - Windows
            return
        path = Path(run_dir, LOCK_NAME)
        handle = _open_lock_file(run_dir, path)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(handle)
            raise FolderInUse(
                f"{run_dir}: another netspec process is training in this run folder (it holds {path}); "
                "wait for it to end, or stop it, then try again"
            ) from None
        except OSError as error:  # ENOLCK, EOPNOTSUPP: no flock on this file system
            os.close(handle)
            self.note = (
                f"netspec: note: cannot lock {path} ({error.strerror or error}): nothing stops a second run in it"
            )
            return
        self.handle = handle

    def release(self) -> None:
        """Let the folder go (closing the file drops the lock)."""
        if self.handle is not None:
            os.close(self.handle)
            self.handle = None


def _open_lock_file(run_dir: Path, path: Path) -> int:
    """`.netspec.lock` in `run_dir`, opened (made when missing) without following a link."""
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        folder = open_folder(run_dir, [])
    except FileNotFoundError:
        raise UsageError(f"{run_dir}: no such folder") from None
    try:
        handle = os.open(LOCK_NAME, flags, 0o666, dir_fd=folder)
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.EISDIR, errno.ENXIO):
            raise DamagedRun(
                f"{path} is not a regular file, which netspec never makes there; the run folder is damaged"
            ) from None
        raise
    finally:
        os.close(folder)
    if not stat.S_ISREG(os.fstat(handle).st_mode):
        os.close(handle)
        raise DamagedRun(f"{path} is not a regular file, which netspec never makes there; the run folder is damaged")
    return handle

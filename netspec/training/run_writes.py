"""Writing into a run folder that may have been made, or changed, by someone else.

Every file netspec writes in a run folder (`WRITTEN`, and `checkpoints/epoch-NNNN.safetensors`)
goes through `write_inside`: the folders are walked by descriptor without following a link, as
`run_folder.read_inside` reads; the bytes go to a new temporary file made there (O_EXCL and
O_NOFOLLOW: never an existing file, never through a link), which is then renamed over the name.
A rename replaces a link itself and never writes through it, so a link planted in place of a file
is at worst replaced by a regular file, and what it named stays as it was; a link in place of a
folder (`checkpoints/`), even one swapped in while the run trains, is refused as damage.

Before a resumed run writes anything, `check_writable` refuses a folder where one of these names is
a link, a folder or any other non-file: netspec never makes one there, so the folder is not as
netspec left it, and saying so before training beats replacing it silently an epoch later.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path

from netspec.training.run_folder import TENSOR_NAME, DamagedRun, name_parts, open_folder, walks_by_descriptor

# The files a run writes at the top of its folder (the lock: netspec.training.run_lock).
WRITTEN = (
    "run.json",
    "model.py",
    "metrics.csv",
    "curves.png",
    "checkpoint.json",
    "weights.safetensors",
    ".netspec.lock",
)
CHECKPOINTS = "checkpoints"
LINK_ERRORS = (errno.ELOOP, errno.ENOTDIR, errno.EMLINK)  # O_NOFOLLOW met a link, or a step is a file


def write_inside(run_dir: Path, relative: str, data: bytes) -> None:
    """Write `data` as the regular file `relative` (`metrics.csv`, `checkpoints/x`) inside
    `run_dir`, atomically: a reader sees the old file or the whole new one. Folders on the way are
    made when missing. A link at the name is replaced, never followed; a link, a file or a swapped
    folder on the way, or a folder at the name, is DamagedRun. The file keeps the mode of the
    regular file it replaces (else 0o666 less the umask). Other failures (a full disk) are OSError,
    and leave no temporary file."""
    parts = name_parts(run_dir, relative)
    path = Path(run_dir, *parts)
    if not walks_by_descriptor():  # pragma: no cover - no dir_fd (Windows)
        _write_by_path(Path(run_dir), parts, data)
        return
    try:
        folder = open_folder(run_dir, parts[:-1], create=True)
    except OSError as error:
        if error.errno in LINK_ERRORS:
            raise DamagedRun(
                f"{path}: a folder on its way is a link or a file, which netspec never makes there; "
                "the run folder is damaged"
            ) from None
        raise
    try:
        _replace_in(folder, parts[-1], data, path)
    finally:
        os.close(folder)


def _replace_in(folder: int, name: str, data: bytes, shown: Path) -> None:
    """A new file with `data` renamed over `name` in the open folder `folder` (see write_inside)."""
    try:
        old = os.stat(name, dir_fd=folder, follow_symlinks=False)
    except FileNotFoundError:
        old = None
    if old is not None and stat.S_ISDIR(old.st_mode):
        raise DamagedRun(f"{shown} is a folder, not a file; the run folder is damaged")
    mode = stat.S_IMODE(old.st_mode) if old is not None and stat.S_ISREG(old.st_mode) else None
    temporary = f".{name}.{secrets.token_hex(4)}.tmp"  # a leftover of a killed run: remove_leftovers
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    handle = os.open(temporary, flags, 0o666, dir_fd=folder)
    try:
        with open(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
            if mode is not None:
                os.fchmod(file.fileno(), mode)
        try:
            os.replace(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)
        except OSError as error:
            if error.errno in (errno.EISDIR, errno.ENOTEMPTY, errno.EEXIST):  # a folder made there meanwhile
                raise DamagedRun(f"{shown} became a folder while it was written; the run folder is damaged") from None
            raise
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary, dir_fd=folder)
        raise


def _write_by_path(run_dir: Path, parts: list[str], data: bytes) -> None:  # pragma: no cover - Windows
    """write_inside where folders cannot be walked by descriptor: each step is checked not to be a
    link, then a temporary file in the same folder is renamed over the name."""
    import tempfile

    for i in range(len(parts) - 1):
        step = Path(run_dir, *parts[: i + 1])
        if step.is_symlink() or (step.exists() and not step.is_dir()):
            raise DamagedRun(f"{step} is not a folder (a link, or a file); the run folder is damaged")
        step.mkdir(exist_ok=True)
    target = Path(run_dir, *parts)
    if target.is_dir() and not target.is_symlink():
        raise DamagedRun(f"{target} is a folder, not a file; the run folder is damaged")
    with tempfile.NamedTemporaryFile(
        "wb", dir=target.parent, prefix=f".{target.name}.", suffix=".tmp", delete=False
    ) as f:
        f.write(data)
    os.replace(f.name, target)


def remove_inside(run_dir: Path, folder: str, pick: Callable[[str], bool]) -> list[str]:
    """Remove the regular files of `run_dir/folder` (`""`: the run folder itself) whose names `pick`
    chooses; links and folders are left alone, and a `folder` that is a link (or missing) is not
    looked into, so nothing outside the run folder is ever removed. Returns the names removed."""
    if not walks_by_descriptor():  # pragma: no cover - Windows
        base = Path(run_dir, folder)
        if base.is_symlink() or not base.is_dir():
            return []
        names = [p.name for p in base.iterdir() if pick(p.name) and p.is_file() and not p.is_symlink()]
        for name in names:
            (base / name).unlink(missing_ok=True)
        return names
    try:
        handle = open_folder(run_dir, [folder] if folder else [])
    except OSError as error:
        if isinstance(error, FileNotFoundError) or error.errno in LINK_ERRORS:
            return []
        raise
    removed = []
    try:
        for name in os.listdir(handle):
            if not pick(name):
                continue
            with contextlib.suppress(OSError):
                if stat.S_ISREG(os.stat(name, dir_fd=handle, follow_symlinks=False).st_mode):
                    os.unlink(name, dir_fd=handle)
                    removed.append(name)
    finally:
        os.close(handle)
    return removed


def is_leftover(name: str) -> bool:
    """A temporary file of write_inside (or netspec.files) that a killed run left: `.NAME.XXXX.tmp`."""
    return name.startswith(".") and name.endswith(".tmp")


def remove_leftovers(run_dir: Path) -> list[Path]:
    """Remove the temporary files that a killed run left in the run folder and its checkpoints/."""
    return [
        Path(run_dir, folder, name)
        for folder in ("", CHECKPOINTS)
        for name in remove_inside(run_dir, folder, is_leftover)
    ]


def check_writable(run_dir: Path) -> None:
    """DamagedRun unless every name a run writes in `run_dir` is a regular file or absent, and
    `checkpoints/` a real folder (or absent) whose tensor files are regular files: a link there
    would have the run's writes replace it, and a folder or device cannot be written at all."""
    for name in WRITTEN:
        _check_kind(Path(run_dir, name), stat.S_ISREG, "a regular file")
    folder = Path(run_dir, CHECKPOINTS)
    if _check_kind(folder, stat.S_ISDIR, "a folder"):
        for entry in os.scandir(folder):
            if TENSOR_NAME.fullmatch(f"{CHECKPOINTS}/{entry.name}"):
                _check_kind(Path(entry.path), stat.S_ISREG, "a regular file")


def _check_kind(path: Path, test: Callable[[int], bool], expected: str) -> bool:
    """Whether `path` exists; DamagedRun when it is not `expected` (a link never is)."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return False
    if not test(mode):
        found = "a link" if stat.S_ISLNK(mode) else "a folder" if stat.S_ISDIR(mode) else "not a regular file"
        raise DamagedRun(
            f"{path} is not {expected} ({found}), which netspec never makes there; the run folder is damaged "
            "(move it away and retry)"
        )
    return True

"""Writing files so that a reader never sees half of one, and without replacing what is not a file.

What `path` names decides how it is written:

- a regular file, or nothing yet: a temporary file in the same folder, renamed over it when complete;
- a symlink (also a dangling one, or a chain): the same, at the file the link finally names, so the
  link stays a link;
- a character device or a FIFO (`/dev/null`, `/dev/stdout`, a named pipe): written into directly,
  since a device cannot be replaced atomically and must never be replaced by a file;
- a folder, a block device or a socket: refused (IsADirectoryError / OSError) with a message.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path


def write_text_atomically(path: Path | str, text: str) -> None:
    """Write `text` as UTF-8 to `path`, atomically where `path` is a file (see `write_bytes_atomically`)."""
    write_bytes_atomically(path, text.encode("utf-8"))


def write_bytes_atomically(path: Path | str, data: bytes) -> None:
    """Write `data` to `path`. A regular file (or a new one) is written through a temporary file in
    the same folder, renamed over it once complete (`os.replace` is atomic on POSIX and Windows): a
    reader sees the old file or the whole new one, never a part. On any failure the temporary file is
    removed and `path` is left as it was. The new file gets the mode of the one it replaces, or the
    usual mode for a new file (0o666 less the umask). A symlink is followed to its final target; a
    character device or FIFO is written directly; anything else raises OSError."""
    path = Path(path)
    try:
        info = os.stat(path)  # follows symlinks
    except FileNotFoundError:
        info = None
    if info is None:
        target = _final_target(path)  # a dangling symlink names the file to create
        _replace(target, data, mode=None)
    elif stat.S_ISREG(info.st_mode):
        if _through_proc(path):  # /dev/stdout redirected to a file: the shell owns it, write into it
            _write_directly(path, data, regular=True)
        else:
            _replace(_final_target(path), data, mode=stat.S_IMODE(info.st_mode))
    elif stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode):
        _write_directly(path, data, regular=False)
    elif stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", str(path))
    else:
        kind = "a block device" if stat.S_ISBLK(info.st_mode) else "a socket" if stat.S_ISSOCK(info.st_mode) else None
        raise OSError(errno.EINVAL, f"is {kind or 'not a regular file'}; not a regular file, device or pipe", str(path))


def _links(path: Path) -> list[Path]:
    """`path` and every path its chain of symlinks leads through, the final file last; raises
    OSError on a loop (`os.path.realpath(strict=False)` would silently return a looping path)."""
    chain = [path]
    while os.path.islink(chain[-1]):
        if len(chain) > 40:  # the kernel's own limit on links followed
            raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), str(path))
        link = os.readlink(chain[-1])
        chain.append(Path(os.path.join(os.path.dirname(chain[-1]), link)))
    return chain


def _final_target(path: Path) -> Path:
    """The file a chain of symlinks ends at (the path itself when it is not a link)."""
    return _links(path)[-1]


def _through_proc(path: Path) -> bool:
    """Whether `path` reaches its file through /proc/<pid>/fd or /dev/fd (as /dev/stdout does): the
    file is then some process's open descriptor (a shell's `> out.py`), and renaming a new file over
    it would write where that descriptor no longer points."""
    hops = [str(p) for p in _links(path)[:-1]] + [os.path.realpath(os.path.dirname(path))]
    return any(hop.startswith(("/proc/", "/dev/fd/")) for hop in hops)


def _write_directly(path: Path, data: bytes, regular: bool) -> None:
    flags = os.O_WRONLY | getattr(os, "O_NOCTTY", 0) | (os.O_TRUNC if regular else 0)
    fd = os.open(path, flags)  # no O_CREAT: if the device vanished since stat, fail, do not create a file
    with open(fd, "wb") as handle:
        kind = os.fstat(fd).st_mode
        if stat.S_ISDIR(kind) or stat.S_ISBLK(kind) or (stat.S_ISREG(kind) and not regular):
            raise OSError(errno.EINVAL, "changed into something else while being opened", str(path))
        handle.write(data)  # ENOSPC (/dev/full) surfaces here or at close, as OSError


def _replace(target: Path, data: bytes, mode: int | None) -> None:
    if mode is None:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    handle = tempfile.NamedTemporaryFile(
        "wb", dir=target.parent, prefix=f".{target.name}.", suffix=".tmp", delete=False
    )
    try:
        with handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(handle.name, mode)
        os.replace(handle.name, target)
    except BaseException:
        try:
            os.unlink(handle.name)
        except FileNotFoundError:
            pass
        raise

"""Opening data files and folders safely: regular files only, never a blocking open, bounded reads.

A FIFO blocks whoever opens it for reading until a writer comes, /dev/zero never ends, and a
socket cannot be opened at all, so every path netspec reads is first looked at with `stat` (which
opens nothing) and then opened with O_NONBLOCK and looked at again (`fstat`), in case it was
swapped in between. Every size is compared with `data_limit()` before its bytes are read.
"""

from __future__ import annotations

import gzip
import math
import os
import stat
import zlib
from pathlib import Path

import numpy as np

from netspec.units import fmt_bytes, parse_bytes

GZIP_MAGIC = b"\x1f\x8b"
DEFAULT_DATA_LIMIT = 4 * 2**30  # bytes one data file may hold once read; NETSPEC_DATA_LIMIT changes it
DATA_LIMIT_ENV = "NETSPEC_DATA_LIMIT"
DEFLATE_MAX_RATIO = 1032  # deflate cannot expand more than ~1032:1 (zlib's technical notes)


class DataError(Exception):
    """Data that cannot be found, fetched or read; the message says what to do."""


def data_limit() -> int:
    """The most bytes netspec reads from one data file: 4 GiB, or `NETSPEC_DATA_LIMIT` (e.g. 16GiB).
    Every size is checked against it before the bytes are read, so a damaged or hostile file (a
    gzip or zip "bomb") is refused instead of filling the memory."""
    text = os.environ.get(DATA_LIMIT_ENV)
    if not text:
        return DEFAULT_DATA_LIMIT
    try:
        return parse_bytes(text)
    except ValueError as error:
        raise DataError(f"{DATA_LIMIT_ENV}={text!r}: {error}") from None


def too_large(path: Path, what: str, size: int) -> DataError:
    """The error for `size` bytes over `data_limit()`, with the setting that would let them through."""
    limit = data_limit()
    return DataError(
        f"{path} {what} {size:,} bytes ({fmt_bytes(size)}), more than netspec reads from one file "
        f"({fmt_bytes(limit)}); if the data is really that large, set {DATA_LIMIT_ENV}, e.g. "
        f"{DATA_LIMIT_ENV}={suggest_limit(size)}"
    )


def suggest_limit(size: int) -> str:
    return f"{max(1, math.ceil(size / 2**30))}GiB"


# --- what a path is, without opening it --------------------------------------------------------

KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISDIR, "a folder"),
)


def kind_of_mode(mode: int) -> str:
    """'a file', 'a folder', 'a FIFO (named pipe)', … for an `st_mode`: the words error messages use."""
    if stat.S_ISREG(mode):
        return "a file"
    return next((words for test, words in KINDS if test(mode)), "not a regular file")


def kind_of(path: Path) -> str | None:
    """What `path` is (see `kind_of_mode`), following links; None when nothing is there. Only
    `stat`: a FIFO is never opened (that would wait for a writer)."""
    try:
        return kind_of_mode(os.stat(path).st_mode)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise DataError(f"cannot read {path}: {error.strerror or error}") from None


def is_special(path: Path) -> bool:
    """Whether `path` is there but is neither a file nor a folder (a FIFO, socket or device)."""
    return kind_of(path) not in (None, "a file", "a folder")


def exists_not_folder(path: Path) -> bool:
    """Whether something other than a folder is at `path`: a file to read, or a FIFO/device to refuse
    by name when it is opened (rather than skipped as if it were missing)."""
    return kind_of(path) not in (None, "a folder")


def not_regular(path: Path, kind: str) -> DataError:
    return DataError(f"{path} is not a regular file ({kind}); give the data set's files themselves")


def open_regular(path: Path):
    """`path` opened for reading, with its size on disk; a DataError unless it is a regular file.
    Checked before opening (a FIFO would block the open) and again after (the path may have been
    replaced in between); the O_NONBLOCK open cannot block either way."""
    kind = kind_of(path)
    if kind is None:
        raise DataError(f"cannot read {path}: No such file or directory")
    if kind != "a file":
        raise not_regular(path, kind)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as error:
        raise DataError(f"cannot read {path}: {error.strerror or error}") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise not_regular(path, kind_of_mode(info.st_mode))
    _blocking(fd)
    return os.fdopen(fd, "rb"), info.st_size


def _blocking(fd: int) -> None:
    """Clear O_NONBLOCK again: it only guarded the open, and a regular file ignores it anyway."""
    try:
        import fcntl
    except ImportError:  # Windows: there was no O_NONBLOCK to clear
        return
    flags = fcntl.fcntl(fd, fcntl.F_GETFL)
    fcntl.fcntl(fd, fcntl.F_SETFL, flags & ~os.O_NONBLOCK)


def read_exactly(stream, size: int) -> tuple[np.ndarray, bool]:
    """`size` bytes from `stream` into a new writable array, and whether more bytes follow them."""
    buffer = np.empty(size, np.uint8)
    view, done = memoryview(buffer), 0
    while done < size:
        got = stream.readinto(view[done:])
        if not got:
            break
        done += got
    return buffer[:done], bool(stream.read(1))


def read_bytes(path: Path) -> bytes:
    """The file's bytes, gunzipped when it starts with the gzip magic; at most `data_limit()` of them."""
    limit = data_limit()
    handle, size = open_regular(path)
    with handle:
        gz = handle.read(2) == GZIP_MAGIC
        handle.seek(0)
        if not gz:
            if size > limit:
                raise too_large(path, "is", size)
            data = handle.read(limit + 1)  # not read(): the file may have grown since fstat
        else:
            try:
                with gzip.GzipFile(fileobj=handle) as stream:
                    data = stream.read(limit + 1)
            except (OSError, EOFError, zlib.error) as error:
                raise DataError(f"{path} is a damaged gzip file ({error}); delete it and fetch it again") from None
    if len(data) > limit:
        raise too_large(path, "unpacks to more than" if gz else "has grown to more than", limit)
    return data


def read_small_text(path: Path, limit: int) -> str:
    """A short text file (a list of class names), at most `limit` bytes of it, read safely."""
    handle, _ = open_regular(path)
    with handle:
        return handle.read(limit).decode("utf-8", errors="replace")


def require_folder(path: Path, what: str, fix: str) -> None:
    """A DataError unless `path` is a folder or absent (then it can be created): a cache setting
    that names a file, a FIFO or a device is a mistake to explain, not an OSError."""
    kind = kind_of(path)
    if kind not in (None, "a folder"):
        raise DataError(f"{what} ({path}) is {kind}, not a folder: {fix}")

"""Reading a spec file from disk, stdin or the bundled specs, bounded, without ever raising a traceback.

A spec is read at most `MAX_BYTES + 1` bytes: a regular file's size is checked before reading, a
pipe's while reading, so `netspec check /dev/zero` or an endless pipe cannot fill the memory.
Devices are refused (a terminal on stdin excepted), as are folders and sockets. So is a named pipe
(a FIFO made with `mkfifo`): opening one blocks until some writer opens it, which may be never, so
it is opened without waiting and refused; an anonymous pipe (`netspec check <(cat a.net)`, whose
`/dev/fd/63` already has its writer) is read.
"""

from __future__ import annotations

import os
import stat
import sys

from netspec import resources
from netspec.source import SourceFile

MAX_BYTES = 64 * 2**20
STDIN = "-"  # `netspec check -` reads the spec from stdin
STDIN_NAME = "<stdin>"


class UsageError(Exception):
    """A mistake in the command line (missing file, bad flag): exit code 2."""


def load_spec(name: str) -> tuple[SourceFile, str | None]:
    """The spec at `name` (`-`: stdin); if there is no such file but a bundled spec has that name,
    that one (with a note saying so). Raises UsageError when neither exists, when `name` is not
    something a spec can be read from, when it is too large, or when it is not UTF-8 text."""
    if name == STDIN:
        return SourceFile(STDIN_NAME, _decode(_read_stdin(), STDIN_NAME)), None
    path = name
    note = None
    try:
        info = os.stat(path)
    except FileNotFoundError:
        bundled = resources.bundled_spec(name) if "\0" not in name else None
        if bundled is None:
            available = ", ".join(p.name for p in resources.bundled_specs())
            raise UsageError(f"no such file: {name} (bundled specs: {available})") from None
        note = f"note: {name} not found here; using the bundled spec {bundled}"
        path = str(bundled)
        info = os.stat(path)
    except (OSError, ValueError) as error:  # a name too long, a loop of links, a NUL byte
        raise UsageError(f"cannot read {name}: {_reason(error)}") from None
    _check_kind(name, info, stdin=False)
    try:
        with open(_open_without_waiting(path, name), "rb") as handle:
            data = _read_bounded(handle, name)
    except OSError as error:
        raise UsageError(f"cannot read {name}: {_reason(error)}") from None
    shown = str(path) if note else name
    return SourceFile(shown, _decode(data, name)), note


def _open_without_waiting(path: str, name: str) -> int:
    """A descriptor open for reading `path`, opened with O_NONBLOCK so that a FIFO without a writer
    (or one swapped in since `stat`) cannot block the open; refuses what `_check_kind` refuses and a
    named pipe, then clears O_NONBLOCK so that an anonymous pipe is read as usual."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        info = os.fstat(fd)  # what was opened, should it have changed since `stat`
        _check_kind(name, info, stdin=False)
        if stat.S_ISFIFO(info.st_mode) and not _anonymous_pipe(fd, path):
            raise UsageError(
                f"{name} is a named pipe (FIFO), not a spec file; reading it would wait for a writer. "
                f"To check what a program writes, pipe it to standard input: `program | netspec check -`"
            )
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _anonymous_pipe(fd: int, path: str) -> bool:
    """Whether the FIFO open at `fd` already has its writer: an anonymous pipe (Linux names it
    `pipe:[inode]` in /proc/self/fd), or any pipe reached through a descriptor this process holds
    (`/dev/stdin`, `/dev/fd/N` as `<(…)` gives it), which the shell opened before starting us."""
    if str(path).startswith(("/dev/fd/", "/dev/stdin", "/proc/")):
        return True
    try:
        return os.readlink(f"/proc/self/fd/{fd}").startswith("pipe:")
    except OSError:
        return False


def _read_stdin() -> bytes:
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:  # stdin closed (`<&-`) or replaced by something without bytes
        raise UsageError(f"cannot read {STDIN_NAME}: there is no standard input")
    try:
        info = os.fstat(stream.fileno())
    except (OSError, ValueError, AttributeError):
        info = None  # not a real descriptor (a test's replacement): read it, bounded
    try:
        if info is not None:
            _check_kind(STDIN_NAME, info, stdin=os.isatty(stream.fileno()))
        return _read_bounded(stream, STDIN_NAME)
    except OSError as error:
        raise UsageError(f"cannot read {STDIN_NAME}: {_reason(error)}") from None


def _check_kind(name: str, info: os.stat_result, stdin: bool) -> None:
    """Refuse what a spec cannot be read from: folders, devices (but a terminal on stdin), sockets."""
    mode = info.st_mode
    if stat.S_ISDIR(mode):
        raise UsageError(f"{name} is a folder, not a spec file")
    if stat.S_ISCHR(mode) and not stdin:
        raise UsageError(f"{name} is a character device, not a spec file")
    if stat.S_ISBLK(mode):
        raise UsageError(f"{name} is a block device, not a spec file")
    if stat.S_ISSOCK(mode):
        raise UsageError(f"{name} is a socket, not a spec file")
    if stat.S_ISREG(mode) and info.st_size > MAX_BYTES:
        raise UsageError(f"{name} is {info.st_size:,} bytes; specs larger than {_limit()} are refused")


def _read_bounded(handle, name: str) -> bytes:
    data = handle.read(MAX_BYTES + 1)  # a buffered read returns this much unless the end comes first
    if len(data) > MAX_BYTES:
        raise UsageError(f"{name} holds more than {MAX_BYTES:,} bytes; specs larger than {_limit()} are refused")
    return data


def _limit() -> str:
    return f"{MAX_BYTES // 2**20} MiB" if MAX_BYTES % 2**20 == 0 else f"{MAX_BYTES:,} bytes"


def _reason(error: Exception) -> str:
    return (error.strerror if isinstance(error, OSError) else None) or str(error)


def _decode(data: bytes, name: str) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise UsageError(f"{name} is UTF-16 text; save it as UTF-8")
    # as utf-8-sig, without loading its codec module (~0.3 ms at every start): a byte-order mark goes
    mark = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    try:
        return data[mark:].decode("utf-8")
    except UnicodeDecodeError as failure:
        error = UnicodeDecodeError("utf-8", data, failure.start + mark, failure.end + mark, failure.reason)
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise UsageError(
            f"{name} is not UTF-8 text: line {line}, column {column} (byte {error.start:,}) holds "
            f"0x{data[error.start]:02x}, which UTF-8 cannot decode; save the file as UTF-8"
        ) from None

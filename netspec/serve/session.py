"""The one spec a playground serves: the file named on the command line (which the page may save
back to, and nothing else), or a bundled example (which it may not).

The page never names a path. A save carries the digest of the file's text the page last loaded or
saved; when the file on disk no longer has it (changed by an editor meanwhile, or removed), the save
is refused with a diff from the file on disk to the page's text, and goes through only once the page
sends the digest of that newer version (the person saw the diff and chose to overwrite).
"""

from __future__ import annotations

import difflib
import hashlib
import os
import secrets
import stat
from pathlib import Path

from netspec.files import write_text_atomically
from netspec.loading import MAX_BYTES, UsageError, load_spec
from netspec.resources import bundled_spec, bundled_specs

DEFAULT_EXAMPLE = "lenet"
MAX_DIFF_LINES = 2_000  # a diff longer than this is cut, with a line saying so


def digest(data: bytes) -> str:
    """The SHA-256 of a file's bytes, hex: what a save compares (`""` for a file that is not there)."""
    return hashlib.sha256(data).hexdigest()


class SaveConflict(Exception):
    """The file changed on disk since the page loaded it: `diff` (disk → page) and its new `digest`."""

    def __init__(self, diff: str, disk_digest: str):
        super().__init__("the file changed on disk")
        self.diff = diff
        self.digest = disk_digest


class SaveRefused(Exception):
    """The file cannot be saved to (a bundled example, a path that is no longer a regular file)."""


class Session:
    """What `netspec serve [SPEC]` opened, and the per-run token that every write must carry."""

    def __init__(
        self, name: str, text: str, path: Path | None, loaded_digest: str, newline: str = "\n", bom: bool = False
    ):
        self.name = name  # shown in the page and used in diagnostics
        self.text = text
        self.path = path  # the file saves go to; None for a bundled example
        self.digest = loaded_digest
        self.newline = newline  # "\r\n" (or a lone "\r") when the file was written so: kept when saving
        self.bom = bom  # the file began with a UTF-8 byte-order mark (reading drops it): kept when saving
        self.token = secrets.token_urlsafe(32)

    @property
    def can_save(self) -> bool:
        return self.path is not None

    def to_json(self) -> dict:
        return {"name": self.name, "text": self.text, "digest": self.digest, "can_save": self.can_save}

    def save(self, text: str, base_digest: str) -> str:
        """Write `text` to the session's file atomically, if the file on disk is still the version
        with `base_digest`; returns the new digest. Raises SaveConflict (with a diff) when it is not,
        SaveRefused when there is no file to save to or it is not a regular file."""
        if self.path is None:
            raise SaveRefused("this page shows a bundled example; download the .net to keep your changes")
        current = read_current(self.path)
        disk_digest = digest(current) if current is not None else ""
        if disk_digest != base_digest:
            before = current.decode("utf-8", errors="replace").replace("\r\n", "\n") if current is not None else ""
            raise SaveConflict(unified_diff(before, text, self.name), disk_digest)
        data = ("\ufeff" if self.bom else "") + text.replace("\r\n", "\n").replace("\r", "\n").replace(
            "\n", self.newline
        )
        try:
            write_text_atomically(self.path, data)
        except OSError as error:
            raise SaveRefused(f"cannot write {self.name}: {error.strerror or error}") from None
        self.text = text
        self.digest = digest(data.encode("utf-8"))
        return self.digest


def open_session(spec: str | None) -> Session:
    """The session for `netspec serve SPEC`: an existing file (saveable), else a bundled spec of
    that name (read-only), else a UsageError; no SPEC: the bundled LeNet."""
    if spec is None:
        spec = DEFAULT_EXAMPLE
    source, note = load_spec(spec)  # bounded, UTF-8, refuses folders and devices
    if note is not None or spec == "-":
        return Session(source.name if note is None else Path(source.name).name, source.text, None, "")
    path = Path(spec)
    try:
        info = os.stat(path)
    except OSError as error:  # gone since it was read
        raise UsageError(f"cannot read {spec}: {error.strerror or error}") from None
    if not stat.S_ISREG(info.st_mode):
        raise UsageError(f"{spec} is not a regular file; the playground saves to regular files only")
    try:
        data = read_current(path)
    except SaveRefused as error:
        raise UsageError(str(error)) from None
    if data is None:
        raise UsageError(f"{spec} changed while it was read")
    return Session(spec, source.text, path, digest(data), line_ending(data), data.startswith(b"\xef\xbb\xbf"))


def line_ending(data: bytes) -> str:
    """The line ending a file is written with: Windows' `\r\n` if it has one, old Macs' lone `\r`
    if it has no `\n` at all, else `\n`."""
    if b"\r\n" in data:
        return "\r\n"
    return "\r" if b"\r" in data and b"\n" not in data else "\n"


def read_current(path: Path) -> bytes | None:
    """The bytes of the regular file at `path` now, None when nothing is there. Opened without
    blocking and checked after opening, so a FIFO put in its place cannot hang the server; anything
    else that is not a regular file raises SaveRefused."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return None
    except OSError as error:
        raise SaveRefused(f"cannot read {path}: {error.strerror or error}") from None
    try:
        regular = stat.S_ISREG(os.fstat(fd).st_mode)
    except OSError:
        regular = False
    if not regular:  # checked before `open(fd)`, which raises IsADirectoryError on a folder
        os.close(fd)
        raise SaveRefused(f"{path} is no longer a regular file; not saving over it")
    with open(fd, "rb") as handle:
        data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise SaveRefused(f"{path} has grown past {MAX_BYTES:,} bytes; not saving over it")
    return data


def unified_diff(disk: str, page: str, name: str) -> str:
    """The lines that saving would change: from the file on disk to the page's text."""
    lines = list(
        difflib.unified_diff(
            disk.splitlines(keepends=True),
            page.replace("\r\n", "\n").splitlines(keepends=True),
            fromfile=f"{name} (on disk)",
            tofile=f"{name} (in the page)",
        )
    )
    if len(lines) > MAX_DIFF_LINES:
        lines = [*lines[:MAX_DIFF_LINES], f"… {len(lines) - MAX_DIFF_LINES:,} more lines\n"]
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def examples() -> list[dict]:
    """The bundled specs: file name and the title from its first comment line."""
    entries = []
    for path in bundled_specs():
        first = path.read_text(encoding="utf-8").split("\n", 1)[0]
        title = first.lstrip("# ").strip() if first.startswith("#") else ""
        entries.append({"name": path.name, "title": title})
    return entries


def example(name: str) -> dict | None:
    """A bundled spec's name and text, or None when `name` is not one (never a path)."""
    path = bundled_spec(name) if "/" not in name and "\\" not in name and "\0" not in name else None
    if path is None:
        return None
    return {"name": path.name, "text": path.read_text(encoding="utf-8")}

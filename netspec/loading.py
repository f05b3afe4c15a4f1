"""Reading a spec file from disk (or from the bundled specs) without ever raising a traceback."""

from __future__ import annotations

from pathlib import Path

from netspec import resources
from netspec.source import SourceFile

MAX_BYTES = 64 * 2**20


class UsageError(Exception):
    """A mistake in the command line (missing file, bad flag): exit code 2."""


def load_spec(name: str) -> tuple[SourceFile, str | None]:
    """The spec at `name`; if there is no such file but a bundled spec has that name, that one
    (with a note saying so). Raises UsageError when neither exists or the file is unreadable."""
    path = Path(name)
    note = None
    if not path.exists():
        bundled = resources.bundled_spec(name)
        if bundled is None:
            available = ", ".join(p.name for p in resources.bundled_specs())
            raise UsageError(f"no such file: {name} (bundled specs: {available})")
        note = f"note: {name} not found here; using the bundled spec {bundled}"
        path = bundled
    if path.is_dir():
        raise UsageError(f"{name} is a folder, not a spec file")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UsageError(f"cannot read {name}: {error.strerror or error}") from None
    if len(data) > MAX_BYTES:
        raise UsageError(f"{name} is {len(data):,} bytes; specs larger than {MAX_BYTES // 2**20} MiB are refused")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UsageError(f"{name} is not UTF-8 text (byte {error.start} cannot be decoded)") from None
    shown = str(path) if note else name
    return SourceFile(shown, text), note

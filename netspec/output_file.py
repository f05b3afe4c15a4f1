"""The file a command's `-o` names (`compile`, `draw`): refused before any work when it cannot be
one, written atomically once the work is done. `-o -` (or no `-o`) means stdout."""

from __future__ import annotations

from pathlib import Path

from netspec.loading import UsageError


def output_path(argument: str | None, spec: str, example: str) -> Path | None:
    """The path `-o argument` names, or None for stdout. Refused with a UsageError, before any work:
    an empty name, a folder, the spec itself, a name the file system refuses (too long, a loop of
    links, a NUL byte). `example` is a file name for the hint (`model.py`)."""
    if argument == "":
        raise UsageError(f"-o needs a file name, e.g. -o {example} (or - for stdout)")
    if argument in (None, "-"):
        return None
    output = Path(argument)
    try:
        if output.is_dir():
            raise UsageError(f"{output} is a folder; -o takes a file name, e.g. -o {output / example}")
        spec_path = Path(spec)
        if output.exists() and spec_path.exists() and output.resolve() == spec_path.resolve():
            raise UsageError(f"-o {output} would overwrite the spec itself")
    except (OSError, ValueError) as error:  # ENAMETOOLONG, ELOOP, a NUL byte
        reason = getattr(error, "strerror", None) or str(error)
        shown = str(output) if len(str(output)) <= 80 else str(output)[:80] + "…"
        raise UsageError(f"cannot use {shown}: {reason}") from None
    return output


def write_output(output: Path, data: bytes) -> None:
    """Write `data` to `output` atomically (netspec.files); a failure is a UsageError."""
    from netspec.files import write_bytes_atomically

    try:
        write_bytes_atomically(output, data)
    except OSError as error:
        raise UsageError(f"cannot write {output}: {error.strerror or error}") from None

"""Reading a run folder that may have been damaged, or made by someone else.

A run folder is data, never code: `--resume` and `eval` read only these regular files inside it,
each up to a size, and check every field they use against a schema before using it:

    run.json                              the settings (resume), the spec's path and SHA-256
    spec.net                              the spec as trained
    checkpoint.json                       the commit record of the last complete epoch
    checkpoints/epoch-NNNN.safetensors    its tensors (the name in checkpoint.json, nothing else)
    weights.safetensors                   the final weights (eval)

A link, a folder, a device or a FIFO in place of one of them, an absolute or `..` name, a file
over its size, a field of the wrong type or out of range: all are one `DamagedRun` error that
says which file and field, and that the run folder is damaged.

The schemas are small functions (`integer`, `number`, `string`, `obj`, …): each checks a value and
returns it, or raises `Invalid` naming the field by its path (`settings.optimizer.lr`).
"""

from __future__ import annotations

import contextlib
import errno
import math
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

from netspec.train_settings import OPTIMIZERS, PRECISIONS, SCHEDULES

KiB, MiB = 1024, 1024 * 1024
RUN_JSON_LIMIT = 4 * MiB
SPEC_LIMIT = 4 * MiB
RECORD_LIMIT = 256 * MiB  # checkpoint.json: a row of metrics per epoch, up to a million epochs
TENSOR_NAME = re.compile(r"checkpoints/epoch-[0-9]{4,7}\.safetensors")


class DamagedRun(Exception):
    """A run folder (or weights file) that netspec cannot trust; the message says what is wrong."""


class Invalid(Exception):
    def __init__(self, where: str, message: str):
        super().__init__(f"{where or 'the file'}: {message}")
        self.where = where
        self.message = message


# --- reading files ------------------------------------------------------------------------------


def name_parts(run_dir: Path, relative: str) -> list[str]:
    """`relative` (a name like `run.json` or `checkpoints/x`) split at `/`. An absolute name, one
    with `..`, `.` or an empty part, a backslash or a NUL is refused: it could name a file outside
    `run_dir`, and netspec never records such a name."""
    parts = relative.split("/")
    if relative.startswith("/") or any(p in ("", ".", "..") for p in parts) or "\\" in relative or "\0" in relative:
        raise DamagedRun(f"{run_dir}: {relative!r} is not a file name inside the run folder; the run folder is damaged")
    return parts


def walks_by_descriptor() -> bool:
    """Whether folders can be walked by descriptor (`dir_fd`, O_DIRECTORY, O_NOFOLLOW): not on Windows."""
    return os.open in os.supports_dir_fd and hasattr(os, "O_DIRECTORY") and hasattr(os, "O_NOFOLLOW")


def open_folder(run_dir: Path, parts: list[str], create: bool = False) -> int:
    """A descriptor of the folder `run_dir/parts[0]/parts[1]/…`, each step below `run_dir` opened
    relative to the one before and without following a link, so that no link (nor a folder swapped
    for one meanwhile) can lead outside `run_dir`. `create`: a missing step is made. Raises OSError:
    ELOOP or ENOTDIR where a step is a link or a file, FileNotFoundError where one is missing."""
    directory_flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    folder = os.open(run_dir, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    try:
        for part in parts:
            if create:
                with contextlib.suppress(FileExistsError):
                    os.mkdir(part, 0o777, dir_fd=folder)
            inner = os.open(part, directory_flags, dir_fd=folder)
            os.close(folder)
            folder = inner
    except BaseException:
        os.close(folder)
        raise
    return folder


def read_inside(run_dir: Path, relative: str, limit: int) -> bytes:
    """The bytes of the regular file `relative` (a name like `run.json` or `checkpoints/x`) inside
    `run_dir`, at most `limit` bytes. No link is followed below `run_dir`; an absolute name or one
    with `..` is refused. Raises FileNotFoundError when it is missing, DamagedRun otherwise."""
    parts = name_parts(run_dir, relative)
    path = Path(run_dir, *parts)
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    opened: list[int] = []
    try:
        if walks_by_descriptor():
            folder = open_folder(run_dir, parts[:-1])
            opened.append(folder)
            handle = os.open(parts[-1], flags, dir_fd=folder)
        else:  # pragma: no cover - no dir_fd (Windows): check each step without following links
            for step in [Path(run_dir, *parts[: i + 1]) for i in range(len(parts))]:
                if step.is_symlink():
                    raise OSError(errno.ELOOP, "a link", str(step))
            handle = os.open(path, flags)
        opened.append(handle)
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            raise DamagedRun(f"{path} is not a regular file; the run folder is damaged")
        if info.st_size > limit:
            raise DamagedRun(
                f"{path} is {info.st_size:,} bytes, more than the {limit:,} it can be; the run folder is damaged"
            )
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(handle, min(limit + 1 - size, 16 * MiB))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise DamagedRun(f"{path} grew past {limit:,} bytes while it was read; the run folder is damaged")
        return b"".join(chunks)
    except FileNotFoundError:
        raise
    except NotADirectoryError:
        raise DamagedRun(f"{path}: a part of this path is not a folder; the run folder is damaged") from None
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.EMLINK) or (error.errno == errno.ENOTDIR):
            raise DamagedRun(f"{path} is a link, which netspec never makes there; the run folder is damaged") from None
        raise DamagedRun(f"cannot read {path}: {error.strerror or error}") from None
    finally:
        for handle in reversed(opened):
            os.close(handle)


def check_writable_folder(run_dir: Path, name: str) -> None:
    """A folder that a resumed run writes into (`checkpoints`) must be a real folder inside the run
    folder, or absent: a link would send the run's writes (and its removal of old checkpoints)
    elsewhere."""
    path = Path(run_dir, name)
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        raise DamagedRun(f"{path} is not a folder (a link, or a file); the run folder is damaged")


def read_regular_file(path: Path, limit: int) -> bytes:
    """The bytes of a regular file the user named (a link to one is fine), at most `limit`."""
    path = Path(path)
    try:
        resolved = path.resolve(strict=True)
    except (OSError, RuntimeError) as error:
        raise DamagedRun(f"cannot read {path}: {getattr(error, 'strerror', None) or error}") from None
    return read_inside(resolved.parent, resolved.name, limit)


# --- schemas ------------------------------------------------------------------------------------

Schema = Callable[[Any, str], Any]


def _join(where: str, key: str | int) -> str:
    return f"{where}[{key}]" if isinstance(key, int) else (f"{where}.{key}" if where else str(key))


def integer(low: int | None = None, high: int | None = None) -> Schema:
    def check(value: Any, where: str) -> int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise Invalid(where, f"expected a whole number, found {_show(value)}")
        if (low is not None and value < low) or (high is not None and value > high):
            raise Invalid(where, f"expected a whole number in [{low}, {high}], found {value}")
        return value

    return check


def number(
    low: float = -math.inf, high: float = math.inf, below: float | None = None, above: float | None = None
) -> Schema:
    """A finite int or float in [low, high] (and < below, > above when given); returns a float."""

    def check(value: Any, where: str) -> float:
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise Invalid(where, f"expected a number, found {_show(value)}")
        value = float(value) if isinstance(value, float) or abs(value) < 2**1000 else math.inf
        if not math.isfinite(value) or not low <= value <= high:
            raise Invalid(where, f"expected a number in [{low:g}, {high:g}], found {value!r}")
        if (below is not None and not value < below) or (above is not None and not value > above):
            bound = f"< {below:g}" if below is not None else f"> {above:g}"
            raise Invalid(where, f"expected a number {bound}, found {value!r}")
        return value

    return check


def boolean(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise Invalid(where, f"expected true or false, found {_show(value)}")
    return value


def string(max_length: int = 4096, pattern: str | None = None, choices: tuple[str, ...] | None = None) -> Schema:
    compiled = re.compile(pattern) if pattern else None

    def check(value: Any, where: str) -> str:
        if not isinstance(value, str):
            raise Invalid(where, f"expected a string, found {_show(value)}")
        if len(value) > max_length:
            raise Invalid(where, f"expected at most {max_length:,} characters, found {len(value):,}")
        if choices is not None and value not in choices:
            raise Invalid(where, f"expected one of {', '.join(choices)}, found {_show(value)}")
        if compiled is not None and not compiled.fullmatch(value):
            raise Invalid(where, f"expected {pattern}, found {_show(value)}")
        return value

    return check


def optional(schema: Schema) -> Schema:
    def check(value: Any, where: str) -> Any:
        return None if value is None else schema(value, where)

    return check


def array(item: Schema, min_length: int = 0, max_length: int = 1_000_000) -> Schema:
    def check(value: Any, where: str) -> list:
        if not isinstance(value, list):
            raise Invalid(where, f"expected a list, found {_show(value)}")
        if not min_length <= len(value) <= max_length:
            raise Invalid(where, f"expected {min_length} to {max_length:,} items, found {len(value):,}")
        return [item(v, _join(where, i)) for i, v in enumerate(value)]

    return check


def fixed(*items: Schema) -> Schema:
    """A list of exactly len(items) values, each with its own schema."""

    def check(value: Any, where: str) -> list:
        if not isinstance(value, list) or len(value) != len(items):
            raise Invalid(where, f"expected a list of {len(items)}, found {_show(value)}")
        return [schema(v, _join(where, i)) for i, (schema, v) in enumerate(zip(items, value, strict=True))]

    return check


def obj(required: dict[str, Schema], optional_keys: dict[str, Schema] | None = None, extra: bool = False) -> Schema:
    """A JSON object with these keys; others are refused unless `extra` (then left unchecked and dropped)."""
    optional_keys = optional_keys or {}

    def check(value: Any, where: str) -> dict:
        if not isinstance(value, dict):
            raise Invalid(where, f"expected an object, found {_show(value)}")
        missing = [k for k in required if k not in value]
        if missing:
            raise Invalid(_join(where, missing[0]), "missing")
        unknown = [k for k in value if k not in required and k not in optional_keys]
        if unknown and not extra:
            raise Invalid(_join(where, str(unknown[0])), "unknown key")
        checked = {k: s(value[k], _join(where, k)) for k, s in required.items()}
        checked.update({k: s(value[k], _join(where, k)) for k, s in optional_keys.items() if k in value})
        return checked

    return check


def mapping(key: Schema, item: Schema, max_length: int = 1_000_000) -> Schema:
    def check(value: Any, where: str) -> dict:
        if not isinstance(value, dict) or len(value) > max_length:
            raise Invalid(where, f"expected an object, found {_show(value)}")
        return {key(k, _join(where, k)): item(v, _join(where, k)) for k, v in value.items()}

    return check


def anything(value: Any, where: str) -> Any:
    return value


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return repr(value) if len(repr(value)) < 40 else "a very long number"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return ascii(shown)
    return {dict: "an object", list: "a list"}.get(type(value), type(value).__name__)


def validate(value: Any, schema: Schema, path: Path, error_class: type[DamagedRun] = DamagedRun) -> Any:
    """`value` checked by `schema`, or DamagedRun (or a subclass) naming the file and the field."""
    try:
        return schema(value, "")
    except Invalid as error:
        raise error_class(f"{path}: {error.where or 'the file'}: {error.message}; the run folder is damaged") from None


# --- what netspec reads --------------------------------------------------------------------------

# The upper bounds are those that training can use at all (netspec.training.limits); the lower
# bounds and choices are the train block's (netspec.train_settings).
BIG = 1e300
FRACTION = number(0.0, below=1.0)

OPTIMIZER = obj(
    {"name": string(choices=OPTIMIZERS), "lr": number(0.0, BIG)},
    {
        "momentum": FRACTION,
        "beta1": FRACTION,
        "beta2": FRACTION,
        "eps": number(0.0, BIG),
        "alpha": FRACTION,
        "amsgrad": boolean,
    },
)
SCHEDULE = obj(
    {"name": string(choices=SCHEDULES)},
    {
        "every": integer(0, 1_000_000),
        "gamma": number(0.0, BIG),
        "warmup": number(0.0, BIG),
        "min_lr": number(0.0, BIG),
        "pct": FRACTION,
        "div": number(1.0, BIG),
        "final_div": number(1.0, BIG),
    },
)
INIT = obj({"scheme": string(choices=("default", "he", "xavier", "normal"))}, {"std": optional(number(0.0, BIG))})
SIZE = fixed(integer(1, 8192), integer(1, 8192))
SETTINGS = obj(
    {"optimizer": OPTIMIZER, "epochs": integer(1, 1_000_000), "batch": integer(1, 2**24)},
    {
        "data": string(4096, pattern=r"[^\x00]+"),
        "init": INIT,
        "weight_decay": number(0.0, BIG),
        "schedule": SCHEDULE,
        "seed": integer(0, 2**63 - 1),
        "resize": optional(SIZE),
        "label_smoothing": FRACTION,
        "augment": obj({}, {"shift": integer(0, 64), "flip": boolean}),
        "val": number(0.0, 2.0**53),
        "normalize": boolean,
        "precision": string(choices=PRECISIONS),
        "deterministic": boolean,
    },
)
SHA256 = string(64, pattern=r"[0-9a-f]{64}")
RUN_JSON = obj(
    {"settings": SETTINGS},
    {"spec": obj({}, {"path": string(4096), "sha256": SHA256}, extra=True), "status": string(64)},
    extra=True,  # the rest of run.json is a record for people; resuming does not read it
)

NORMALIZE = obj({"mean": array(number(-BIG, BIG), 1, 4096), "std": array(number(0.0, BIG, above=0.0), 1, 4096)})
WEIGHTS_METADATA = obj(
    {},
    {
        "network": string(4096),
        "spec_sha256": SHA256,
        "input_shape": array(integer(1, 2**31), 1, 3),
        "normalize": optional(NORMALIZE),
        "resize": optional(SIZE),
        "data": string(4096),
    },
    extra=True,  # a safetensors file from elsewhere may carry metadata of its own; it is not read
)
ROW = obj(
    {"epoch": integer(1, 1_000_000), "loss": number(0.0, BIG), "train_acc": number(0.0, 1.0)},
    {
        "val_acc": optional(number(0.0, 1.0)),
        "test_acc": optional(number(0.0, 1.0)),
        "val_loss": optional(number(0.0, BIG)),  # absent in runs made before they were recorded
        "test_loss": optional(number(0.0, BIG)),
        "lr": number(0.0, BIG),
        "seconds": number(0.0, BIG),
        "samples_per_s": optional(number(0.0, BIG)),
        "warmup_seconds": optional(number(0.0, BIG)),
    },
)
SCALAR = optional(number(-BIG, BIG))
OPTIMIZER_STATE = obj(
    {
        "param_groups": array(obj({"params": array(integer(0, 2**31))}, extra=True), 1, 1),
        "scalars": mapping(string(12, pattern=r"[0-9]+"), mapping(string(64), SCALAR)),
    }
)


def checkpoint_record(format_name: str) -> Schema:
    return obj(
        {
            "format": string(64, choices=(format_name,)),
            "epoch": integer(1, 1_000_000),
            "step": integer(0, 2**53),
            "tensors": string(64, pattern=TENSOR_NAME.pattern),
            "sha256": SHA256,
            "optimizer": OPTIMIZER_STATE,
            "history": array(ROW, 1, 1_000_000),
        },
        {
            "scaler": optional(mapping(string(64), number(-BIG, BIG))),
            "weights_metadata": WEIGHTS_METADATA,
        },
    )

"""What a run leaves in its folder besides checkpoints: metrics.csv, curves.png and run.json.

runs/<network>-<YYYYmmdd-HHMMSS>/
    spec.net            the spec as trained (resume reads it)
    model.py            the compiled module (`netspec compile` output)
    run.json            spec hash, settings, data, device, versions, outcome
    metrics.csv         one row per epoch
    curves.png          loss and accuracy per epoch
    checkpoint.json     + checkpoints/epoch-NNNN.safetensors: the last complete epoch
    weights.safetensors the final weights
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import platform
import re
import shutil
import sys
import tempfile
from datetime import datetime
from pathlib import Path

from netspec import __version__
from netspec.training.run_lock import RunLock
from netspec.training.run_writes import write_inside

# val_loss and test_loss: the training criterion's mean over the split (netspec.training.scoring);
# empty when there is no such split, when not finite, and in rows of runs from before they existed.
COLUMNS = (
    "epoch",
    "loss",
    "val_loss",
    "test_loss",
    "train_acc",
    "val_acc",
    "test_acc",
    "lr",
    "seconds",
    "samples_per_s",
)


NAME_LIMIT = 80  # characters of the network's name in a run folder's name (file names end at 255 bytes)


def run_dir_name(network: str) -> str:
    """The network's name as a folder name: letters, digits, `._-`, at most NAME_LIMIT characters."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", network).strip("-.")[:NAME_LIMIT].strip("-.")
    return name or "network"


def check_runs_folder(runs: Path) -> None:
    """Raise UsageError unless `runs` is, or can be made as, a folder to write run folders into."""
    from netspec.loading import UsageError

    probe = Path(runs)
    while not probe.exists() and not probe.is_symlink() and probe != probe.parent:
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        what = "a file" if probe.is_file() else "not a folder"
        raise UsageError(f"--runs {runs}: {probe} is {what}; give a folder for the run folders")
    if probe.is_dir() and not os.access(probe, os.W_OK | os.X_OK):
        raise UsageError(f"--runs {runs}: cannot write in {probe}")


def new_run_dir(
    runs: Path,
    network: str,
    files: dict[str, bytes] | None = None,
    now: datetime | None = None,
    lock: RunLock | None = None,
) -> Path:
    """`runs/<network>-<YYYYmmdd-HHMMSS>`, with `-2`, `-3` … if that folder exists already.

    The folder is made under a hidden temporary name (`.<name>.tmp-XXXX`), `files` (run.json and
    spec.net) are written into it, and only then is it renamed into place: every run folder that
    can be seen holds its run.json, so a run killed at any moment can be resumed or is marked.
    `lock` is taken in the folder before it is renamed: no other run can use it from the moment
    it can be seen (netspec.training.run_lock)."""
    from netspec.loading import UsageError

    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    name = run_dir_name(network)
    try:
        runs.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{name}.", suffix=".tmp", dir=runs))
    except OSError as error:
        raise UsageError(f"--runs {runs}: cannot make a run folder there ({error.strerror or error})") from None
    try:
        os.chmod(staging, 0o777 & ~_umask())
        for file_name, data in (files or {}).items():
            write_inside(staging, file_name, data)
        if lock is not None:
            lock.take(staging)
        for attempt in range(1, 1000):
            path = runs / (f"{name}-{stamp}" if attempt == 1 else f"{name}-{stamp}-{attempt}")
            if path.exists() or path.is_symlink():
                continue
            try:
                os.rename(staging, path)  # a folder made meanwhile under that name: not empty, refused
                return path
            except OSError as error:
                if error.errno not in (errno.EEXIST, errno.ENOTEMPTY):
                    raise
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(staging, ignore_errors=True)
    raise UsageError(f"--runs {runs}: cannot find a free name for a run folder")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_metrics(path: Path, rows: list[dict]) -> None:
    """metrics.csv, one row per epoch; `path` is a file in a run folder, written without
    following a link there (netspec.training.run_writes)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _csv_value(row.get(k)) for k in COLUMNS})
    write_inside(path.parent, path.name, buffer.getvalue().encode("utf-8"))


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def write_curves(path: Path, rows: list[dict], title: str, **options) -> bool:
    """curves.png, drawn by netspec.training.curves (matplotlib, imported when a run saves)."""
    from netspec.training.curves import write_curves as write

    return write(path, rows, title, **options)


def versions() -> dict:
    import numpy
    import torch

    found = {
        "netspec": __version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "torch": torch.__version__,
        "numpy": numpy.__version__,
    }
    try:
        import safetensors

        found["safetensors"] = safetensors.__version__
    except ImportError:  # pragma: no cover - a dependency of the torch extra
        pass
    if torch.cuda.is_available():
        found["cuda"] = torch.version.cuda
        found["cudnn"] = torch.backends.cudnn.version()
    return found


def run_json_bytes(info: dict) -> bytes:
    return (json.dumps(info, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def write_run_json(path: Path, info: dict) -> None:
    """run.json in its run folder, without following a link there (netspec.training.run_writes)."""
    write_inside(path.parent, path.name, run_json_bytes(info))


def read_run_json(run_dir: Path) -> dict:
    """run.json of a run folder, validated (netspec.training.run_folder); raises DamagedRun."""
    from netspec.training.run_folder import RUN_JSON, RUN_JSON_LIMIT, DamagedRun, read_inside, validate

    path = run_dir / "run.json"
    data = read_inside(run_dir, "run.json", RUN_JSON_LIMIT)
    try:
        info = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise DamagedRun(f"{path} is not JSON ({error}); the run folder is damaged") from None
    return validate(info, RUN_JSON, path)

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
import io
import json
import platform
import re
import sys
from datetime import datetime
from pathlib import Path

from netspec import __version__
from netspec.files import write_bytes_atomically

COLUMNS = ("epoch", "loss", "train_acc", "val_acc", "test_acc", "lr", "seconds", "samples_per_s")


def new_run_dir(runs: Path, network: str, now: datetime | None = None) -> Path:
    """`runs/<network>-<YYYYmmdd-HHMMSS>`, with `-2`, `-3` … if that folder exists already."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", network).strip("-.") or "network"
    runs.mkdir(parents=True, exist_ok=True)
    for attempt in range(1, 1000):
        path = runs / (f"{name}-{stamp}" if attempt == 1 else f"{name}-{stamp}-{attempt}")
        try:
            path.mkdir()
            return path
        except FileExistsError:
            continue
    raise RuntimeError(f"cannot create a run folder in {runs}")


def write_metrics(path: Path, rows: list[dict]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _csv_value(row.get(k)) for k in COLUMNS})
    write_bytes_atomically(path, buffer.getvalue().encode("utf-8"))


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def write_curves(path: Path, rows: list[dict], title: str) -> bool:
    """Loss and accuracy per epoch as a PNG (matplotlib, Agg); False when matplotlib is missing."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib.figure import Figure
    except ImportError:
        return False
    epochs = [r["epoch"] for r in rows]
    figure = Figure(figsize=(9, 3.6), dpi=100)
    loss_axes, acc_axes = figure.subplots(1, 2)
    loss_axes.plot(epochs, [r["loss"] for r in rows], marker="o", label="train loss")
    loss_axes.set_xlabel("epoch")
    loss_axes.set_ylabel("loss")
    loss_axes.set_title("loss")
    loss_axes.grid(alpha=0.3)
    for key, label in (("train_acc", "train"), ("val_acc", "val"), ("test_acc", "test")):
        values = [r.get(key) for r in rows]
        if any(v is not None for v in values):
            acc_axes.plot(epochs, [100 * v if v is not None else float("nan") for v in values], marker="o", label=label)
    acc_axes.set_xlabel("epoch")
    acc_axes.set_ylabel("accuracy (%)")
    acc_axes.set_title("accuracy")
    acc_axes.grid(alpha=0.3)
    acc_axes.legend()
    figure.suptitle(title)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    write_bytes_atomically(path, buffer.getvalue())
    return True


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


def write_run_json(path: Path, info: dict) -> None:
    write_bytes_atomically(path, (json.dumps(info, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))


def read_run_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))

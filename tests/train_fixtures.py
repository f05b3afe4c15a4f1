"""Small specs and data for the training tests: real digits from the bundled set, a few hundred at a time."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from netspec.data.sources import BUNDLED_DIGITS

ROOT = Path(__file__).resolve().parent.parent

# 1x28x28 → 4x12x12 → 576 → 10: trains on a few hundred digits in well under a second.
TINY_SPEC = """# a tiny digit classifier for the tests
network Tiny
input 1x28x28
conv 4 5x5 stride=2
relu
fc 10

train {
  optimizer adam lr=0.01
  epochs 2
  batch 32
  seed 3
}
"""


def digits_npz(path: Path, train: int = 256, test: int = 128, seed: int = 0) -> Path:
    """An .npz with `train` and `test` real digits drawn from the bundled set."""
    with np.load(BUNDLED_DIGITS, allow_pickle=False) as bundled:
        arrays = {k: bundled[k] for k in bundled.files}
    rng = np.random.default_rng(seed)
    rows = rng.permutation(len(arrays["y_train"]))[:train]
    test_rows = rng.permutation(len(arrays["y_test"]))[:test]
    np.savez(
        path,
        x_train=arrays["x_train"][rows],
        y_train=arrays["y_train"][rows],
        x_test=arrays["x_test"][test_rows],
        y_test=arrays["y_test"][test_rows],
    )
    return path


def write_spec(folder: Path, text: str = TINY_SPEC, name: str = "tiny.net") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def netspec_env(**extra: str) -> dict:
    env = dict(os.environ)
    env.update(PYTHONDONTWRITEBYTECODE="1", NETSPEC_OFFLINE="1", OMP_NUM_THREADS="1", **extra)
    return env


def run_netspec(*args: str, cwd: Path, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "netspec", *args],
        cwd=cwd,
        env=env or netspec_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def only_run(runs: Path) -> Path:
    folders = [p for p in runs.iterdir() if p.is_dir()]
    assert len(folders) == 1, folders
    return folders[0]

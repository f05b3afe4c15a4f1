"""A run killed with SIGKILL in the middle of an epoch, then resumed, ends with the same weights as
a run that was never interrupted (CPU, same seed): the checkpoint is complete and atomic, and every
random draw after it (order, dropout) depends only on (seed, epoch)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
import torch
from safetensors.torch import load_file
from train_fixtures import TINY_SPEC, digits_npz, netspec_env, only_run, run_netspec, write_spec

# Dropout included on purpose: its masks must be the same after the resume.
SPEC = (
    TINY_SPEC.replace(
        "conv 4 5x5 stride=2\nrelu\n", "conv 16 5x5 pad=2\nrelu\ndropout 0.25\nconv 16 3x3 stride=2 pad=1\nrelu\n"
    )
    .replace("batch 32", "batch 16")
    .replace("epochs 2", "epochs 3")
)


def start(folder, runs):
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "netspec",
            "train",
            "tiny.net",
            "--data",
            "digits.npz",
            "--runs",
            runs,
            "--device",
            "cpu",
        ],
        cwd=folder,
        env=netspec_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(condition, process, timeout=600.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert process.poll() is None, f"the run ended early: {process.stderr.read()}"
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def first_epoch_saved(runs) -> bool:
    """Epoch 1's checkpoint names epoch 1 and its curves exist (checkpoint.json is replaced atomically)."""
    folders = [p for p in runs.iterdir() if p.is_dir()] if runs.exists() else []
    if not folders or not (folders[0] / "curves.png").exists():
        return False
    try:
        return json.loads((folders[0] / "checkpoint.json").read_text())["epoch"] == 1
    except (OSError, ValueError, KeyError):
        return False


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_run_killed_mid_epoch_and_resumed_matches_an_uninterrupted_run(tmp_path):
    write_spec(tmp_path, SPEC)
    digits_npz(tmp_path / "digits.npz", train=3000, test=200)
    whole = start(tmp_path, "whole")  # the uninterrupted run, alongside
    killed = start(tmp_path, "killed")
    runs = tmp_path / "killed"
    wait_for(lambda: first_epoch_saved(runs), killed)
    # Epoch 1's checkpoint, metrics and curves (the last file saved) are written, so epoch 2 has
    # begun. Kill a tenth of epoch 1's duration into it: epoch 2 takes about as long (the same
    # steps), and even a machine that speeds up 10x once a competing run ends stays inside it.
    first_epoch = float((only_run(runs) / "metrics.csv").read_text().splitlines()[1].split(",")[6])
    time.sleep(first_epoch / 10)
    os.kill(killed.pid, signal.SIGKILL)
    killed.wait(timeout=30)
    run = only_run(runs)
    record = json.loads((run / "checkpoint.json").read_text())
    assert record["epoch"] == 1, "the kill was meant to land inside epoch 2"
    assert not (run / "weights.safetensors").exists()
    assert json.loads((run / "run.json").read_text())["status"] == "running"

    resumed = run_netspec(
        "train", "--resume", str(run), "--data", "digits.npz", "--device", "cpu", cwd=tmp_path, timeout=600
    )
    assert resumed.returncode == 0, resumed.stderr
    assert "resuming after epoch 1" in resumed.stdout
    assert whole.wait(timeout=600) == 0, whole.stderr.read()

    expected = load_file(only_run(tmp_path / "whole") / "weights.safetensors")
    got = load_file(run / "weights.safetensors")
    assert expected.keys() == got.keys()
    for name in expected:
        assert torch.equal(expected[name], got[name]), name
    metrics = (run / "metrics.csv").read_text().splitlines()
    assert [line.split(",")[0] for line in metrics[1:]] == ["1", "2", "3"]
    assert list((run / "checkpoints").iterdir()) == [run / "checkpoints" / "epoch-0003.safetensors"]
    assert not [p for p in run.rglob("*.part")]

"""`torchrun --nproc_per_node=2 -m netspec train` on CPU (gloo): each process trains on its half of
every global batch, and after the same steps the weights equal a single-process run's."""

from __future__ import annotations

import subprocess
import sys

import pytest
import torch
import torch.distributed as dist
from safetensors.torch import load_file
from train_fixtures import TINY_SPEC, digits_npz, netspec_env, only_run, run_netspec, write_spec

# No dropout: the two processes draw their own masks, a single process draws other ones.
SPEC = TINY_SPEC.replace("epochs 2", "epochs 2\n  augment shift=2").replace("batch 32", "batch 24")


@pytest.mark.skipif(not dist.is_available() or not dist.is_gloo_available(), reason="needs torch.distributed with gloo")
def test_two_cpu_processes_end_with_the_weights_of_one(tmp_path):
    write_spec(tmp_path, SPEC)
    digits_npz(tmp_path / "digits.npz", train=250, test=100)  # 250 = 10 full batches of 24 and one of 10
    args = ["train", "tiny.net", "--data", "digits.npz", "--device", "cpu"]
    distributed = subprocess.run(
        [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2", "-m", "netspec"]
        + args
        + ["--runs", "two"],
        cwd=tmp_path,
        env=netspec_env(),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert distributed.returncode == 0, distributed.stderr[-3000:]
    single = run_netspec(*args, "--runs", "one", cwd=tmp_path)
    assert single.returncode == 0, single.stderr

    assert len(list((tmp_path / "two").iterdir())) == 1  # process 0 alone made a run folder
    two_run, one_run = only_run(tmp_path / "two"), only_run(tmp_path / "one")
    assert "x2 processes" in distributed.stdout and distributed.stdout.count("epoch 2/2") == 1
    two, one = load_file(two_run / "weights.safetensors"), load_file(one_run / "weights.safetensors")
    assert two.keys() == one.keys()
    for name in one:
        assert torch.allclose(two[name], one[name], rtol=1e-4, atol=1e-5), (name, (two[name] - one[name]).abs().max())
    # the test accuracy is counted over both halves of the test set
    two_rows = (two_run / "metrics.csv").read_text().splitlines()
    one_rows = (one_run / "metrics.csv").read_text().splitlines()
    assert [r.split(",")[4] for r in two_rows] == [r.split(",")[4] for r in one_rows]


@pytest.mark.skipif(not dist.is_available() or not dist.is_gloo_available(), reason="needs torch.distributed with gloo")
def test_an_error_every_process_meets_is_printed_once(tmp_path):
    """Missing data is the same mistake in both processes: process 0 alone says so."""
    write_spec(tmp_path, SPEC)
    distributed = subprocess.run(
        [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2", "-m", "netspec"]
        + ["train", "tiny.net", "--data", "missing.npz", "--device", "cpu", "--runs", "two"],
        cwd=tmp_path,
        env=netspec_env(),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert distributed.returncode != 0
    assert distributed.stderr.count("netspec: error:") == 1, distributed.stderr[-3000:]
    assert "missing.npz" in distributed.stderr

"""The runner's memory estimate is `netspec check`'s for the same settings (issue #9): the same
optimizer with its options, the same weight_decay and the same foreach implementation, so the
out-of-memory answer and the peak report quote the figure `netspec check --json` gives."""

from __future__ import annotations

import json

import pytest
import torch
from train_fixtures import TINY_SPEC, digits_npz, only_run, write_spec

from netspec.checker import check_text
from netspec.cli import main
from netspec.training import memory_report, runner
from netspec.training.optim import build_optimizer, uses_foreach

OPTIMIZERS = [
    "sgd lr=0.01",
    "momentum lr=0.01 momentum=0.9",
    "nesterov lr=0.01",
    "adam lr=0.001 amsgrad=true",
    "adamw lr=0.001",
    "rmsprop lr=0.001 momentum=0.9",
    "adagrad lr=0.01",
]


def spec_text(optimizer: str, weight_decay: float) -> str:
    return TINY_SPEC.replace("optimizer adam lr=0.01", f"optimizer {optimizer}\n  weight_decay {weight_decay:g}")


def check_json_memory(tmp_path, text: str, capsys) -> dict:
    path = write_spec(tmp_path, text)
    assert main(["check", str(path), "--json"]) == 0
    return json.loads(capsys.readouterr().out)["memory"]


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
@pytest.mark.parametrize("weight_decay", [0.0, 5e-4])
def test_the_runners_estimate_is_netspec_checks_for_the_same_settings(tmp_path, capsys, optimizer, weight_decay):
    text = spec_text(optimizer, weight_decay)
    checked = check_json_memory(tmp_path, text, capsys)
    result = check_text(text, "tiny.net")
    s = result.train_settings
    ours = memory_report.step_estimate(result, s.batch, s.optimizer, s.weight_decay, uses_foreach(torch.device("cuda")))
    assert checked["batch"] == s.batch == 32 and checked["optimizer"] == s.optimizer.name
    assert ours.to_json(checked["limit"]) == checked  # every term, the peak, each phase, the largest batch
    assert ours.total == checked["bytes"]["total"]


def test_weight_decay_changes_the_estimate_so_the_comparison_above_can_fail(tmp_path, capsys):
    # At batch 1 the optimizer's step is the peak: SGD's L2 copy of the gradients shows in the total.
    text = spec_text("sgd lr=0.01", 5e-4).replace("batch 32", "batch 1")
    checked = check_json_memory(tmp_path, text, capsys)
    result = check_text(text, "tiny.net")
    without = memory_report.step_estimate(result, 1, result.train_settings.optimizer)  # the old call
    assert checked["peak"]["phase"] == "optimizer"
    assert without.total < checked["bytes"]["total"]
    assert without.phases["optimizer"] + 4 * result.params == checked["phases"]["optimizer"]


@pytest.mark.parametrize("device", ["cpu", "cuda", "mps"])
def test_the_estimate_assumes_the_implementation_the_optimizer_is_built_with(device):
    parameter = torch.nn.Parameter(torch.zeros(3))
    settings = check_text(spec_text("adam lr=0.001", 0.0), "tiny.net").train_settings
    built = build_optimizer([parameter], settings.optimizer, 0.0, torch.device(device))
    assert bool(built.defaults.get("foreach")) == uses_foreach(torch.device(device))


def test_an_out_of_memory_stop_quotes_checks_estimate_and_leaves_the_plot(tmp_path, capsys, monkeypatch):
    """A CUDA out-of-memory error in epoch 2 (raised here on CPU): the runner answers with the
    estimate `netspec check` gives for the run's settings, and curves.png shows epoch 1 and why."""
    text = spec_text("momentum lr=0.01 momentum=0.9", 1e-3)
    checked = check_json_memory(tmp_path, text, capsys)["bytes"]["total"]
    estimates = []
    real_estimate = memory_report.step_estimate

    def recorded(*args, **kwargs):
        estimates.append(real_estimate(*args, **kwargs))
        return estimates[-1]

    monkeypatch.setattr(memory_report, "step_estimate", recorded)
    real_forward, steps = runner.forward_loss, []

    def out_of_memory_in_epoch_2(*args):
        steps.append(1)
        if len(steps) > 8:  # 256 digits at batch 32: 8 steps an epoch
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return real_forward(*args)

    monkeypatch.setattr(runner, "forward_loss", out_of_memory_in_epoch_2)
    spec = tmp_path / "tiny.net"
    data = digits_npz(tmp_path / "digits.npz")
    runs = tmp_path / "runs"
    assert main(["train", str(spec), "--data", str(data), "--runs", str(runs), "--device", "cpu"]) == 1
    err = capsys.readouterr().err
    assert "CUDA ran out of memory training Tiny at batch 32" in err and "Traceback" not in err
    assert [e.total for e in estimates] == [checked]
    run = only_run(runs)
    info = json.loads((run / "run.json").read_text())
    assert info["status"] == "stopped" and info["reason"] == "out of memory"
    from PIL import Image

    with Image.open(run / "curves.png") as image:
        assert "stopped early: CUDA ran out of memory training Tiny at batch 32" in image.text["Title"]
    assert (run / "metrics.csv").read_text().count("\n") == 2  # the header and epoch 1

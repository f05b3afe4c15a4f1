"""Settings and environments that used to end `netspec train` in a traceback (issue #7, items 4
and 6): float overflow in torch, a name too long for a folder, a `--runs` that is no folder, a
malformed torchrun environment, a resize that cannot be allocated, and terminal control characters
in text from the spec."""

from __future__ import annotations

import pytest
from train_fixtures import TINY_SPEC, digits_npz, only_run, write_spec

from netspec.cli import main
from netspec.training import runner

SPEC = TINY_SPEC.replace("epochs 2", "epochs 1")


@pytest.fixture
def tiny(tmp_path):
    return write_spec(tmp_path, SPEC), digits_npz(tmp_path / "digits.npz", train=96, test=32), tmp_path / "runs"


def train(spec, data, runs, *flags):
    return main(["train", str(spec), "--data", str(data), "--runs", str(runs), "--device", "cpu", *flags])


@pytest.mark.parametrize(
    "change,flags,said",
    [
        # Past float32 the spec's check refuses the value itself; below it, the runner's bound does.
        (("optimizer adam lr=0.01", "optimizer adam lr=1e39"), (), "overflows"),
        (("optimizer adam lr=0.01", "optimizer adam lr=1e10"), (), "lr 1e+10 is more than training can use"),
        (None, ("--lr", "3.5e38"), "lr 3.5e+38 is more than training can use"),
        (("seed 3", "seed 3\n  weight_decay 1e30"), (), "weight_decay 1e+30 is more than training can use"),
        (("seed 3", "seed 3\n  schedule step every=1 gamma=1e30"), ("--epochs", "3"), "raises the lr from 0.01"),
        (("optimizer adam lr=0.01", "optimizer adam lr=0.01 eps=1e30"), (), "eps 1e+30 is more than"),
    ],
    ids=["lr-past-float32", "lr-in-block", "lr-flag", "weight-decay", "gamma", "eps"],
)
def test_values_that_overflow_torch_are_refused_before_training(tiny, capsys, change, flags, said):
    spec, data, runs = tiny
    if change:
        spec.write_text(SPEC.replace(*change))
    assert train(spec, data, runs, *flags) == 1
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err and not runs.exists()


def test_a_gamma_above_1_that_stays_in_bounds_trains(tiny, capsys):
    spec, data, runs = tiny
    spec.write_text(SPEC.replace("seed 3", "seed 3\n  schedule step every=1 gamma=2"))
    assert train(spec, data, runs, "--epochs", "2", "--quiet") == 0


def test_a_300_character_network_name_gets_a_shortened_run_folder(tiny, capsys):
    spec, data, runs = tiny
    spec.write_text(SPEC.replace("network Tiny", "network " + "N" * 300))
    assert train(spec, data, runs, "--quiet") == 0
    run = only_run(runs)
    assert len(run.name) < 120 and run.name.startswith("N" * 80 + "-")


@pytest.mark.parametrize("where", ["a-file", "/proc/netspec-runs", "/dev/null", "a-file/below"])
def test_a_runs_folder_that_cannot_be_one_is_a_usage_error(tiny, capsys, where):
    spec, data, runs = tiny
    (spec.parent / "a-file").write_text("x")
    runs = spec.parent / where if not where.startswith("/") else where
    assert train(spec, data, runs) == 2
    err = capsys.readouterr().err
    assert "--runs" in err and "Traceback" not in err


@pytest.mark.parametrize(
    "env,said",
    [
        ({"WORLD_SIZE": "abc"}, "WORLD_SIZE=abc in the environment: expected a whole number"),
        ({"WORLD_SIZE": "2", "RANK": "x"}, "RANK=x"),
        ({"WORLD_SIZE": "2", "RANK": "5"}, "RANK=5 in the environment, but WORLD_SIZE=2"),
        ({"WORLD_SIZE": "2"}, "start distributed runs with `torchrun"),
    ],
    ids=["world-abc", "rank-x", "rank-too-big", "no-torchrun"],
)
def test_a_distributed_environment_without_torchrun_is_a_usage_error(tiny, capsys, monkeypatch, env, said):
    spec, data, runs = tiny
    for name in ("MASTER_ADDR", "MASTER_PORT", "RANK", "LOCAL_RANK"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert train(spec, data, runs) == 2
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err


def test_a_resize_that_cannot_be_allocated_is_refused_before_allocating(tiny, capsys, monkeypatch):
    spec, data, runs = tiny
    spec.write_text(SPEC.replace("input 1x28x28", "input 1x64x64"))
    monkeypatch.setattr(runner, "available_memory", lambda device: 100_000)
    assert train(spec, data, runs, "--resize", "64") == 1
    err = capsys.readouterr().err
    assert "resize 64x64 makes the 128 images" in err and "use a smaller resize" in err
    assert "Traceback" not in err


def test_control_characters_from_the_spec_are_escaped_on_the_terminal(tiny, capsys):
    spec, data, runs = tiny
    spec.write_text(SPEC.replace("network Tiny", 'network "Evil\x1b]0;owned\x07\u202eName"'))
    assert train(spec, data, runs) == 0
    out, err = capsys.readouterr()
    assert "\x1b" not in out + err and "\x07" not in out + err and "\u202e" not in out + err
    assert out.splitlines()[0].startswith("Evil\\x1b]0;owned\\x07\\u202eName: ")

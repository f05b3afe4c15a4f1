"""What `netspec train` says, instead of a traceback, when a run cannot start or go on; and the memory
estimate's optimizer state as the optimizer's options make it."""

from __future__ import annotations

import json

import pytest
import torch
from train_fixtures import TINY_SPEC, digits_npz, only_run, write_spec

from netspec import memory
from netspec.checker import check_text
from netspec.cli import main
from netspec.training import checkpoint


@pytest.fixture
def tiny(tmp_path):
    return write_spec(tmp_path), digits_npz(tmp_path / "digits.npz"), tmp_path / "runs"


def test_a_batch_smaller_than_the_processes_is_refused_before_training(tiny, capsys, monkeypatch):
    spec, data, runs = tiny
    monkeypatch.setenv("WORLD_SIZE", "4")  # as torchrun --nproc_per_node=4 sets it; no process group starts
    monkeypatch.setenv("RANK", "0")
    flags = ["--data", str(data), "--runs", str(runs), "--device", "cpu", "--batch", "3"]
    assert main(["train", str(spec), *flags]) == 2
    err = capsys.readouterr().err
    assert "batch 3 cannot be split between 4 processes" in err and "--batch 4 or more" in err
    assert "Traceback" not in err and not runs.exists()


@pytest.mark.parametrize(
    "record,problem",
    [
        ("[1, 2]", "is not a netspec checkpoint ('list')"),
        ('"epoch 1"', "is not a netspec checkpoint ('str')"),
        ({"format": checkpoint.FORMAT, "epoch": 1}, "is damaged: step, tensors, sha256, optimizer, history missing"),
        (
            {
                "format": checkpoint.FORMAT,
                "epoch": "1",
                "step": 8,
                "tensors": 3,
                "sha256": "",
                "optimizer": {},
                "history": [],
            },
            "epoch",
        ),
    ],
    ids=["list", "string", "missing-keys", "wrong-types"],
)
def test_a_malformed_checkpoint_json_is_a_clear_error(tmp_path, record, problem):
    text = record if isinstance(record, str) else json.dumps(record)
    (tmp_path / checkpoint.RECORD).write_text(text)
    with pytest.raises(checkpoint.CheckpointError, match="checkpoint.json") as caught:
        checkpoint.load_checkpoint(tmp_path)
    assert problem in str(caught.value)


def test_resuming_from_a_malformed_checkpoint_exits_1_without_a_traceback(tiny, capsys):
    spec, data, runs = tiny
    assert main(["train", str(spec), "--data", str(data), "--runs", str(runs), "--device", "cpu", "--epochs", "1"]) == 0
    run = only_run(runs)
    (run / checkpoint.RECORD).write_text(json.dumps({"format": checkpoint.FORMAT, "epoch": 1}))
    capsys.readouterr()
    assert main(["train", "--resume", str(run), "--epochs", "2", "--data", str(data), "--device", "cpu"]) == 1
    err = capsys.readouterr().err
    assert "netspec: error:" in err and "is damaged" in err and "Traceback" not in err


def test_processes_without_a_run_folder_compile_the_model_in_memory_and_write_no_file(tmp_path, monkeypatch):
    import tempfile

    from netspec.training.model import compiled_model_class

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    result = check_text(TINY_SPEC, "tiny.net")
    network = compiled_model_class(result)
    assert network()(torch.zeros(2, 1, 28, 28)).shape == (2, 10)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "name,options,slots",
    [
        ("sgd", {}, 0),
        ("momentum", {}, 1),
        ("momentum", {"momentum": 0.0}, 0),  # torch keeps no buffer without momentum
        ("nesterov", {"momentum": 0.9}, 1),
        ("adagrad", {}, 1),
        ("rmsprop", {}, 1),
        ("rmsprop", {"momentum": 0.9}, 2),
        ("adam", {}, 2),
        ("adam", {"amsgrad": True}, 3),
        ("adamw", {"amsgrad": True}, 3),
    ],
)
def test_optimizer_slots_follow_the_options(name, options, slots):
    assert memory.optimizer_slots(name, **options) == slots


@pytest.mark.parametrize(
    "setting,kind",
    [("adam amsgrad=true", torch.optim.Adam), ("rmsprop momentum=0.9", torch.optim.RMSprop)],
)
def test_optimizer_slots_match_the_state_torch_keeps(setting, kind):
    from netspec.train_settings import OptimizerSettings
    from netspec.training.optim import build_optimizer

    name, _, option = setting.partition(" ")
    key, _, value = option.partition("=")
    settings = OptimizerSettings(name, **{key: value == "true" if key == "amsgrad" else float(value)})
    model = torch.nn.Linear(5, 3)
    optimizer = build_optimizer(model.parameters(), settings, 0.0, torch.device("cpu"))
    assert isinstance(optimizer, kind)
    model(torch.randn(2, 5)).sum().backward()
    optimizer.step()
    state = optimizer.state[model.weight]
    kept = [k for k, v in state.items() if isinstance(v, torch.Tensor) and v.shape == model.weight.shape]
    assert len(kept) == memory.optimizer_slots(name, amsgrad=settings.amsgrad, momentum=settings.momentum)


@pytest.mark.parametrize("setting,slots", [("adam amsgrad=true", 3), ("rmsprop momentum=0.9", 2), ("adam", 2)])
def test_netspec_check_counts_the_optimizer_state_of_the_train_block(tmp_path, capsys, setting, slots):
    spec = write_spec(tmp_path, TINY_SPEC.replace("optimizer adam lr=0.01", f"optimizer {setting}"))
    assert main(["check", str(spec), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    params = check_text(TINY_SPEC, "tiny.net").params
    assert report["memory"]["bytes"]["optimizer_state"] == slots * 4 * params

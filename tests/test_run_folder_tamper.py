"""A tampered or damaged run folder never gives a traceback (issue #7, items 2 and 3): every field
that `--resume` and `eval` read is checked before use, only regular files inside the run folder are
read, each up to a size, and the one error says what is wrong and that the run folder is damaged.

The corpus below tampers each field several ways; every case must exit 1 or 2 with a clean error."""

from __future__ import annotations

import hashlib
import json
import os
import shutil

import pytest
import torch
from safetensors.torch import load as load_tensors
from safetensors.torch import save as save_tensors
from train_fixtures import TINY_SPEC, digits_npz, only_run, write_spec

from netspec.cli import main
from netspec.training import checkpoint

SPEC = TINY_SPEC.replace("epochs 2", "epochs 1")


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    folder = tmp_path_factory.mktemp("trained")
    spec = write_spec(folder, SPEC)
    data = digits_npz(folder / "digits.npz", train=96, test=32)
    flags = ["--data", str(data), "--runs", str(folder / "runs"), "--device", "cpu", "--quiet"]
    assert main(["train", str(spec), *flags]) == 0
    return only_run(folder / "runs"), data, spec


@pytest.fixture
def run(trained, tmp_path):
    run_dir, data, spec = trained
    copy = tmp_path / run_dir.name
    shutil.copytree(run_dir, copy, symlinks=True)
    return copy, data, spec


def edit_json(path, change):
    value = json.loads(path.read_text())
    change(value)
    path.write_text(json.dumps(value))


def setter(*keys_and_value):
    *keys, value = keys_and_value

    def change(document):
        for key in keys[:-1]:
            document = document[key]
        document[keys[-1]] = value

    return change


def run_json(*keys_and_value):
    return lambda run: edit_json(run / "run.json", setter(*keys_and_value))


def record(*keys_and_value):
    return lambda run: edit_json(run / checkpoint.RECORD, setter(*keys_and_value))


def tensors(change):
    """Rewrite the checkpoint's tensor file through `change(dict)`, with a matching SHA-256 in the record."""

    def tamper(run):
        info = json.loads((run / checkpoint.RECORD).read_text())
        path = run / info["tensors"]
        data = change(load_tensors(path.read_bytes()))
        data = data if isinstance(data, bytes) else save_tensors(data)
        path.write_bytes(data)
        info["sha256"] = hashlib.sha256(data).hexdigest()
        (run / checkpoint.RECORD).write_text(json.dumps(info))

    return tamper


def replace_with_link(name, target):
    def tamper(run):
        (run / name).unlink()
        os.symlink(target, run / name)

    return tamper


def rename_key(old, new):
    def change(values):
        values[new] = values.pop(old)
        return values

    return change


def reshape(key):
    def change(values):
        values[key] = torch.zeros(3, 3)
        return values

    return change


RESUME_CASES = {
    "run.json-not-json": lambda run: (run / "run.json").write_text("{"),
    "run.json-a-list": lambda run: (run / "run.json").write_text("[]"),
    "run.json-a-folder": lambda run: ((run / "run.json").unlink(), (run / "run.json").mkdir()),
    "run.json-dev-zero": replace_with_link("run.json", "/dev/zero"),
    "settings-a-string": run_json("settings", "fast"),
    "settings-missing": lambda run: edit_json(run / "run.json", lambda d: d.pop("settings")),
    "settings-unknown-key": run_json("settings", "turbo", True),
    "optimizer-unknown": run_json("settings", "optimizer", "name", "adamx"),
    "optimizer-a-number": run_json("settings", "optimizer", 3),
    "lr-a-string": run_json("settings", "optimizer", "lr", "fast"),
    "lr-negative": run_json("settings", "optimizer", "lr", -1),
    "lr-overflows": run_json("settings", "optimizer", "lr", 1e39),
    "beta1-above-1": run_json("settings", "optimizer", "beta1", 2),
    "amsgrad-a-string": run_json("settings", "optimizer", "amsgrad", "yes"),
    "schedule-unknown": run_json("settings", "schedule", "name", "warp"),
    "gamma-overflows": lambda run: (
        run_json("settings", "schedule", "name", "step")(run),
        run_json("settings", "schedule", "every", 1)(run),
        run_json("settings", "schedule", "gamma", 1e300)(run),
    ),
    "epochs-negative": run_json("settings", "epochs", -3),
    "epochs-a-float": run_json("settings", "epochs", 1.5),
    "epochs-true": run_json("settings", "epochs", True),
    "batch-zero": run_json("settings", "batch", 0),
    "seed-huge": run_json("settings", "seed", 2**70),
    "resize-zero": run_json("settings", "resize", [0, 5]),
    "resize-a-string": run_json("settings", "resize", "32"),
    "resize-huge": run_json("settings", "resize", [8192, 8192]),
    "weight-decay-overflows": run_json("settings", "weight_decay", 1e308),
    "precision-unknown": run_json("settings", "precision", "fp8"),
    "init-unknown": run_json("settings", "init", "scheme", "magic"),
    "spec-sha-differs": run_json("spec", "sha256", "0" * 64),
    "spec.net-dev-zero": replace_with_link("spec.net", "/dev/zero"),
    "spec.net-outside": replace_with_link("spec.net", "/etc/hostname"),
    "spec.net-missing": lambda run: (run / "spec.net").unlink(),
    "spec.net-not-utf8": lambda run: (run / "spec.net").write_bytes(b"\xff\xfe"),
    "checkpoint-not-json": lambda run: (run / checkpoint.RECORD).write_text("nope"),
    "checkpoint-dev-zero": replace_with_link(checkpoint.RECORD, "/dev/zero"),
    "epoch-negative": record("epoch", -1),
    "epoch-zero": record("epoch", 0),
    "epoch-a-string": record("epoch", "1"),
    "epoch-ahead-of-history": record("epoch", 7),
    "step-negative": record("step", -5),
    "history-a-string": record("history", "x"),
    "history-empty": record("history", []),
    "history-row-wrong": record("history", [{"epoch": 1, "loss": "low", "train_acc": 0.5}]),
    "history-accuracy-above-1": record("history", [{"epoch": 1, "loss": 0.1, "train_acc": 7}]),
    "optimizer-a-list": record("optimizer", []),
    "param-groups-a-number": record("optimizer", "param_groups", 3),
    "scalars-wrong": record("optimizer", "scalars", {"0": {"bogus": 1}}),
    "tensors-absolute": record("tensors", "/etc/passwd"),
    "tensors-parent": record("tensors", "../x"),
    "tensors-escape": record("tensors", "checkpoints/../../x.safetensors"),
    "tensors-other-epoch": record("tensors", "checkpoints/epoch-0009.safetensors"),
    "sha256-not-hex": record("sha256", "zz"),
    "sha256-differs": record("sha256", "0" * 64),
    "scaler-a-string": record("scaler", "x"),
    "normalize-std-zero": record("weights_metadata", "normalize", {"mean": [0.1], "std": [0]}),
    "normalize-two-channels": record("weights_metadata", "normalize", {"mean": [0.1, 0.2], "std": [1, 1]}),
    "normalize-a-string": record("weights_metadata", "normalize", "yes"),
    "metadata-resize-wrong": record("weights_metadata", "resize", "big"),
    "tensor-file-dev-zero": replace_with_link("checkpoints/epoch-0001.safetensors", "/dev/zero"),
    "tensor-file-missing": lambda run: (run / "checkpoints" / "epoch-0001.safetensors").unlink(),
    "checkpoints-a-link": lambda run: (
        shutil.move(run / "checkpoints", run.parent / "elsewhere"),
        os.symlink(run.parent / "elsewhere", run / "checkpoints"),
    ),
    "checkpoints-a-link-no-record": lambda run: (
        (run / checkpoint.RECORD).unlink(),
        shutil.move(run / "checkpoints", run.parent / "elsewhere"),
        os.symlink(run.parent / "elsewhere", run / "checkpoints"),
    ),
    "checkpoints-a-file": lambda run: (
        (run / checkpoint.RECORD).unlink(),
        shutil.rmtree(run / "checkpoints"),
        (run / "checkpoints").write_text("x"),
    ),
    "tensor-file-garbage": tensors(lambda values: b"\x10\x00\x00\x00\x00\x00\x00\x00{garbage}" + b"x" * 64),
    "tensor-file-huge-header": tensors(lambda values: (2**62).to_bytes(8, "little") + b"{}"),
    "tensor-wrong-shape": tensors(reshape("model.fc1.weight")),
    "tensor-wrong-dtype": tensors(lambda v: {**v, "model.fc1.bias": v["model.fc1.bias"].double()}),
    "tensor-missing": tensors(lambda v: {k: t for k, t in v.items() if k != "model.conv1.weight"}),
    "tensor-extra": tensors(lambda v: {**v, "model.extra": torch.zeros(1)}),
    "tensor-unknown-prefix": tensors(lambda v: {**v, "pickle.x": torch.zeros(1)}),
    "tensor-nan": tensors(lambda v: {**v, "model.fc1.bias": torch.full_like(v["model.fc1.bias"], float("nan"))}),
    "optimizer-tensor-wrong-shape": tensors(reshape("optimizer.0.exp_avg")),
    "optimizer-tensor-unknown": tensors(rename_key("optimizer.0.exp_avg", "optimizer.0.momentum_buffer")),
    "optimizer-tensor-param-out-of-range": tensors(rename_key("optimizer.0.exp_avg", "optimizer.99.exp_avg")),
    "optimizer-state-incomplete": tensors(lambda v: {k: t for k, t in v.items() if k != "optimizer.1.exp_avg_sq"}),
}


@pytest.mark.parametrize("case", RESUME_CASES)
def test_a_tampered_run_folder_gives_one_clean_error_on_resume(run, capsys, case):
    run_dir, data, _ = run
    RESUME_CASES[case](run_dir)
    capsys.readouterr()
    code = main(["train", "--resume", str(run_dir), "--epochs", "2", "--data", str(data), "--device", "cpu"])
    err = capsys.readouterr().err
    assert code in (1, 2), (code, err)
    assert "Traceback" not in err
    said = [line for line in err.splitlines() if line.startswith("netspec:")]
    assert len(said) == 1 and said[0].startswith("netspec: error:"), err
    assert "damaged" in err or "training can use" in err or "other data" in err or "resize" in err, err


EVAL_CASES = {
    "weights-dev-zero": replace_with_link("weights.safetensors", "/dev/zero"),
    "weights-garbage": lambda run: (run / "weights.safetensors").write_bytes(
        b"\x08\x00\x00\x00\x00\x00\x00\x00nonsense"
    ),
    "weights-a-folder": lambda run: ((run / "weights.safetensors").unlink(), (run / "weights.safetensors").mkdir()),
    "checkpoint-tensors-absolute": lambda run: (
        (run / "weights.safetensors").unlink(),
        record("tensors", "/etc/passwd")(run),
    ),
}


def weights_with_metadata(**metadata):
    def tamper(run):
        values = load_tensors((run / "weights.safetensors").read_bytes())
        (run / "weights.safetensors").write_bytes(save_tensors(values, metadata=metadata))

    return tamper


EVAL_CASES.update(
    {
        "normalize-not-json": weights_with_metadata(normalize="{"),
        "normalize-std-negative": weights_with_metadata(normalize='{"mean": [0.1], "std": [-1]}'),
        "normalize-three-channels": weights_with_metadata(normalize='{"mean": [0, 0, 0], "std": [1, 1, 1]}'),
        "resize-zero": weights_with_metadata(resize="[0, 0]"),
        "resize-a-number": weights_with_metadata(resize="12"),
        "wrong-shape": lambda run: (run / "weights.safetensors").write_bytes(
            save_tensors({"fc1.weight": torch.zeros(2, 2)})
        ),
    }
)


@pytest.mark.parametrize("case", EVAL_CASES)
def test_a_tampered_run_folder_gives_one_clean_error_on_eval(run, capsys, case):
    run_dir, data, spec = run
    EVAL_CASES[case](run_dir)
    capsys.readouterr()
    code = main(["eval", str(spec), "--weights", str(run_dir), "--data", str(data), "--device", "cpu"])
    err = capsys.readouterr().err
    assert code in (1, 2), (code, err)
    said = [line for line in err.splitlines() if line.startswith("netspec:")]
    assert "Traceback" not in err and len(said) == 1 and said[0].startswith("netspec: error:"), err


def test_leftover_temporary_files_are_removed_on_resume(run, capsys):
    run_dir, data, _ = run
    (run_dir / ".run.json.abc123.tmp").write_text("{half")
    (run_dir / "checkpoints" / ".epoch-0002.safetensors.xyz.tmp").write_bytes(b"half")
    assert main(["train", "--resume", str(run_dir), "--epochs", "2", "--data", str(data), "--device", "cpu"]) == 0
    assert not list(run_dir.rglob("*.tmp"))


@pytest.mark.parametrize("case", sorted({*RESUME_CASES, *EVAL_CASES}))
def test_eval_of_a_tampered_run_folder_alone_never_gives_a_traceback(run, capsys, case):
    """`netspec eval RUN_DIR` reads run.json, spec.net and the weights (or the last checkpoint) from
    the folder: every tampering either does not touch what it reads (exit 0, the accuracy) or is
    one clean error."""
    run_dir, data, _ = run
    (RESUME_CASES.get(case) or EVAL_CASES[case])(run_dir)
    capsys.readouterr()
    code = main(["eval", str(run_dir), "--data", str(data), "--device", "cpu"])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    if code == 0:
        assert out.startswith("test accuracy "), (out, err)
    else:
        said = [line for line in err.splitlines() if line.startswith("netspec:")]
        assert code in (1, 2) and len(said) == 1 and said[0].startswith("netspec: error:"), (code, err)

"""Validation and test loss per epoch (issue #10): the training criterion's mean over each split,
from the same pass that counts the accuracy, recorded in the rows (metrics.csv, checkpoint.json);
old run folders without these columns still resume."""

from __future__ import annotations

import csv
import json
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from safetensors.torch import load_file
from train_fixtures import TINY_SPEC, digits_npz, only_run, write_spec

from netspec.checker import check_text
from netspec.cli import main
from netspec.data.device import DeviceSplit
from netspec.data.formats import Split
from netspec.training import outputs, scoring
from netspec.training.model import compiled_model_class


def train(spec, data, runs, *flags: str) -> int:
    return main(["train", str(spec), "--data", str(data), "--runs", str(runs), "--device", "cpu", "--quiet", *flags])


def reference_loss(model, x: torch.Tensor, y: torch.Tensor, smoothing: float = 0.0) -> tuple[float, float]:
    """(mean cross-entropy, accuracy) of `model` on the whole split in one batch, by torch alone."""
    model.eval()
    with torch.no_grad():
        logits = model(x)
    loss = F.cross_entropy(logits.double(), y, label_smoothing=smoothing).item()
    return loss, (logits.argmax(dim=1) == y).double().mean().item()


def final_model(run, spec_text: str):
    model = compiled_model_class(check_text(spec_text, "tiny.net"))()
    model.load_state_dict(load_file(run / "weights.safetensors"))
    return model


def prepared(images: np.ndarray, normalize: dict) -> torch.Tensor:
    """uint8 (N, 1, H, W) digits as the run fed them: /255, then (x − mean) / std."""
    x = torch.from_numpy(images.astype(np.float32) / 255)
    return (x - normalize["mean"][0]) / normalize["std"][0]


# Label smoothing on purpose: the loss recorded is the training criterion, smoothing included.
SMOOTHED = TINY_SPEC.replace("seed 3\n", "seed 3\n  label_smoothing 0.1\n")


def test_the_test_loss_is_the_mean_cross_entropy_of_the_final_weights_over_the_test_split(tmp_path):
    # 100 test digits in evaluation batches of 64: an uneven last batch of 36.
    spec = write_spec(tmp_path, SMOOTHED)
    data = digits_npz(tmp_path / "digits.npz", train=256, test=100)
    assert train(spec, data, tmp_path / "runs") == 0
    run = only_run(tmp_path / "runs")
    history = json.loads((run / "checkpoint.json").read_text())["history"]
    info = json.loads((run / "run.json").read_text())
    with np.load(data) as arrays:
        x = prepared(arrays["x_test"], info["data"]["normalize"])
        y = torch.from_numpy(arrays["y_test"].astype(np.int64))
    expected_loss, expected_acc = reference_loss(final_model(run, SMOOTHED), x, y, smoothing=0.1)
    last = history[-1]
    assert math.isfinite(last["test_loss"])
    assert last["test_loss"] == pytest.approx(expected_loss, rel=1e-5)
    assert last["test_acc"] == pytest.approx(expected_acc, abs=1e-9)
    assert last["val_loss"] is None  # no validation split
    rows = list(csv.DictReader((run / "metrics.csv").open()))
    assert float(rows[-1]["test_loss"]) == pytest.approx(expected_loss, rel=1e-5)
    assert history[0]["test_loss"] != history[1]["test_loss"]  # a value per epoch, not one copied


def test_the_validation_loss_is_measured_on_the_held_out_samples(tmp_path):
    spec = write_spec(tmp_path, TINY_SPEC.replace("seed 3\n", "seed 3\n  val 50\n"))
    data = digits_npz(tmp_path / "digits.npz", train=256, test=64)
    assert train(spec, data, tmp_path / "runs") == 0
    run = only_run(tmp_path / "runs")
    last = json.loads((run / "checkpoint.json").read_text())["history"][-1]
    info = json.loads((run / "run.json").read_text())
    assert info["data"]["val"] == 50
    with np.load(data) as arrays:
        # The held-out samples: the first 50 of a permutation seeded by the run's seed, in file order.
        held = np.sort(np.random.default_rng(3).permutation(256)[:50])
        x = prepared(arrays["x_train"][held], info["data"]["normalize"])
        y = torch.from_numpy(arrays["y_train"][held].astype(np.int64))
    expected_loss, expected_acc = reference_loss(final_model(run, TINY_SPEC), x, y)
    assert last["val_loss"] == pytest.approx(expected_loss, rel=1e-5)
    assert last["val_acc"] == pytest.approx(expected_acc, abs=1e-9)
    assert last["val_loss"] != pytest.approx(last["test_loss"], rel=1e-3)


class Linear(torch.nn.Module):
    """A compiled module's calling convention: `log_probs=True` gives log_softmax of the logits."""

    def __init__(self, features: int, classes: int):
        super().__init__()
        self.fc = torch.nn.Linear(features, classes)

    def forward(self, x, log_probs: bool = False):
        out = self.fc(x)
        return F.log_softmax(out, dim=1) if log_probs else out


@settings(max_examples=40, deadline=None)
@given(
    samples=st.integers(1, 70),
    batch=st.integers(1, 32),
    classes=st.integers(2, 7),
    smoothing=st.sampled_from([0.0, 0.1, 0.5]),
    seed=st.integers(0, 2**16),
)
def test_a_split_score_is_the_mean_over_samples_whatever_the_batches(samples, batch, classes, smoothing, seed):
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(samples, 5, generator=generator)
    y = torch.randint(0, classes, (samples,), generator=generator)
    model = Linear(5, classes)
    split = DeviceSplit(Split(x.numpy(), y.numpy()), torch.device("cpu"))
    result = scoring.score(model, split, batch, torch.device("cpu"), "fp32", smoothing)
    expected_loss, expected_acc = reference_loss(model, x, y, smoothing)
    assert result.samples == samples
    assert result.loss == pytest.approx(expected_loss, rel=1e-5, abs=1e-6)
    assert result.accuracy == pytest.approx(expected_acc, abs=1e-12)


def test_a_loss_that_is_not_finite_is_recorded_as_missing_with_the_accuracy_still_counted():
    model = Linear(3, 2)
    with torch.no_grad():
        model.fc.weight.fill_(float("nan"))
    split = DeviceSplit(Split(np.ones((4, 3), np.float32), np.array([0, 1, 0, 1])), torch.device("cpu"))
    result = scoring.score(model, split, 3, torch.device("cpu"), "fp32")
    assert result.loss is None and 0.0 <= result.accuracy <= 1.0 and result.samples == 4


def test_a_run_from_before_the_loss_columns_resumes_and_gains_them(tmp_path):
    spec = write_spec(tmp_path, TINY_SPEC.replace("epochs 2", "epochs 1"))
    data = digits_npz(tmp_path / "digits.npz", train=128, test=64)
    assert train(spec, data, tmp_path / "runs") == 0
    run = only_run(tmp_path / "runs")
    # Make the folder as an older netspec left it: no val_loss/test_loss in the history or the table.
    record_path = run / "checkpoint.json"
    record = json.loads(record_path.read_text())
    for row in record["history"]:
        del row["val_loss"], row["test_loss"]
    record_path.write_text(json.dumps(record, indent=1))
    old_columns = [c for c in outputs.COLUMNS if c not in ("val_loss", "test_loss")]
    with (run / "metrics.csv").open("w", newline="") as table:
        writer = csv.DictWriter(table, fieldnames=old_columns, lineterminator="\n")
        writer.writeheader()
        writer.writerow({k: record["history"][0].get(k) for k in old_columns})
    (run / "weights.safetensors").unlink()

    assert (
        main(["train", "--resume", str(run), "--epochs", "2", "--data", str(data), "--device", "cpu", "--quiet"]) == 0
    )
    rows = list(csv.DictReader((run / "metrics.csv").open()))
    assert [r["epoch"] for r in rows] == ["1", "2"]
    assert rows[0]["test_loss"] == "" and rows[0]["test_acc"] != ""  # unknown for the old epoch, not invented
    assert math.isfinite(float(rows[1]["test_loss"]))
    assert (run / "curves.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

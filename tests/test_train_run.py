"""`netspec train` and `netspec eval` end to end on CPU, and the pieces of a run: loss, schedule, checkpoints."""

from __future__ import annotations

import csv
import json
import math
import subprocess
import sys

import pytest
import torch
import torch.nn.functional as F
from safetensors.torch import load_file
from train_fixtures import ROOT, TINY_SPEC, digits_npz, only_run, write_spec

from netspec.checker import check_text
from netspec.cli import main
from netspec.codegen import generate
from netspec.train_settings import ScheduleSettings
from netspec.training import checkpoint, runner, scoring
from netspec.training.model import compiled_model_class
from netspec.training.optim import build_optimizer, lr_factor


@pytest.fixture
def tiny(tmp_path):
    return write_spec(tmp_path), digits_npz(tmp_path / "digits.npz"), tmp_path / "runs"


def train(spec, data, runs, *flags: str) -> int:
    return main(["train", str(spec), "--data", str(data), "--runs", str(runs), "--device", "cpu", *flags])


def test_a_run_leaves_model_weights_metrics_curves_and_run_json(tiny, capsys):
    spec, data, runs = tiny
    assert train(spec, data, runs) == 0
    out = capsys.readouterr().out
    assert "epoch 1/2" in out and "epoch 2/2" in out and "test accuracy" in out
    run = only_run(runs)
    assert run.name.startswith("Tiny-")
    names = {p.name for p in run.iterdir()}
    assert {"model.py", "weights.safetensors", "metrics.csv", "curves.png", "run.json", "spec.net"} <= names
    model_py = (run / "model.py").read_text()
    generated = generate(check_text(TINY_SPEC, str(spec)))
    network = generated[generated.index("class Tiny(") : generated.index('if __name__ == "__main__":')].rstrip()
    assert network in model_py  # netspec compile's class, as is
    assert "def preprocess(images)" in model_py and "NORMALIZE_MEAN = (" in model_py  # and the run's preprocessing
    rows = list(csv.DictReader((run / "metrics.csv").open()))
    assert [r["epoch"] for r in rows] == ["1", "2"]
    assert set(rows[0]) == {"epoch", "loss", "train_acc", "val_acc", "test_acc", "lr", "seconds", "samples_per_s"} | {
        "val_loss",
        "test_loss",
    }
    assert rows[0]["val_loss"] == "" and 0 < float(rows[0]["test_loss"]) < 10  # no validation split here
    assert float(rows[1]["loss"]) < float(rows[0]["loss"])
    assert float(rows[1]["test_acc"]) > 0.5  # real digits, 256 of them, two epochs
    assert (run / "curves.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    info = json.loads((run / "run.json").read_text())
    assert info["status"] == "finished" and info["device"] == "cpu"
    assert info["settings"]["batch"] == 32 and info["versions"]["torch"] == torch.__version__
    assert len(info["spec"]["sha256"]) == 64 and info["data"]["train"] == 256
    weights = load_file(run / "weights.safetensors")
    assert set(weights) == {"conv1.weight", "conv1.bias", "fc1.weight", "fc1.bias"}

    assert main(["eval", str(spec), "--weights", str(run / "weights.safetensors"), "--data", str(data)]) == 0
    reported = capsys.readouterr().out
    assert f"test accuracy {float(rows[1]['test_acc']):.2%}" in reported and "/ 128)" in reported
    assert main(["eval", str(spec), "--weights", str(run), "--data", str(data), "--quiet"]) == 0
    assert f"{float(rows[1]['test_acc']):.2%}" in capsys.readouterr().out


def test_flags_override_the_train_block_and_quiet_prints_one_line(tiny, capsys):
    spec, data, runs = tiny
    assert train(spec, data, runs, "--epochs", "1", "--batch", "64", "--lr", "0.002", "--seed", "5", "--quiet") == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith("test accuracy")
    settings = json.loads((only_run(runs) / "run.json").read_text())["settings"]
    assert (settings["epochs"], settings["batch"], settings["optimizer"]["lr"], settings["seed"]) == (1, 64, 0.002, 5)


SOFTMAX_SPEC = "network S\ninput 1x28x28\nconv 3 5x5 stride=3\nrelu\nfc 10\nsoftmax\n"


def test_a_spec_ending_in_softmax_trains_on_log_probabilities_not_on_probabilities(tmp_path):
    with_softmax = check_text(SOFTMAX_SPEC, "s.net")
    logits_only = check_text(SOFTMAX_SPEC.replace("softmax\n", ""), "l.net")
    torch.manual_seed(0)
    model = compiled_model_class(with_softmax, tmp_path / "s" / "model.py")()
    reference = compiled_model_class(logits_only, tmp_path / "l" / "model.py")()
    reference.load_state_dict(model.state_dict())
    x, y = torch.randn(8, 1, 28, 28), torch.arange(8)
    loss, log_probs = runner.forward_loss(model, x, y, 0.0, torch.device("cpu"), "fp32")
    logits = reference(x)
    assert torch.allclose(loss, F.cross_entropy(logits, y, reduction="sum"), atol=1e-5)
    assert torch.allclose(log_probs.exp(), model(x), atol=1e-6)  # the model's own output is probabilities
    assert not torch.allclose(loss, F.cross_entropy(model(x), y, reduction="sum"), atol=1e-2)


def test_label_smoothing_matches_cross_entropys():
    logits, target = torch.randn(16, 10), torch.randint(0, 10, (16,))
    ours = scoring.nll_sum(F.log_softmax(logits, dim=1), target, 0.1)
    assert torch.allclose(ours, F.cross_entropy(logits, target, label_smoothing=0.1, reduction="sum"), atol=1e-5)


def test_a_loss_that_diverges_stops_the_run_and_suggests_a_lower_lr(tiny, capsys):
    spec, data, runs = tiny
    spec.write_text(TINY_SPEC.replace("optimizer adam lr=0.01", "optimizer sgd lr=1e6"))
    assert train(spec, data, runs) == 1
    err = capsys.readouterr().err
    assert "the loss became nan" in err or "the loss became inf" in err or "(it diverged)" in err
    assert "learning rate is probably too high" in err and "--lr 1e+05" in err
    assert "no epoch had finished, so no checkpoint was saved" in err and "is kept" not in err
    assert "Traceback" not in err
    assert json.loads((only_run(runs) / "run.json").read_text())["status"] == "stopped"


def test_data_of_the_wrong_size_names_both_shapes_and_resize(tmp_path, capsys):
    assert main(["train", "lenet.net", "--device", "cpu", "--runs", str(tmp_path), "--resize", "28"]) == 1
    err = capsys.readouterr().err
    assert "1x28x28" in err and "1x32x32" in err and "add `resize 32` to the train block" in err


def test_a_vector_input_takes_images_resized_then_flattened(tiny, capsys):
    spec, data, runs = tiny
    spec.write_text(TINY_SPEC.replace("input 1x28x28\nconv 4 5x5 stride=2\nrelu\n", "input 1024\n"))
    assert train(spec, data, runs, "--resize", "32", "--epochs", "1", "--quiet") == 0
    info = json.loads((only_run(runs) / "run.json").read_text())
    assert info["data"]["sample_shape"] == [1024] and info["settings"]["resize"] == [32, 32]
    assert "Traceback" not in capsys.readouterr().err


def test_more_classes_than_outputs_names_the_fix(tiny, capsys):
    spec, data, runs = tiny
    spec.write_text(TINY_SPEC.replace("fc 10", "fc 5"))
    assert train(spec, data, runs) == 1
    assert "make the last layer `fc 10`" in capsys.readouterr().err


def test_lenet_trains_on_the_bundled_digits_with_resize(tmp_path, capsys):
    assert main(["train", "lenet.net", "--device", "cpu", "--runs", str(tmp_path), "--epochs", "1", "--quiet"]) == 0
    accuracy = float(capsys.readouterr().out.split("test accuracy ")[1].split("%")[0])
    assert accuracy > 70  # one epoch on 4,000 real digits; about 85% here


@pytest.mark.parametrize(
    "flags",
    [
        ["--epochs", "0"],
        ["--batch", "-3"],
        ["--lr", "-1"],
        ["--lr", "fast"],
        ["--seed", "x"],
        ["--precision", "fp8"],
        ["--resize", "0"],
        ["--device", "tpu"],
        ["--device", "cuda:0"] if not torch.cuda.is_available() else ["--device", "nothing"],
        ["--no-such-flag"],
    ],
    ids=lambda f: " ".join(f),
)
def test_bad_flags_exit_2_without_a_traceback(tiny, capsys, flags):
    spec, data, runs = tiny
    assert train(spec, data, runs, *flags) == 2
    err = capsys.readouterr().err
    assert "netspec: error:" in err and "Traceback" not in err


def test_train_block_errors_are_reported_like_check(tiny, capsys):
    spec, data, runs = tiny
    spec.write_text(TINY_SPEC.replace("epochs 2", "epoch 2"))
    assert train(spec, data, runs) == 1
    err = capsys.readouterr().err
    assert f"{spec}:10:3: error: unknown train setting `epoch`" in err and "did you mean `epochs`?" in err
    assert err.count("unknown train setting") == 1 and err.count("did you mean") == 1
    assert "1 error, 1 warning: nothing trained" in err  # the tiny spec also has an inexact size
    assert not runs.exists()


def test_resume_refuses_flags_that_would_change_the_run(tiny, capsys):
    spec, data, runs = tiny
    assert train(spec, data, runs, "--epochs", "1", "--quiet") == 0
    assert main(["train", "--resume", str(only_run(runs)), "--batch", "8"]) == 2
    assert "--batch cannot change them" in capsys.readouterr().err


def test_resume_continues_with_more_epochs(tiny, capsys):
    spec, data, runs = tiny
    assert train(spec, data, runs, "--epochs", "1", "--quiet") == 0
    run = only_run(runs)
    written = (run / "spec.net").stat()
    assert main(["train", "--resume", str(run), "--epochs", "2", "--data", str(data), "--device", "cpu"]) == 0
    assert "resuming after epoch 1" in capsys.readouterr().out
    kept = (run / "spec.net").stat()  # written once, when the run began
    assert (kept.st_ino, kept.st_mtime_ns) == (written.st_ino, written.st_mtime_ns)
    assert [r["epoch"] for r in csv.DictReader((run / "metrics.csv").open())] == ["1", "2"]


def test_an_out_of_memory_error_is_answered_with_the_estimate_and_the_batch_that_fits():
    from netspec.train_settings import OptimizerSettings
    from netspec.units import fmt_bytes

    fake = torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
    assert runner.is_out_of_memory(fake) and not runner.is_out_of_memory(RuntimeError("shape mismatch"))
    result = check_text((ROOT / "specs" / "vgg16.net").read_text(), "vgg16.net")
    assert result.params == 138_357_544
    limit = 8 * 2**30
    momentum = OptimizerSettings("momentum", momentum=0.9)
    message = runner.out_of_memory_message(result, 256, "bf16", momentum, limit)
    # The estimate is the checker's (netspec.memory, tested against measured peaks elsewhere) in fp32:
    # under bf16 autocast the weights, gradients and momentum buffer stay fp32.
    estimate = runner.step_estimate(result, 256, momentum)
    assert estimate.weights == 4 * 138_357_544  # VGG-16 has no batch-norm buffers
    assert estimate.optimizer_state == 4 * 138_357_544  # one momentum buffer a parameter
    fits = estimate.max_batch(limit)
    at = runner.step_estimate
    assert at(result, fits, momentum).total <= limit < at(result, fits + 1, momentum).total
    assert "at batch 256" in message and f"try --batch {fits} " in message and "8 GiB" in message
    assert f"estimates {fmt_bytes(estimate.total)} for one step" in message
    terms = ("weights", "gradients", "optimizer state", "saved activations", "input", "workspace")
    values = (estimate.weights, estimate.gradients, estimate.optimizer_state, estimate.activations)
    values += (estimate.input, estimate.workspace)
    assert ", ".join(f"{t} {fmt_bytes(v)}" for t, v in zip(terms, values, strict=True)) in message
    assert "(fp32, momentum; under bf16 autocast the activations take less)" in message
    tiny_gpu = runner.out_of_memory_message(result, 256, "fp32", OptimizerSettings("adam"), 2**30)
    assert "not even one sample fits" in tiny_gpu and "autocast" not in tiny_gpu


def test_optimizer_state_survives_the_safetensors_round_trip():
    model = torch.nn.Linear(3, 2)
    optimizer = build_optimizer(model.parameters(), _adam(), 0.0, torch.device("cpu"))
    for _ in range(3):
        model(torch.randn(4, 3)).sum().backward()
        optimizer.step()
    tensors, rest = checkpoint.flatten_optimizer(optimizer.state_dict())
    rest = json.loads(json.dumps(rest))
    fresh = build_optimizer(model.parameters(), _adam(), 0.0, torch.device("cpu"))
    fresh.load_state_dict(checkpoint.unflatten_optimizer(tensors, rest))
    for key, value in optimizer.state_dict()["state"][0].items():
        assert torch.equal(fresh.state_dict()["state"][0][key], value)
    assert fresh.state_dict()["param_groups"] == optimizer.state_dict()["param_groups"]


def _adam():
    from netspec.train_settings import OptimizerSettings

    return OptimizerSettings("adam", lr=0.01)


@pytest.mark.parametrize(
    "schedule,checks",
    [
        (ScheduleSettings("constant"), {0: 1.0, 99: 1.0}),
        (ScheduleSettings("step", every=2, gamma=0.5), {0: 1.0, 19: 1.0, 20: 0.5, 45: 0.25}),
        (ScheduleSettings("cosine"), {0: 1.0, 50: 0.5, 100: 0.0}),
        (ScheduleSettings("cosine", warmup=1), {0: 0.1, 9: 1.0, 55: 0.5}),
        (ScheduleSettings("onecycle"), {0: 1 / 25, 30: 1.0, 100: 1 / 250_000}),
    ],
    ids=lambda s: s.name if isinstance(s, ScheduleSettings) else "",
)
def test_schedules(schedule, checks):
    for step, factor in checks.items():  # 10 steps an epoch, 10 epochs
        assert math.isclose(lr_factor(schedule, step, 10, 10), factor, rel_tol=1e-9, abs_tol=1e-12), step


def test_check_and_compile_never_import_torch(tmp_path):
    code = (
        "import sys\n"
        "from netspec.cli import main\n"
        "main(['check', 'lenet.net'])\n"
        f"main(['compile', 'lenet.net', '-o', {str(tmp_path / 'm.py')!r}])\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr


RESIDUAL_SPEC = """# a tiny residual network: a block with a projection shortcut, and a concat
network TinyRes
input 1x28x28
block basic width stride=1 {
  residual {
    conv width 3x3 stride=stride pad=1 bias=false
    batchnorm
    relu
    conv width 3x3 pad=1 bias=false
    batchnorm
    shortcut { conv width 1x1 stride=stride bias=false; batchnorm }
  }
  relu
}
conv 4 3x3 stride=2 pad=1
basic 8 stride=2
concat { branch { } branch { conv 4 1x1 } }
globalavgpool
fc 10

train {
  optimizer adam lr=0.01
  batch 32
  epochs 2
}
"""


def test_a_graph_spec_trains_and_evaluates(tmp_path, capsys):
    """`netspec train` works unchanged on a spec with residuals, blocks and merges: the weights
    are named by the module paths the checker prints, and eval reproduces the run's accuracy."""
    spec, data, runs = write_spec(tmp_path, RESIDUAL_SPEC, "res.net"), digits_npz(tmp_path / "d.npz"), tmp_path / "runs"
    assert train(spec, data, runs) == 0
    run = only_run(runs)
    rows = list(csv.DictReader((run / "metrics.csv").open()))
    assert float(rows[1]["loss"]) < float(rows[0]["loss"])
    weights = load_file(run / "weights.safetensors")
    names = {layer.name for layer in check_text(RESIDUAL_SPEC).layers}
    assert "basic1.shortcut.conv1.weight" in weights and "basic1.shortcut.conv1" in names
    assert {key.rsplit(".", 1)[0] for key in weights} <= names
    capsys.readouterr()
    assert main(["eval", str(spec), "--weights", str(run), "--data", str(data)]) == 0
    assert f"test accuracy {float(rows[1]['test_acc']):.2%}" in capsys.readouterr().out


def test_one_epoch_is_said_in_the_singular(tiny, capsys):
    spec, data, runs = tiny
    assert train(spec, data, runs, "--epochs", "1") == 0
    out = capsys.readouterr().out
    assert "| 1 epoch |" in out and "after 1 epoch\n" in out and "1 epochs" not in out

"""Runs that survive kills and stop honestly (issue #7, item 5): every run folder that can be seen
holds its run.json, so a kill at any moment leaves a folder `--resume` takes; Ctrl-C and SIGTERM
mark the run `interrupted` and say how to resume; a loss that diverges while still finite stops
like a NaN does; data holding NaN is refused at load; a test split with no samples is an error."""

from __future__ import annotations

import csv
import json
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from train_fixtures import TINY_SPEC, digits_npz, netspec_env, only_run, write_spec

from netspec.cli import main
from netspec.training import outputs

SPEC = TINY_SPEC.replace("epochs 2", "epochs 1")


@pytest.fixture
def tiny(tmp_path):
    return write_spec(tmp_path, SPEC), digits_npz(tmp_path / "digits.npz", train=96, test=32), tmp_path / "runs"


def train(spec, data, runs, *flags):
    return main(["train", str(spec), "--data", str(data), "--runs", str(runs), "--device", "cpu", *flags])


def test_a_new_run_folder_appears_with_its_run_json_and_spec_already_inside(tmp_path):
    run = outputs.new_run_dir(tmp_path, "Net", files={"run.json": b"{}", "spec.net": b"input 3\n"})
    assert sorted(p.name for p in run.iterdir()) == ["run.json", "spec.net"]
    assert [p.name for p in tmp_path.iterdir()] == [run.name]  # the staging folder was renamed, not copied


def test_a_failure_while_staging_leaves_no_folder(tmp_path, monkeypatch):
    def fail(folder, name, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(outputs, "write_inside", fail)
    with pytest.raises(OSError):
        outputs.new_run_dir(tmp_path, "Net", files={"run.json": b"{}"})
    assert list(tmp_path.iterdir()) == []


def start(folder, *flags):
    return subprocess.Popen(
        [sys.executable, "-m", "netspec", "train", "tiny.net", "--data", "digits.npz", "--runs", "runs"]
        + ["--device", "cpu", *flags],
        cwd=folder,
        env=netspec_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(condition, process, timeout=120.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_a_run_killed_as_its_folder_appears_can_be_resumed(tiny, capsys):
    spec, data, runs = tiny
    process = start(spec.parent, "--epochs", "3")

    def visible():
        return [p for p in runs.iterdir() if not p.name.startswith(".")] if runs.exists() else []

    wait_for(visible, process)
    run = visible()[0]
    assert (run / "run.json").is_file() and (run / "spec.net").is_file()
    process.kill()
    process.communicate(timeout=30)
    assert main(["train", "--resume", str(run), "--data", str(data), "--device", "cpu", "--quiet"]) == 0
    assert json.loads((run / "run.json").read_text())["status"] == "finished"


@pytest.mark.skipif(not hasattr(signal, "SIGTERM"), reason="POSIX signals")
@pytest.mark.parametrize("number,code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)], ids=["SIGTERM", "SIGINT"])
def test_a_signal_marks_the_run_interrupted_and_says_how_to_resume(tiny, number, code):
    spec, _, runs = tiny
    digits_npz(spec.parent / "digits.npz", train=2000, test=32)
    process = start(spec.parent, "--epochs", "1000")
    wait_for(lambda: runs.exists() and any(runs.glob("*/checkpoint.json")), process)
    process.send_signal(number)
    out, err = process.communicate(timeout=60)
    assert process.returncode == code, err
    run = only_run(runs)
    assert json.loads((run / "run.json").read_text())["status"] == "interrupted"
    assert f"resume with: netspec train --resume {run.relative_to(spec.parent)}" in err
    assert "after epoch" in err and "Traceback" not in err
    # The plot and the table of the finished epochs, titled with why the run stopped (issue #10).
    done = json.loads((run / "checkpoint.json").read_text())["epoch"]
    by = "SIGTERM" if number == signal.SIGTERM else "Ctrl-C"
    assert f"stopped early: interrupted by {by} after epoch {done}" in curves_title(run)
    assert [int(r["epoch"]) for r in csv.DictReader((run / "metrics.csv").open())] == list(range(1, done + 1))


def curves_title(run) -> str:
    """curves.png's title, from its PNG Title chunk (netspec.training.curves writes it there)."""
    from PIL import Image

    with Image.open(run / "curves.png") as image:
        return image.text["Title"]


# Slow enough (a few seconds an epoch here) that a signal sent as the epoch starts lands inside it.
WIDE = SPEC.replace("conv 4 5x5 stride=2", "conv 64 3x3 pad=1")


@pytest.mark.skipif(not hasattr(signal, "SIGTERM"), reason="POSIX signals")
def test_a_run_interrupted_in_its_first_epoch_leaves_no_plot_of_nothing(tiny):
    spec, _, runs = tiny
    write_spec(spec.parent, WIDE)
    digits_npz(spec.parent / "digits.npz", train=4000, test=32)
    process = start(spec.parent, "--epochs", "1000")

    def running():
        found = list(runs.glob("*/run.json")) if runs.exists() else []
        return bool(found) and '"running"' in found[0].read_text()

    wait_for(running, process)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    run = only_run(runs)
    assert "interrupted before its first epoch ended" in err and "Traceback" not in err
    assert not (run / "checkpoint.json").exists()
    assert not (run / "curves.png").exists() and not (run / "metrics.csv").exists()


def test_ctrl_c_just_after_a_checkpoint_still_leaves_that_epochs_table_and_plot(tiny, monkeypatch, capsys):
    """The window between checkpoint.json naming an epoch and metrics.csv/curves.png being rewritten:
    the epoch is done (it resumes after it), so the table and the plot show it."""
    spec, data, runs = tiny
    real = outputs.write_metrics
    calls = []

    def ctrl_c_on_the_first_call(path, rows):
        calls.append(len(rows))
        if len(calls) == 1:
            raise KeyboardInterrupt
        real(path, rows)

    monkeypatch.setattr(outputs, "write_metrics", ctrl_c_on_the_first_call)
    assert train(spec, data, runs, "--epochs", "3") == 130
    assert "interrupted after epoch 1" in capsys.readouterr().err
    run = only_run(runs)
    assert calls == [1, 1]  # the save that was interrupted, then the one on the way out
    assert [r["epoch"] for r in csv.DictReader((run / "metrics.csv").open())] == ["1"]
    assert "stopped early: interrupted by Ctrl-C after epoch 1" in curves_title(run)
    assert json.loads((run / "run.json").read_text())["status"] == "interrupted"


def test_adam_with_a_huge_lr_stops_though_its_loss_stays_finite(tiny, capsys):
    spec, data, runs = tiny
    assert train(spec, data, runs, "--lr", "1e6", "--epochs", "2") == 1
    err = capsys.readouterr().err
    assert "training stopped" in err and "learning rate is probably too high" in err
    assert json.loads((only_run(runs) / "run.json").read_text())["status"] == "stopped"


def test_data_holding_nan_is_refused_at_load_without_blaming_the_lr(tiny, capsys):
    spec, data, runs = tiny
    arrays = dict(np.load(data))
    x = arrays["x_train"].astype(np.float32) / 255
    x[5, 0, 0] = np.nan
    np.savez(data, **{**arrays, "x_train": x, "x_test": arrays["x_test"].astype(np.float32) / 255})
    assert train(spec, data, runs) == 1
    err = capsys.readouterr().err
    assert "NaN or infinite values" in err  # at load: netspec.data, or the runner's own check
    assert "learning rate" not in err and "Traceback" not in err


def test_a_test_split_with_no_samples_is_an_error(tiny, capsys):
    spec, data, runs = tiny
    arrays = dict(np.load(data))
    np.savez(data, **{**arrays, "x_test": arrays["x_test"][:0], "y_test": arrays["y_test"][:0]})
    assert train(spec, data, runs) == 1
    out, err = capsys.readouterr()
    assert "no samples" in err and "nan%" not in out and "Traceback" not in err

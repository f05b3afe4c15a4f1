"""`netspec eval RUN_DIR` (the run folder holds its spec, settings and weights), `eval SPEC --weights`,
`--quiet`, and the errors of a folder that is not a run folder or is damaged."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from train_fixtures import digits_npz, only_run, run_netspec, write_spec

from netspec.cli import main


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    folder = tmp_path_factory.mktemp("eval")
    spec = write_spec(folder)
    data = digits_npz(folder / "digits.npz", train=256, test=100)
    runs = folder / "runs"
    args = ["train", str(spec), "--data", str(data), "--runs", str(runs), "--device", "cpu", "--quiet"]
    assert main(args) == 0
    return spec, data, only_run(runs)


@pytest.fixture
def run_copy(trained, tmp_path):
    spec, data, run_dir = trained
    copy = tmp_path / run_dir.name
    shutil.copytree(run_dir, copy)
    return copy


def final_accuracy(run_dir) -> float:
    return json.loads((run_dir / "run.json").read_text())["final"]["test_acc"]


def test_eval_of_a_run_folder_needs_no_spec_and_gives_the_runs_accuracy(trained, capsys):
    spec, data, run_dir = trained
    capsys.readouterr()
    assert main(["eval", str(run_dir), "--device", "cpu"]) == 0
    out = capsys.readouterr().out
    accuracy = final_accuracy(run_dir)
    assert out == f"test accuracy {accuracy:.2%} ({round(accuracy * 100)} / 100) on digits\n"


def test_eval_quiet_prints_only_the_figure(trained, capsys):
    _, _, run_dir = trained
    capsys.readouterr()
    assert main(["eval", str(run_dir), "--device", "cpu", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert re.fullmatch(r"[0-9]{1,3}\.[0-9]{2}%\n", out)
    assert out == f"{final_accuracy(run_dir):.2%}\n"


def test_eval_of_a_spec_with_weights_still_works(trained, capsys):
    spec, data, run_dir = trained
    capsys.readouterr()
    weights = run_dir / "weights.safetensors"
    assert main(["eval", str(spec), "--weights", str(weights), "--data", str(data), "--quiet"]) == 0
    assert capsys.readouterr().out == f"{final_accuracy(run_dir):.2%}\n"


def test_a_run_folder_with_other_weights_and_data(trained, tmp_path, capsys):
    """--weights and --data still override what the run folder holds."""
    spec, data, run_dir = trained
    other = digits_npz(tmp_path / "other.npz", train=64, test=50, seed=9)
    capsys.readouterr()
    assert main(["eval", str(run_dir), "--data", str(other), "--weights", str(run_dir / "weights.safetensors")]) == 0
    assert "/ 50) on other" in capsys.readouterr().out


def test_a_spec_without_weights_is_a_usage_error(trained):
    spec, data, _ = trained
    done = run_netspec("eval", str(spec), "--data", str(data), cwd=spec.parent)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "--weights" in done.stderr and "netspec eval RUN_DIR" in done.stderr


def test_a_folder_that_is_not_a_run_folder_is_a_usage_error(tmp_path):
    (tmp_path / "not_a_run").mkdir()
    done = run_netspec("eval", "not_a_run", cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "no run.json there; give the folder of a netspec run" in done.stderr


def test_a_changed_spec_in_the_run_folder_is_refused(run_copy, capsys):
    (run_copy / "spec.net").write_text((run_copy / "spec.net").read_text().replace("conv 4", "conv 5"))
    assert main(["eval", str(run_copy), "--device", "cpu"]) == 1
    err = capsys.readouterr().err
    assert "spec.net is not the spec run.json records" in err and "damaged" in err


def test_a_spec_net_that_is_a_link_is_refused(run_copy, tmp_path, capsys):
    elsewhere = tmp_path / "elsewhere.net"
    elsewhere.write_text((run_copy / "spec.net").read_text())
    (run_copy / "spec.net").unlink()
    (run_copy / "spec.net").symlink_to(elsewhere)
    assert main(["eval", str(run_copy), "--device", "cpu"]) == 1
    err = capsys.readouterr().err
    assert "is a link" in err and "damaged" in err


def test_a_run_json_that_is_not_json_is_refused(run_copy, capsys):
    (run_copy / "run.json").write_text("{ not json")
    assert main(["eval", str(run_copy), "--device", "cpu"]) == 1
    assert "run.json is not JSON" in capsys.readouterr().err


def test_a_run_folder_without_final_weights_uses_its_last_checkpoint(run_copy, capsys):
    (run_copy / "weights.safetensors").unlink()
    capsys.readouterr()
    assert main(["eval", str(run_copy), "--device", "cpu", "--quiet"]) == 0
    assert capsys.readouterr().out == f"{final_accuracy(run_copy):.2%}\n"  # the last epoch's checkpoint


def test_a_run_folder_with_no_weights_at_all_is_a_clean_error(run_copy, capsys):
    (run_copy / "weights.safetensors").unlink()
    (run_copy / "checkpoint.json").unlink()
    assert main(["eval", str(run_copy), "--device", "cpu"]) == 1
    err = capsys.readouterr().err
    assert "has neither weights.safetensors nor a checkpoint" in err and "Traceback" not in err

"""A run folder is data, never code: `netspec train --resume RUN` compiles the module it has just
generated from memory. A `model.py` or a `__pycache__/*.pyc` planted in a received run folder is
never executed, and no run leaves a `__pycache__` there (issue #7, item 1)."""

from __future__ import annotations

import py_compile
import shutil
import sys

import pytest
from train_fixtures import TINY_SPEC, digits_npz, only_run, write_spec

from netspec.cli import main

SPEC = TINY_SPEC.replace("epochs 2", "epochs 1")


def evil(marker) -> str:
    return f"open({str(marker)!r}, 'w').write('executed')\n"


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A finished one-epoch run, trained once with bytecode writing on, as a user's shell runs it."""
    folder = tmp_path_factory.mktemp("trained")
    write_spec(folder, SPEC)
    digits_npz(folder / "digits.npz", train=128, test=64)
    before, sys.dont_write_bytecode = sys.dont_write_bytecode, False
    try:
        flags = ["--data", str(folder / "digits.npz"), "--runs", str(folder / "runs"), "--device", "cpu", "--quiet"]
        assert main(["train", str(folder / "tiny.net"), *flags]) == 0
    finally:
        sys.dont_write_bytecode = before
    return only_run(folder / "runs"), folder / "digits.npz"


@pytest.fixture
def run(trained, tmp_path, monkeypatch):
    """A copy of the trained run folder; bytecode reading and writing on, as for a user."""
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    run_dir, data = trained
    copy = tmp_path / run_dir.name
    shutil.copytree(run_dir, copy, symlinks=True)
    return copy, data


def resume(run_dir, data, capsys) -> tuple[int, str, str]:
    code = main(["train", "--resume", str(run_dir), "--epochs", "2", "--data", str(data), "--device", "cpu"])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_run_leaves_no_pycache_and_writes_model_py_for_the_user(trained):
    run_dir, _ = trained
    assert not (run_dir / "__pycache__").exists()
    assert "class Tiny(nn.Module)" in (run_dir / "model.py").read_text()


def test_an_unchecked_hash_pyc_planted_in_the_run_folder_is_never_executed(run, tmp_path, capsys):
    run_dir, data = run
    marker = tmp_path / "pwned"
    # Bytecode that Python's import system would load without looking at model.py's text.
    planted = tmp_path / "planted.py"
    planted.write_text(evil(marker) + (run_dir / "model.py").read_text())
    tag = sys.implementation.cache_tag
    py_compile.compile(
        str(planted),
        cfile=str(run_dir / "__pycache__" / f"model.{tag}.pyc"),
        invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
        doraise=True,
    )
    code, out, err = resume(run_dir, data, capsys)
    assert code == 0, err
    assert not marker.exists(), "the planted bytecode ran"
    assert "resuming after epoch 1" in out


def test_a_malicious_model_py_is_replaced_not_executed(run, tmp_path, capsys):
    run_dir, data = run
    marker = tmp_path / "pwned"
    (run_dir / "model.py").write_text(evil(marker))
    code, out, err = resume(run_dir, data, capsys)
    assert code == 0, err
    assert not marker.exists()
    assert "class Tiny(nn.Module)" in (run_dir / "model.py").read_text()
    assert not (run_dir / "__pycache__").exists()


def test_a_model_py_that_is_a_folder_is_a_clear_error(run, tmp_path, capsys):
    run_dir, data = run
    (run_dir / "model.py").unlink()
    (run_dir / "model.py").mkdir()
    (run_dir / "model.py" / "__init__.py").write_text(evil(tmp_path / "pwned"))
    code, _, err = resume(run_dir, data, capsys)
    assert code == 1
    assert "model.py is not a regular file" in err and "damaged" in err
    assert "Traceback" not in err and not (tmp_path / "pwned").exists()

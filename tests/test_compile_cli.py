"""`netspec compile SPEC [-o FILE]`: stdout or an atomic write, check's diagnostics, exit codes."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from netspec import files, resources
from netspec.checker import check_source, check_text
from netspec.cli import main
from netspec.codegen import generate
from netspec.diagnostics import render_all
from netspec.loading import load_spec

LENET = str(resources.specs_dir() / "lenet.net")
BROKEN = "input 1x8x8\nconv 3 9\ntrain {\n  init hee\n}\n"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_without_o_the_module_goes_to_stdout(capsys):
    code, out, err = run(capsys, "compile", LENET)
    assert code == 0 and err == ""
    assert out == generate(check_source(load_spec(LENET)[0]))


def test_o_writes_the_module_and_says_so(capsys, tmp_path):
    target = tmp_path / "model.py"
    code, out, err = run(capsys, "compile", LENET, "-o", str(target))
    assert code == 0 and out == ""
    assert target.read_text(encoding="utf-8") == generate(check_source(load_spec(LENET)[0]))
    assert err == f"wrote {target}: class LeNet5, 61,706 parameters\n"
    assert oct(target.stat().st_mode & 0o777) == oct(0o666 & ~_umask())
    assert [p.name for p in tmp_path.iterdir()] == ["model.py"]


def test_a_bundled_spec_can_be_named_without_its_path(capsys):
    code, out, err = run(capsys, "compile", "mnist_cnn")
    assert code == 0 and "class MnistCNN(nn.Module):" in out and "bundled spec" in err


def test_spec_errors_print_checks_diagnostics_and_write_nothing(capsys, tmp_path):
    spec = tmp_path / "broken.net"
    spec.write_text(BROKEN, encoding="utf-8")
    target = tmp_path / "model.py"
    code, out, err = run(capsys, "compile", str(spec), "-o", str(target))
    assert code == 1 and out == ""
    assert not target.exists()
    result = check_text(BROKEN, str(spec))
    assert render_all(result.diagnostics.sorted(), result.source) in err  # as `check` renders them
    assert "[kernel-too-large]" in err and "init hee" in err  # compile also reads the init setting
    assert err.rstrip().endswith("2 errors, 0 warnings")
    _, check_out, _ = run(capsys, "check", str(spec))
    assert render_all(result.diagnostics.sorted(), result.source) in check_out


def test_a_bad_init_is_reported_with_its_location(capsys, tmp_path):
    spec = tmp_path / "init.net"
    spec.write_text("input 4\nfc 2\ntrain {\n  init hee\n}\n", encoding="utf-8")
    code, out, err = run(capsys, "compile", str(spec))
    assert code == 1 and out == ""
    assert f"{spec}:4:8: error: " in err and "[bad-value]" in err
    assert "did you mean `he`?" in err


def test_warnings_are_shown_but_the_module_is_written(capsys, tmp_path):
    spec = tmp_path / "warn.net"
    spec.write_text("input 1x9x9\nconv 2 2x2 stride=2\n", encoding="utf-8")
    code, out, err = run(capsys, "compile", str(spec))
    assert code == 0 and "[inexact-size]" in err and "class Warn(nn.Module):" in out


def test_a_failed_write_leaves_the_old_file_and_no_temporary(capsys, tmp_path, monkeypatch):
    target = tmp_path / "model.py"
    target.write_text("# the old model\n", encoding="utf-8")

    def fail(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", fail)  # the write fails after part of the file is written
    code, _, err = run(capsys, "compile", LENET, "-o", str(target))
    assert code == 2 and "cannot write" in err and "No space left on device" in err
    assert target.read_text(encoding="utf-8") == "# the old model\n"
    assert [p.name for p in tmp_path.iterdir()] == ["model.py"]


def test_an_interrupted_rename_leaves_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "model.py"
    monkeypatch.setattr(files.os, "replace", lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        files.write_text_atomically(target, "x = 1\n")
    assert list(tmp_path.iterdir()) == []


def test_overwriting_keeps_the_files_mode(tmp_path):
    target = tmp_path / "model.py"
    target.write_text("old\n")
    target.chmod(0o600)
    files.write_text_atomically(target, "new\n")
    assert target.read_text() == "new\n" and target.stat().st_mode & 0o777 == 0o600


def test_o_refuses_a_folder_and_the_spec_itself(capsys, tmp_path):
    spec = tmp_path / "net.net"
    spec.write_text("input 4\nfc 2\n", encoding="utf-8")
    code, _, err = run(capsys, "compile", str(spec), "-o", str(tmp_path))
    assert code == 2 and "is a folder" in err
    code, _, err = run(capsys, "compile", str(spec), "-o", str(spec))
    assert code == 2 and "overwrite the spec" in err
    assert spec.read_text(encoding="utf-8") == "input 4\nfc 2\n"


def test_o_dash_means_stdout(capsys):
    code, out, _ = run(capsys, "compile", LENET, "-o", "-")
    assert code == 0 and out.startswith('"""LeNet5')


def test_compile_never_imports_torch():
    script = (
        "import sys, io, contextlib; from netspec.cli import main\n"
        f"with contextlib.redirect_stdout(io.StringIO()): code = main(['compile', {LENET!r}])\n"
        "assert code == 0, code\n"
        "assert not [m for m in sys.modules if m == 'torch' or m.startswith('torch.')], 'torch was imported'\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)


def test_the_command_line_entry_point(tmp_path):
    target = tmp_path / "lenet_model.py"
    run = subprocess.run(
        [sys.executable, "-m", "netspec", "compile", "lenet", "-o", str(target)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    shape = subprocess.run([sys.executable, str(target)], capture_output=True, text=True, timeout=120, check=True)
    assert shape.stdout == "output shape: (2, 10)\n"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask

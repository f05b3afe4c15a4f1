"""Issue #7 (trust), as a property: no input and no flags make netspec print a traceback.

`tests/broken_inputs/` holds small broken specs (binary junk, NUL bytes, huge numbers, unclosed
braces, a BOM, invalid UTF-8, CR-only endings, deep nesting, escape sequences, …). Each is checked
and compiled in-process through `netspec.cli.main` (fast; its guard turns any escaped exception
into exit 3), a few as separate processes too, and a list of bad flag combinations is run the same
way. Every run must exit 0, 1 or 2, print no "Traceback" or "internal error", obey no escape
sequence (no raw ESC), and finish quickly. Add a file to the folder to add a case.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from netspec import resources
from netspec.cli import main

CORPUS = Path(__file__).parent / "broken_inputs"
BROKEN = sorted(CORPUS.glob("*.net"))
LENET = str(resources.specs_dir() / "lenet.net")
SECONDS = 5.0  # per run; a well-behaved one takes a small fraction of this on a slow CI core


def run_main(capsys, args: list[str]) -> tuple[int, str]:
    started = time.perf_counter()
    try:
        code = main(args)
    except SystemExit as exit_:  # --help and --version end through argparse's own exit
        code = exit_.code if isinstance(exit_.code, int) else 2
    elapsed = time.perf_counter() - started
    out, err = capsys.readouterr()
    assert elapsed < SECONDS, f"netspec {' '.join(args)[:200]} took {elapsed:.1f}s"
    return code, out + err


def assert_trustworthy(args: list[str], code: int, output: str) -> None:
    shown = " ".join(args)[:200]
    assert code in (0, 1, 2), f"netspec {shown} exited {code}:\n{output[-3000:]}"
    assert "Traceback" not in output, f"netspec {shown}:\n{output[-3000:]}"
    assert "internal error" not in output, f"netspec {shown}:\n{output[-3000:]}"
    assert "\x1b" not in output, f"netspec {shown} printed a raw escape character"


def test_the_corpus_is_there():
    assert len(BROKEN) >= 30
    assert all(path.stat().st_size <= 128 * 1024 for path in BROKEN), "keep the corpus small"


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_check_and_compile_never_crash(capsys, tmp_path, path):
    for args in (
        ["check", str(path)],
        ["check", str(path), "--json"],
        ["check", str(path), "--explain", "--strict"],
        ["compile", str(path), "-o", str(tmp_path / "model.py")],
    ):
        code, output = run_main(capsys, args)
        assert_trustworthy(args, code, output)


SUBPROCESS = ["binary_junk", "deep_nesting", "escape_sequences", "cr_only", "invalid_utf8", "many_errors"]


@pytest.mark.parametrize("stem", SUBPROCESS)
def test_as_a_separate_process(stem):
    path = CORPUS / f"{stem}.net"
    assert path.exists()
    for command in ("check", "compile"):
        args = [sys.executable, "-m", "netspec", command, str(path)]
        done = subprocess.run(args, capture_output=True, timeout=60)
        output = (done.stdout + done.stderr).decode("utf-8", "replace")
        assert_trustworthy(args[3:], done.returncode, output)


def bad_flags(tmp_path: Path) -> list[list[str]]:
    spec = tmp_path / "t.net"
    spec.write_text("input 1x8x8\nconv 2 3\n", encoding="utf-8")
    folder = tmp_path / "dir"
    folder.mkdir()
    s = str(spec)
    return [
        [],
        ["nonsense"],
        ["--version"],
        ["check"],
        ["check", "--help"],
        ["check", "--kinds", s],
        ["check", ""],
        ["check", str(folder)],
        ["check", str(tmp_path / "missing.net")],
        ["check", "x" * 5000],
        ["check", s, "--batch", "0"],
        ["check", s, "--batch", "-5"],
        ["check", s, "--batch", "1e9"],
        ["check", s, "--batch", "9" * 400],
        ["check", s, "--batch", "99999999999999999999"],
        ["check", s, "--memory", ""],
        ["check", s, "--memory", "8"],
        ["check", s, "--memory", "1" * 400],
        ["check", s, "--memory", "1" * 400 + "GiB"],
        ["check", s, "--memory", "-1GiB"],
        ["check", s, "--memory", "1B"],
        ["check", s, "--dtype", "fp8"],
        ["check", s, "--optimizer", "\x1b]0;owned"],
        ["check", s, "--device", ""],
        ["check", s, "--json", "--explain"],
        ["check", s, "--unknown-flag"],
        ["check", LENET, s],
        ["compile"],
        ["compile", s, "-o"],
        ["compile", s, "-o", ""],
        ["compile", s, "-o", str(folder)],
        ["compile", s, "-o", str(tmp_path / "no" / "such" / "dir" / "m.py")],
        ["compile", s, "-o", s],
        ["compile", s, "-o", "-"],
        ["compile", str(folder)],
        ["compile", s, "--json"],
        ["specs", "extra"],
        ["train", "--epochs", "x"],
        ["train", s, "--epochs", "-1", "--help"],
        ["train", s, "--resize", "0x0", "--help"],
        ["train", "--resume", str(tmp_path / "no-such-run")],
        ["train", "--resume", str(folder)],
        ["eval"],
    ]


def test_bad_flag_combinations_never_crash(capsys, tmp_path):
    for args in bad_flags(tmp_path):
        code, output = run_main(capsys, args)
        assert_trustworthy(args, code, output)

"""What `netspec check` imports: only what a check needs (no timed tests here; the start-up time is
measured by bench/check_speed.py). Each run is a fresh interpreter, as a user's command is."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netspec.cli import QUICK_FLAGS, build_parser, main, parse_arguments, quick_check_args
from netspec.loading import UsageError

ROOT = Path(__file__).resolve().parent.parent
ALEXNET = str(ROOT / "specs" / "alexnet.net")

# Modules that `netspec check FILE` must not import: heavy ones (torch, numpy), ones whose import
# was measured to cost milliseconds at every start, Lark's runtime (the tables run without it),
# and the other commands' modules.
NOT_FOR_A_CHECK = (
    "torch",
    "numpy",
    "lark",
    "json",
    "typing",
    "pathlib",
    "fractions",
    "decimal",
    "shutil",
    "dataclasses",
    "inspect",
    "logging",
    "argparse",
    "gettext",
    "locale",
    "unicodedata",
    "encodings.utf_8_sig",
    "netspec.training",
    "netspec.training.commands",
    "netspec.train_settings_cli",
    "netspec.draw",
    "netspec.serve",
    "netspec.lsp",
    "netspec.compile_cli",
    "netspec.codegen",
)


def modules_after(argv: list[str]) -> set[str]:
    code = (
        "import sys, io, contextlib\n"
        "from netspec.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
        f"    code = main({argv!r})\n"
        "print(code, ' '.join(sorted(sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    code, _, modules = result.stdout.strip().partition(" ")
    assert code == "0", result.stdout
    return set(modules.split())


def test_a_check_imports_only_what_it_needs():
    modules = modules_after(["check", ALEXNET])
    assert {"netspec.checker", "netspec.lalr", "netspec.report"} <= modules  # it did check
    assert sorted(set(NOT_FOR_A_CHECK) & modules) == []


def test_json_is_imported_for_json_output_only():
    assert "json" in modules_after(["check", ALEXNET, "--json"])


def test_the_generated_parser_is_the_tables_not_larks_runtime():
    from netspec import _grammar_parser

    source = Path(_grammar_parser.__file__).read_text(encoding="utf-8")
    assert "class " not in source and "def " not in source and "import " not in source
    assert len(source.splitlines()) < 400


@pytest.mark.parametrize("command", ["check", "specs", "compile", "train", "eval", "draw", "serve", "lsp"])
def test_a_command_builds_its_own_parser_only(command):
    parser = build_parser(command)
    (subparsers,) = [action for action in parser._actions if action.dest == "command"]
    assert list(subparsers.choices) in ([command], ["train", "eval"])


def test_help_lists_every_command(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in ("check", "specs", "compile", "train", "eval", "draw", "serve", "lsp"):
        assert f"\n    {command} " in out


def test_an_unknown_command_lists_every_command(capsys):
    assert main(["chek", "x.net"]) == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'chek'" in err and "'lsp'" in err and "'train'" in err


def test_help_before_the_command_is_the_full_help(capsys):
    with pytest.raises(SystemExit):
        main(["-h", "check"])
    assert "compile" in capsys.readouterr().out


def test_a_command_help_is_complete(capsys):
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    out = capsys.readouterr().out
    for flag in ("--json", "--explain", "--strict", "--batch", "--memory", "--color"):
        assert flag in out


WORDS = [
    "--json",
    "--explain",
    "--strict",
    "--kinds",
    "--color=auto",
    "--color=always",
    "--color=never",
    "--color=blue",
    "--color",
    "never",
    "-",
    "a.net",
    "specs/",
    "",
    "x y.net",
    "--batch",
    "4",
    "--js",
    "-h",
    "--",
    "-1",
    "--memory=8GiB",
]


@given(st.lists(st.sampled_from(WORDS), max_size=6))
def test_the_quick_check_parse_is_argparse_s(words):
    """`netspec check …` parsed without argparse gives exactly argparse's namespace, or is left to
    argparse; and the plain cases are never left to it."""
    argv = ["check", *words]
    quick = quick_check_args(argv)
    if quick is None:  # only for a flag that is not one of the quick ones
        assert any(w.startswith("-") and w != "-" and w not in QUICK_FLAGS for w in words)
        return
    try:
        parsed = parse_arguments(argv)
    except UsageError:
        raise AssertionError(f"argparse refuses {argv} but the quick parse took it") from None
    assert vars(quick) == vars(parsed)


def test_spec_names_may_stand_between_flags(capsys):
    args = parse_arguments(["check", "a.net", "--batch", "2", "b.net", "-", "--json", "c.net"])
    assert args.specs == ["a.net", "b.net", "-", "c.net"] and args.batch == 2 and args.json
    with pytest.raises(UsageError, match="unrecognized arguments: --bogus"):
        parse_arguments(["check", "a.net", "--batch", "2", "--bogus"])
    with pytest.raises(UsageError, match="unrecognized arguments: b.net"):
        parse_arguments(["compile", "a.net", "-o", "x.py", "b.net"])


def test_the_plain_check_is_parsed_quickly():
    assert quick_check_args(["check", "a.net", "--json", "-"]) is not None
    assert quick_check_args(["check", "a.net", "--batch", "4"]) is None
    assert quick_check_args(["compile", "a.net"]) is None


def test_a_plain_check_does_not_import_argparse():
    assert "argparse" not in modules_after(["check", ALEXNET, "--strict"])
    assert "argparse" in modules_after(["check", ALEXNET, "--batch", "2"])


@pytest.mark.parametrize(
    ("text", "code"), [("input 1x8x8\nconv 2 3x3\n", 0), ("input 1x8x8\nconv 2 9x9\n", 1), (None, 2)]
)
def test_a_check_process_writes_all_its_output_and_its_exit_code(text, code, tmp_path, capsys):
    """The process of a check ends with os._exit after flushing (netspec.cli._end_check_process):
    what it wrote to a file and its exit code are those of the same check run in this process."""
    path = tmp_path / "spec.net"
    if text is not None:
        path.write_text(text)
    out_file = tmp_path / "out.txt"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # buffered, as for a user
    with open(out_file, "w") as stdout:
        process = subprocess.run(
            [sys.executable, "-m", "netspec", "check", str(path)],
            stdout=stdout,
            stderr=subprocess.PIPE,
            env=env,
            timeout=60,
        )
    assert process.returncode == code == main(["check", str(path)])
    captured = capsys.readouterr()
    assert out_file.read_text() == captured.out
    assert process.stderr.decode() == captured.err


def test_a_check_with_stdout_or_stderr_closed_still_ends_cleanly():
    for redirect in (">&-", "2>&-"):
        result = subprocess.run(
            f"{shlex.quote(sys.executable)} -m netspec check {shlex.quote(ALEXNET)} {redirect}",
            shell=True,
            capture_output=True,
            timeout=60,
        )
        assert result.returncode == 0, result
        assert b"internal error" not in result.stderr + result.stdout

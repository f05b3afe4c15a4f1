"""`netspec check a.net b.net specs/`: a summary line per spec plus its diagnostics, the others
still checked when one cannot be read, and an exit code for the worst of them."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from netspec import resources
from netspec.checker import check_text
from netspec.cli import main
from netspec.units import fmt_count

ROOT = Path(__file__).resolve().parent.parent
GOOD = "input 1x8x8\nconv 2 3x3\nrelu\n"
WARNS = "input 1x8x8\nconv 2 2x2 stride=3\n"  # stride past the window: skipped-pixels
BAD = "input 1x8x8\nconv 2 9x9\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "b_good.net").write_text(GOOD)
    (tmp_path / "a_bad.net").write_text(BAD)
    (tmp_path / "c_warns.net").write_text(WARNS)
    (tmp_path / "notes.txt").write_text("not a spec")
    (tmp_path / "deeper").mkdir()
    (tmp_path / "deeper" / "hidden.net").write_text(GOOD)
    return tmp_path


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_folder_means_its_net_files_sorted_and_not_recursive(folder, capsys):
    code, out, _ = run(["check", str(folder)], capsys)
    heads = [line.split(":")[0] for line in out.splitlines() if line.startswith(str(folder)) and ": " in line]
    summaries = [h for h in dict.fromkeys(heads)]
    assert summaries == [str(folder / name) for name in ("a_bad.net", "b_good.net", "c_warns.net")]
    assert "hidden.net" not in out and "notes.txt" not in out
    assert code == 1  # a_bad has an error


def test_each_spec_gets_a_summary_line_with_its_own_numbers(folder, capsys):
    code, out, _ = run(["check", str(folder / "b_good.net"), str(folder / "c_warns.net")], capsys)
    lines = out.splitlines()
    for name, text in (("b_good.net", GOOD), ("c_warns.net", WARNS)):
        result = check_text(text)
        (line,) = [line for line in lines if line.startswith(f"{folder / name}: ok — ")]
        assert f"{result.params:,} params" in line
        assert f"{fmt_count(result.macs)} MACs" in line
        assert f"{len(result.layers)} layer" in line
    assert "1 warning" in [line for line in lines if "c_warns.net: ok" in line][0]
    assert "[skipped-pixels]" in out  # the warning itself follows its line
    assert code == 0


def test_errors_are_counted_and_shown_and_exit_1(folder, capsys):
    code, out, _ = run(["check", str(folder / "a_bad.net"), str(folder / "b_good.net")], capsys)
    assert f"{folder / 'a_bad.net'}: 1 error, 0 warnings" in out
    assert f"{folder / 'a_bad.net'}:2:8: error:" in out and "[kernel-too-large]" in out
    assert f"{folder / 'b_good.net'}: ok" in out
    assert out.rstrip().endswith("2 specs: 1 ok, 1 with problems, 0 unreadable")
    assert code == 1


def test_strict_fails_on_warnings_of_any_spec(folder, capsys):
    assert main(["check", str(folder / "b_good.net"), str(folder / "c_warns.net"), "--strict"]) == 1
    assert main(["check", str(folder / "b_good.net"), str(folder / "b_good.net"), "--strict"]) == 0


def test_an_unreadable_spec_is_reported_and_the_others_still_checked(folder, capsys):
    (folder / "binary.net").write_bytes(b"\xff\xfe\x00junk")
    names = [str(folder / "missing.net"), str(folder / "binary.net"), str(folder / "b_good.net")]
    code, out, _ = run(["check", *names], capsys)
    assert f"{folder / 'missing.net'}: error: no such file" in out
    assert f"{folder / 'binary.net'}: error:" in out
    assert f"{folder / 'b_good.net'}: ok" in out
    assert "1 unreadable" not in out and "2 unreadable" in out
    assert code == 2


def test_a_folder_without_specs_is_reported(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    (tmp_path / "one.net").write_text(GOOD)
    code, out, _ = run(["check", str(tmp_path / "empty"), str(tmp_path / "one.net")], capsys)
    assert "holds no .net files" in out and f"{tmp_path / 'one.net'}: ok" in out
    assert code == 2


def test_json_gives_one_object_per_line(folder, capsys):
    names = [str(folder / "a_bad.net"), str(folder / "missing.net"), str(folder / "b_good.net")]
    code, out, _ = run(["check", *names, "--json"], capsys)
    objects = [json.loads(line) for line in out.splitlines()]
    assert [o["file"] for o in objects] == names
    assert [o["ok"] for o in objects] == [False, False, True]
    assert objects[0]["schema"] == 2 and objects[0]["diagnostics"][0]["code"] == "kernel-too-large"
    assert "no such file" in objects[1]["error"]
    assert objects[2]["totals"]["params"] == check_text(GOOD).params
    assert code == 2


def test_one_file_keeps_the_full_report(folder, capsys):
    code, out, _ = run(["check", str(folder / "b_good.net")], capsys)
    assert "params      " in out and "  line  layer" in out  # the totals and the table
    assert ": ok — " not in out
    assert code == 0


def test_stdin_may_be_one_of_many(folder, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(BAD.encode())))
    code, out, _ = run(["check", "-", str(folder / "b_good.net")], capsys)
    assert "<stdin>: 1 error, 0 warnings" in out and f"{folder / 'b_good.net'}: ok" in out
    assert code == 1


def test_explain_wants_one_spec(folder, capsys):
    code, _, err = run(["check", str(folder), "--explain"], capsys)
    assert code == 2 and "--explain shows one spec's table" in err


def test_the_shipped_specs_folder_checks_clean():
    assert main(["check", str(resources.specs_dir())]) == 0


def test_a_folder_named_like_a_spec_is_not_one(tmp_path, capsys):
    (tmp_path / "inner.net").mkdir()
    (tmp_path / "real.net").write_text(GOOD)
    code, out, _ = run(["check", str(tmp_path)], capsys)
    assert f"{tmp_path / 'real.net'}: ok" in out and "inner.net" not in out
    assert code == 0


def test_names_with_escape_characters_are_shown_escaped(tmp_path, capsys):
    (tmp_path / "a\x1b[2Jb.net").write_text(BAD)
    code, out, _ = run(["check", str(tmp_path), str(tmp_path / "gone\x1b]0;x\x07.net")], capsys)
    assert "\x1b" not in out and "\x07" not in out
    assert "a\\x1b[2Jb.net: 1 error" in out and "gone\\x1b]0;x\\x07.net: error:" in out
    assert code == 2


# --- audit findings ------------------------------------------------------------------------------


def test_stdin_twice_is_a_usage_error_not_an_empty_second_spec(folder, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(GOOD.encode())))
    code, out, err = run(["check", "-", "-"], capsys)
    assert code == 2 and out == ""
    assert err.startswith("netspec: error: - (standard input) is given more than once")


def test_a_file_named_twice_is_checked_once(folder, capsys):
    good = folder / "b_good.net"
    code, out, _ = run(["check", str(good), str(folder / "." / "b_good.net"), str(folder)], capsys)
    assert out.count("b_good.net: ok") == 1
    assert out.rstrip().endswith("3 specs: 2 ok, 1 with problems, 0 unreadable")  # b_good, c_warns; a_bad
    assert code == 1


def test_one_spec_is_counted_in_the_singular(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    code, out, _ = run(["check", str(empty)], capsys)
    assert out.rstrip().endswith("1 spec: 0 ok, 0 with problems, 1 unreadable") and code == 2


def test_macs_conventions_are_shown_for_each_of_many_specs(folder, capsys):
    good, warns = folder / "b_good.net", folder / "c_warns.net"
    code, out, _ = run(["check", str(good), str(warns), "--macs-convention", "ptflops"], capsys)
    assert out.count("MACs per sample under other tools' conventions") == 2
    first, second = out.split(f"{warns}:", 1)
    assert "ptflops" in first and "ptflops" in second
    assert code == 0


def test_colour_always_never_reaches_many_json_lines(folder, capsys):
    code, out, _ = run(["check", str(folder), str(folder / "missing.net"), "--json", "--color", "always"], capsys)
    assert "\x1b" not in out
    assert [json.loads(line)["schema"] for line in out.splitlines()] == [2, 2, 2, 2]
    assert code == 2


def test_a_folder_without_specs_says_where_specs_are_looked_for(tmp_path, capsys):
    (tmp_path / "deeper").mkdir()
    (tmp_path / "deeper" / "hidden.net").write_text(GOOD)
    code, out, _ = run(["check", str(tmp_path)], capsys)
    assert f"{tmp_path} holds no .net files (a folder means the *.net files directly in it" in out
    assert code == 2


def test_a_path_the_file_system_refuses_is_a_usage_error_in_any_command(tmp_path, capsys):
    spec = tmp_path / "small.net"
    spec.write_text(GOOD)
    code, _, err = run(["compile", str(spec), "-o", str(tmp_path / ("x" * 300 + ".py"))], capsys)
    assert code == 2 and "netspec: error: cannot use " in err and "File name too long" in err
    assert "internal error" not in err

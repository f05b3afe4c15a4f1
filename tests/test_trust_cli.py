"""Issue #7 (trust), the command line: no traceback, ever, and output any terminal can show.

One guard in `cli.main` turns an unexpected exception into `netspec: internal error: …` (exit 3;
NETSPEC_DEBUG=1 re-raises). Output that cannot be written, sizes without a unit or with 400 digits,
encodings without `−` or `⌊` and escape sequences inside a spec each get a message instead.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from netspec import cli, resources
from netspec.cli import main
from netspec.diagnostics import Diagnostic, render_all, terminal_text
from netspec.source import SourceFile, Span

LENET = str(resources.specs_dir() / "lenet.net")
ALEXNET = str(resources.specs_dir() / "alexnet.net")
BROKEN = "# a broken spec\ninput 3x224x224\nconv 96 11x11 stride=4\nconvv 256 5x5 pad=2\nmaxpool 3 strid=2\n"


def netspec(*args: str, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **(env or {})}
    kwargs.setdefault("stdout", subprocess.PIPE)
    kwargs.setdefault("stderr", subprocess.PIPE)
    return subprocess.run([sys.executable, "-m", "netspec", *args], timeout=60, env=full_env, **kwargs)


def test_an_unexpected_exception_is_an_internal_error_without_traceback(capsys, monkeypatch):
    def broken(args):
        raise RuntimeError("boom \x1b]0;owned\x07")

    monkeypatch.delenv("NETSPEC_DEBUG", raising=False)
    monkeypatch.setattr(cli, "run_check", broken)
    assert main(["check", LENET]) == 3
    err = capsys.readouterr().err
    assert err.startswith("netspec: internal error: RuntimeError: boom \\x1b]0;owned\\x07 — please report this")
    assert "Traceback" not in err and "\x1b" not in err and err.count("\n") == 1


def test_netspec_debug_re_raises(monkeypatch):
    monkeypatch.setenv("NETSPEC_DEBUG", "1")
    monkeypatch.setattr(cli, "run_check", lambda args: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        main(["check", LENET])


@pytest.mark.parametrize(
    "size,message",
    [
        ("8", "8 has no unit: 8 bytes? write 8GiB (or 8B for bytes)"),
        ("1" * 400 + "GiB", "is more than 16 EiB"),
        ("1" * 5000, "has no unit"),
        ("0GiB", "at least one byte"),
        ("16 GiBs", "expected a size such as 16GiB"),
    ],
    ids=["no-unit", "400-digits", "5000-digits", "zero", "bad-unit"],
)
def test_bad_memory_sizes_are_usage_errors(capsys, size, message):
    assert main(["check", LENET, "--memory", size]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_memory_sizes_with_units_still_work(capsys):
    assert main(["check", LENET, "--memory", "1.5GiB"]) == 0
    assert main(["check", LENET, "--memory", "1024B"]) == 0


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
@pytest.mark.parametrize("json", [False, True], ids=["text", "json"])
def test_stdout_on_a_full_disk_is_a_clean_error(json):
    with open("/dev/full", "w") as full:  # opened by the test, so netspec cannot replace the node
        done = netspec("check", LENET, *(["--json"] if json else []), stdout=full, text=True)
    assert done.returncode == 2, done.stderr
    assert done.stderr.endswith("netspec: error: cannot write the output: No space left on device\n")
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr


def test_a_closed_pipe_is_not_an_error():
    reader = subprocess.Popen(
        [sys.executable, "-m", "netspec", "check", ALEXNET, "--explain"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    reader.stdout.read(10)
    reader.stdout.close()
    err = reader.stderr.read().decode()
    assert reader.wait(timeout=60) == 0
    assert err == ""


@pytest.mark.parametrize("encoding", ["cp1252", "ascii", "latin-1"])
def test_an_output_encoding_without_netspecs_symbols_falls_back_to_ascii(tmp_path, encoding):
    spec = tmp_path / "broken.net"
    spec.write_text(BROKEN, encoding="utf-8")
    done = netspec("check", str(spec), "--explain", env={"PYTHONIOENCODING": encoding})
    out, err = done.stdout.decode(encoding), done.stderr.decode(encoding)
    assert done.returncode == 1, err
    assert "Traceback" not in out + err
    dot = "·" if encoding != "ascii" else "*"  # cp1252 and latin-1 have ·, none has −
    assert f"(224 + 2{dot}0 - 11) / 4 + 1 = 54.25" in out
    explained = netspec("check", ALEXNET, "--explain", env={"PYTHONIOENCODING": encoding})
    assert explained.returncode == 0
    assert f"floor((227 + 2{dot}0 - 11) / 4) + 1 = 55" in explained.stdout.decode(encoding)


def test_json_on_an_ascii_output_is_escaped_json():
    import json

    done = netspec("check", LENET, "--json", env={"PYTHONIOENCODING": "ascii"})
    assert done.returncode == 0
    assert json.loads(done.stdout.decode("ascii"))["network"] == "LeNet5"


@pytest.mark.skipif(sys.platform != "linux", reason="file names of any bytes are a Linux thing")
def test_a_file_name_that_is_not_utf8(tmp_path):
    name = os.fsencode(tmp_path) + b"/caf\xe9.net"
    with open(name, "wb") as handle:
        handle.write(b"network Cafe\ninput 1x8x8\nconvv 2 3\n")
    import json

    for args, shown in (([], b"caf\\xe9.net"), (["--json"], b"caf\\udce9.net")):
        done = subprocess.run(
            [sys.executable.encode(), b"-m", b"netspec", b"check", name, *[a.encode() for a in args]],
            capture_output=True,
            timeout=60,
        )
        assert done.returncode == 1, done.stderr
        assert b"Traceback" not in done.stdout + done.stderr
        assert shown in done.stdout
    assert json.loads(done.stdout)["file"].endswith("caf\udce9.net")


def test_terminal_text_escapes_what_a_terminal_would_obey():
    assert terminal_text("a\x1b]0;title\x07b") == "a\\x1b]0;title\\x07b"
    assert terminal_text("line\nbreak\r") == "line\\x0abreak\\x0d"
    assert terminal_text("\u202eevil") == "\\u202eevil"
    assert terminal_text("tab\there") == "tab\\x09here"
    assert terminal_text("tab\there", keep_tabs=True) == "tab\there"
    assert terminal_text("⌊x⌋ − 1 · 2, café") == "⌊x⌋ − 1 · 2, café"


def test_messages_and_hints_quoting_spec_text_are_escaped():
    source = SourceFile("evil\x1b[2J.net", "conv\x1b]0;x 3\n")
    diagnostic = Diagnostic(
        "error", "unknown-layer", "unknown layer kind `conv\x1b]0;x`", Span(1, 1, 1, 9), "did you mean `conv`?\x1b[8m"
    )
    shown = render_all([diagnostic], source)
    assert "\x1b" not in shown
    assert "evil\\x1b[2J.net:1:1: error: unknown layer kind `conv\\x1b]0;x`" in shown
    assert "hint: did you mean `conv`?\\x1b[8m" in shown


def test_a_spec_with_escape_sequences_prints_none(capsys, tmp_path):
    spec = tmp_path / "t.net"
    spec.write_text("input 1x8x8\nconv\x1b]0;owned\x07 3\nrelu slope=\x1b[31m\n", encoding="utf-8")
    code = main(["check", str(spec)])
    out, err = capsys.readouterr()
    assert code == 1
    assert "\x1b" not in out + err, (out + err)[:2000]


@pytest.mark.parametrize("batch", ["9" * 400, "99999999999999999999", "2147483648"])
def test_a_batch_beyond_any_memory_is_a_usage_error(capsys, batch):
    assert main(["check", LENET, "--batch", batch]) == 2
    err = capsys.readouterr().err
    assert "expected a whole number up to 2,147,483,647" in err and "internal error" not in err

"""Issue #7 (trust), reading specs: sizes are checked before and while reading, never after.

`netspec check /dev/zero` used to read until memory ran out (the 64 MiB cap was checked after
reading). Now a spec is read at most `MAX_BYTES + 1` bytes; a regular file's size is checked before
reading; devices other than a terminal on stdin are refused; stdin and anonymous pipes are read
(bounded). A named pipe is refused without waiting for a writer (issue #20: `netspec check fifo.net`
hung until something wrote to it, forever if nothing did).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest

from netspec import loading
from netspec.cli import main
from netspec.loading import UsageError, load_spec

posix_only = pytest.mark.skipif(os.name != "posix", reason="/dev and FIFOs are POSIX")


def _limited(memory: int):
    """A child process limited to `memory` bytes of address space: a regression that reads
    /dev/zero fails fast with MemoryError instead of filling the machine."""

    def limit() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return limit


@posix_only
@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_dev_zero_is_refused_without_reading_it():
    done = subprocess.run(
        [sys.executable, "-m", "netspec", "check", "/dev/zero"],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_limited(2 * 2**30),
    )
    assert done.returncode == 2, done.stderr[-2000:]
    assert done.stderr == "netspec: error: /dev/zero is a character device, not a spec file\n"


def test_a_regular_file_over_the_cap_is_refused_by_its_size(tmp_path, monkeypatch):
    monkeypatch.setattr(loading, "MAX_BYTES", 100)
    big = tmp_path / "big.net"
    big.write_bytes(b"relu\n" * 1000)
    with pytest.raises(UsageError) as raised:
        load_spec(str(big))
    assert "5,000 bytes; specs larger than 100 bytes are refused" in str(raised.value)


def _pipe_path(read_end: int) -> str:
    """The path a shell's `<(…)` hands over for an anonymous pipe."""
    return f"/dev/fd/{read_end}" if os.path.exists(f"/dev/fd/{read_end}") else f"/proc/self/fd/{read_end}"


@posix_only
def test_an_endless_pipe_is_read_only_up_to_the_cap(monkeypatch):
    monkeypatch.setattr(loading, "MAX_BYTES", 1000)
    read_end, write_end = os.pipe()
    stop = threading.Event()

    def writer():  # 100 times the cap at most: a regression reading it all stays small
        try:
            with open(write_end, "wb") as handle:
                for _ in range(200):
                    if stop.is_set():
                        break
                    handle.write(b"relu\n" * 100)
        except BrokenPipeError:
            pass

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    try:
        with pytest.raises(UsageError) as raised:
            load_spec(_pipe_path(read_end))
    finally:
        stop.set()
        os.close(read_end)
    assert "more than 1,000 bytes; specs larger than 1,000 bytes are refused" in str(raised.value)
    thread.join(timeout=10)


@posix_only
def test_an_anonymous_pipe_holding_a_spec_is_read():
    """`netspec check <(generate-spec)`: the shell passes /dev/fd/N, a pipe whose writer exists."""
    read_end, write_end = os.pipe()
    thread = threading.Thread(target=lambda: open(write_end, "wb").write(b"input 1x8x8\nrelu\n"), daemon=True)
    thread.start()
    try:
        source, _ = load_spec(_pipe_path(read_end))
    finally:
        os.close(read_end)
    thread.join(timeout=10)
    assert source.text == "input 1x8x8\nrelu\n"


@posix_only
@pytest.mark.parametrize("command", ["check", "compile", "draw", "train"])
def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path, command):
    """Every command that reads a spec: before, opening the FIFO blocked until a writer came."""
    fifo = tmp_path / "spec.net"
    os.mkfifo(fifo)
    done = subprocess.run(
        [sys.executable, "-m", "netspec", command, str(fifo)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2, done.stderr[-2000:]
    assert f"netspec: error: {fifo} is a named pipe (FIFO), not a spec file" in done.stderr
    assert "Traceback" not in done.stderr


@posix_only
def test_the_api_refuses_a_named_pipe_without_waiting(tmp_path):
    import netspec
    from netspec.api import SpecError

    fifo = tmp_path / "spec.net"
    os.mkfifo(fifo)
    with pytest.raises(SpecError) as raised:
        netspec.check(fifo)
    assert "is a named pipe (FIFO)" in str(raised.value)


@posix_only
def test_a_folder_with_a_fifo_and_a_link_loop_checks_the_rest(capsys, tmp_path):
    """`netspec check DIR/`: a FIFO `b.net` hung the whole folder; a symlink loop `loop.net` made
    the folder look empty (its `is_dir()` raised). Each is reported by name, `ok.net` is checked."""
    (tmp_path / "ok.net").write_text("input 1x8x8\nrelu\n")
    os.mkfifo(tmp_path / "b.net")
    os.symlink("loop.net", tmp_path / "loop.net")
    assert main(["check", str(tmp_path)]) == 2
    out = capsys.readouterr().out
    assert f"{tmp_path / 'b.net'}: error: {tmp_path / 'b.net'} is a named pipe (FIFO)" in out
    assert f"{tmp_path / 'loop.net'}: error: cannot read {tmp_path / 'loop.net'}:" in out
    assert f"{tmp_path / 'ok.net'}: ok" in out
    assert "3 specs: 1 ok, 0 with problems, 2 unreadable" in out


def test_stdin_as_a_dash(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "netspec", "check", "-"],
        input="network Piped\ninput 1x8x8\nconv 2 3\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "Piped (<stdin>)" in done.stdout


@posix_only
def test_stdin_from_dev_zero_is_bounded():
    with open("/dev/zero", "rb") as zero:
        done = subprocess.run(
            [sys.executable, "-m", "netspec", "check", "-"],
            stdin=zero,
            capture_output=True,
            text=True,
            timeout=60,
            preexec_fn=_limited(2 * 2**30),
        )
    assert done.returncode == 2
    assert "<stdin> is a character device, not a spec file" in done.stderr


def test_a_folder_without_specs_is_refused(capsys, tmp_path):
    """A folder means its *.net files (tests/test_check_many.py); one without any is an error."""
    assert main(["check", str(tmp_path)]) == 2
    assert "holds no .net files" in capsys.readouterr().out


@posix_only
def test_an_unreadable_file_is_a_usage_error(capsys, tmp_path):
    path = tmp_path / "secret.net"
    path.write_text("relu\n", encoding="utf-8")
    path.chmod(0)
    if os.access(path, os.R_OK):
        pytest.skip("running as root: permissions do not stop reading")
    assert main(["check", str(path)]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_a_name_too_long_is_a_usage_error(capsys):
    assert main(["check", "x" * 5000 + ".net"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("netspec: error: ") and "Traceback" not in err


def test_text_that_is_not_utf8_is_located(tmp_path):
    bad = tmp_path / "bad.net"
    bad.write_bytes(b"input 1x8x8\nconv 2 3 # caf\xe9\n")
    with pytest.raises(UsageError, match=r"line 2, column 15 \(byte 26\) holds 0xe9"):
        load_spec(str(bad))
    bad.write_bytes("input 1x8x8\n".encode("utf-16"))
    with pytest.raises(UsageError, match="is UTF-16 text; save it as UTF-8"):
        load_spec(str(bad))

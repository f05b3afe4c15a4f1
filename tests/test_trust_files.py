"""Issue #7 (trust), writing: `files.write_bytes_atomically` never replaces what is not a regular file.

A symlink is written through (its target replaced atomically, the link kept); a character device or
a FIFO is written into directly; a folder or a block device is refused with a clear error.
"""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
import threading

import pytest

from netspec import files, resources
from netspec.cli import main

LENET = str(resources.specs_dir() / "lenet.net")
posix_only = pytest.mark.skipif(os.name != "posix", reason="symlinks, FIFOs and /dev are POSIX")


def _device(tmp_path, name: str, minor: int) -> str:
    """A character device like /dev/null (1, 3) or /dev/full (1, 7). As root these tests make
    their own node in tmp_path, so that a regression replaces that node, not the machine's /dev
    (as the bug did); others cannot replace /dev's nodes, so they use the real ones."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        node = tmp_path / name
        try:
            os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, minor))
            with open(node, "wb"):  # some containers allow mknod but not opening the node
                pass
            return str(node)
        except OSError:
            pytest.skip("cannot make a device node here, and as root the real one is not safe to test")
    if not os.path.exists(f"/dev/{name}"):
        pytest.skip(f"no /dev/{name}")
    return f"/dev/{name}"


@posix_only
def test_a_symlink_is_written_through_and_kept(tmp_path):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "model.py"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    link = tmp_path / "link.py"
    link.symlink_to(target)
    files.write_text_atomically(link, "new")
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text(encoding="utf-8") == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in (tmp_path / "real").iterdir()) == ["model.py"]  # no temporary left


@posix_only
def test_a_relative_symlink_chain_is_followed_to_its_end(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "end.py").write_text("old", encoding="utf-8")
    (tmp_path / "middle.py").symlink_to("a/end.py")
    (tmp_path / "first.py").symlink_to("middle.py")
    files.write_text_atomically(tmp_path / "first.py", "new")
    assert (tmp_path / "first.py").is_symlink() and (tmp_path / "middle.py").is_symlink()
    assert (tmp_path / "a" / "end.py").read_text(encoding="utf-8") == "new"


@posix_only
def test_a_dangling_symlink_creates_its_target(tmp_path):
    (tmp_path / "out").mkdir()
    link = tmp_path / "link.py"
    link.symlink_to(tmp_path / "out" / "model.py")
    files.write_text_atomically(link, "new")
    assert link.is_symlink()
    assert (tmp_path / "out" / "model.py").read_text(encoding="utf-8") == "new"


@posix_only
def test_a_symlink_loop_is_an_error_not_a_hang(tmp_path):
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    with pytest.raises(OSError):
        files.write_text_atomically(tmp_path / "a", "new")
    assert (tmp_path / "a").is_symlink() and (tmp_path / "b").is_symlink()


@posix_only
def test_a_fifo_is_written_into_not_replaced(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    files.write_bytes_atomically(fifo, b"through the pipe")
    reader.join(timeout=10)
    assert received == [b"through the pipe"]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@posix_only
def test_dev_null_stays_a_device(tmp_path):
    null = _device(tmp_path, "null", 3)
    files.write_text_atomically(null, "nothing")
    assert stat.S_ISCHR(os.lstat(null).st_mode)


@posix_only
def test_dev_full_is_a_clean_no_space_error(tmp_path):
    full = _device(tmp_path, "full", 7)
    with pytest.raises(OSError) as raised:
        files.write_text_atomically(full, "x" * 100_000)
    assert raised.value.errno == errno.ENOSPC
    assert stat.S_ISCHR(os.lstat(full).st_mode)


def test_a_folder_is_refused_with_a_clear_error(tmp_path):
    with pytest.raises(IsADirectoryError) as raised:
        files.write_text_atomically(tmp_path, "x")
    assert "folder" in str(raised.value)
    assert list(tmp_path.iterdir()) == []


@posix_only
def test_a_symlink_to_a_folder_is_refused(tmp_path):
    (tmp_path / "dir").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "dir")
    with pytest.raises(IsADirectoryError):
        files.write_text_atomically(tmp_path / "link", "x")
    assert (tmp_path / "link").is_symlink() and list((tmp_path / "dir").iterdir()) == []


@posix_only
def test_a_socket_is_refused(tmp_path):
    import socket

    path = tmp_path / "s"
    with socket.socket(socket.AF_UNIX) as server:
        try:
            server.bind(str(path))
        except OSError:
            pytest.skip("cannot bind a unix socket here")
        with pytest.raises(OSError) as raised:
            files.write_text_atomically(path, "x")
        assert "not a regular file" in str(raised.value)
        assert stat.S_ISSOCK(os.lstat(path).st_mode)


@posix_only
def test_compile_to_dev_null_and_dev_full(capsys, tmp_path):
    null, full = _device(tmp_path, "null", 3), _device(tmp_path, "full", 7)
    assert main(["compile", LENET, "-o", null]) == 0
    assert stat.S_ISCHR(os.lstat(null).st_mode)
    capsys.readouterr()
    assert main(["compile", LENET, "-o", full]) == 2
    err = capsys.readouterr().err
    assert f"cannot write {full}: No space left on device" in err
    assert "Traceback" not in err
    assert stat.S_ISCHR(os.lstat(full).st_mode)


@posix_only
def _stdout_link(tmp_path) -> str:
    """What /dev/stdout is (a link to /proc/self/fd/1), made privately so that a regression
    replaces this link and not the machine's /dev/stdout."""
    if not os.path.exists("/proc/self/fd/1"):
        pytest.skip("no /proc/self/fd")
    link = tmp_path / "stdout"
    link.symlink_to("/proc/self/fd/1")
    return str(link)


@posix_only
def test_compile_o_dev_stdout_writes_to_the_pipe(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "netspec", "compile", LENET, "-o", _stdout_link(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "class LeNet5(nn.Module):" in done.stdout
    assert "Traceback" not in done.stderr


@posix_only
def test_compile_o_dev_stdout_redirected_to_a_file(tmp_path):
    link = _stdout_link(tmp_path)
    out = tmp_path / "model.py"
    with out.open("w") as handle:
        done = subprocess.run(
            [sys.executable, "-m", "netspec", "compile", LENET, "-o", link],
            stdout=handle,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    assert "class LeNet5(nn.Module):" in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.py", "stdout"]
    assert os.path.islink(link)

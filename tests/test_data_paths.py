"""What `--data` may name, and what a data folder may hold: files and folders, never a FIFO, socket or device.

A FIFO blocks whoever opens it for reading, so every test that makes one runs `load` in a thread
with a deadline (`finishes`): a regression fails the test instead of hanging the suite, and the
stuck open is then released by opening the FIFO's other end.
"""

from __future__ import annotations

import os
import socket
import stat
import threading

import numpy as np
import pytest

from netspec.data import DataError, formats, load, sources

posix = pytest.mark.skipif(os.name != "posix", reason="FIFOs, sockets and devices are POSIX")


def finishes(action, fifos=(), seconds: float = 10.0):
    """What `action()` returns or raises, within `seconds`; a hang fails the test."""
    outcome = {}

    def run():
        try:
            outcome["value"] = action()
        except BaseException as error:  # noqa: BLE001 - handed to the test thread
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        for fifo in fifos:  # a writer's end lets the blocked open return
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        thread.join(seconds)
        pytest.fail(f"loading did not finish within {seconds:g} s (a FIFO was opened for reading?)")
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def refused(data, *parts, fifos=(), **kwargs) -> str:
    with pytest.raises(DataError) as raised:
        finishes(lambda: load(str(data), **kwargs), fifos)
    message = str(raised.value)
    assert "\n" not in message
    for part in parts:
        assert part in message, message
    return message


def idx(array: np.ndarray) -> bytes:
    return bytes([0, 0, 8, array.ndim]) + b"".join(d.to_bytes(4, "big") for d in array.shape) + array.tobytes()


def mnist_folder(folder):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "train-images-idx3-ubyte").write_bytes(idx(np.zeros((2, 28, 28), np.uint8)))
    (folder / "train-labels-idx1-ubyte").write_bytes(idx(np.array([0, 1], np.uint8)))
    return folder


# --- --data itself -----------------------------------------------------------------------------


@posix
@pytest.mark.parametrize("device", ["/dev/null", "/dev/zero"])
def test_a_character_device_is_refused(device):
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    refused(device, f"{device} is a character device, not a data file or folder")


@posix
@pytest.mark.parametrize("name", ["data", "data.npz"])
def test_a_fifo_is_refused_without_being_opened(tmp_path, name):
    fifo = tmp_path / name
    os.mkfifo(fifo)
    refused(fifo, "is a FIFO (named pipe), not a data file or folder", fifos=[fifo])


@posix
def test_a_socket_is_refused(tmp_path):
    path = tmp_path / "s.npz"
    if len(str(path)) > 100:
        pytest.skip("the temporary path is too long for a unix socket")
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        refused(path, "is a socket, not a data file or folder")


@posix
def test_a_block_device_is_refused_without_being_opened():
    devices = [e.path for e in os.scandir("/dev") if stat.S_ISBLK(os.stat(e.path, follow_symlinks=False).st_mode)]
    if not devices:
        pytest.skip("no block device in /dev")
    refused(devices[0], "is a block device, not a data file or folder")


@posix
def test_data_dev_null_ends_netspec_train_with_an_error_line(tmp_path, capsys):
    from netspec.cli import main

    spec = tmp_path / "v.net"
    spec.write_text("input 1x28x28\nfc 10\n")
    assert main(["train", str(spec), "--data", "/dev/null", "--runs", str(tmp_path / "runs")]) == 1
    err = capsys.readouterr().err
    assert (
        err == "netspec: error: /dev/null is a character device, not a data file or folder: give an .npz file, "
        "or a folder of IDX, CIFAR-10 or image files\n"
    ), err


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any folder")
def test_an_unreadable_folder_is_explained(tmp_path):
    folder = mnist_folder(tmp_path / "m")
    folder.chmod(0)
    try:
        refused(folder, "cannot read", "Permission denied")
    finally:
        folder.chmod(0o755)


# --- inside a data folder ----------------------------------------------------------------------


@posix
def test_a_fifo_in_place_of_an_idx_file_is_named(tmp_path):
    folder = mnist_folder(tmp_path / "m")
    (folder / "train-images-idx3-ubyte").unlink()
    os.mkfifo(folder / "train-images-idx3-ubyte")
    refused(folder, "train-images-idx3-ubyte is not a regular file (a FIFO", fifos=[folder / "train-images-idx3-ubyte"])


@posix
def test_a_fifo_among_cifar_batches_is_named_not_skipped(tmp_path):
    folder = tmp_path / "c" / formats.CIFAR_FOLDER
    folder.mkdir(parents=True)
    (folder / formats.CIFAR_TRAIN[0]).write_bytes(bytes(formats.CIFAR_RECORD))
    os.mkfifo(folder / formats.CIFAR_TRAIN[1])
    refused(tmp_path / "c", "data_batch_2.bin is not a regular file (a FIFO", fifos=[folder / formats.CIFAR_TRAIN[1]])


@posix
def test_a_fifo_named_like_the_cifar_archive_is_named(tmp_path):
    os.mkfifo(tmp_path / "cifar-10-binary.tar.gz")
    refused(
        tmp_path, "cifar-10-binary.tar.gz is not a regular file (a FIFO", fifos=[tmp_path / "cifar-10-binary.tar.gz"]
    )


@posix
def test_a_link_to_dev_zero_in_place_of_a_batch_is_refused(tmp_path):
    (tmp_path / formats.CIFAR_TRAIN[0]).symlink_to("/dev/zero")
    refused(tmp_path, "data_batch_1.bin is not a regular file (a character device)")


@posix
def test_a_fifo_in_an_image_folder_is_named(tmp_path):
    image = pytest.importorskip("PIL.Image")
    (tmp_path / "cat").mkdir()
    image.new("L", (4, 4)).save(tmp_path / "cat" / "0.png")
    os.mkfifo(tmp_path / "cat" / "1.png")
    refused(tmp_path, "1.png is a FIFO (named pipe), not an image file", channels=1, fifos=[tmp_path / "cat" / "1.png"])


@posix
def test_a_link_to_nothing_in_an_image_folder_is_named(tmp_path):
    image = pytest.importorskip("PIL.Image")
    (tmp_path / "cat").mkdir()
    image.new("L", (4, 4)).save(tmp_path / "cat" / "0.png")
    (tmp_path / "cat" / "1.png").symlink_to(tmp_path / "gone.png")
    refused(tmp_path, "1.png is a link to nothing, not an image file", channels=1)


# --- the cache folder --------------------------------------------------------------------------


@pytest.fixture
def no_network(monkeypatch, tmp_path):
    """Downloads go to a port that refuses connections; NETSPEC_DATA and NETSPEC_OFFLINE unset."""
    monkeypatch.delenv("NETSPEC_DATA", raising=False)
    monkeypatch.delenv("NETSPEC_OFFLINE", raising=False)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        yield (f"http://127.0.0.1:{probe.getsockname()[1]}/",)


def load_mnist(mirrors):
    return sources.load_named(sources.SOURCES["mnist"], quiet=True, mirrors=mirrors)


def cache_refused(mirrors, *parts, fifos=()) -> str:
    with pytest.raises(DataError) as raised:
        finishes(lambda: load_mnist(mirrors), fifos)
    message = str(raised.value)
    for part in parts:
        assert part in message, message
    return message


def test_netspec_cache_naming_a_file_is_explained(tmp_path, monkeypatch, no_network):
    (tmp_path / "cache").write_text("not a folder")
    monkeypatch.setenv("NETSPEC_CACHE", str(tmp_path / "cache"))
    cache_refused(no_network, f"NETSPEC_CACHE ({tmp_path / 'cache'}) is a file, not a folder", "or unset it")


@posix
def test_netspec_cache_naming_a_fifo_is_explained(tmp_path, monkeypatch, no_network):
    os.mkfifo(tmp_path / "cache")
    monkeypatch.setenv("NETSPEC_CACHE", str(tmp_path / "cache"))
    cache_refused(no_network, "is a FIFO (named pipe), not a folder", fifos=[tmp_path / "cache"])


def test_a_file_where_the_data_sets_folder_goes_is_explained(tmp_path, monkeypatch, no_network):
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "mnist").write_text("not a folder")
    monkeypatch.setenv("NETSPEC_CACHE", str(tmp_path / "cache"))
    cache_refused(no_network, "the data set's folder", "is a file, not a folder")


def test_the_default_cache_folder_being_a_file_is_explained(tmp_path, monkeypatch, no_network):
    monkeypatch.delenv("NETSPEC_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    (tmp_path / "xdg").mkdir()
    (tmp_path / "xdg" / "netspec").write_text("not a folder")
    cache_refused(no_network, f"the cache folder ({tmp_path / 'xdg' / 'netspec'}) is a file", "NETSPEC_CACHE")


def test_a_bad_cache_ends_netspec_train_with_an_error_line_not_a_traceback(tmp_path, monkeypatch, capsys):
    from netspec.cli import main

    (tmp_path / "cache").write_text("not a folder")
    monkeypatch.setenv("NETSPEC_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("NETSPEC_OFFLINE", "1")
    spec = tmp_path / "v.net"
    spec.write_text("input 1x28x28\nfc 10\n")
    code = main(["train", str(spec), "--data", "mnist", "--runs", str(tmp_path / "runs")])
    err = capsys.readouterr().err
    assert code in (1, 2) and "Traceback" not in err, err
    assert err.startswith("netspec: error: NETSPEC_CACHE") and err.count("\n") == 1, err

"""Issue #7 (trust), data files: bounded reading, and a clear message for every bad array.

Sizes are checked before anything is unpacked (an IDX header against the file and the limit, an
.npz member's .npy header before its array), only the members netspec uses are read, and each bad
array is refused in one line naming the file, the array and the fix.
"""

from __future__ import annotations

import gzip
import io
import os
import struct
import threading
import tracemalloc
import warnings
import zipfile

import numpy as np
import pytest

from netspec.data import DataError, formats, images, load


def idx(array: np.ndarray, code: int = 0x08, dims: tuple[int, ...] | None = None) -> bytes:
    dims = array.shape if dims is None else dims
    header = bytes([0, 0, code, len(dims)]) + struct.pack(f">{len(dims)}I", *dims)
    return header + array.astype(np.dtype(formats.IDX_TYPES[code])).tobytes()


def mnist_folder(folder, images: bytes | None = None, labels: bytes | None = None, n: int = 4, gz: bool = False):
    """An IDX folder with a train split; `images`/`labels` replace the train files' bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    images = idx(np.zeros((n, 28, 28), np.uint8)) if images is None else images
    labels = idx(np.arange(n, dtype=np.uint8) % 10) if labels is None else labels
    for name, data in (("train-images-idx3-ubyte", images), ("train-labels-idx1-ubyte", labels)):
        if gz:
            (folder / (name + ".gz")).write_bytes(gzip.compress(data, compresslevel=1))
        else:
            (folder / name).write_bytes(data)
    return folder


def peak_bytes(action) -> int:
    """The peak of Python and numpy allocations while `action` runs."""
    tracemalloc.start()
    try:
        try:
            action()
        except DataError:
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def refused(path, *parts: str) -> str:
    with pytest.raises(DataError) as raised:
        load(str(path))
    message = str(raised.value)
    assert "\n" not in message
    for part in parts:
        assert part in message, message
    return message


# --- IDX ---------------------------------------------------------------------------------------


def test_a_gzipped_idx_with_more_data_than_its_header_is_not_unpacked(tmp_path):
    images = idx(np.zeros((4, 28, 28), np.uint8)) + bytes(40 * 2**20)  # 40 MiB of zeros beyond the header
    folder = mnist_folder(tmp_path / "m", images=images, gz=True)
    assert (folder / "train-images-idx3-ubyte.gz").stat().st_size < 200_000
    assert peak_bytes(lambda: load(str(folder))) < 8 * 2**20
    refused(folder, "train-images-idx3-ubyte.gz should hold 3,136 values", "more than 3,136 bytes")


def test_a_header_declaring_more_than_a_gzip_can_hold_is_refused_before_unpacking(tmp_path):
    images = idx(np.zeros((4, 28, 28), np.uint8), dims=(60_000_000, 28, 28))
    folder = mnist_folder(tmp_path / "m", images=images, gz=True)
    assert peak_bytes(lambda: load(str(folder))) < 8 * 2**20
    refused(folder, "declares 47,040,000,000 values of shape 60000000x28x28", "the file is damaged")


def test_idx_dimensions_whose_product_overflows_int64(tmp_path):
    images = idx(np.zeros(8, np.uint8), dims=(2**32 - 1, 2**32 - 1, 2**32 - 1))
    folder = mnist_folder(tmp_path / "m", images=images)
    refused(folder, "should hold 79,228,162,458,924,105,385,300,197,375 values", "damaged or cut short")


def test_a_truthful_idx_over_the_data_limit_names_the_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("NETSPEC_DATA_LIMIT", "1MiB")
    folder = mnist_folder(tmp_path / "m", n=2000, gz=True)
    refused(folder, "more than netspec reads from one file (1 MiB)", "NETSPEC_DATA_LIMIT=1GiB")


def test_a_bad_data_limit_setting_is_explained(tmp_path, monkeypatch):
    monkeypatch.setenv("NETSPEC_DATA_LIMIT", "lots")
    refused(mnist_folder(tmp_path / "m"), "NETSPEC_DATA_LIMIT='lots'", "16GiB")


def test_signed_idx_labels_of_minus_one(tmp_path):
    labels = idx(np.array([0, 1, -1, 2]), code=0x09)
    refused(mnist_folder(tmp_path / "m", labels=labels), "holds the label -1 at index 2", "drop those samples")


def test_nan_idx_labels(tmp_path):
    labels = idx(np.array([0, np.nan, 1, 2]), code=0x0D)
    refused(mnist_folder(tmp_path / "m", labels=labels), "train-labels-idx1-ubyte", "label nan at index 1")


def test_whole_float_idx_labels_are_taken(tmp_path):
    labels = idx(np.array([0, 1, 1, 2]), code=0x0D)
    data = load(str(mnist_folder(tmp_path / "m", labels=labels)))
    assert data.train.y.dtype == np.int64 and data.train.y.tolist() == [0, 1, 1, 2]


def test_an_empty_idx_test_split(tmp_path):
    folder = mnist_folder(tmp_path / "m")
    (folder / "t10k-images-idx3-ubyte").write_bytes(idx(np.zeros((0, 28, 28), np.uint8)))
    (folder / "t10k-labels-idx1-ubyte").write_bytes(idx(np.zeros(0, np.uint8)))
    refused(folder, "hold no samples", "delete both test files")


def test_idx_arrays_are_writable_so_torch_does_not_warn(tmp_path):
    torch = pytest.importorskip("torch")
    from netspec.data.device import DeviceSplit

    for gz in (False, True):
        data = load(str(mnist_folder(tmp_path / f"m{gz}", gz=gz)))
        assert data.train.x.flags.writeable and data.train.y.flags.writeable
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            DeviceSplit(data.train, torch.device("cpu"))


def test_a_read_only_split_is_copied_for_torch_without_a_warning():
    torch = pytest.importorskip("torch")
    from netspec.data.device import DeviceSplit
    from netspec.data.formats import Split

    x = np.frombuffer(bytes(2 * 16), np.uint8).reshape(2, 1, 4, 4)
    y = np.frombuffer(np.arange(2, dtype=np.int64).tobytes(), np.int64)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        split = DeviceSplit(Split(x, y), torch.device("cpu"))
    assert split.y.tolist() == [0, 1]


@pytest.mark.skipif(os.name != "posix", reason="FIFOs are POSIX")
def test_a_fifo_in_place_of_an_idx_file_is_refused(tmp_path):
    folder = mnist_folder(tmp_path / "m")
    fifo = folder / "train-images-idx3-ubyte"
    data = fifo.read_bytes()
    os.unlink(fifo)
    os.mkfifo(fifo)

    def writer():  # a finite, valid file through the pipe: a regression reads it and does not hang
        try:
            with open(fifo, "wb") as handle:
                handle.write(data)
        except BrokenPipeError:
            pass

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    with pytest.raises(DataError, match="is not a regular file"):
        formats.read_idx(fifo)
    os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))  # netspec never opened it: release the writer
    thread.join(5)


# --- .npz --------------------------------------------------------------------------------------


def npz(path, **arrays):
    np.savez(path, **arrays)
    return path


def test_unused_npz_members_are_not_read(tmp_path):
    path = tmp_path / "d.npz"
    np.savez_compressed(
        path, x_train=np.zeros((4, 8, 8), np.uint8), y_train=np.arange(4), junk=np.zeros(40 * 2**20, np.uint8)
    )
    assert path.stat().st_size < 200_000
    assert peak_bytes(lambda: load(str(path))) < 8 * 2**20
    assert load(str(path)).train.x.shape == (4, 1, 8, 8)


def _npz_with_header(path, shape, data: bytes, dtype="<f4"):
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": dtype, "fortran_order": False, "shape": shape})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("x_train.npy", header.getvalue() + data)
        labels = io.BytesIO()
        np.save(labels, np.arange(4))
        archive.writestr("y_train.npy", labels.getvalue())
    return path


def test_an_npz_header_declaring_terabytes_is_refused_before_reading(tmp_path):
    path = _npz_with_header(tmp_path / "d.npz", (10**12, 4), bytes(64))
    assert peak_bytes(lambda: load(str(path))) < 8 * 2**20
    refused(path, "x_train of shape (1000000000000, 4): 16,000,000,000,000 bytes", "NETSPEC_DATA_LIMIT")


def test_an_npz_header_declaring_more_than_its_member_holds(tmp_path):
    path = _npz_with_header(tmp_path / "d.npz", (4, 1000), bytes(64))
    refused(path, "damaged .npz file (x_train declares 16,000 bytes but holds 64)")


@pytest.mark.parametrize(
    "x,problem",
    [
        (np.array(3.0), "x_train is a single value"),
        (np.array(["a", "b", "c", "d"]), "x_train holds text (<U1)"),
        (np.zeros(4, dtype=[("a", "<f4"), ("b", "<i4")]), "x_train holds records"),
        (np.zeros((4, 2), np.complex64), "x_train holds complex numbers"),
    ],
    ids=["0-d", "strings", "structured", "complex"],
)
def test_npz_x_of_the_wrong_kind(tmp_path, x, problem):
    refused(npz(tmp_path / "d.npz", x_train=x, y_train=np.arange(4)), str(tmp_path / "d.npz"), problem)


def test_npz_uint64_labels_beyond_int64(tmp_path):
    y = np.array([0, 1, 2**63 + 5, 3], np.uint64)
    path = npz(tmp_path / "d.npz", x_train=np.zeros((4, 8), np.float32), y_train=y)
    refused(path, "y_train holds the label 9,223,372,036,854,775,813 at index 2", "renumber the classes")


def test_npz_negative_and_nan_labels(tmp_path):
    x = np.zeros((4, 8), np.float32)
    refused(npz(tmp_path / "a.npz", x=x, y=np.array([0, -1, 1, 2])), "y holds the label -1 at index 1")
    refused(npz(tmp_path / "b.npz", x=x, y=np.array([0, 1, np.nan, 2])), "y holds the label nan at index 2")


def test_npz_x_test_of_another_shape(tmp_path):
    path = npz(
        tmp_path / "d.npz",
        x_train=np.zeros((4, 8, 8), np.uint8),
        y_train=np.arange(4),
        x_test=np.zeros((2, 9, 9), np.uint8),
        y_test=np.arange(2),
    )
    refused(path, "x_test holds samples of shape (1, 9, 9) but x_train (1, 8, 8)")


def test_npz_empty_test_split(tmp_path):
    path = npz(
        tmp_path / "d.npz",
        x_train=np.zeros((4, 8, 8), np.uint8),
        y_train=np.arange(4),
        x_test=np.zeros((0, 8, 8), np.uint8),
        y_test=np.zeros(0, np.int64),
    )
    refused(path, "x_test and y_test hold no samples", "without x_test and y_test")


def test_npz_x_test_without_y_test(tmp_path):
    path = npz(tmp_path / "d.npz", x_train=np.zeros((4, 8)), y_train=np.arange(4), x_test=np.zeros((2, 8)))
    refused(path, "has x_test but no y_test")


def test_npz_nan_images(tmp_path):
    x = np.zeros((4, 8), np.float32)
    x[1, 2] = np.nan
    refused(npz(tmp_path / "d.npz", x_train=x, y_train=np.arange(4)), "x_train holds NaN or infinite values")


# --- images ------------------------------------------------------------------------------------


def test_a_decompression_bomb_image_is_a_clean_error(tmp_path, monkeypatch):
    Image = pytest.importorskip("PIL.Image")
    for name, pixels in (("warn", 120), ("error", 300)):  # Pillow warns past the limit, errors past twice it
        folder = tmp_path / name / "cat"
        folder.mkdir(parents=True)
        Image.new("L", (pixels, 1)).save(folder / "a.png")
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)
    for name in ("warn", "error"):
        with pytest.raises(DataError, match=r"a\.png is too large to read safely"):
            images.read_image_folder(tmp_path / name, 1, None)


def test_a_damaged_image_names_the_file(tmp_path):
    pytest.importorskip("PIL.Image")
    (tmp_path / "cat").mkdir()
    (tmp_path / "cat" / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(40))
    with pytest.raises(DataError, match=r"cannot read the image .*a\.png"):
        images.read_image_folder(tmp_path, 1, None)

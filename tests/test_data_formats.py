"""Reading data: IDX (gzipped or not), CIFAR-10 binary batches, .npz, image folders, the bundled digits."""

from __future__ import annotations

import gzip
import os
import struct

import numpy as np
import pytest

from netspec.data import DataError, formats, load, sources


def idx_bytes(array: np.ndarray) -> bytes:
    header = bytes([0, 0, 0x08, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(np.uint8).tobytes()


def write_mnist_like(folder, train=20, test=10, gz=True, seed=0):
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    arrays = {}
    for prefix, n in (("train", train), ("t10k", test)):
        images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
        labels = rng.integers(0, 10, n, dtype=np.uint8)
        for kind, array in (("images-idx3", images), ("labels-idx1", labels)):
            name = f"{prefix}-{kind}-ubyte"
            data = idx_bytes(array)
            if gz:
                (folder / (name + ".gz")).write_bytes(gzip.compress(data))
            else:
                (folder / name).write_bytes(data)
        arrays[prefix] = (images, labels)
    return arrays


@pytest.mark.parametrize("gz", [True, False], ids=["gzipped", "plain"])
def test_idx_files_are_read_exactly(tmp_path, gz):
    arrays = write_mnist_like(tmp_path / "m", gz=gz)
    data = load(str(tmp_path / "m"))
    assert data.train.x.shape == (20, 1, 28, 28) and data.train.x.dtype == np.uint8
    assert np.array_equal(data.train.x[:, 0], arrays["train"][0])
    assert np.array_equal(data.test.y, arrays["t10k"][1].astype(np.int64))


def test_a_cut_short_idx_file_is_refused(tmp_path):
    write_mnist_like(tmp_path, gz=False)
    path = tmp_path / "train-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(DataError, match="damaged or cut short"):
        load(str(tmp_path))


def test_a_damaged_gzip_is_refused(tmp_path):
    write_mnist_like(tmp_path, gz=True)
    path = tmp_path / "train-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:50])
    with pytest.raises(DataError, match="damaged gzip"):
        load(str(tmp_path))


def test_cifar_binary_batches(tmp_path):
    rng = np.random.default_rng(1)
    folder = tmp_path / "cifar" / formats.CIFAR_FOLDER
    folder.mkdir(parents=True)
    expected = {}
    for name, n in [(f"data_batch_{i}.bin", 3) for i in range(1, 6)] + [("test_batch.bin", 4)]:
        labels = rng.integers(0, 10, n, dtype=np.uint8)
        pixels = rng.integers(0, 256, (n, 3072), dtype=np.uint8)
        (folder / name).write_bytes(np.concatenate([labels[:, None], pixels], axis=1).tobytes())
        expected[name] = (labels, pixels)
    data = load(str(tmp_path / "cifar"))
    assert data.train.x.shape == (15, 3, 32, 32) and data.test.x.shape == (4, 3, 32, 32)
    labels, pixels = expected["test_batch.bin"]
    assert np.array_equal(data.test.y, labels)
    # the record is 1,024 red, then green, then blue, row by row
    assert data.test.x[2, 1, 0, 5] == pixels[2, 1024 + 5]


def test_a_pickled_cifar_batch_is_not_taken_for_a_binary_one(tmp_path):
    (tmp_path / "data_batch_1.bin").write_bytes(b"\x80\x04" + b"x" * 100)
    with pytest.raises(DataError, match="python version"):
        load(str(tmp_path))


def test_npz_in_channels_last_layout_is_transposed(tmp_path):
    x = np.arange(2 * 4 * 5 * 3, dtype=np.uint8).reshape(2, 4, 5, 3)
    np.savez(tmp_path / "d.npz", x_train=x, y_train=np.array([0, 1]))
    data = load(str(tmp_path / "d.npz"))
    assert data.train.x.shape == (2, 3, 4, 5) and data.test is None
    assert data.train.x[1, 2, 3, 4] == x[1, 3, 4, 2]


def test_npz_floats_stay_floats(tmp_path):
    np.savez(tmp_path / "d.npz", x=np.full((3, 6), 0.5), y=np.array([0, 1, 2]))
    data = load(str(tmp_path / "d.npz"))
    assert data.train.x.dtype == np.float32 and data.train.x.shape == (3, 6)


def test_npz_with_object_arrays_is_refused_without_unpickling(tmp_path):
    np.savez(tmp_path / "d.npz", x_train=np.array([object()] * 2, dtype=object), y_train=np.array([0, 1]))
    with pytest.raises(DataError, match="plain numeric arrays"):
        load(str(tmp_path / "d.npz"))


def test_npz_with_other_names_says_which_it_reads(tmp_path):
    np.savez(tmp_path / "d.npz", images=np.zeros((2, 4)), labels=np.zeros(2))
    with pytest.raises(DataError, match="x_train, y_train"):
        load(str(tmp_path / "d.npz"))


@pytest.mark.parametrize(
    "make,problem",
    [
        (lambda p: np.savez(p, x_train=np.zeros((0, 4, 4), np.uint8), y_train=np.zeros(0, np.int64)), "no samples"),
        (lambda p: np.savez(p, x=np.zeros((0, 8), np.float32), y=np.zeros(0, np.int64)), "no samples"),
        (lambda p: p.write_bytes(b"x_train,y_train\n1,2\n"), "not an .npz file (not a zip archive)"),
        (lambda p: p.write_bytes(b""), "not an .npz file (empty)"),
        (lambda p: np.save(open(p, "wb"), np.zeros(3)), "not an .npz file (an .npy array)"),
        (lambda p: _cut_short_npz(p), "damaged .npz file"),
    ],
    ids=["empty-train", "empty-x-y", "text", "zero-bytes", "npy", "cut-short"],
)
def test_a_bad_npz_is_refused_in_one_line_naming_the_file(tmp_path, make, problem):
    path = tmp_path / "d.npz"
    make(path)
    with pytest.raises(DataError) as caught:
        load(str(path))
    message = str(caught.value)
    assert problem in message and str(path) in message and "\n" not in message
    assert "pickled" not in message


def _cut_short_npz(path):
    np.savez(path, x_train=np.zeros((50, 8, 8), np.uint8), y_train=np.zeros(50, np.int64))
    path.write_bytes(path.read_bytes()[:-40])


def test_a_bad_npz_ends_netspec_train_with_exit_1_and_no_traceback(tmp_path, capsys):
    from netspec.cli import main

    (tmp_path / "d.npz").write_bytes(b"PK\x03\x04 not really a zip")
    spec = tmp_path / "v.net"
    spec.write_text("input 1x28x28\nfc 10\n")
    assert main(["train", str(spec), "--data", str(tmp_path / "d.npz"), "--runs", str(tmp_path / "runs")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"netspec: error: {tmp_path / 'd.npz'} is a damaged .npz file" in err


def test_image_folder_with_train_and_test(tmp_path):
    image_module = pytest.importorskip("PIL.Image")
    for split, count in (("train", 3), ("test", 2)):
        for label, name in enumerate(("cat", "dog")):
            folder = tmp_path / "pets" / split / name
            folder.mkdir(parents=True)
            for i in range(count):
                image_module.new("RGB", (8, 6), (40 * label, 10 * i, 200)).save(folder / f"{i}.png")
    data = load(str(tmp_path / "pets"), channels=3)
    assert data.train.x.shape == (6, 3, 6, 8) and data.test.x.shape == (4, 3, 6, 8)
    assert data.class_names == ["cat", "dog"] and list(data.train.y) == [0, 0, 0, 1, 1, 1]
    assert data.train.x[3, 0, 0, 0] == 40  # dog: red channel 40
    grey = load(str(tmp_path / "pets"), channels=1, size=(4, 4))
    assert grey.train.x.shape == (6, 1, 4, 4)


def test_image_folder_with_mixed_sizes_asks_for_resize(tmp_path):
    image_module = pytest.importorskip("PIL.Image")
    for name, size in (("a", (8, 8)), ("b", (9, 8))):
        (tmp_path / name).mkdir()
        image_module.new("L", size).save(tmp_path / name / "0.png")
    with pytest.raises(DataError, match="resize"):
        load(str(tmp_path), channels=1)


def test_a_folder_of_something_else_is_explained(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(DataError, match="cannot tell what"):
        load(str(tmp_path))


def test_a_misspelt_name_gets_a_suggestion(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DataError, match="did you mean `mnist`"):
        load("mnsit")


def test_the_bundled_digits_are_real_balanced_and_offline():
    data = load("digits-offline")
    assert data.train.x.shape == (4000, 1, 28, 28) and data.test.x.shape == (1000, 1, 28, 28)
    assert np.bincount(data.train.y).tolist() == [400] * 10
    assert np.bincount(data.test.y).tolist() == [100] * 10
    # real digits: mostly black background with bright strokes, no two identical
    assert 0.1 < (data.train.x > 128).mean() < 0.25
    assert len({row.tobytes() for row in data.test.x}) == 1000
    assert os.path.getsize(sources.BUNDLED_DIGITS) < 2_000_000


def test_a_named_set_is_found_in_netspec_data(tmp_path, monkeypatch):
    write_mnist_like(tmp_path / "data" / "mnist")
    monkeypatch.setenv("NETSPEC_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("NETSPEC_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("NETSPEC_OFFLINE", "1")
    data = load("mnist")
    assert data.name == "mnist" and len(data.train) == 20


def test_a_named_set_is_found_in_the_cache(tmp_path, monkeypatch):
    write_mnist_like(tmp_path / "cache" / "fashion-mnist", gz=False)
    monkeypatch.delenv("NETSPEC_DATA", raising=False)
    monkeypatch.setenv("NETSPEC_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("NETSPEC_OFFLINE", "1")
    assert load("fashion_mnist").name == "fashion-mnist"


def test_a_folder_holding_the_named_set_is_used(tmp_path):
    write_mnist_like(tmp_path / "datasets" / "mnist")
    assert len(load(str(tmp_path / "datasets"), named="mnist").test) == 10


def test_without_network_the_error_says_which_files_go_where(tmp_path, monkeypatch):
    monkeypatch.delenv("NETSPEC_DATA", raising=False)
    monkeypatch.setenv("NETSPEC_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("NETSPEC_OFFLINE", "1")
    with pytest.raises(DataError) as caught:
        load("mnist")
    message = str(caught.value)
    assert f"Put these files in {tmp_path / 'cache' / 'mnist'}/" in message
    for remote in sources.SOURCES["mnist"].files:
        assert remote.name in message and remote.sha256 in message and f"{remote.size:,}" in message
    assert "--data digits-offline" in message
    assert not (tmp_path / "cache" / "mnist").exists()


def test_the_cifar_archive_is_unpacked_once_and_safely(tmp_path):
    import io
    import tarfile

    rng = np.random.default_rng(2)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name in [*formats.CIFAR_TRAIN, formats.CIFAR_TEST]:  # unsafe entries: tests/test_data_archive.py
            data = np.concatenate(
                [rng.integers(0, 10, (2, 1), dtype=np.uint8), rng.integers(0, 256, (2, 3072), dtype=np.uint8)], axis=1
            ).tobytes()
            member = tarfile.TarInfo(f"{formats.CIFAR_FOLDER}/{name}")
            member.size = len(data)
            tar.addfile(member, io.BytesIO(data))
    folder = tmp_path / "cifar"
    folder.mkdir()
    (folder / "cifar-10-binary.tar.gz").write_bytes(buffer.getvalue())
    data = load(str(folder))
    assert data.train.x.shape == (10, 3, 32, 32) and len(data.test) == 2
    # the user's archive is never deleted; the batches are read from the unpacked folder next time
    assert sorted(p.name for p in folder.iterdir()) == [formats.CIFAR_FOLDER, "cifar-10-binary.tar.gz"]
    assert (folder / "cifar-10-binary.tar.gz").read_bytes() == buffer.getvalue()
    (folder / formats.CIFAR_FOLDER / formats.CIFAR_TEST).unlink()  # proof that the folder, not the archive, is read
    assert load(str(folder)).test is None

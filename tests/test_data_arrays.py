"""The values of image arrays: no empty samples, and floats that fit float32 (netspec trains in float32)."""

from __future__ import annotations

import struct
import warnings

import numpy as np
import pytest

from netspec.data import DataError, load


def idx(array: np.ndarray, code: int) -> bytes:
    dtype = {0x08: ">u1", 0x0E: ">f8"}[code]
    header = bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(dtype).tobytes()


def mnist_folder(folder, images: np.ndarray, code: int = 0x08):
    folder.mkdir(parents=True)
    (folder / "train-images-idx3-ubyte").write_bytes(idx(images, code))
    (folder / "train-labels-idx1-ubyte").write_bytes(idx(np.arange(len(images)) % 10, 0x08))
    return str(folder)


def refused(data, *parts, **kwargs) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's RuntimeWarning must not be what the user sees
        with pytest.raises(DataError) as raised:
            load(data, **kwargs)
    message = str(raised.value)
    assert "\n" not in message
    for part in parts:
        assert part in message, message
    return message


# --- empty samples -----------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(4, 0, 28), (4, 1, 0, 28), (4, 28, 28, 0), (4, 0)])
def test_npz_samples_with_a_dimension_of_zero_are_refused(tmp_path, shape):
    np.savez(tmp_path / "d.npz", x_train=np.zeros(shape, np.uint8), y_train=np.arange(4))
    refused(str(tmp_path / "d.npz"), f"x_train has shape {shape}", "hold no values")


def test_idx_images_of_zero_height_are_refused(tmp_path):
    refused(mnist_folder(tmp_path / "m", np.zeros((4, 0, 28), np.uint8)), "train-images-idx3-ubyte", "hold no values")


def test_zero_height_images_with_resize_end_train_with_an_error_line(tmp_path, capsys):
    from netspec.cli import main

    np.savez(tmp_path / "d.npz", x_train=np.zeros((4, 0, 28), np.uint8), y_train=np.arange(4))
    spec = tmp_path / "v.net"
    spec.write_text("input 1x28x28\nfc 10\n")
    args = ["train", str(spec), "--data", str(tmp_path / "d.npz"), "--resize", "28", "--runs", str(tmp_path / "r")]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err.startswith("netspec: error: ") and "hold no values" in err and err.count("\n") == 1, err


# --- floats beyond float32 ---------------------------------------------------------------------


@pytest.mark.parametrize("value", [1e300, -1e39])
def test_float64_training_images_beyond_float32_are_refused_naming_the_split(tmp_path, value):
    x = np.zeros((4, 8))
    x[2, 3] = value
    np.savez(tmp_path / "d.npz", x_train=x, y_train=np.arange(4))
    refused(str(tmp_path / "d.npz"), "x_train holds values as large as", f"{abs(value):.3g}", "float32 range")


def test_float64_test_images_beyond_float32_are_refused_naming_the_split(tmp_path):
    x = np.zeros((4, 8))
    np.savez(tmp_path / "d.npz", x_train=x, y_train=np.arange(4), x_test=x + 1e40, y_test=np.arange(4))
    refused(str(tmp_path / "d.npz"), "x_test holds values as large as 1e+40")


def test_float64_within_float32_is_taken(tmp_path):
    x = np.full((4, 8), 3e38)
    np.savez(tmp_path / "d.npz", x_train=x, y_train=np.arange(4))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data = load(str(tmp_path / "d.npz"))
    assert data.train.x.dtype == np.float32 and np.isfinite(data.train.x).all()


def test_float64_idx_images_beyond_float32_are_refused(tmp_path):
    images = np.zeros((2, 4, 4))
    images[1, 1, 1] = 1e300
    refused(mnist_folder(tmp_path / "m", images, 0x0E), "train-images-idx3-ubyte", "float32 range")


def test_nan_idx_images_are_refused(tmp_path):
    images = np.zeros((2, 4, 4))
    images[0, 0, 0] = np.nan
    refused(mnist_folder(tmp_path / "m", images, 0x0E), "train-images-idx3-ubyte", "NaN or infinite")

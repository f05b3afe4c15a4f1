"""A folder of images: sizes from the headers before any decoding, one array, and no class dropped in silence.

`decodes` counts Pillow's pixel decoding (ImageFile.load); the refusals here must come with it
at zero: from the headers alone.
"""

from __future__ import annotations

import shutil
import time

import numpy as np
import pytest

from netspec.data import DataError, load

Image = pytest.importorskip("PIL.Image")


@pytest.fixture
def decodes(monkeypatch):
    from PIL import ImageFile

    calls = []
    original = ImageFile.ImageFile.load

    def counting(self):
        calls.append(self.filename if hasattr(self, "filename") else self)
        return original(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", counting)
    return calls


def image_folder(root, classes: dict[str, list[tuple[int, int]]], mode: str = "L"):
    """root/<class>/<i>.png for each (width, height) listed; each image's pixels are its index."""
    for name, sizes in classes.items():
        (root / name).mkdir(parents=True, exist_ok=True)
        for i, (width, height) in enumerate(sizes):
            Image.new(mode, (width, height), i if mode == "L" else (i, 2 * i, 3 * i)).save(root / name / f"{i}.png")
    return root


def refused(folder, *parts, **kwargs) -> str:
    with pytest.raises(DataError) as raised:
        load(str(folder), **kwargs)
    message = str(raised.value)
    assert "\n" not in message
    for part in parts:
        assert part in message, message
    return message


# --- the spec's size, from the first header ----------------------------------------------------


def test_large_images_of_the_wrong_size_get_the_resize_hint_at_once(tmp_path, decodes):
    first = image_folder(tmp_path / "big", {"cat": [(4000, 4000)]}) / "cat" / "0.png"
    for i in range(1, 12):  # twelve images of 4000x4000: 192 MB decoded, a few hundred KB on disk
        shutil.copy(first, tmp_path / "big" / "cat" / f"{i}.png")
    start = time.perf_counter()
    refused(tmp_path / "big", "4000x4000", "add `resize 28`", "1x28x28", channels=1, input_shape=(1, 28, 28))
    assert time.perf_counter() - start < 2.0 and decodes == []


def test_a_vector_spec_gets_the_resize_that_fits_it(tmp_path, decodes):
    image_folder(tmp_path / "d", {"a": [(28, 28)], "b": [(28, 28)]})
    refused(tmp_path / "d", "784 values", "100 values", "add `resize 10`", channels=1, input_shape=(100,))
    assert decodes == []


def test_a_resize_that_is_not_the_specs_size_is_refused_before_decoding(tmp_path, decodes):
    image_folder(tmp_path / "d", {"a": [(40, 40)], "b": [(40, 40)]})
    refused(
        tmp_path / "d", "`resize 32` makes the images 32x32", "add `resize 28`", size=(32, 32), input_shape=(1, 28, 28)
    )
    assert decodes == []


def test_images_of_the_specs_size_are_read(tmp_path):
    image_folder(tmp_path / "d", {"a": [(8, 6), (8, 6)], "b": [(8, 6)]}, mode="RGB")
    data = load(str(tmp_path / "d"), channels=3, input_shape=(3, 6, 8))
    assert data.train.x.shape == (3, 3, 6, 8) and data.train.x.dtype == np.uint8
    assert data.train.x[1, :, 0, 0].tolist() == [1, 2, 3] and data.train.y.tolist() == [0, 0, 1]
    assert data.train.x.flags.c_contiguous


# --- sizes and totals, before decoding ---------------------------------------------------------


def test_images_of_different_sizes_are_refused_before_decoding(tmp_path, decodes):
    image_folder(tmp_path / "d", {"a": [(8, 8), (8, 8)], "b": [(9, 8)]})
    refused(tmp_path / "d", "the images differ in size", "b/0.png is 8x9", channels=1)
    assert decodes == []


def test_a_test_image_of_another_size_is_refused_before_decoding(tmp_path, decodes):
    image_folder(tmp_path / "d" / "train", {"a": [(8, 8)]})
    image_folder(tmp_path / "d" / "test", {"a": [(8, 7)]})
    refused(tmp_path / "d", "the images differ in size", "test/a/0.png is 7x8", channels=1)
    assert decodes == []


def test_images_that_would_decode_past_the_data_limit_are_refused_before_decoding(tmp_path, monkeypatch, decodes):
    monkeypatch.setenv("NETSPEC_DATA_LIMIT", "1MiB")
    image_folder(tmp_path / "d", {"a": [(500, 500)] * 3, "b": [(500, 500)] * 2})
    refused(tmp_path / "d", "holds 5 images that decode to 3,750,000 bytes", "NETSPEC_DATA_LIMIT", channels=3)
    assert decodes == []


def test_a_resize_that_would_make_the_images_too_large_is_refused(tmp_path, monkeypatch, decodes):
    monkeypatch.setenv("NETSPEC_DATA_LIMIT", "1MiB")
    image_folder(tmp_path / "d", {"a": [(4, 4)], "b": [(4, 4)]})
    refused(tmp_path / "d", "`resize 1000` makes", "2,000,000 bytes", channels=1, size=(1000, 1000))
    assert decodes == []


def test_pillows_decompression_bomb_warning_is_an_error_without_a_warning(tmp_path, monkeypatch):
    import warnings

    image_folder(tmp_path / "d", {"a": [(150, 1)]})
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)  # past 100 pixels Pillow warns; past 200 it raises
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the warning must not escape, even as a printed one
        refused(tmp_path / "d", "too large to read safely", channels=1)


# --- classes -----------------------------------------------------------------------------------


def test_test_classes_that_train_lacks_are_named(tmp_path):
    image_folder(tmp_path / "d" / "train", {"cat": [(4, 4)], "dog": [(4, 4)]})
    image_folder(tmp_path / "d" / "test", {"cat": [(4, 4)], "dog": [(4, 4)], "fox": [(4, 4)] * 3})
    refused(tmp_path / "d", "lacks: fox (3 images)", "add training images of it", channels=1)


def test_a_test_split_whose_every_class_train_lacks_is_refused(tmp_path):
    image_folder(tmp_path / "d" / "train", {"cat": [(4, 4)]})
    image_folder(tmp_path / "d" / "test", {"owl": [(4, 4)] * 6})
    refused(tmp_path / "d", "owl (6 images)", channels=1)


def test_an_empty_test_class_folder_is_no_error(tmp_path):
    image_folder(tmp_path / "d" / "train", {"cat": [(4, 4)], "dog": [(4, 4)]})
    image_folder(tmp_path / "d" / "test", {"cat": [(4, 4)]})
    (tmp_path / "d" / "test" / "empty").mkdir()
    data = load(str(tmp_path / "d"), channels=1)
    assert data.test.y.tolist() == [0] and data.class_names == ["cat", "dog"]

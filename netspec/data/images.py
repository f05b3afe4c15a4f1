"""A folder of images, one sub-folder per class: every size checked from the headers before a pixel is decoded.

Pillow reads an image's size from its header without decoding it, so netspec first opens every
image that way and refuses, before any decoding: a first image whose size is not the spec's (the
`resize` hint comes at once, not after minutes of decoding), images of different sizes, images
that would decode to more than `data_limit()` bytes in all (pixels x channels), test classes that
the training split lacks, and anything in a class folder that is not a regular file. Only then
are the images decoded, one at a time, into one array allocated up front.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np

from netspec.data.files import DataError, data_limit, is_special, kind_of, open_regular, too_large
from netspec.data.formats import DataSet, Split
from netspec.layers.base import fmt_shape

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff"}
MAX_LISTED = 5  # class names quoted in one message


def read_image_folder(
    folder: Path,
    channels: int,
    size: tuple[int, int] | None,
    name: str | None = None,
    input_shape: tuple[int, ...] | None = None,
) -> DataSet:
    """`folder/<class>/*.png` (or `folder/train/<class>/…` and `folder/test/<class>/…`); classes are
    numbered in sorted order. Images are converted to `channels` (1: grey, 3: RGB) and, when `size`
    is given, resized to it (bilinear); otherwise they must all have one size. `input_shape`, the
    spec's input, lets a wrong size be refused from the first image's header."""
    pil = pillow(folder)
    if channels not in (1, 3):
        raise DataError(f"images have 1 or 3 channels; the spec's input has {channels}")
    roots = split_roots(folder)
    class_names = class_folders(roots["train"])
    if not class_names:
        raise DataError(f"{folder} has no class sub-folders (expected {folder}/<class>/<image files>)")
    if "test" in roots:
        check_test_classes(roots["test"], roots["train"], class_names)
    listed = {split: list_images(root, class_names) for split, root in roots.items()}
    first = listed["train"][0][0]
    check_expected(first, header_size(pil, first), channels, size, input_shape)
    sizes = {split: [header_size(pil, path) for path, _ in items] for split, items in listed.items()}
    if size is None:
        check_one_size(listed, sizes)
    check_budget(folder, sizes, channels, size)
    mode = "L" if channels == 1 else "RGB"
    splits: dict[str, Split | None] = {"test": None}
    for split, items in listed.items():
        shape = size or header_hw(sizes[split][0])
        splits[split] = Split(
            decode_all(pil, items, mode, channels, shape), np.array([lb for _, lb in items], np.int64)
        )
    return DataSet(name or folder.name, str(folder), splits["train"], splits["test"], class_names)


def pillow(folder: Path):
    """PIL.Image, or a DataError saying how to get it (or to convert the images to an .npz)."""
    try:
        from PIL import Image
    except ImportError:
        raise DataError(
            f"{folder} is a folder of images; reading images needs Pillow: pip install pillow "
            "(or convert the images to an .npz file with x_train, y_train, x_test, y_test)"
        ) from None
    return Image


# --- the folders -----------------------------------------------------------------------------


def split_roots(folder: Path) -> dict[str, Path]:
    """{"train": folder/train, "test": folder/test} when there is a train/ folder (test/ optional),
    else {"train": folder}."""
    if (folder / "train").is_dir():
        roots = {"train": folder / "train"}
        if (folder / "test").is_dir():
            roots["test"] = folder / "test"
        return roots
    return {"train": folder}


def class_folders(root: Path) -> list[str]:
    return sorted(d.name for d in root.iterdir() if d.is_dir() and not d.name.startswith("."))


def is_image_folder(folder: Path) -> bool:
    """Whether `folder` looks like class folders of images (special files count: they are then
    refused by name, not taken for "some other kind of folder")."""
    root = split_roots(folder)["train"]
    classes = [root / d for d in class_folders(root)]
    return any(_image_names(d)[:1] for d in classes)


def _image_names(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)


def list_images(root: Path, class_names: list[str]) -> list[tuple[Path, int]]:
    """(path, label) of every image file under root/<class>/, refusing a FIFO, socket or device
    named like an image (opening a FIFO would wait for a writer) and a link to nothing."""
    items = []
    for label, class_name in enumerate(class_names):
        class_dir = root / class_name
        if not class_dir.is_dir():
            continue
        for path in _image_names(class_dir):
            kind = kind_of(path)
            if kind == "a folder":
                continue
            if kind != "a file":
                what = kind or "a link to nothing"
                raise DataError(f"{path} is {what}, not an image file; remove it from {class_dir}")
            items.append((path, label))
    if not items:
        raise DataError(f"{root} has no images ({', '.join(sorted(IMAGE_SUFFIXES))}) in its class folders")
    return items


def check_test_classes(test_root: Path, train_root: Path, class_names: list[str]) -> None:
    """Test images of a class the training split lacks would have no label a network could learn:
    refused, naming the classes, rather than dropped without a word."""
    known = set(class_names)
    extra = {}
    for name in class_folders(test_root):
        if name not in known:
            count = sum(1 for p in _image_names(test_root / name) if not is_special(p))
            if count:
                extra[name] = count
    if extra:
        names = ", ".join(f"{n} ({c:,} image{'s' * (c != 1)})" for n, c in list(extra.items())[:MAX_LISTED])
        more = f" and {len(extra) - MAX_LISTED} more" if len(extra) > MAX_LISTED else ""
        raise DataError(
            f"{test_root} has class folders that {train_root} lacks: {names}{more}; a network cannot "
            "learn a class it never trains on: add training images of it, or remove it from the test folder"
        )


# --- sizes, from the headers ---------------------------------------------------------------------


def open_image(pil, path: Path, handle):
    """`Image.open` with Pillow's decompression-bomb guard as an error: past `MAX_IMAGE_PIXELS` it
    only warns, past twice that it raises; both become a DataError naming the file."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pil.DecompressionBombWarning)
            return pil.open(handle)
    except (pil.DecompressionBombError, pil.DecompressionBombWarning) as error:
        raise DataError(
            f"the image {path} is too large to read safely ({error}); shrink it, or remove it from the folder"
        ) from None


def header_size(pil, path: Path) -> tuple[int, int]:
    """(width, height) from the image's header, nothing decoded."""
    handle, _ = open_regular(path)
    try:
        with handle, open_image(pil, path, handle) as image:
            width, height = image.size
    except DataError:
        raise
    except (OSError, ValueError, SyntaxError, EOFError, MemoryError) as error:  # Pillow's plugins raise all of these
        raise DataError(f"cannot read the image {path}: {error}") from None
    if not width or not height:
        raise DataError(f"the image {path} is {width}x{height}: it has no pixels; remove it from the folder")
    return width, height


def header_hw(width_height: tuple[int, int]) -> tuple[int, int]:
    return width_height[1], width_height[0]


def resize_words(height: int, width: int) -> str:
    return str(height) if height == width else f"{height}x{width}"


def check_expected(
    first: Path,
    width_height: tuple[int, int],
    channels: int,
    size: tuple[int, int] | None,
    input_shape: tuple[int, ...] | None,
) -> None:
    """The spec's input against the first image (as resized, when `size` is given): a mismatch is
    refused before the other images are even opened, with the `resize` that fixes it."""
    if input_shape is None:
        return
    height, width = size or header_hw(width_height)
    have = (channels, height, width)
    how = f"`resize {resize_words(*size)}` makes the images" if size else f"{first} is"
    if len(input_shape) == 3 and tuple(input_shape[1:]) != (height, width):
        fix = resize_words(*input_shape[1:])
        raise DataError(
            f"{how} {height}x{width}, but the spec's input is {fmt_shape(input_shape)}: add `resize {fix}` "
            f"to the train block (or pass --resize {fix}), or change `input` to {fmt_shape(have)}"
        )
    if len(input_shape) == 1 and math.prod(have) != input_shape[0]:
        side = math.isqrt(input_shape[0] // channels)
        fix = f"add `resize {side}` (or pass --resize {side}), or " if channels * side * side == input_shape[0] else ""
        raise DataError(
            f"{how} {height}x{width}: samples of {fmt_shape(have)} = {math.prod(have):,} values, but the "
            f"spec's input is {input_shape[0]:,} values: {fix}change `input` to {fmt_shape(have)}"
        )


def check_one_size(listed: dict[str, list[tuple[Path, int]]], sizes: dict[str, list[tuple[int, int]]]) -> None:
    """Without `resize`, every image of every split has the first training image's size."""
    first_path, first = listed["train"][0][0], sizes["train"][0]
    for split, items in listed.items():
        for (path, _), other in zip(items, sizes[split], strict=True):
            if other != first:
                (ah, aw), (bh, bw) = header_hw(first), header_hw(other)
                raise DataError(
                    f"the images differ in size: {first_path} is {ah}x{aw}, {path} is {bh}x{bw}; "
                    f"add `resize HxW` to the train block (or --resize) to bring them to one size"
                )


def check_budget(
    folder: Path, sizes: dict[str, list[tuple[int, int]]], channels: int, size: tuple[int, int] | None
) -> None:
    """Decoding costs pixels x channels bytes per image, and the array kept costs that at the kept
    size: both are held to `data_limit()` before the first image is decoded."""
    count = sum(len(s) for s in sizes.values())
    decoded = channels * sum(w * h for s in sizes.values() for w, h in s)
    if decoded > data_limit():
        raise too_large(folder, f"holds {count:,} images that decode to", decoded)
    if size is not None and count * channels * size[0] * size[1] > data_limit():
        kept = count * channels * size[0] * size[1]
        raise too_large(folder, f"holds {count:,} images that `resize {resize_words(*size)}` makes", kept)


# --- decoding --------------------------------------------------------------------------------


def decode_all(pil, items: list[tuple[Path, int]], mode: str, channels: int, shape: tuple[int, int]) -> np.ndarray:
    """(N, C, H, W) uint8, allocated once and filled one image at a time: no list of arrays and
    no np.stack copy, so the peak is the data plus one image."""
    x = np.empty((len(items), channels, *shape), np.uint8)
    for i, (path, _) in enumerate(items):
        image = decode(pil, path, mode, shape)
        if image.shape[:2] != shape:
            raise DataError(f"the image {path} decoded to {image.shape[0]}x{image.shape[1]}, not {shape[0]}x{shape[1]}")
        x[i] = image[None] if image.ndim == 2 else image.transpose(2, 0, 1)
    return x


def decode(pil, path: Path, mode: str, shape: tuple[int, int]) -> np.ndarray:
    """One image as uint8 (H, W) or (H, W, 3), resized (bilinear) to `shape` when it differs; any
    failure of a damaged file becomes a DataError naming it."""
    handle, _ = open_regular(path)
    try:
        with handle, open_image(pil, path, handle) as image:
            image = image.convert(mode)
            if image.size != (shape[1], shape[0]):
                image = image.resize((shape[1], shape[0]), pil.Resampling.BILINEAR)
            return np.asarray(image, dtype=np.uint8)
    except DataError:
        raise
    except (OSError, ValueError, SyntaxError, EOFError, MemoryError) as error:  # Pillow's plugins raise all of these
        raise DataError(f"cannot read the image {path}: {error}") from None

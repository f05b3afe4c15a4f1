"""Reading data sets from their files into numpy arrays (no torch, nothing unpickled).

- IDX (MNIST, Fashion-MNIST): `train-images-idx3-ubyte[.gz]` and friends, gzipped or not (told apart
  by the gzip magic bytes, not the name). Format: two zero bytes, a type code (0x08 = uint8), the
  number of dimensions, each dimension as a big-endian uint32, then the values row-major
  (http://yann.lecun.com/exdb/mnist/).
- CIFAR-10 binary version: `data_batch_1.bin` … `data_batch_5.bin`, `test_batch.bin`; each record is
  one label byte then 3,072 pixel bytes (1,024 red, 1,024 green, 1,024 blue, rows of 32)
  (https://www.cs.toronto.edu/~kriz/cifar.html). The pickled "python version" is refused.
- A folder of images with one sub-folder per class (optionally inside `train/` and `test/`), read
  with Pillow when it is installed.
- `.npz` arrays: `x_train`, `y_train` and optionally `x_test`, `y_test` (or `x`, `y`), read with
  `allow_pickle=False`. Images as (N, H, W), (N, C, H, W) or (N, H, W, C); vectors as (N, F).

Every reader returns a `DataSet`: uint8 images (N, C, H, W) (float32 where the file has floats)
and int64 labels.
"""

from __future__ import annotations

import gzip
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

GZIP_MAGIC = b"\x1f\x8b"
IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff"}
CIFAR_RECORD = 1 + 3 * 32 * 32


class DataError(Exception):
    """Data that cannot be found, fetched or read; the message says what to do."""


@dataclass
class Split:
    x: np.ndarray  # (N, C, H, W) or (N, F); uint8, or float32
    y: np.ndarray  # (N,) int64

    def __len__(self) -> int:
        return len(self.y)

    def take(self, rows: np.ndarray) -> Split:
        return Split(self.x[rows], self.y[rows])


@dataclass
class DataSet:
    name: str
    where: str  # the file or folder it was read from
    train: Split
    test: Split | None
    class_names: list[str] | None = None

    @property
    def sample_shape(self) -> tuple[int, ...]:
        return tuple(self.train.x.shape[1:])

    @property
    def classes(self) -> int:
        labels = [self.train.y] + ([self.test.y] if self.test is not None else [])
        return int(max(int(y.max()) for y in labels if len(y)) + 1)


# --- IDX -------------------------------------------------------------------------------------


def read_bytes(path: Path) -> bytes:
    """The file's bytes, gunzipped when it starts with the gzip magic."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise DataError(f"cannot read {path}: {error.strerror or error}") from None
    if data[:2] == GZIP_MAGIC:
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as error:
            raise DataError(f"{path} is a damaged gzip file ({error}); delete it and fetch it again") from None
    return data


def read_idx(path: Path) -> np.ndarray:
    data = read_bytes(path)
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in IDX_TYPES:
        raise DataError(f"{path} is not an IDX file (it does not start with 00 00 <type> <dims>)")
    dtype = np.dtype(IDX_TYPES[data[2]])
    ndim = data[3]
    header = 4 + 4 * ndim
    if len(data) < header:
        raise DataError(f"{path} is cut short inside its header")
    dims = tuple(int(d) for d in np.frombuffer(data, ">u4", count=ndim, offset=4))
    count = int(np.prod(dims, dtype=np.int64))
    if len(data) - header != count * dtype.itemsize:
        raise DataError(
            f"{path} should hold {count:,} values of shape {'x'.join(map(str, dims))} "
            f"but has {len(data) - header:,} bytes of data; the file is damaged or cut short"
        )
    array = np.frombuffer(data, dtype, count=count, offset=header).reshape(dims)
    return array.astype(dtype.newbyteorder("="), copy=False)


IDX_NAMES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}


def find_idx(folder: Path, stem: str) -> Path | None:
    """`stem`, `stem.gz`, or the variant with a dot (`train-images.idx3-ubyte`, as some copies name it)."""
    dotted = re.sub(r"-(idx\d)", r".\1", stem)
    for name in (stem, stem + ".gz", dotted, dotted + ".gz"):
        if (folder / name).is_file():
            return folder / name
    return None


def is_idx_folder(folder: Path) -> bool:
    return find_idx(folder, IDX_NAMES["train"][0]) is not None


def read_idx_folder(folder: Path, name: str) -> DataSet:
    splits = {}
    for split, (images_name, labels_name) in IDX_NAMES.items():
        images_path, labels_path = find_idx(folder, images_name), find_idx(folder, labels_name)
        if images_path is None or labels_path is None:
            if split == "test" and images_path is None and labels_path is None:
                splits[split] = None
                continue
            missing = images_name if images_path is None else labels_name
            raise DataError(f"{folder} has no {missing} (or {missing}.gz)")
        images, labels = read_idx(images_path), read_idx(labels_path)
        if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
            raise DataError(
                f"{images_path.name} and {labels_path.name} do not match: images {images.shape}, labels {labels.shape}"
            )
        splits[split] = Split(_images(images), labels.astype(np.int64))
    return DataSet(name, str(folder), splits["train"], splits["test"])


# --- CIFAR-10 (binary version) ---------------------------------------------------------------

CIFAR_TRAIN = tuple(f"data_batch_{i}.bin" for i in range(1, 6))
CIFAR_TEST = "test_batch.bin"
CIFAR_FOLDER = "cifar-10-batches-bin"  # what the archive unpacks to


def cifar_folder(folder: Path) -> Path | None:
    for candidate in (folder, folder / CIFAR_FOLDER):
        if (candidate / CIFAR_TRAIN[0]).is_file():
            return candidate
    return None


def read_cifar_batches(paths: list[Path]) -> Split:
    records = []
    for path in paths:
        data = read_bytes(path)
        if len(data) % CIFAR_RECORD:
            raise DataError(
                f"{path} is not a CIFAR-10 binary batch: {len(data):,} bytes is not a whole number of "
                f"{CIFAR_RECORD}-byte records (the pickled 'python version' is not read; use the binary one)"
            )
        records.append(np.frombuffer(data, np.uint8).reshape(-1, CIFAR_RECORD))
    table = np.concatenate(records)
    return Split(table[:, 1:].reshape(-1, 3, 32, 32).copy(), table[:, 0].astype(np.int64))


def read_cifar_folder(folder: Path, name: str) -> DataSet:
    root = cifar_folder(folder)
    if root is None:
        raise DataError(f"{folder} has no {CIFAR_TRAIN[0]}")
    train_paths = [root / n for n in CIFAR_TRAIN if (root / n).is_file()]
    test = read_cifar_batches([root / CIFAR_TEST]) if (root / CIFAR_TEST).is_file() else None
    names = None
    meta = root / "batches.meta.txt"
    if meta.is_file():
        names = [
            line.strip() for line in meta.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()
        ]
    return DataSet(name, str(root), read_cifar_batches(train_paths), test, names)


# --- .npz ------------------------------------------------------------------------------------


ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a zip's first entry, or an empty zip's directory


def read_npz(path: Path, name: str | None = None) -> DataSet:
    try:
        with path.open("rb") as handle:
            magic = handle.read(4)
    except OSError as error:
        raise DataError(f"cannot read {path}: {error.strerror or error}") from None
    if magic not in ZIP_MAGIC:
        what = "an .npy array" if magic == b"\x93NUM" else "empty" if not magic else "not a zip archive"
        raise DataError(f"{path} is not an .npz file ({what}); save the arrays with numpy.savez")
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {key: archive[key] for key in archive.files}
    except ValueError as error:  # object arrays need pickles, which are refused
        raise DataError(f"{path}: {error} (netspec reads plain numeric arrays only)") from None
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error) as error:
        raise DataError(f"{path} is a damaged .npz file ({error}); save it again") from None
    if "x_train" in arrays and "y_train" in arrays:
        train = _npz_split(path, arrays, "x_train", "y_train")
        test = _npz_split(path, arrays, "x_test", "y_test") if "x_test" in arrays and "y_test" in arrays else None
    elif "x" in arrays and "y" in arrays:
        train, test = _npz_split(path, arrays, "x", "y"), None
    else:
        raise DataError(
            f"{path} holds {', '.join(sorted(arrays)) or 'no arrays'}; netspec reads x_train, y_train "
            "(and optionally x_test, y_test), or x, y"
        )
    return DataSet(name or path.stem, str(path), train, test)


def _npz_split(path: Path, arrays: dict, x_key: str, y_key: str) -> Split:
    x, y = arrays[x_key], arrays[y_key]
    if y.ndim != 1 or len(x) != len(y):
        raise DataError(f"{path}: {x_key} has shape {x.shape} and {y_key} {y.shape}; expected N samples and N labels")
    if not len(y):
        raise DataError(f"{path}: {x_key} and {y_key} hold no samples")
    if not np.issubdtype(y.dtype, np.integer) or (len(y) and y.min() < 0):
        raise DataError(f"{path}: {y_key} must hold class numbers 0, 1, 2, … (got {y.dtype})")
    if x.ndim == 4 and x.shape[3] in (1, 3) and x.shape[1] not in (1, 3):
        x = x.transpose(0, 3, 1, 2)  # N, H, W, C → N, C, H, W
    if x.ndim not in (2, 3, 4):
        raise DataError(f"{path}: {x_key} has shape {x.shape}; expected (N, H, W), (N, C, H, W) or (N, F)")
    return Split(_images(x), y.astype(np.int64))


def _images(x: np.ndarray) -> np.ndarray:
    """uint8 stays uint8 (4× less memory on the device); anything else becomes float32."""
    if x.ndim == 3:
        x = x[:, None]
    if x.dtype != np.uint8:
        x = x.astype(np.float32)
    return np.ascontiguousarray(x)


# --- a folder of images ------------------------------------------------------------------------


def is_image_folder(folder: Path) -> bool:
    if (folder / "train").is_dir():
        folder = folder / "train"
    classes = [d for d in folder.iterdir() if d.is_dir() and not d.name.startswith(".")]
    return bool(classes) and any(_image_files(d)[:1] for d in classes)


def _image_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())


def read_image_folder(folder: Path, channels: int, size: tuple[int, int] | None, name: str | None = None) -> DataSet:
    """`folder/<class>/*.png` (or `folder/train/<class>/…` and `folder/test/<class>/…`); classes are
    numbered in sorted order. Images are converted to `channels` (1: grey, 3: RGB) and, when `size`
    is given, resized to it (bilinear); otherwise they must all have one size."""
    try:
        from PIL import Image
    except ImportError:
        raise DataError(
            f"{folder} is a folder of images; reading images needs Pillow: pip install pillow "
            "(or convert the images to an .npz file with x_train, y_train, x_test, y_test)"
        ) from None
    if channels not in (1, 3):
        raise DataError(f"images have 1 or 3 channels; the spec's input has {channels}")
    split_roots = {"train": folder / "train", "test": folder / "test"}
    if not split_roots["train"].is_dir():
        split_roots = {"train": folder}
    class_names = sorted(d.name for d in split_roots["train"].iterdir() if d.is_dir() and not d.name.startswith("."))
    if not class_names:
        raise DataError(f"{folder} has no class sub-folders (expected {folder}/<class>/<image files>)")
    mode = "L" if channels == 1 else "RGB"
    splits: dict[str, Split | None] = {"test": None}
    for split, root in split_roots.items():
        if not root.is_dir():
            continue
        images, labels, sizes = [], [], {}
        for label, class_name in enumerate(class_names):
            class_dir = root / class_name
            for path in _image_files(class_dir) if class_dir.is_dir() else []:
                try:
                    with Image.open(path) as image:
                        image = image.convert(mode)
                        if size is not None and image.size != (size[1], size[0]):
                            image = image.resize((size[1], size[0]), Image.Resampling.BILINEAR)
                        array = np.asarray(image, dtype=np.uint8)
                except OSError as error:
                    raise DataError(f"cannot read the image {path}: {error}") from None
                sizes.setdefault(array.shape[:2], path)
                images.append(array)
                labels.append(label)
        if len(sizes) > 1:
            (a, first), (b, second) = list(sizes.items())[:2]
            raise DataError(
                f"the images differ in size: {first} is {a[0]}x{a[1]}, {second} is {b[0]}x{b[1]}; "
                f"add `resize HxW` to the train block (or --resize) to bring them to one size"
            )
        if not images:
            raise DataError(f"{root} has no images ({', '.join(sorted(IMAGE_SUFFIXES))}) in its class folders")
        x = np.stack(images)
        x = x[:, None] if x.ndim == 3 else x.transpose(0, 3, 1, 2)
        splits[split] = Split(np.ascontiguousarray(x), np.asarray(labels, dtype=np.int64))
    return DataSet(name or folder.name, str(folder), splits["train"], splits["test"], class_names)

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
import math
import os
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from netspec.units import fmt_bytes, parse_bytes

GZIP_MAGIC = b"\x1f\x8b"
IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff"}
CIFAR_RECORD = 1 + 3 * 32 * 32
DEFAULT_DATA_LIMIT = 4 * 2**30  # bytes one data file may hold once read; NETSPEC_DATA_LIMIT changes it
DATA_LIMIT_ENV = "NETSPEC_DATA_LIMIT"
DEFLATE_MAX_RATIO = 1032  # deflate cannot expand more than ~1032:1 (zlib's technical notes)
MAX_LABEL = 2**31 - 1  # labels are class numbers; larger ones are identifiers, or wrapped-around uint64s


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


# --- reading files, bounded ------------------------------------------------------------------


def data_limit() -> int:
    """The most bytes netspec reads from one data file: 4 GiB, or `NETSPEC_DATA_LIMIT` (e.g. 16GiB).
    Every size is checked against it before the bytes are read, so a damaged or hostile file (a
    gzip or zip "bomb") is refused instead of filling the memory."""
    text = os.environ.get(DATA_LIMIT_ENV)
    if not text:
        return DEFAULT_DATA_LIMIT
    try:
        return parse_bytes(text)
    except ValueError as error:
        raise DataError(f"{DATA_LIMIT_ENV}={text!r}: {error}") from None


def _too_large(path: Path, what: str, size: int) -> DataError:
    limit = data_limit()
    return DataError(
        f"{path} {what} {size:,} bytes ({fmt_bytes(size)}), more than netspec reads from one file "
        f"({fmt_bytes(limit)}); if the data is really that large, set {DATA_LIMIT_ENV}, e.g. "
        f"{DATA_LIMIT_ENV}={_suggest(size)}"
    )


def _suggest(size: int) -> str:
    return f"{max(1, math.ceil(size / 2**30))}GiB"


def _open_regular(path: Path):
    """`path` opened for reading, refused unless it is a regular file (a FIFO or /dev/zero would
    never end), with its size on disk."""
    try:
        handle = path.open("rb")
    except OSError as error:
        raise DataError(f"cannot read {path}: {error.strerror or error}") from None
    info = os.fstat(handle.fileno())
    if not stat.S_ISREG(info.st_mode):
        handle.close()
        raise DataError(f"{path} is not a regular file; give the data set's files themselves")
    return handle, info.st_size


def _read_exactly(stream, size: int) -> tuple[np.ndarray, bool]:
    """`size` bytes from `stream` into a new writable array, and whether more bytes follow them."""
    buffer = np.empty(size, np.uint8)
    view, done = memoryview(buffer), 0
    while done < size:
        got = stream.readinto(view[done:])
        if not got:
            break
        done += got
    return buffer[:done], bool(stream.read(1))


def read_bytes(path: Path) -> bytes:
    """The file's bytes, gunzipped when it starts with the gzip magic; at most `data_limit()` of them."""
    limit = data_limit()
    handle, size = _open_regular(path)
    with handle:
        gz = handle.read(2) == GZIP_MAGIC
        handle.seek(0)
        if not gz:
            if size > limit:
                raise _too_large(path, "is", size)
            return handle.read()
        try:
            with gzip.GzipFile(fileobj=handle) as stream:
                data = stream.read(limit + 1)
        except (OSError, EOFError, zlib.error) as error:
            raise DataError(f"{path} is a damaged gzip file ({error}); delete it and fetch it again") from None
    if len(data) > limit:
        raise _too_large(path, "unpacks to more than", limit)
    return data


# --- IDX -------------------------------------------------------------------------------------


def read_idx(path: Path) -> np.ndarray:
    """The array in an IDX file (gzipped or not). The header's declared size is checked against the
    file's size and `data_limit()` before anything is unpacked, and no more than that is read."""
    handle, disk = _open_regular(path)
    with handle:
        gz = handle.read(2) == GZIP_MAGIC
        handle.seek(0)
        stream = gzip.GzipFile(fileobj=handle) if gz else handle
        try:
            return _read_idx_stream(path, stream, disk, gz)
        except (OSError, EOFError, zlib.error) as error:
            if not gz:
                raise DataError(f"cannot read {path}: {getattr(error, 'strerror', None) or error}") from None
            raise DataError(f"{path} is a damaged gzip file ({error}); delete it and fetch it again") from None
        finally:
            if gz:
                stream.close()


def _read_idx_stream(path: Path, stream, disk: int, gz: bool) -> np.ndarray:
    start = stream.read(4)
    if len(start) < 4 or start[0] != 0 or start[1] != 0 or start[2] not in IDX_TYPES:
        raise DataError(f"{path} is not an IDX file (it does not start with 00 00 <type> <dims>)")
    dtype = np.dtype(IDX_TYPES[start[2]])
    ndim = start[3]
    header = 4 + 4 * ndim
    raw_dims = stream.read(4 * ndim)
    if len(raw_dims) < 4 * ndim:
        raise DataError(f"{path} is cut short inside its header")
    dims = tuple(int.from_bytes(raw_dims[i : i + 4], "big") for i in range(0, 4 * ndim, 4))
    count = math.prod(dims)  # Python integers: 4 dims of 2**32 - 1 do not overflow
    size = count * dtype.itemsize
    shape = "x".join(map(str, dims)) or "a single value"
    if not gz and disk - header != size:
        raise DataError(
            f"{path} should hold {count:,} values of shape {shape} "
            f"but has {disk - header:,} bytes of data; the file is damaged or cut short"
        )
    if gz and size > DEFLATE_MAX_RATIO * disk + 2**16:
        raise DataError(
            f"{path} declares {count:,} values of shape {shape} ({fmt_bytes(size)}), more than a "
            f"{fmt_bytes(disk)} gzip file can hold; the file is damaged (delete it and fetch it again)"
        )
    if size > data_limit():
        raise _too_large(path, f"declares {count:,} values of shape {shape}:", size)
    data, more = _read_exactly(stream, size)
    if len(data) != size or more:
        have = f"{len(data):,}" if not more else f"more than {size:,}"
        raise DataError(
            f"{path} should hold {count:,} values of shape {shape} "
            f"but has {have} bytes of data; the file is damaged or cut short"
        )
    array = data.view(dtype).reshape(dims)  # writable: torch.from_numpy warns on read-only arrays
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
                f"{folder}: {images_path.name} and {labels_path.name} do not match: images {images.shape}, "
                f"labels {labels.shape}; expected N images of H x W and N labels"
            )
        if not len(labels):
            extra = " (or delete both test files to train without a test split)" if split == "test" else ""
            raise DataError(f"{folder}: {images_path.name} and {labels_path.name} hold no samples{extra}")
        splits[split] = Split(_images(images), _labels(str(labels_path), "the labels", labels))
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


NPZ_SPLITS = (("x_train", "y_train"), ("x_test", "y_test"))
NPZ_SINGLE = ("x", "y")


def read_npz(path: Path, name: str | None = None) -> DataSet:
    """x_train, y_train (and x_test, y_test), or x, y from an .npz file. Only those members are
    read, each after its .npy header (shape and dtype) has been checked, so neither other members
    nor a header promising gigabytes can make netspec unpack more than `data_limit()`."""
    handle, _ = _open_regular(path)
    with handle:
        magic = handle.read(4)
    if magic not in ZIP_MAGIC:
        what = "an .npy array" if magic == b"\x93NUM" else "empty" if not magic else "not a zip archive"
        raise DataError(f"{path} is not an .npz file ({what}); save the arrays with numpy.savez")
    try:
        with zipfile.ZipFile(path) as archive:
            members = {n.removesuffix(".npy"): archive.getinfo(n) for n in archive.namelist() if n.endswith(".npy")}
            keys = _npz_keys(path, members)
            budget = data_limit()
            headers = {key: _npz_header(path, archive, members[key], key) for key in keys}
            total = sum(size for _, _, size in headers.values())
            if total > budget:
                raise _too_large(path, f"declares {', '.join(keys)} of", total)
            arrays = {key: _npz_array(path, archive, members[key], key) for key in keys}
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error, ValueError) as error:
        raise DataError(f"{path} is a damaged .npz file ({error}); save it again") from None
    except (RuntimeError, NotImplementedError) as error:  # zipfile: encrypted, or an unknown compression
        raise DataError(f"{path} cannot be read ({error}); save it again with numpy.savez") from None
    if "x_train" in arrays:
        train = _npz_split(path, arrays, "x_train", "y_train")
        test = _npz_split(path, arrays, "x_test", "y_test") if "x_test" in arrays else None
        if test is not None and test.x.shape[1:] != train.x.shape[1:]:
            raise DataError(
                f"{path}: x_test holds samples of shape {test.x.shape[1:]} but x_train {train.x.shape[1:]} "
                "(after moving channels first); save the test images in the training images' shape"
            )
    else:
        train, test = _npz_split(path, arrays, "x", "y"), None
    return DataSet(name or path.stem, str(path), train, test)


def _npz_keys(path: Path, members: dict) -> list[str]:
    """The members to read: x_train, y_train and (both or neither) x_test, y_test; or x, y."""
    if "x_train" in members and "y_train" in members:
        keys = ["x_train", "y_train"]
        test = [k for k in ("x_test", "y_test") if k in members]
        if len(test) == 1:
            missing = ({"x_test", "y_test"} - set(test)).pop()
            raise DataError(
                f"{path} has {test[0]} but no {missing}; save both (the test images and their labels) or neither"
            )
        return keys + test
    if "x" in members and "y" in members:
        return ["x", "y"]
    raise DataError(
        f"{path} holds {', '.join(sorted(members)) or 'no arrays'}; netspec reads x_train, y_train "
        "(and optionally x_test, y_test), or x, y"
    )


def _npz_header(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, key: str) -> tuple:
    """(shape, dtype, bytes) from a member's .npy header, read without reading the array; refuses
    what netspec cannot use (objects, strings, records, a single value) before it is unpacked."""
    with archive.open(info) as member:
        version = np.lib.format.read_magic(member)
        if version == (1, 0):
            shape, _, dtype = np.lib.format.read_array_header_1_0(member)
        else:
            shape, _, dtype = np.lib.format.read_array_header_2_0(member)
        header = member.tell() if member.seekable() else 0
    if dtype.hasobject:
        raise DataError(f"{path}: {key} holds Python objects (netspec reads plain numeric arrays only)")
    if dtype.kind not in "biuf" or dtype.fields is not None or dtype.subdtype is not None:
        what = {"U": "text", "S": "bytes", "V": "records", "c": "complex numbers", "M": "dates", "m": "durations"}
        raise DataError(
            f"{path}: {key} holds {what.get(dtype.kind, dtype.kind)} ({dtype}); netspec reads plain numeric "
            "arrays only: save it as numbers, e.g. np.asarray(x, dtype=np.float32)"
        )
    if not shape:
        raise DataError(f"{path}: {key} is a single value, not an array of samples; save one row per sample")
    size = math.prod(shape) * dtype.itemsize
    if size > data_limit():
        raise _too_large(path, f"declares {key} of shape {shape}:", size)
    if header and header + size > info.file_size:
        raise DataError(
            f"{path} is a damaged .npz file ({key} declares {size:,} bytes but holds "
            f"{max(0, info.file_size - header):,}); save it again"
        )
    return shape, dtype, size


def _npz_array(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, key: str) -> np.ndarray:
    with archive.open(info) as member:
        return np.lib.format.read_array(member, allow_pickle=False)  # reads what the header declares


def _npz_split(path: Path, arrays: dict, x_key: str, y_key: str) -> Split:
    x, y = arrays[x_key], arrays[y_key]
    if y.ndim != 1 or len(x) != len(y):
        raise DataError(f"{path}: {x_key} has shape {x.shape} and {y_key} {y.shape}; expected N samples and N labels")
    if not len(y):
        extra = f" (save the file without {x_key} and {y_key} to train without a test split)" if "test" in x_key else ""
        raise DataError(f"{path}: {x_key} and {y_key} hold no samples{extra}")
    labels = _labels(str(path), y_key, y)
    if x.ndim == 4 and x.shape[3] in (1, 3) and x.shape[1] not in (1, 3):
        x = x.transpose(0, 3, 1, 2)  # N, H, W, C → N, C, H, W
    if x.ndim not in (2, 3, 4):
        raise DataError(f"{path}: {x_key} has shape {x.shape}; expected (N, H, W), (N, C, H, W) or (N, F)")
    if x.dtype.kind == "f" and not np.isfinite(x).all():
        raise DataError(
            f"{path}: {x_key} holds NaN or infinite values; replace them (np.nan_to_num) or drop those samples"
        )
    return Split(_images(x), labels)


def _labels(where: str, key: str, y: np.ndarray) -> np.ndarray:
    """Labels as int64 class numbers 0, 1, 2, …, or a DataError naming the first bad one and the fix.
    Whole-number floats (labels saved by pandas) are taken; NaN, fractions and negatives are not."""
    if y.dtype.kind not in "biuf":
        raise DataError(f"{where}: {key} must hold class numbers 0, 1, 2, … (got {y.dtype})")
    if not len(y):
        return y.astype(np.int64)
    if y.dtype.kind == "f":
        bad = np.flatnonzero(~np.isfinite(y) | (y < 0) | (y != np.floor(y)))
    else:
        bad = np.flatnonzero(y < 0) if y.dtype.kind == "i" else np.array([], np.int64)
    if len(bad):
        first = int(bad[0])
        raise DataError(
            f"{where}: {key} holds the label {y[first]} at index {first:,} ({len(bad):,} such); labels are class "
            "numbers 0, 1, 2, …: drop those samples (e.g. unlabelled ones marked -1) or renumber them"
        )
    if y.max() > MAX_LABEL:
        first = int(np.argmax(y))
        raise DataError(
            f"{where}: {key} holds the label {int(y[first]):,} at index {first:,}; class numbers must be below "
            f"{MAX_LABEL + 1:,}: renumber the classes 0 … C-1"
        )
    return y.astype(np.int64)


def _images(x: np.ndarray) -> np.ndarray:
    """uint8 stays uint8 (4× less memory on the device); anything else becomes float32."""
    if x.ndim == 3:
        x = x[:, None]
    if x.dtype != np.uint8:
        x = x.astype(np.float32)
    return np.ascontiguousarray(x)


# --- a folder of images ------------------------------------------------------------------------


def _read_image(Image, path: Path, mode: str, size: tuple[int, int] | None) -> np.ndarray:  # noqa: N803
    """One image as uint8 (H, W) or (H, W, 3). Pillow's decompression-bomb guard (an image of more
    than `Image.MAX_IMAGE_PIXELS` pixels) is an error here, not a warning, and any failure of a
    damaged file becomes a DataError naming it."""
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                image = image.convert(mode)
                if size is not None and image.size != (size[1], size[0]):
                    image = image.resize((size[1], size[0]), Image.Resampling.BILINEAR)
                return np.array(image, dtype=np.uint8)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise DataError(
            f"the image {path} is too large to read safely ({error}); shrink it, or remove it from the folder"
        ) from None
    except (OSError, ValueError, SyntaxError, EOFError, MemoryError) as error:  # Pillow's plugins raise all of these
        raise DataError(f"cannot read the image {path}: {error}") from None


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
                array = _read_image(Image, path, mode, size)
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

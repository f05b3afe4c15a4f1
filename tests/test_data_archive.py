"""Unpacking cifar-10-binary.tar.gz: every entry checked before a byte is written, nothing left on refusal.

Each test builds a small archive, gives its folder to `load`, and looks at what is on disk
afterwards: a refused archive leaves the folder exactly as it was (the archive alone).
"""

from __future__ import annotations

import io
import tarfile

import numpy as np
import pytest

from netspec.data import DataError, formats, load

RECORD = formats.CIFAR_RECORD
ARCHIVE = "cifar-10-binary.tar.gz"


def batch(records: int, seed: int = 0) -> bytes:
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, (records, 1), dtype=np.uint8)
    return np.concatenate([labels, rng.integers(0, 256, (records, RECORD - 1), dtype=np.uint8)], axis=1).tobytes()


def good_entries(records: int = 2) -> list[tuple[str, bytes]]:
    names = [*formats.CIFAR_TRAIN, formats.CIFAR_TEST]
    return [(f"{formats.CIFAR_FOLDER}/{name}", batch(records, i)) for i, name in enumerate(names)]


def write_archive(folder, entries, extra=()) -> bytes:
    """`entries`: (name, bytes) regular files; `extra`: TarInfo objects added after them (links,
    devices, …), each with no data."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=1) as tar:
        for name, data in entries:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for info in extra:
            tar.addfile(info)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ARCHIVE).write_bytes(buffer.getvalue())
    return buffer.getvalue()


def refused_leaving_nothing(folder, *parts: str) -> str:
    """Loading `folder` is a one-line DataError, and the folder holds only the archive after it."""
    archive = (folder / ARCHIVE).read_bytes()
    with pytest.raises(DataError) as raised:
        load(str(folder))
    message = str(raised.value)
    assert "\n" not in message
    for part in parts:
        assert part in message, message
    assert sorted(p.name for p in folder.iterdir()) == [ARCHIVE]
    assert (folder / ARCHIVE).read_bytes() == archive
    return message


def test_a_good_archive_unpacks_to_its_batches_only(tmp_path):
    entries = [*good_entries(), (f"{formats.CIFAR_FOLDER}/readme.html", b"<html></html>")]
    entries.append((f"{formats.CIFAR_FOLDER}/batches.meta.txt", b"airplane\nautomobile\n"))
    write_archive(tmp_path / "c", entries)
    data = load(str(tmp_path / "c"))
    assert data.train.x.shape == (10, 3, 32, 32) and len(data.test) == 2
    assert data.class_names == ["airplane", "automobile"]
    unpacked = sorted(p.name for p in (tmp_path / "c" / formats.CIFAR_FOLDER).iterdir())
    assert unpacked == sorted([*formats.CIFAR_TRAIN, formats.CIFAR_TEST, "batches.meta.txt"])  # no readme


def test_a_member_over_the_data_limit_is_refused_before_anything_is_unpacked(tmp_path, monkeypatch):
    monkeypatch.setenv("NETSPEC_DATA_LIMIT", "4MiB")
    # the good batches come first: unpacking them and refusing later would leave them behind
    entries = good_entries()[1:] + [(f"{formats.CIFAR_FOLDER}/{formats.CIFAR_TRAIN[0]}", bytes(RECORD * 2800))]
    write_archive(tmp_path / "c", entries)
    assert (tmp_path / "c" / ARCHIVE).stat().st_size < 200_000  # 8.6 MB of zeros, a small gzip
    refused_leaving_nothing(tmp_path / "c", "8,604,400 bytes", "NETSPEC_DATA_LIMIT")


def test_members_over_the_data_limit_together_are_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("NETSPEC_DATA_LIMIT", "1MiB")
    write_archive(tmp_path / "c", good_entries(records=60))  # 6 x 184 KB: each under 1 MiB, not all
    refused_leaving_nothing(tmp_path / "c", "declares entries of", "NETSPEC_DATA_LIMIT")


def test_a_batch_of_broken_records_is_refused_before_it_is_unpacked(tmp_path):
    entries = good_entries()
    entries[-1] = (entries[-1][0], batch(2) + b"extra")
    write_archive(tmp_path / "c", entries)
    refused_leaving_nothing(tmp_path / "c", "test_batch.bin declares 6,151 bytes", "not a whole number")


def _entry(name: str, kind: bytes, linkname: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, linkname
    return info


@pytest.mark.parametrize(
    "extra,words",
    [
        (_entry(f"{formats.CIFAR_FOLDER}/link.bin", tarfile.SYMTYPE, "/etc/passwd"), "a symbolic link"),
        (_entry(f"{formats.CIFAR_FOLDER}/hard.bin", tarfile.LNKTYPE, "/etc/passwd"), "a hard link"),
        (_entry(f"{formats.CIFAR_FOLDER}/pipe", tarfile.FIFOTYPE), "a FIFO"),
        (_entry(f"{formats.CIFAR_FOLDER}/zero", tarfile.CHRTYPE), "a device"),
        (_entry(f"{formats.CIFAR_FOLDER}/disk", tarfile.BLKTYPE), "a device"),
    ],
    ids=["symlink", "hardlink", "fifo", "char-device", "block-device"],
)
def test_links_and_devices_are_refused(tmp_path, extra, words):
    write_archive(tmp_path / "c", good_entries(), extra=[extra])
    refused_leaving_nothing(tmp_path / "c", words, extra.name)


@pytest.mark.parametrize("name", ["../escape.bin", "/tmp/netspec-absolute.bin", f"{formats.CIFAR_FOLDER}/../../up.bin"])
def test_absolute_and_dot_dot_paths_are_refused(tmp_path, name):
    write_archive(tmp_path / "top" / "c", [*good_entries(), (name, batch(1))])
    refused_leaving_nothing(tmp_path / "top" / "c", "unsafe path", repr(name))
    assert sorted(p.name for p in (tmp_path / "top").iterdir()) == ["c"]


def test_an_archive_of_very_many_entries_is_refused(tmp_path):
    many = [(f"{formats.CIFAR_FOLDER}/note{i}.txt", b"x") for i in range(100)]
    write_archive(tmp_path / "c", [*good_entries(), *many])
    refused_leaving_nothing(tmp_path / "c", "more than 64 entries")


def test_a_name_given_twice_is_refused(tmp_path):
    entries = good_entries()
    write_archive(tmp_path / "c", [*entries, entries[0]])
    refused_leaving_nothing(tmp_path / "c", "twice")


def test_a_huge_pax_header_is_refused_without_being_read_whole(tmp_path):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", format=tarfile.PAX_FORMAT) as tar:
        for name, data in good_entries():
            info = tarfile.TarInfo(name)
            info.size, info.pax_headers = len(data), {"comment": "x" * 3 * 2**20}
            tar.addfile(info, io.BytesIO(data))
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / ARCHIVE).write_bytes(buffer.getvalue())
    refused_leaving_nothing(tmp_path / "c", "tar header of")


def test_a_cut_short_archive_leaves_nothing(tmp_path):
    data = write_archive(tmp_path / "c", good_entries(records=40))
    (tmp_path / "c" / ARCHIVE).write_bytes(data[: len(data) // 2])
    refused_leaving_nothing(tmp_path / "c", "cannot unpack")


def test_too_little_disk_space_is_refused_before_writing(tmp_path, monkeypatch):
    import shutil

    from netspec.data import archive

    write_archive(tmp_path / "c", good_entries())
    usage = shutil.disk_usage(tmp_path)
    monkeypatch.setattr(archive.shutil, "disk_usage", lambda _: usage._replace(free=1000))
    refused_leaving_nothing(tmp_path / "c", "needs", "free; make room")


def test_an_archive_that_is_not_gzip_is_refused(tmp_path):
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / ARCHIVE).write_bytes(b"not a gzip at all" * 10)
    refused_leaving_nothing(tmp_path / "c", "cannot unpack")

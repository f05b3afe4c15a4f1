"""Downloading against a local HTTP server on 127.0.0.1: complete files only, checked, atomically."""

from __future__ import annotations

import hashlib
import http.server
import socket
import threading

import pytest

from netspec.data import DataError, sources
from netspec.data.download import DownloadError, download
from netspec.data.sources import RemoteFile, Source


class _Handler(http.server.BaseHTTPRequestHandler):
    files: dict[str, bytes] = {}
    short: dict[str, int] = {}  # path → bytes actually sent while announcing the full length

    def do_GET(self):  # noqa: N802 - the name http.server calls
        name = self.path.lstrip("/")
        if name not in self.files:
            self.send_error(404)
            return
        body = self.files[name]
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[: self.short.get(name, len(body))])
        self.wfile.flush()
        self.close_connection = True

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    handler = type("Handler", (_Handler,), {"files": {}, "short": {}})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield handler, f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_a_good_file_arrives_whole_and_checked(server, tmp_path):
    handler, base = server
    handler.files["a.bin"] = data = bytes(range(256)) * 1000
    path = download(base + "a.bin", tmp_path / "a.bin", sha(data), len(data), quiet=True)
    assert path.read_bytes() == data
    assert leftovers(tmp_path) == ["a.bin"]


def test_a_wrong_checksum_leaves_nothing(server, tmp_path):
    handler, base = server
    handler.files["a.bin"] = b"not what was published" * 100
    with pytest.raises(DownloadError, match="SHA-256"):
        download(base + "a.bin", tmp_path / "a.bin", sha(b"the real file"), quiet=True)
    assert leftovers(tmp_path) == []


def test_a_truncated_transfer_leaves_nothing(server, tmp_path):
    handler, base = server
    handler.files["a.bin"] = data = b"x" * 50_000
    handler.short["a.bin"] = 20_000
    with pytest.raises(DownloadError, match="cut short"):
        download(base + "a.bin", tmp_path / "a.bin", sha(data), len(data), quiet=True)
    assert leftovers(tmp_path) == []


def test_a_file_of_the_wrong_size_is_refused(server, tmp_path):
    handler, base = server
    handler.files["a.bin"] = data = b"y" * 1000
    with pytest.raises(DownloadError, match="not the expected 2,000"):
        download(base + "a.bin", tmp_path / "a.bin", sha(data), 2000, quiet=True)
    assert leftovers(tmp_path) == []


def test_a_missing_file_says_http_404(server, tmp_path):
    _, base = server
    with pytest.raises(DownloadError, match="HTTP 404"):
        download(base + "nothing.bin", tmp_path / "nothing.bin", sha(b""), quiet=True)
    assert leftovers(tmp_path) == []


def test_an_existing_file_is_only_replaced_by_a_good_one(server, tmp_path):
    handler, base = server
    (tmp_path / "a.bin").write_bytes(b"old")
    handler.files["a.bin"] = b"new but damaged"
    with pytest.raises(DownloadError):
        download(base + "a.bin", tmp_path / "a.bin", sha(b"new"), quiet=True)
    assert (tmp_path / "a.bin").read_bytes() == b"old"


@pytest.fixture
def closed_port():
    """A URL on a port that refuses connections: bound (so no other socket can take it) but never
    listening, for as long as the test runs."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{probe.getsockname()[1]}/"


def test_fetch_falls_back_to_the_next_mirror(server, tmp_path, closed_port):
    handler, base = server
    handler.files["one.bin"] = one = b"1" * 300
    handler.files["two.bin"] = two = b"2" * 400
    source = Source("toy", "toy", "idx", (RemoteFile("one.bin", 300, sha(one)), RemoteFile("two.bin", 400, sha(two))))
    sources.fetch(source, tmp_path / "toy", mirrors=(closed_port, base), quiet=True)
    assert leftovers(tmp_path / "toy") == ["one.bin", "two.bin"]


def test_a_named_set_that_cannot_be_fetched_says_where_to_put_it(tmp_path, monkeypatch, closed_port):
    monkeypatch.delenv("NETSPEC_DATA", raising=False)
    monkeypatch.delenv("NETSPEC_OFFLINE", raising=False)
    monkeypatch.setenv("NETSPEC_CACHE", str(tmp_path / "cache"))
    with pytest.raises(DataError) as caught:
        sources.load_named(sources.SOURCES["fashion-mnist"], quiet=True, mirrors=(closed_port,))
    message = str(caught.value)
    assert "could not be downloaded" in message and "127.0.0.1" in message
    assert "train-images-idx3-ubyte.gz" in message and str(tmp_path / "cache" / "fashion-mnist") in message
    assert not (tmp_path / "cache" / "fashion-mnist").exists()


def test_a_fetched_cifar_archive_is_removed_once_unpacked(server, tmp_path):
    import io
    import tarfile

    from netspec.data import formats

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name in [*formats.CIFAR_TRAIN, formats.CIFAR_TEST]:
            member = tarfile.TarInfo(f"{formats.CIFAR_FOLDER}/{name}")
            member.size = formats.CIFAR_RECORD
            tar.addfile(member, io.BytesIO(bytes(formats.CIFAR_RECORD)))
    handler, base = server
    handler.files["cifar-10-binary.tar.gz"] = archive = buffer.getvalue()
    source = Source("toy", "toy", "cifar", (RemoteFile("cifar-10-binary.tar.gz", len(archive), sha(archive)),))
    sources.fetch(source, tmp_path / "toy", mirrors=(base,), quiet=True)
    # netspec downloaded this copy into its own folder: the unpacked batches replace it
    assert leftovers(tmp_path / "toy") == [formats.CIFAR_FOLDER]

"""`netspec serve` as a command: its flags, its errors, a real server process stopped by Ctrl-C,
and the committed front-end bundle matching its sources."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from netspec.cli import main

ROOT = Path(__file__).resolve().parent.parent


def load_build_script():
    spec = importlib.util.spec_from_file_location("build_frontend", ROOT / "tools" / "build_frontend.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_bundle_matches_its_sources_digest():
    build = load_build_script()
    assert build.check() == [], "rebuild with: python tools/build_frontend.py"
    result = subprocess.run([sys.executable, "tools/build_frontend.py", "--check"], cwd=ROOT, capture_output=True)
    assert result.returncode == 0


def test_the_digest_covers_every_source_of_the_bundle(tmp_path, monkeypatch):
    build = load_build_script()
    names = {path.relative_to(ROOT).as_posix() for path in build.source_files()}
    assert {
        "frontend/package-lock.json",
        "frontend/package.json",
        "frontend/src/main.js",
        "tools/build_frontend.py",
    } <= names
    before = build.sources_digest()
    copy = tmp_path / "frontend"
    (copy / "src").mkdir(parents=True)
    for path in build.source_files():
        if path.is_relative_to(build.FRONTEND):
            target = copy / path.relative_to(build.FRONTEND)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "build_frontend.py").write_bytes((ROOT / "tools" / "build_frontend.py").read_bytes())
    monkeypatch.setattr(build, "ROOT", tmp_path)
    monkeypatch.setattr(build, "FRONTEND", copy)
    monkeypatch.setattr(build, "__file__", str(tmp_path / "tools" / "build_frontend.py"))
    assert build.sources_digest() == before  # the same bytes under another root: the same digest
    (copy / "src" / "main.js").write_bytes((copy / "src" / "main.js").read_bytes() + b"\n")
    assert build.sources_digest() != before


def test_the_lockfile_pins_exact_versions_with_hashes_and_no_download_addresses():
    lock_text = (ROOT / "frontend" / "package-lock.json").read_text(encoding="utf-8")
    assert "://" not in lock_text and '"resolved"' not in lock_text
    lock = json.loads(lock_text)
    for name, entry in lock["packages"].items():
        if name:
            assert entry["integrity"].startswith("sha512-"), name
    package = json.loads((ROOT / "frontend" / "package.json").read_text(encoding="utf-8"))
    for name, version in package["dependencies"].items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name} is not pinned: {version}"


def test_the_bundle_ships_inside_the_package_with_its_licences():
    static = ROOT / "netspec" / "serve" / "static"
    for name in ("index.html", "app.js", "app.css", "THIRD_PARTY_LICENSES.txt"):
        assert (static / name).is_file(), name
    licences = (static / "THIRD_PARTY_LICENSES.txt").read_text(encoding="utf-8")
    assert "@codemirror/view" in licences and "esbuild" not in licences
    page = (static / "index.html").read_text(encoding="utf-8")
    assert "http" not in page.replace('content="width', "")  # no CDN: every script and style is local
    assert "://" not in (static / "app.css").read_text(encoding="utf-8")


def test_serve_flags_are_checked(capsys):
    assert main(["serve", "--port", "70000"]) == 2
    assert "expected a port from 0 to 65535" in capsys.readouterr().err
    assert main(["serve", "nosuch.net", "--no-browser"]) == 2
    assert "no such file: nosuch.net" in capsys.readouterr().err


def test_serve_refuses_a_folder(tmp_path, capsys):
    assert main(["serve", str(tmp_path), "--no-browser"]) == 2
    assert "is a folder" in capsys.readouterr().err


def test_a_busy_port_is_a_usage_error_with_a_hint(capsys):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        assert main(["serve", "lenet", "--port", str(port), "--no-browser"]) == 2
    assert "--port 0 picks a free port" in capsys.readouterr().err


def test_serve_help_does_not_import_torch_or_the_web_server():
    code = (
        "import sys; from netspec.cli import build_parser; build_parser();"
        "print('torch' in sys.modules, 'uvicorn' in sys.modules, 'starlette' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.split() == ["False", "False", "False"]


def test_the_server_app_does_not_import_torch():
    code = "import sys, netspec.serve.app, netspec.serve.analysis; print('torch' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "False"


def test_a_real_server_prints_its_address_answers_and_stops_cleanly_on_ctrl_c(tmp_path):
    spec = tmp_path / "net.net"
    spec.write_text("input 3\nfc 2\n", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "netspec", "serve", str(spec), "--port", "0", "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        banner = [process.stdout.readline() for _ in range(2)]
        url = re.search(r"http://127\.0\.0\.1:\d+/\?token=[\w-]+", banner[1]).group(0)
        with urllib.request.urlopen(url, timeout=10) as response:
            assert 'name="netspec-token"' in response.read().decode()
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url.split("?")[0], timeout=10)  # no token: refused
        assert refused.value.code == 403
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    assert process.returncode == 0
    assert "Traceback" not in err and "stopped" in err


def test_listening_beyond_this_machine_warns(tmp_path):
    process = subprocess.Popen(
        [sys.executable, "-m", "netspec", "serve", "lenet", "--host", "0.0.0.0", "--port", "0", "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    try:
        warning = process.stderr.readline()
        banner = [process.stdout.readline() for _ in range(2)]
        assert warning.startswith("netspec: warning: listening on 0.0.0.0, not only on this machine")
        assert "lenet.net (a bundled example" in banner[0]
        url = re.search(r"http://127\.0\.0\.1:\d+/\?token=[\w-]+", banner[1]).group(0)
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.status == 200
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=20)
    assert process.returncode == 0


@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed (CI checks the digest instead)")
def test_a_fresh_build_from_the_lockfile_gives_the_committed_bytes(tmp_path):
    """Reproducible: npm ci + esbuild from the same sources write exactly the committed files."""
    result = subprocess.run(
        [sys.executable, "tools/build_frontend.py", "--out", str(tmp_path)], cwd=ROOT, capture_output=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    static = ROOT / "netspec" / "serve" / "static"
    for name in ("app.js", "app.css", "THIRD_PARTY_LICENSES.txt"):
        assert (tmp_path / name).read_bytes() == (static / name).read_bytes(), name

"""Regression tests from a hostile audit of `netspec serve` (2026-11-23): each test is one finding,
what a hostile page or a confused person did, and what the server now does instead."""

from __future__ import annotations

import hashlib
import logging
import re
import subprocess
import sys
import threading
import time
import warnings

import pytest

from netspec.serve.guard import own_hosts
from netspec.serve.session import line_ending, open_session

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from netspec.serve.app import create_app

SMALL = "network Small\ninput 1x28x28\nconv 6 5x5\nrelu\nmaxpool 2\nfc 10\n"


@pytest.fixture(autouse=True)
def _quiet_test_client():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        yield


@pytest.fixture
def served(tmp_path):
    path = tmp_path / "small.net"
    path.write_text(SMALL, encoding="utf-8")
    session = open_session(str(path))
    app = create_app(session, own_hosts("127.0.0.1", 8765))
    client = TestClient(app, base_url="http://127.0.0.1:8765", raise_server_exceptions=False)
    return client, {"X-Netspec-Token": session.token}, session, path


# --- malformed requests are 400s, never internal errors ------------------------------------------


def test_json_nested_deeper_than_the_decoder_can_go_is_a_400_not_a_500(served):
    """Finding: `[[[[…]]]]` 200,000 deep (within the 1 MiB limit) raised RecursionError → 500."""
    client, headers, _, _ = served
    for body in (b"[" * 200_000 + b"]" * 200_000, b'{"text": "x", "a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"):
        response = client.post("/api/check", content=body, headers=headers)
        assert response.status_code == 400
        assert "nested too deeply" in response.json()["error"]


@pytest.mark.parametrize("key", ["dtype", "optimizer", "device", "memory"])
@pytest.mark.parametrize("value", [["fp32"], {"a": 1}, 3, True])
def test_a_memory_setting_that_is_not_a_string_is_a_400_naming_it(served, key, value):
    """Finding: `{"dtype": ["x"]}` was looked up in a dict (unhashable list) → TypeError → 500,
    and `{"dtype": {}}` was silently taken as the default."""
    client, headers, _, _ = served
    response = client.post("/api/check", json={"text": SMALL, key: value}, headers=headers)
    assert response.status_code == 400
    assert response.json()["error"] == f"{key}: expected a string"


# --- Origin and Host -----------------------------------------------------------------------------


def test_the_origin_must_be_the_pages_own_not_another_name_of_this_machine(served):
    """Finding: Host 127.0.0.1:PORT with Origin http://localhost:PORT (another origin, so another
    site to the browser) was accepted because localhost:PORT is one of the server's names."""
    client, headers, _, _ = served
    body = {"text": SMALL}
    own = client.post("/api/check", json=body, headers={**headers, "Origin": "http://127.0.0.1:8765"})
    assert own.status_code == 200
    for origin in ("http://localhost:8765", "http://[::1]:8765", "http://127.0.0.1:8765/", "HTTP://evil:8765"):
        response = client.post("/api/check", json=body, headers={**headers, "Origin": origin})
        assert response.status_code == 403, origin
    via_localhost = {**headers, "Host": "localhost:8765", "Origin": "http://localhost:8765"}
    assert client.post("/api/check", json=body, headers=via_localhost).status_code == 200


def test_bound_to_every_interface_another_machines_page_at_the_same_port_is_another_site(tmp_path):
    """Finding: with --host 0.0.0.0 any IP address at the port was accepted as Origin, so a page
    served from another machine's http://10.9.9.9:PORT passed the Origin check (the token still
    stopped it)."""
    session = open_session("lenet")
    app = create_app(session, own_hosts("0.0.0.0", 8765))
    client = TestClient(app, base_url="http://10.1.2.3:8765", raise_server_exceptions=False)
    headers = {"X-Netspec-Token": session.token}
    body = {"text": SMALL}
    assert (
        client.post("/api/check", json=body, headers={**headers, "Origin": "http://10.1.2.3:8765"}).status_code == 200
    )
    assert (
        client.post("/api/check", json=body, headers={**headers, "Origin": "http://10.9.9.9:8765"}).status_code == 403
    )


def test_on_port_80_the_host_without_a_port_is_this_server(tmp_path):
    """Finding: browsers leave the default port out of Host (`Host: 127.0.0.1`), so `--port 80`
    refused every request, the page included."""
    on_80 = own_hosts("127.0.0.1", 80)
    for host in ("127.0.0.1", "localhost", "[::1]", "127.0.0.1:80"):
        assert host in on_80, host
    for host in ("", "evil.example", "127.0.0.1:8080", "[::1]:81"):
        assert host not in on_80, host
    on_8765 = own_hosts("127.0.0.1", 8765)
    assert "127.0.0.1" not in on_8765 and "[::1]" not in on_8765
    session = open_session("lenet")
    client = TestClient(create_app(session, on_80), base_url="http://127.0.0.1", raise_server_exceptions=False)
    page = client.get(f"/?token={session.token}", headers={"Host": "127.0.0.1"})
    assert page.status_code == 200
    check = client.post(
        "/api/check",
        json={"text": SMALL},
        headers={"Host": "127.0.0.1", "Origin": "http://127.0.0.1", "X-Netspec-Token": session.token},
    )
    assert check.status_code == 200


# --- saving keeps the file's byte-order mark and line endings ----------------------------------


@pytest.mark.parametrize(
    ("raw", "bom", "ending"),
    [
        (b"\xef\xbb\xbfinput 3\nfc 2\n", True, "\n"),
        (b"\xef\xbb\xbfinput 3\r\nfc 2\r\n", True, "\r\n"),
        (b"input 3\rfc 2\r", False, "\r"),
        (b"input 3\nfc 2\n", False, "\n"),
    ],
)
def test_save_keeps_a_byte_order_mark_and_the_files_line_endings(tmp_path, raw, bom, ending):
    """Finding: a file starting with a UTF-8 byte-order mark lost it on save, and a file with old
    Mac line endings (lone `\\r`) was saved with `\\n`."""
    path = tmp_path / "marked.net"
    path.write_bytes(raw)
    session = open_session(str(path))
    assert line_ending(raw) == ending and session.bom is bom
    client = TestClient(create_app(session, {"testserver"}), raise_server_exceptions=False)
    headers = {"X-Netspec-Token": session.token}
    loaded = client.get("/api/session", headers=headers).json()
    page_text = loaded["text"].replace("\r\n", "\n").replace("\r", "\n") + "relu\n"  # as the editor sends it
    answer = client.post("/api/save", json={"text": page_text, "digest": loaded["digest"]}, headers=headers)
    assert answer.status_code == 200
    expected = (b"\xef\xbb\xbf" if bom else b"") + page_text.replace("\n", ending).encode("utf-8")
    assert path.read_bytes() == expected
    assert answer.json()["digest"] == hashlib.sha256(expected).hexdigest()


# --- Ctrl-C during a long check ---------------------------------------------------------------


def test_a_check_still_running_does_not_keep_the_process_alive():
    """Finding: Ctrl-C during the check of a 100,000-line spec took 22 s to exit (Python joined the
    worker thread running the check) and printed a CancelledError traceback. The checks now run on
    a daemon thread: here a job that never ends, and the process still exits at once."""
    code = (
        "import threading; from netspec.serve.worker import DaemonWorker\n"
        "started = threading.Event()\n"
        "DaemonWorker('w').submit(lambda: (started.set(), threading.Event().wait()))\n"
        "started.wait(10); print('leaving', flush=True)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout == "leaving\n", result.stderr


def test_a_one_thread_worker_runs_jobs_in_order_one_at_a_time_and_skips_cancelled_ones():
    from netspec.serve.worker import DaemonWorker

    worker = DaemonWorker("test", threads=1)
    release = threading.Event()
    running, ran = [], []

    def job(name):
        running.append(name)
        assert len(running) == 1, running  # never two at once
        if name == "first":
            release.wait(10)
        ran.append(name)
        running.remove(name)
        return name

    first = worker.submit(job, "first")
    second = worker.submit(job, "second")
    third = worker.submit(job, "third")
    assert second.cancel()  # still waiting behind `first`: it never runs
    release.set()
    assert first.result(10) == "first" and third.result(10) == "third"
    assert ran == ["first", "third"]
    failing = worker.submit(lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        failing.result(10)
    assert worker.submit(job, "after").result(10) == "after"


def test_a_request_cancelled_by_the_server_stopping_logs_no_traceback():
    from netspec.serve.server import _CancelledAtShutdown

    keep = _CancelledAtShutdown()

    def record(error):
        info = (type(error), error, None) if error else None
        return logging.LogRecord("uvicorn.error", logging.ERROR, __file__, 1, "Exception in ASGI application", (), info)

    import asyncio

    assert not keep.filter(record(asyncio.CancelledError("timeout graceful shutdown exceeded")))
    assert keep.filter(record(ValueError("a real bug")))
    assert keep.filter(record(None))


def test_ctrl_c_while_a_large_spec_is_checked_stops_soon_and_quietly(tmp_path):
    """The whole scenario, with a real server: a check that takes seconds is under way, SIGINT."""
    import json
    import signal
    import urllib.request

    process = subprocess.Popen(
        [sys.executable, "-m", "netspec", "serve", "lenet", "--port", "0", "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    try:
        url = ""
        while "token=" not in url:
            url = process.stdout.readline()
            assert url, process.stderr.read()
        base, token = re.search(r"(http://\S+)/\?token=(\S+)", url).groups()
        text = "input 1x8x8\n" + "convv 3\n" * 100_000  # seconds of did-you-mean
        request = urllib.request.Request(
            f"{base}/api/check", data=json.dumps({"text": text}).encode(), headers={"X-Netspec-Token": token}
        )
        answer: list = []

        def send():
            try:
                urllib.request.urlopen(request, timeout=120).read()
                answer.append("answered")
            except Exception as error:  # noqa: BLE001 (the server stopping mid-answer is expected)
                answer.append(error)

        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        time.sleep(1.0)  # the check has started (it takes several seconds)
    finally:
        process.send_signal(signal.SIGINT)
        started = time.monotonic()
        out, err = process.communicate(timeout=60)
    waited = time.monotonic() - started
    assert process.returncode == 0
    assert "Traceback" not in err and "stopped" in err
    if answer != ["answered"]:  # the check was still running: the server did not wait for it
        assert waited < 15, waited


# --- the bundle works offline ------------------------------------------------------------------


def test_the_bundle_names_no_address_it_could_fetch():
    """No CDN, no remote font, no analytics: the only URLs in the bundle are XML namespaces."""
    from importlib import resources

    static = resources.files("netspec.serve").joinpath("static")
    for name in ("app.js", "app.css", "index.html"):
        text = static.joinpath(name).read_text(encoding="utf-8")
        urls = set(re.findall(r"(?:https?:)?//[\w.-]+\.[a-z]{2,}[^\s\"'`)]*", text))
        assert urls <= {"http://www.w3.org/2000/svg", "//www.w3.org/2000/svg"}, (name, urls)


# --- opening the browser ---------------------------------------------------------------------


def test_a_browser_is_opened_only_where_one_can_show_the_page():
    from netspec.serve.command import can_open_browser

    assert can_open_browser({}, "darwin") and can_open_browser({}, "win32")
    assert not can_open_browser({"TERM": "xterm"}, "linux")
    assert not can_open_browser({"DISPLAY": ""}, "linux")
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER"):
        assert can_open_browser({name: ":0"}, "linux")


def serve_with_browser(tmp_path, environ: dict) -> tuple[str, str, bool]:
    """Run `netspec serve` (browser wanted) with `environ` and a `www-browser`/`my-browser` on PATH
    that records being started and then blocks; fetch the page; return (stdout, stderr, started)."""
    import os
    import signal
    import urllib.request

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    marker = tmp_path / "browser-started"
    for name in ("www-browser", "my-browser"):
        script = bin_dir / name
        script.write_text(f"#!/bin/sh\ntouch {marker}\nexec sleep 600 >/dev/null 2>&1\n", encoding="utf-8")
        script.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER")}
    env.update(environ, PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", TERM="xterm")
    process = subprocess.Popen(
        [sys.executable, "-m", "netspec", "serve", "lenet", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env=env,
        start_new_session=True,  # the fake browser is in its group: stopped with it below
    )
    try:
        lines = [process.stdout.readline() for _ in range(3)]
        url = re.search(r"http://127\.0\.0\.1:\d+/\?token=[\w-]+", lines[1]).group(0)
        with urllib.request.urlopen(url, timeout=20) as response:  # served while any browser blocks
            assert response.status == 200
        deadline = time.monotonic() + 10
        while "BROWSER" in environ and not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            out, err = process.communicate(timeout=30)
        finally:
            try:
                os.killpg(process.pid, signal.SIGKILL)  # the fake browser's `sleep`, if it is there
            except ProcessLookupError:
                pass
    return "".join(lines) + out, err, marker.exists()


def test_without_a_display_no_text_browser_takes_over_the_terminal(tmp_path):
    """Finding: over ssh (no DISPLAY) with lynx or w3m installed, `netspec serve` started the text
    browser in the foreground, before serving: the terminal was taken and the page never came."""
    out, err, started = serve_with_browser(tmp_path, {})
    assert not started
    assert "open this address in a browser; Ctrl-C stops the server." in out
    assert "no display to open a browser on" in err and "ssh -L" in err


def test_a_browser_command_that_blocks_does_not_stop_the_server(tmp_path):
    out, _, started = serve_with_browser(tmp_path, {"BROWSER": "my-browser"})
    assert started
    assert "opening it in your browser; Ctrl-C stops the server." in out


def test_only_addresses_beyond_this_machine_get_the_warning():
    """Finding: `--host 127.0.0.2` (loopback) warned that the server was reachable from elsewhere."""
    from netspec.serve.command import is_loopback

    for host in ("127.0.0.1", "127.0.0.2", "127.255.255.254", "localhost", "LOCALHOST", "::1", "[::1]"):
        assert is_loopback(host), host
    for host in ("0.0.0.0", "::", "", "192.168.1.5", "10.0.0.1", "fe80::1", "example.org", "localhost.evil"):
        assert not is_loopback(host), host


def test_concurrent_saves_from_the_same_version_write_once_and_the_rest_get_the_diff(served):
    """Two tabs (or a double click) save from the same loaded version at once: exactly one is
    written; every other is a conflict showing the diff, and the file holds one whole text."""
    from concurrent.futures import ThreadPoolExecutor

    client, headers, session, path = served
    texts = [SMALL + f"# tab {n}\n" for n in range(6)]
    loaded = session.digest  # what every tab loaded

    def save(text):
        return client.post("/api/save", json={"text": text, "digest": loaded}, headers=headers)

    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(save, texts))
    codes = sorted(a.status_code for a in answers)
    assert codes == [200] + [409] * 5
    written = path.read_text(encoding="utf-8")
    assert written in texts
    for answer in answers:
        if answer.status_code == 409:
            assert answer.json()["digest"] == hashlib.sha256(written.encode()).hexdigest()


@pytest.mark.parametrize("replacement", ["folder", "link to a device", "fifo"])
def test_a_file_replaced_by_something_else_after_loading_is_never_written(served, replacement):
    """Finding: a folder put in the file's place made Save answer 500 (`open()` of the folder's
    descriptor raised IsADirectoryError before the check for a regular file)."""
    import os

    client, headers, session, path = served
    path.unlink()
    if replacement == "folder":
        path.mkdir()
    elif replacement == "link to a device":
        path.symlink_to("/dev/null")
    else:
        os.mkfifo(path)
    for digest in (session.digest, ""):
        answer = client.post("/api/save", json={"text": "input 3\n", "digest": digest}, headers=headers)
        assert answer.status_code == 409 and "not saving over it" in answer.json()["error"], answer.text
    assert path.is_dir() if replacement == "folder" else True
    assert path.is_symlink() if replacement == "link to a device" else True


def test_while_a_check_runs_the_server_answers_other_requests(tmp_path, monkeypatch):
    """A check holds no lock the event loop needs: with one held mid-way (a stand-in for the
    seconds a 100,000-line spec takes), the page's other requests are still answered."""
    import json
    import urllib.request

    from netspec.serve import analysis
    from netspec.serve.server import Background

    entered, release = threading.Event(), threading.Event()
    real = analysis.analyze

    def slow_analyze(*args):
        entered.set()
        release.wait(30)
        return real(*args)

    monkeypatch.setattr(analysis, "analyze", slow_analyze)
    session = open_session("lenet")
    with Background(session) as url:
        base = url.split("/?")[0]
        headers = {"X-Netspec-Token": session.token, "Content-Type": "application/json"}
        checked: list = []

        def check():
            request = urllib.request.Request(f"{base}/api/check", json.dumps({"text": SMALL}).encode(), headers)
            with urllib.request.urlopen(request, timeout=60) as response:
                checked.append(json.loads(response.read()))

        sender = threading.Thread(target=check)
        sender.start()
        try:
            assert entered.wait(30), "the check never started"
            with urllib.request.urlopen(
                urllib.request.Request(f"{base}/api/session", headers=headers), timeout=10
            ) as r:
                assert json.loads(r.read())["name"] == "lenet.net"
            assert not checked  # the check is still held
        finally:
            release.set()
            sender.join(60)
        assert checked and checked[0]["ok"] is True

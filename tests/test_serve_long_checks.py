"""`netspec serve` while a check runs long: a real server on a thread, with the check made slow on
purpose. Other pages' checks and this page's other requests are answered meanwhile; a check past
`--check-timeout` is answered 503 with a message; a newer check of the same page, or the page
going away, stops it.

`analysis.analyze` is wrapped: a text containing `# slow N` spins N seconds first, calling
`checkpoint()` as the check's loops do; `# stuck N` spins without. BOUND_S is generous: it
catches waiting behind a 20 s check, not speed."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
import urllib.error
import urllib.request

import pytest

pytest.importorskip("starlette")

from netspec.cancellation import checkpoint  # noqa: E402
from netspec.serve import analysis  # noqa: E402
from netspec.serve.server import Background  # noqa: E402
from netspec.serve.session import open_session  # noqa: E402

BOUND_S = 5
SMALL = "network Small\ninput 1x28x28\nconv 6 5x5\nrelu\nmaxpool 2\nfc 10\n"


class SlowChecks:
    """`analysis.analyze` made slow by a `# slow N` / `# stuck N` comment; records what ran."""

    def __init__(self, monkeypatch):
        self.real = analysis.analyze
        self.entered = threading.Event()
        self.stopped = threading.Event()
        monkeypatch.setattr(analysis, "analyze", self.analyze)

    def analyze(self, text, name, options):
        found = re.search(r"# (slow|stuck) (\d+)", text)
        if found:
            self.entered.set()
            end = time.monotonic() + int(found.group(2))
            try:
                while time.monotonic() < end:
                    if found.group(1) == "slow":
                        checkpoint()
                    sum(range(200))
            except BaseException:
                self.stopped.set()
                raise
        return self.real(text, name, options)


@pytest.fixture
def slow(monkeypatch):
    return SlowChecks(monkeypatch)


def post(base: str, token: str, route: str, body: dict, timeout: float = BOUND_S) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"{base}/api/{route}",
        json.dumps(body).encode(),
        {"X-Netspec-Token": token, "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def in_background(job) -> list:
    """Run `job()` on a thread; its result (or error: the server may stop first) lands in the list."""
    result: list = []

    def run():
        try:
            result.append(job())
        except Exception as error:  # noqa: BLE001 (a request cut off by the server stopping)
            result.append(error)

    threading.Thread(target=run, daemon=True).start()
    return result


def wait_for(items: list, timeout: float = BOUND_S) -> bool:
    deadline = time.monotonic() + timeout
    while not items and time.monotonic() < deadline:
        time.sleep(0.01)
    return bool(items)


@pytest.mark.parametrize("kind", ["slow", "stuck"])
def test_other_checks_and_this_pages_compile_are_answered_while_a_long_check_runs(slow, kind):
    """Finding: one check worker for every page: a small check, or the page's model.py tab,
    waited behind a 40 s check."""
    session = open_session("lenet")
    with Background(session) as url:
        base = url.split("/?")[0]
        long = in_background(lambda: post(base, session.token, "check", {"text": f"# {kind} 20\n{SMALL}"}, 60))
        assert slow.entered.wait(BOUND_S)
        status, report = post(base, session.token, "check", {"text": SMALL})
        assert status == 200 and report["ok"] is True
        status, compiled = post(base, session.token, "compile", {"text": SMALL})
        assert status == 200 and "class Small" in compiled["source"]
        assert not long  # still checking
    if kind == "slow":  # the server stopped with the check under way: it stopped the check too
        assert slow.stopped.wait(BOUND_S)


@pytest.mark.parametrize("kind", ["slow", "stuck"])
def test_a_check_past_the_time_limit_is_answered_503_saying_so(slow, kind):
    session = open_session("lenet")
    with Background(session, check_timeout_s=1) as url:
        base = url.split("/?")[0]
        started = time.monotonic()
        status, answer = post(base, session.token, "check", {"text": f"# {kind} 60\n{SMALL}"}, 30)
        assert status == 503
        assert answer["error"].startswith("this spec took over 1 s to check")
        assert "netspec check lenet.net" in answer["error"] and "--check-timeout" in answer["error"]
        assert time.monotonic() - started < 1 + BOUND_S
        if kind == "slow":
            assert slow.stopped.wait(BOUND_S), "the check ran on after its answer"
        assert post(base, session.token, "check", {"text": SMALL})[0] == 200


def test_a_newer_check_of_the_same_page_stops_the_older_one(slow):
    """With `page` (a name for one page load), a newer check of that page supersedes the
    running one: it is stopped at its next checkpoint and answered 409 superseded."""
    session = open_session("lenet")
    with Background(session) as url:
        base = url.split("/?")[0]
        older = in_background(
            lambda: post(base, session.token, "check", {"text": f"# slow 30\n{SMALL}", "page": "tab-1"}, 60)
        )
        assert slow.entered.wait(BOUND_S)
        status, report = post(base, session.token, "check", {"text": SMALL, "page": "tab-1"})
        assert status == 200 and report["ok"] is True
        assert wait_for(older)
        status, answer = older[0]
        assert status == 409 and answer["superseded"] is True
        assert slow.stopped.wait(BOUND_S)


def test_another_pages_check_does_not_stop_this_ones(slow):
    session = open_session("lenet")
    with Background(session) as url:
        base = url.split("/?")[0]
        first = in_background(lambda: post(base, session.token, "check", {"text": f"# slow 1\n{SMALL}", "page": "a"}))
        assert slow.entered.wait(BOUND_S)
        assert post(base, session.token, "check", {"text": SMALL, "page": "b"})[0] == 200
        assert wait_for(first) and first[0][0] == 200


def test_a_page_that_goes_away_stops_its_check(slow):
    """The page closed or reloaded in the middle of a long check: its connection closes, and
    the check is stopped rather than run to its end for nobody."""
    session = open_session("lenet")
    with Background(session) as url:
        host, port = re.match(r"http://([^:/]+):(\d+)", url).groups()
        body = json.dumps({"text": f"# slow 30\n{SMALL}"}).encode()
        head = (
            f"POST /api/check HTTP/1.1\r\nHost: {host}:{port}\r\nX-Netspec-Token: {session.token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        with socket.create_connection((host, int(port)), timeout=BOUND_S) as connection:
            connection.sendall(head.encode() + body)
            assert slow.entered.wait(BOUND_S)
        assert slow.stopped.wait(BOUND_S), "the check of a page that went away ran on"


@pytest.mark.parametrize("page", [5, "x" * 101, ["a"]])
def test_a_page_name_that_is_not_a_short_string_is_a_400(page):
    session = open_session("lenet")
    with Background(session) as url:
        status, answer = post(url.split("/?")[0], session.token, "check", {"text": SMALL, "page": page})
    assert status == 400 and answer["error"].startswith("page:")


@pytest.mark.parametrize("text, seconds", [("30", 30.0), ("0.5", 0.5), ("0", None)])
def test_check_timeout_reads_seconds_and_0_for_no_limit(text, seconds):
    from netspec.serve.command import check_timeout

    assert check_timeout(text) == seconds


@pytest.mark.parametrize("text", ["-1", "nan", "inf", "soon", "86401", ""])
def test_a_check_timeout_that_is_not_seconds_is_a_usage_error(text):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "netspec", "serve", "--check-timeout", text, "--no-browser"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "expected seconds from 0 (no limit) to 86400" in result.stderr
    assert "Traceback" not in result.stderr

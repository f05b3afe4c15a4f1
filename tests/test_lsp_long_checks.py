"""`netspec lsp` while a check runs long: the real server over stdio, with the check made slow on
purpose. A long check keeps neither other documents, nor hovers, nor its own document's newer
text waiting, and one past `--check-timeout` is stopped with a warning saying so.

The server runs with `check_source` wrapped: a text containing `# slow N` spins N seconds first,
calling `checkpoint()` as the check's loops do; `# stuck N` spins without (a check that cannot be
stopped before it ends). The bounds (BOUND_S) are generous: they catch waiting behind a 20 s check,
not speed."""

from __future__ import annotations

import sys
import time

import pytest

pytest.importorskip("pygls")

from test_lsp_audit import RawClient, open_and_initialize  # noqa: E402

BOUND_S = 5
SLOW_CHECKS = """
import re, sys, time
import netspec.lsp.document as document
from netspec.cancellation import checkpoint

real = document.check_source

def check_source(source):
    found = re.search(r"# (slow|stuck) (\\d+)", source.text)
    if found:
        end = time.monotonic() + int(found.group(2))
        while time.monotonic() < end:
            if found.group(1) == "slow":
                checkpoint()
            sum(range(200))
    return real(source)

document.check_source = check_source
from netspec.cli import main
sys.exit(main(["lsp", *sys.argv[1:]]))
"""
SMALL = "input 1x8x8\nconv 2 3\nrelu\n"


def server(*flags: str) -> RawClient:
    client = RawClient([sys.executable, "-c", SLOW_CHECKS, *flags])
    open_and_initialize(client)
    return client


@pytest.fixture
def client():
    client = server()
    yield client
    client.process.kill()
    client.process.wait()


def open_document(client: RawClient, uri: str, text: str) -> None:
    document = {"uri": uri, "languageId": "netspec", "version": 1, "text": text}
    client.send("textDocument/didOpen", {"textDocument": document})


def change(client: RawClient, uri: str, version: int, text: str) -> None:
    client.send(
        "textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}
    )


def published(client: RawClient, uri: str, version: int, timeout: float) -> dict | None:
    def match(message):
        params = message.get("params", {})
        return message.get("method") == "textDocument/publishDiagnostics" and (
            params.get("uri") == uri and params.get("version") == version
        )

    return client.wait_for(match, timeout=timeout)


def hover(client: RawClient, uri: str, line: int, id: int, timeout: float = BOUND_S) -> dict | None:
    position = {"textDocument": {"uri": uri}, "position": {"line": line, "character": 1}}
    client.send("textDocument/hover", position, id=id)
    return client.wait_for(lambda m: m.get("id") == id, timeout=timeout)


@pytest.mark.parametrize("kind", ["slow", "stuck"])
def test_another_document_is_checked_and_hovered_while_a_long_check_runs(client, kind):
    """Finding: one check worker for every document: the check of a small file and its hovers
    waited 12 s and more behind a long one."""
    open_document(client, "file:///work/long.net", f"# {kind} 30\n{SMALL}")
    time.sleep(0.5)  # the long check is under way
    other = "file:///work/small.net"
    open_document(client, other, SMALL)
    assert published(client, other, 1, BOUND_S), "the small document waited for the long check"
    answer = hover(client, other, 1, id=2)
    assert answer is not None and "conv 2 3" in answer["result"]["contents"]["value"]


@pytest.mark.parametrize("kind", ["slow", "stuck"])
def test_a_newer_text_does_not_wait_for_the_long_check_of_the_older(client, kind):
    uri = "file:///work/typed.net"
    open_document(client, uri, f"# {kind} 30\n{SMALL}")
    time.sleep(0.5)
    change(client, uri, 2, SMALL + "fc 3\n")
    answer = published(client, uri, 2, BOUND_S)
    assert answer is not None, "the newer text waited for the older text's check"


def test_a_hover_during_a_long_check_is_answered_from_the_last_check_done(client):
    """Hover waits HOVER_WAIT_S for the check of the current text, then answers from the last
    check done, for a line that reads the same in both, with a note saying so."""
    uri = "file:///work/hover.net"
    open_document(client, uri, SMALL)
    assert published(client, uri, 1, 30)
    change(client, uri, 2, SMALL + "relu  # stuck 30\n")  # a line added after the hovered one
    time.sleep(0.5)
    answer = hover(client, uri, 1, id=2)
    assert answer is not None, "the hover waited for the long check"
    value = answer["result"]["contents"]["value"]
    assert "conv 2 3" in value and "from the check of an earlier version" in value
    change(client, uri, 3, "input 1x8x8\nfc 2 3\nrelu  # stuck 30\n")  # that line changed: no answer is better
    time.sleep(0.3)
    assert hover(client, uri, 1, id=3)["result"] is None


@pytest.mark.parametrize("kind", ["slow", "stuck"])
def test_a_check_past_the_time_limit_is_a_warning_and_the_server_goes_on(kind):
    client = server("--check-timeout", "1.5")
    try:
        uri = "file:///work/huge.net"
        open_document(client, uri, f"# {kind} 60\n{SMALL}")
        answer = published(client, uri, 1, 15)
        assert answer is not None
        [warning] = answer["params"]["diagnostics"]
        assert warning["severity"] == 2 and "took over 1.5 s to check" in warning["message"]
        assert "netspec check huge.net" in warning["message"] and "--check-timeout" in warning["message"]
        assert hover(client, uri, 2, id=2, timeout=15)["result"] is None  # nothing to hover from
        other = "file:///work/small.net"
        open_document(client, other, SMALL)
        assert published(client, other, 1, BOUND_S)
        assert "conv 2 3" in hover(client, other, 1, id=3)["result"]["contents"]["value"]
        assert b"Traceback" not in client.stderr
    finally:
        client.process.kill()
        client.process.wait()


def test_a_bad_check_timeout_is_a_usage_error():
    import subprocess

    result = subprocess.run(
        [sys.executable, "-m", "netspec", "lsp", "--check-timeout", "soon"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2 and "expected seconds from 0 (no limit)" in result.stderr


def test_an_older_check_that_ends_after_a_newer_one_does_not_replace_it(monkeypatch):
    """Checks run side by side, and one that reaches no checkpoint runs to its end: the last
    check done (what completion and hover fall back on) stays the newer text's."""
    import asyncio
    import threading

    from netspec.lsp import server
    from netspec.lsp.document import Analysis

    release = threading.Event()

    def analysis(uri, text):
        if "old" in text:
            release.wait(10)
        return Analysis(uri, text)

    monkeypatch.setattr(server, "Analysis", analysis)
    texts = {"u": "input 1x8x8  # old\n"}
    documents = server.Documents(texts.get, threads=2)

    async def scenario():
        older = asyncio.ensure_future(documents.analysis("u"))
        await asyncio.sleep(0.2)  # its check is held
        texts["u"] = "input 1x8x8  # new\n"
        newer = await documents.analysis("u")
        release.set()
        assert (await older).text == newer.text  # the older request gets the newer text's check
        await asyncio.sleep(0.2)  # the held check ends meanwhile

    asyncio.run(scenario())
    assert "new" in documents.finished["u"].text

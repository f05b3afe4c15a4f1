"""Regression tests from a hostile audit of `netspec lsp` (2026-11-23): the server driven by hand,
over raw JSON-RPC frames, as a confused person in a terminal and as a client that leaves early."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time

import pytest

pytest.importorskip("pygls")

SERVER = [sys.executable, "-m", "netspec", "lsp"]


def frame(message: dict | None) -> bytes:
    body = json.dumps(message).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


class RawClient:
    """A language client reduced to frames on a pipe: what arrives is collected by a thread, and
    what the server writes on stderr in `self.stderr`."""

    def __init__(self, command: list[str] = SERVER):
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.messages: list[dict] = []
        self.stderr = b""
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()  # never let it fill

    def _read_stderr(self) -> None:
        while piece := self.process.stderr.read1(65536):
            self.stderr += piece

    def _read(self) -> None:
        out = self.process.stdout
        while True:
            length = None
            line = out.readline()
            if not line:
                return
            while line.strip():
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
                line = out.readline()
            self.messages.append(json.loads(out.read(length)))

    def send(self, method: str, params, id: int | None = None) -> None:
        message = {"jsonrpc": "2.0", "method": method, "params": params}
        if id is not None:
            message["id"] = id
        self.write(frame(message))

    def write(self, data: bytes) -> None:
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def wait_for(self, predicate, timeout: float = 60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in list(self.messages):
                if predicate(message):
                    return message
            time.sleep(0.01)
        return None


def test_exit_during_the_check_of_a_huge_document_ends_the_server_at_once():
    """Finding: `shutdown` + `exit` while a 100,000-line document was being checked took 22 s to
    end the process (Python joined the check's worker thread at exit). The check's thread is now a
    daemon: the process ends as soon as `exit` is read."""
    client = RawClient()
    client.send("initialize", {"processId": None, "rootUri": None, "capabilities": {}}, id=1)
    assert client.wait_for(lambda m: m.get("id") == 1)
    client.send("initialized", {})
    uri = "file:///work/huge.net"
    text = "input 1x8x8\n" + "convv 3\n" * 100_000  # a did-you-mean per line: seconds of checking
    client.send(
        "textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "netspec", "version": 1, "text": text}}
    )
    time.sleep(1.0)
    client.send("shutdown", None, id=2)
    assert client.wait_for(lambda m: m.get("id") == 2, timeout=30), "shutdown is answered during the check"
    client.send("exit", None)
    started = time.monotonic()
    client.process.wait(timeout=120)
    waited = time.monotonic() - started
    assert client.process.returncode == 0
    published = client.wait_for(lambda m: m.get("method") == "textDocument/publishDiagnostics", timeout=0)
    if published is None:  # the check was still running at `exit`: the server did not wait for it
        assert waited < 10, waited


def run_in_a_terminal(keys: bytes) -> tuple[bytes, int | None]:
    """`netspec lsp` with a pseudo-terminal as its controlling terminal (as when typed in a shell):
    what it prints within 30 s of starting, then its exit code once `keys` are typed."""
    pty = pytest.importorskip("pty")
    import fcntl
    import select
    import termios

    def own_terminal():
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    leader, follower = pty.openpty()
    process = subprocess.Popen(SERVER, stdin=follower, stdout=follower, stderr=follower, preexec_fn=own_terminal)
    os.close(follower)
    printed = b""
    try:
        deadline = time.monotonic() + 30
        while b"quits" not in printed and time.monotonic() < deadline:
            if select.select([leader], [], [], 0.1)[0]:
                printed += os.read(leader, 4096)
        os.write(leader, keys)
        try:
            code = process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            code = None
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(leader)
    return printed, code


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX terminals")
def test_typed_in_a_terminal_it_says_what_it_is_and_ctrl_c_quits():
    """Finding: `netspec lsp` typed by mistake waited silently, and Ctrl-C did nothing (pygls
    caught the KeyboardInterrupt, then waited for its reader of the terminal)."""
    printed, code = run_in_a_terminal(b"\x03")
    assert b"this is a language server" in printed and b"docs/editors.md" in printed
    assert b"netspec check FILE" in printed
    assert code == 130


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX terminals")
def test_typed_in_a_terminal_ctrl_d_quits():
    printed, code = run_in_a_terminal(b"\x04")
    assert b"Ctrl-C or Ctrl-D quits" in printed
    assert code == 1  # no `shutdown` came first (LSP 3.17, "exit")


def test_started_by_an_editor_it_prints_nothing_for_a_person():
    """The note is for a terminal only: on a pipe, stderr stays quiet (some editors show it)."""
    result = subprocess.run(SERVER, input=b"", capture_output=True, timeout=60)
    assert b"this is a language server" not in result.stderr
    assert result.stdout == b""


def open_and_initialize(client: RawClient) -> None:
    client.send("initialize", {"processId": None, "rootUri": None, "capabilities": {}}, id=1)
    assert client.wait_for(lambda m: m.get("id") == 1)
    client.send("initialized", {})


def labels(answer: dict) -> set[str]:
    result = answer["result"]
    return {item["label"] for item in (result["items"] if isinstance(result, dict) else result)}


HUGE_TAIL = "convv 3\n" * 100_000  # seconds of checking (a did-you-mean per line)


def test_completion_does_not_wait_for_the_check_of_a_huge_document():
    """Finding: completion waited for the whole check of the current text: 20 to 50 s per request
    while typing in a 100,000-line document. It now reads the current text at once, with the
    block names of the last check done (a brief wait for the very first)."""
    client = RawClient()
    try:
        open_and_initialize(client)
        uri = "file:///work/blocks.net"
        small = "input 3x32x32\nblock stage width {\n  conv width 3x3\n}\n"
        client.send(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "netspec", "version": 1, "text": small}},
        )
        assert client.wait_for(lambda m: m.get("method") == "textDocument/publishDiagnostics")
        huge = small + "st\n" + HUGE_TAIL
        client.send(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": huge}]},
        )
        time.sleep(0.5)  # the debounce has passed: the huge text's check is under way
        position = {"textDocument": {"uri": uri}, "position": {"line": 4, "character": 2}}
        client.send("textDocument/completion", position, id=2)
        answer = client.wait_for(lambda m: m.get("id") == 2)
        published = [m for m in client.messages if m.get("method") == "textDocument/publishDiagnostics"]
        assert len(published) == 1, "answered before the huge text's diagnostics"
        assert {"stage", "conv", "relu"} <= labels(answer)  # the block from the check done before

        other = "file:///work/fresh.net"
        client.send(
            "textDocument/didOpen",
            {
                "textDocument": {
                    "uri": other,
                    "languageId": "netspec",
                    "version": 1,
                    "text": "input 3\nco\n" + HUGE_TAIL,
                }
            },
        )
        client.send(
            "textDocument/completion", {"textDocument": {"uri": other}, "position": {"line": 1, "character": 2}}, id=3
        )
        first = client.wait_for(lambda m: m.get("id") == 3)
        assert not any(m.get("params", {}).get("uri") == other for m in client.messages if "params" in m)
        assert {"conv", "concat"} <= labels(first)  # no check done yet: kinds and keywords all the same
    finally:
        client.process.kill()
        client.process.wait()


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_on_the_empty_line_after_the_last_line_break_a_new_statement_is_completed(ending):
    """Finding: a file ends with a line break, and the cursor on the empty line after it (where a
    new statement is typed) was read as the end of the line above: completion offered `conv`'s
    options (`stride=`, `pad=`) instead of the layer kinds, and hover described that `conv`."""
    client = RawClient()
    try:
        open_and_initialize(client)
        uri = "file:///work/ends.net"
        text = ending.join(["input 3x8x8", "conv 4 3x3", ""])
        client.send(
            "textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "netspec", "version": 1, "text": text}}
        )
        assert client.wait_for(lambda m: m.get("method") == "textDocument/publishDiagnostics")
        empty_line = {"textDocument": {"uri": uri}, "position": {"line": 2, "character": 0}}
        client.send("textDocument/completion", empty_line, id=2)
        offered = labels(client.wait_for(lambda m: m.get("id") == 2))
        assert {"conv", "relu", "maxpool"} <= offered and "pad=" not in offered
        client.send("textDocument/hover", empty_line, id=3)
        assert client.wait_for(lambda m: m.get("id") == 3)["result"] is None
        on_conv = {"textDocument": {"uri": uri}, "position": {"line": 1, "character": 10}}  # the end of `conv 4 3x3`
        client.send("textDocument/completion", on_conv, id=4)
        assert "pad=" in labels(client.wait_for(lambda m: m.get("id") == 4))
        client.send("textDocument/hover", on_conv, id=5)
        assert "conv 4 3x3" in client.wait_for(lambda m: m.get("id") == 5)["result"]["contents"]["value"]
    finally:
        client.process.kill()
        client.process.wait()


def test_a_request_with_params_that_do_not_fit_gets_an_error_answer_and_the_server_goes_on():
    """Finding: pygls dropped a request whose params it could not read (a negative line, a missing
    position) after logging it; the client waited for the answer forever. Now it is answered with
    JSON-RPC's "invalid params" (-32602), and a malformed frame changes nothing after it."""
    client = RawClient()
    try:
        open_and_initialize(client)
        uri = "file:///work/bad.net"
        client.send(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "netspec", "version": 1, "text": "input 3\nfc 2\n"}},
        )
        client.process.stdin.write(b"Content-Length: 9\r\n\r\n{not json")
        client.send("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": -1, "character": 0}}, 2)
        client.send("textDocument/hover", {"textDocument": {"uri": uri}}, 3)
        client.send("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 1, "character": 0}}, 4)
        for id in (2, 3):
            answer = client.wait_for(lambda m, id=id: m.get("id") == id)
            assert answer is not None and answer["error"]["code"] == -32602, answer
        good = client.wait_for(lambda m: m.get("id") == 4)
        assert "fc 2" in good["result"]["contents"]["value"]
    finally:
        client.process.kill()
        client.process.wait()

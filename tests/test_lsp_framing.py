"""`netspec lsp` reading its input (netspec/lsp/framing.py): the real server over stdio, fed raw
bytes. A frame it cannot read is answered with a JSON-RPC error, said in one line on stderr, and
the messages after it are served; memory stays bounded whatever a header claims."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("pygls")

from test_lsp_audit import RawClient, frame, open_and_initialize  # noqa: E402

from netspec.lsp.framing import MAX_BODY, MAX_HEADER_LINE  # noqa: E402


@pytest.fixture
def client():
    client = RawClient()
    open_and_initialize(client)
    yield client
    if client.process.poll() is None:
        client.process.kill()
    client.process.wait()


def still_serving(client: RawClient, id: int) -> None:
    """A request after the bad frame is answered (a hover on a document that is not open: null)."""
    position = {"textDocument": {"uri": "file:///work/none.net"}, "position": {"line": 0, "character": 0}}
    client.send("textDocument/hover", position, id=id)
    answer = client.wait_for(lambda m: m.get("id") == id, timeout=30)
    assert answer is not None and answer["result"] is None, answer


def error_answer(client: RawClient, code: int) -> dict:
    answer = client.wait_for(lambda m: m.get("error", {}).get("code") == code, timeout=30)
    assert answer is not None, client.messages
    return answer


def test_a_content_length_too_large_to_allocate_is_refused_without_memory_error(client):
    """Finding: `Content-Length: 99999999999999` made the server allocate that much and exit with
    MemoryError. It is refused (-32600, id null), said on stderr; the server skips that many bytes
    (a piece at a time), so when the input ends it exits as after any end of input."""
    client.write(b"Content-Length: 99999999999999\r\n\r\n{}")
    answer = error_answer(client, -32600)
    assert answer["id"] is None and "99,999,999,999,999 bytes" in answer["error"]["message"]
    client.process.stdin.close()
    assert client.process.wait(timeout=30) == 1  # the input ended without `shutdown` and `exit`
    assert b"over the 67,108,864-byte limit" in client.stderr
    assert b"MemoryError" not in client.stderr and b"Traceback" not in client.stderr


def test_a_body_just_over_the_limit_is_skipped_and_the_next_message_served(client):
    body = b" " * (MAX_BODY + 1)
    client.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    assert error_answer(client, -32600)["id"] is None
    still_serving(client, 2)


@pytest.mark.parametrize(
    "body, says",
    [
        (b"{not json", "not JSON"),
        (b'{"jsonrpc": "2.0", "id": 5, "method": "x\xff"}', "not UTF-8"),
        (b"\xff\xfe{\x00}\x00", "not UTF-8"),  # UTF-16, which json.loads would have guessed and read
        (b"[" * 100_000, "nested too deeply"),
        (b"", "not JSON"),
    ],
)
def test_a_body_that_is_not_utf8_json_gets_a_parse_error_and_the_server_goes_on(client, body, says):
    """Finding: invalid JSON or UTF-8 got no answer and a traceback on stderr. Now JSON-RPC's
    parse error (-32700, id null: JSON-RPC 2.0 §5.1) and one line on stderr."""
    client.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    answer = error_answer(client, -32700)
    assert answer["id"] is None and says in answer["error"]["message"]
    still_serving(client, 2)
    assert b"Traceback" not in client.stderr and says.encode() in client.stderr


@pytest.mark.parametrize("body, id", [(b"[1, 2]", None), (b"3", None), (b'{"id": 4, "method": "x"}', 4)])
def test_json_that_is_not_a_message_is_an_invalid_request(client, body, id):
    client.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    answer = error_answer(client, -32600)
    assert answer["id"] == id
    still_serving(client, 2)
    assert b"Traceback" not in client.stderr


def test_a_header_line_without_end_is_read_a_piece_at_a_time_and_skipped(client):
    """A header line is read up to MAX_HEADER_LINE bytes; a longer one (here 1 MiB with no line
    break, then the next frame) is dropped in pieces, and the next frame is read."""
    client.write(b"X" * 2**20 + b"\r\n\r\n")
    still_serving(client, 2)
    assert f"header line over {MAX_HEADER_LINE} bytes".encode() in client.stderr


def test_headers_are_read_by_name_in_any_case_and_other_headers_ignored(client):
    body = json.dumps({"jsonrpc": "2.0", "id": 7, "method": "shutdown"}).encode()
    client.write(b"content-length: %d\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n" % len(body))
    client.write(body)
    assert client.wait_for(lambda m: m.get("id") == 7, timeout=30)["result"] is None


def test_a_frame_without_a_length_is_skipped_with_a_line_on_stderr(client):
    client.write(b"Content-Length: many\r\n\r\n")
    still_serving(client, 2)
    assert b"without a valid Content-Length" in client.stderr


def test_params_that_do_not_fit_are_answered_and_said_in_one_line_without_traceback(client):
    """pygls logged the structuring error's traceback (an ExceptionGroup, dozens of lines) for a
    request whose params do not fit; the client's mistake is now one line on stderr."""
    client.write(frame({"jsonrpc": "2.0", "id": 3, "method": "textDocument/hover", "params": {}}))
    assert client.wait_for(lambda m: m.get("id") == 3, timeout=30)["error"]["code"] == -32602
    client.write(frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {}}))
    still_serving(client, 4)
    assert b"Traceback" not in client.stderr
    assert b"textDocument/hover request whose params do not fit" in client.stderr
    assert b"textDocument/didOpen message that could not be read" in client.stderr

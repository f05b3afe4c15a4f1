"""Reading the editor's messages from stdin: LSP's base protocol (`Content-Length: N`, a blank
line, N bytes of UTF-8 JSON), with every part bounded and every bad frame answered.

This replaces pygls's read loop (`pygls.io_.run_async`), the one place where pygls frames, decodes
and parses a message, all inline, with nothing narrower to override. There,
`Content-Length: 99999999999999` made the server allocate that many bytes and exit with
MemoryError; a header line without a line break was read whole into memory; a body that was not
JSON, or not UTF-8, was logged with a traceback and not answered. Here:

- a header line is read up to MAX_HEADER_LINE bytes (a longer one is discarded in pieces);
- a body over MAX_BODY is skipped in pieces of SKIP_CHUNK (bounded memory), said on stderr and
  answered with JSON-RPC's "invalid request" (-32600, id null: its id is unread);
- a body that is not UTF-8 or not JSON is answered with JSON-RPC's "parse error" (-32700, id
  null, JSON-RPC 2.0 §5.1), and one line on stderr; JSON that is not a message (`[1]`, `{}`) is
  an "invalid request" (-32600);
- the server goes on reading after each of these, and ends when stdin ends.

stdin is read on a daemon thread (netspec.serve.worker), so that `exit` never waits for a read.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import BinaryIO

from pygls.exceptions import JsonRpcException

from netspec.serve.worker import DaemonWorker

MAX_BODY = 64 * 2**20  # 64 MiB: a document of 16 MiB (netspec's own limit) as JSON, escaped
MAX_HEADER_LINE = 4096  # `Content-Length: …` and `Content-Type: …` are under 100 bytes
SKIP_CHUNK = 2**20  # an oversized body is read and dropped this much at a time
PARSE_ERROR = -32700
INVALID_REQUEST = -32600
log = logging.getLogger(__name__)


class Input:
    """stdin, read on its own daemon thread: `line()` (bounded) and `exactly(n)`."""

    def __init__(self, stream: BinaryIO):
        self.stream = stream
        self.thread = DaemonWorker("netspec-lsp-stdin", threads=1)

    async def line(self) -> bytes:
        """The next line, at most MAX_HEADER_LINE + 1 bytes of it (b"" at the end of input)."""
        return await asyncio.wrap_future(self.thread.submit(self.stream.readline, MAX_HEADER_LINE + 1))

    async def exactly(self, n: int) -> bytes:
        """The next `n` bytes (fewer only at the end of input)."""
        return await asyncio.wrap_future(self.thread.submit(self.stream.read, n))


async def read_messages(stdin: Input, protocol) -> None:
    """Hand each message from `stdin` to `protocol` until the input ends."""
    while True:
        length = await content_length(stdin)
        if length is None:
            return
        if length > MAX_BODY:
            refuse(protocol, INVALID_REQUEST, f"a message of {length:,} bytes is over the {MAX_BODY:,}-byte limit")
            if not await skip(stdin, length):
                return
            continue
        body = await stdin.exactly(length)
        if len(body) < length:
            return  # the editor left in the middle of a message
        handle(body, protocol)


async def content_length(stdin: Input) -> int | None:
    """Read one header block, up to its blank line: its Content-Length (None at the end of
    input). A block without a usable one is said on stderr and the next block is read."""
    length: int | None = None
    seen = False
    while True:
        line = await stdin.line()
        if not line:
            return None
        if len(line) > MAX_HEADER_LINE and not line.endswith(b"\n"):
            if not await discard_line(stdin):
                return None
            log.error("netspec lsp: a header line over %s bytes was skipped", MAX_HEADER_LINE)
            seen = True
            continue
        if line.strip():
            seen = True
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = parse_length(value)
            continue
        if length is not None:
            return length
        if seen:
            log.error("netspec lsp: a message without a valid Content-Length header was skipped")
            seen = False


def parse_length(value: bytes) -> int | None:
    """The byte count of a `Content-Length` value: ASCII digits, at most 20 of them."""
    value = value.strip()
    return int(value) if value.isdigit() and len(value) <= 20 else None


async def discard_line(stdin: Input) -> bool:
    """Drop the rest of an overlong line; False when the input ends first."""
    while True:
        piece = await stdin.line()
        if not piece:
            return False
        if piece.endswith(b"\n"):
            return True


async def skip(stdin: Input, length: int) -> bool:
    """Drop the next `length` bytes, SKIP_CHUNK at a time; False when the input ends first."""
    while length > 0:
        piece = await stdin.exactly(min(length, SKIP_CHUNK))
        if not piece:
            return False
        length -= len(piece)
    return True


def handle(body: bytes, protocol) -> None:
    """Decode, parse and dispatch one message; a body that is not one is answered with an error."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        refuse(protocol, PARSE_ERROR, f"the message is not UTF-8 (byte {error.start:,} of {len(body):,})")
        return
    try:
        message = json.loads(text, object_hook=protocol.structure_message)
    except JsonRpcException:
        return  # a message whose params do not fit its method: answered (server.AnsweringProtocol)
    except RecursionError:
        refuse(protocol, PARSE_ERROR, "the message's JSON is nested too deeply")
        return
    except ValueError as error:  # json.JSONDecodeError
        refuse(protocol, PARSE_ERROR, f"the message is not JSON: {error}")
        return
    if getattr(message, "jsonrpc", None) != "2.0":
        reason = "the message is not a JSON-RPC 2.0 request, notification or response"
        refuse(protocol, INVALID_REQUEST, reason, message.get("id") if isinstance(message, dict) else None)
        return
    protocol.handle_message(message)


def refuse(protocol, code: int, reason: str, id=None) -> None:
    """Say on stderr why a message was not read, and answer with JSON-RPC error `code`; id null
    where the message has no id that can be read (JSON-RPC 2.0 §5)."""
    log.error("netspec lsp: %s; it was skipped", reason)
    id = id if isinstance(id, (int, str)) and not isinstance(id, bool) else None
    protocol._send_data({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": reason}})

"""The language server: thin pygls handlers over `netspec.lsp`'s features.

Documents are synchronized whole (`TextDocumentSyncKind.Full`). Each version is checked once, in a
worker thread (the server keeps answering meanwhile), DEBOUNCE_S after the last change; hover,
inlay hints, completion and the rest reuse that check when the text is the same. A handler that
fails logs the traceback to the client (`window/logMessage`) and answers nothing; the server
goes on.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import sys
import traceback
from collections.abc import Callable
from urllib.parse import unquote

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol

from netspec import __version__
from netspec.lsp.completion import complete
from netspec.lsp.document import Analysis, document_name, editor_lines
from netspec.lsp.hover import hover_text
from netspec.lsp.inlay import inlay_hints
from netspec.lsp.navigation import definition, document_symbols
from netspec.lsp.positions import ENCODINGS, UTF16, from_lsp
from netspec.lsp.publish import lsp_diagnostics
from netspec.lsp.ranges import span_range
from netspec.serve.worker import DaemonWorker
from netspec.source import SourceFile

DEBOUNCE_S = 0.15  # after a change: typing a word does not check every letter
COMPLETION_WAIT_S = 0.5  # completion waits this long for a document's first check, then goes on without
log = logging.getLogger(__name__)


class Documents:
    """The latest check of each open document, shared by every feature; one check at a time.
    `read(uri)` gives an open document's current text, None for a document that is not open."""

    def __init__(self, read: Callable[[str], str | None]):
        self.read = read
        # A daemon thread: an `exit` during the check of a huge document ends the process at once
        # instead of waiting for the check (ThreadPoolExecutor's threads are joined at exit).
        self.executor = DaemonWorker("netspec-check")
        self.checks: dict[str, tuple[str, asyncio.Future]] = {}
        self.pending: dict[str, asyncio.Task] = {}
        self.finished: dict[str, Analysis] = {}  # the latest check that completed, of any version

    async def analysis(self, uri: str) -> Analysis | None:
        """The check of the document's current text: the one made or under way, else a new one
        (a check of an older text that has not started yet is dropped). None when it is not open:
        the server reads no file itself (pygls would read any path, /dev/zero too)."""
        while True:
            text = self.read(uri)
            if text is None:
                return None
            cached = self.checks.get(uri)
            if cached is None or cached[0] != text:
                if cached is not None:
                    cached[1].cancel()
                future = asyncio.get_running_loop().run_in_executor(self.executor, self._check, uri, text)
                cached = self.checks[uri] = (text, future)
            try:
                return await asyncio.shield(cached[1])
            except asyncio.CancelledError:
                if not cached[1].cancelled():
                    raise  # this request itself was cancelled
                # its check was dropped for a newer text: check that one

    def _check(self, uri: str, text: str) -> Analysis:
        """In the worker thread. Kept as the latest done even when a newer text superseded it
        while it ran (its future is then cancelled): completion can still use its blocks."""
        analysis = Analysis(uri, text)
        if self.read(uri) is not None:  # not closed meanwhile
            self.finished[uri] = analysis
        return analysis

    def latest(self, uri: str) -> tuple[str, Analysis | None] | None:
        """Without waiting: the document's current text and its check when that is done, else the
        last check done of an older version (None when none is); None when it is not open."""
        text = self.read(uri)
        if text is None:
            return None
        cached = self.checks.get(uri)
        if cached is not None and cached[0] == text and cached[1].done() and not cached[1].cancelled():
            if cached[1].exception() is None:
                return text, cached[1].result()
        return text, self.finished.get(uri)

    def forget(self, uri: str) -> None:
        self.finished.pop(uri, None)
        cached = self.checks.pop(uri, None)
        if cached is not None:
            cached[1].cancel()
        task = self.pending.pop(uri, None)
        if task is not None:
            task.cancel()


def encoding_of(server: LanguageServer) -> str:
    """The position encoding agreed at `initialize` (pygls picks the client's first that it knows)."""
    encoding = str(getattr(server.workspace, "position_encoding", UTF16) or UTF16)
    return encoding if encoding in ENCODINGS else UTF16


def guarded(server: LanguageServer, default=None):
    """Run an (async) handler; on any exception, log it to the client and answer `default`."""

    def wrap(handler):
        @functools.wraps(handler)
        async def run(*args):
            try:
                return await handler(*args)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # noqa: BLE001 (a bug in one request must not end the server)
                report_failure(server, handler.__name__, error)
                return default

        return run

    return wrap


def report_failure(server: LanguageServer, where: str, error: BaseException) -> None:
    text = "".join(traceback.format_exception(error))[-4000:]
    log.error("netspec lsp: %s failed: %s", where, text)
    try:
        server.window_log_message(
            types.LogMessageParams(type=types.MessageType.Error, message=f"netspec lsp: {where} failed:\n{text}")
        )
    except Exception:  # noqa: BLE001 (the client is gone: nothing more to tell it)
        pass


class AnsweringProtocol(LanguageServerProtocol):
    """pygls's protocol, answering a request it cannot read. pygls turns a request whose params do
    not fit the method (`"position": {"line": -1}`) into an exception before the request reaches
    any handler, logs it and drops it: the client waits for an answer forever. Here the request
    is answered with the JSON-RPC error (-32602 invalid params) first (JSON-RPC 2.0 §5)."""

    def structure_message(self, data):
        try:
            return super().structure_message(data)
        except JsonRpcException as error:
            if isinstance(data.get("id"), (int, str)) and "method" in data:
                self._send_response(data["id"], error=error.to_response_error())
            raise


def build_server() -> LanguageServer:
    server = LanguageServer(
        "netspec", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full, protocol_cls=AnsweringProtocol
    )

    def read(uri: str) -> str | None:
        document = server.workspace.text_documents.get(unquote(uri))
        return document.source if document is not None else None

    documents = Documents(read)

    async def at(params) -> tuple[Analysis | None, int, int]:
        """The check of the document and the request's position as netspec's (line, column)."""
        analysis = await documents.analysis(params.text_document.uri)
        if analysis is None:
            return None, 0, 0
        position = params.position
        line, column = from_lsp(analysis.editor_lines, position.line, position.character, encoding_of(server))
        return analysis, line, column

    async def publish(uri: str, delay: float) -> None:
        try:
            if delay:
                await asyncio.sleep(delay)
            analysis = await documents.analysis(uri)
            document = server.workspace.text_documents.get(unquote(uri))
            if analysis is None or document is None or document.source != analysis.text:
                return  # changed or closed meanwhile: the next publish sends it
            server.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(
                    uri=uri, version=document.version, diagnostics=lsp_diagnostics(analysis, encoding_of(server))
                )
            )
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001
            report_failure(server, "diagnostics", error)

    def schedule(uri: str, delay: float) -> None:
        task = documents.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        documents.pending[uri] = asyncio.ensure_future(publish(uri, delay))

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        schedule(params.text_document.uri, DEBOUNCE_S)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(params: types.DidCloseTextDocumentParams) -> None:
        documents.forget(params.text_document.uri)
        server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[])
        )

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    @guarded(server)
    async def hover(params: types.HoverParams) -> types.Hover | None:
        analysis, line, column = await at(params)
        statement = analysis.statement_at(line, column) if analysis is not None else None
        text = hover_text(analysis, statement) if statement is not None else None
        if text is None:
            return None
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
            range=span_range(analysis.lines, statement.span, encoding_of(server)),
        )

    @server.feature(types.TEXT_DOCUMENT_INLAY_HINT)
    @guarded(server, default=[])
    async def inlay_hint(params: types.InlayHintParams) -> list[types.InlayHint]:
        analysis = await documents.analysis(params.text_document.uri)
        if analysis is None:
            return []
        return inlay_hints(analysis, params.range.start.line + 1, params.range.end.line + 1, encoding_of(server))

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=["="], resolve_provider=False)
    )
    @guarded(server)
    async def completion(params: types.CompletionParams) -> types.CompletionList | None:
        # Completion reads the current text before the cursor; only the document's block names
        # come from a check. While the check of a long document runs (seconds for 100,000 lines),
        # those of the last check done serve, rather than keeping every completion waiting.
        latest = documents.latest(params.text_document.uri)
        if latest is None:
            return None
        text, done = latest
        if done is None:  # no check done yet: wait a little for the first, else go on without blocks
            try:
                done = await asyncio.wait_for(
                    asyncio.shield(documents.analysis(params.text_document.uri)), COMPLETION_WAIT_S
                )
            except TimeoutError:
                done = None
        if done is not None and done.text == text:
            source, lines = done.source, done.editor_lines
        else:
            source = SourceFile(document_name(params.text_document.uri), text)
            lines = editor_lines(source)
        blocks = done.blocks if done is not None else {}
        line, column = from_lsp(lines, params.position.line, params.position.character, encoding_of(server))
        items = complete(source.text, line - 1, column - 1, blocks)
        return types.CompletionList(is_incomplete=False, items=items)

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    @guarded(server)
    async def goto_definition(params: types.DefinitionParams) -> types.Location | None:
        analysis, line, column = await at(params)
        if analysis is None:
            return None
        return definition(analysis, line, column, encoding_of(server))

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    @guarded(server, default=[])
    async def symbols(params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
        analysis = await documents.analysis(params.text_document.uri)
        if analysis is None:
            return []
        return document_symbols(analysis, encoding_of(server))

    return server


def serve_stdio() -> int:
    """Serve one client over stdin/stdout until it says `exit`: 0 when `shutdown` came first, else 1
    (LSP 3.17, "exit"). The protocol gets its own handle on stdout, and `print` goes to stderr
    meanwhile, so that nothing else can write into the message stream."""
    if _is_terminal(sys.stdin):
        _explain_to_a_person()
    server = build_server()
    protocol_out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    stdout, sys.stdout = sys.stdout, sys.stderr
    try:
        server.start_io(sys.stdin.buffer, protocol_out)
    finally:
        sys.stdout = stdout
        if not protocol_out.closed:
            protocol_out.close()
    return 0 if getattr(server.protocol, "_shutdown", True) else 1


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):  # closed or replaced stdin
        return False


TERMINAL_NOTE = (
    "netspec lsp: this is a language server: an editor starts it and talks to it in JSON-RPC over "
    "stdin/stdout (set-up for VS Code, Neovim and Helix: docs/editors.md). There is nothing to type "
    "here; to check a spec, run `netspec check FILE`. Ctrl-C or Ctrl-D quits.\n"
)


def _explain_to_a_person() -> None:
    """`netspec lsp` typed in a terminal: say what it is instead of waiting silently, and let
    Ctrl-C quit (pygls catches KeyboardInterrupt, then waits for its stdin reader, which a terminal
    never wakes: the first Ctrl-C did nothing)."""
    import signal

    sys.stderr.write(TERMINAL_NOTE)
    sys.stderr.flush()

    def quit_now(signum, frame):
        sys.stderr.write("\n")
        sys.stderr.flush()
        os._exit(130)  # 128 + SIGINT, as a shell reports a process ended by Ctrl-C

    signal.signal(signal.SIGINT, quit_now)

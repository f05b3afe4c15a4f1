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
import threading
import traceback
from collections.abc import Callable
from urllib.parse import unquote

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.io_ import StdoutWriter
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol

from netspec import __version__
from netspec.diagnostics import terminal_text
from netspec.lsp.completion import complete
from netspec.lsp.document import Analysis, document_name, editor_lines
from netspec.lsp.framing import Input, read_messages
from netspec.lsp.hover import hover_text
from netspec.lsp.inlay import inlay_hints
from netspec.lsp.navigation import definition, document_symbols
from netspec.lsp.positions import ENCODINGS, UTF16, from_lsp
from netspec.lsp.publish import lsp_diagnostics
from netspec.lsp.ranges import span_range
from netspec.serve.worker import THREADS, DaemonWorker, Superseded, TooLong
from netspec.source import SourceFile

DEBOUNCE_S = 0.15  # after a change: typing a word does not check every letter
COMPLETION_WAIT_S = 0.5  # completion waits this long for a document's first check, then goes on without
HOVER_WAIT_S = 1.0  # hover waits this long for the check of the current text, then uses the last one done
CHECK_TIMEOUT_S = 30.0  # a check running longer is stopped (`--check-timeout`); 100,000 lines take about 20 s
STALE_NOTE = "_(from the check of an earlier version: the current text is still being checked)_"
log = logging.getLogger(__name__)


class Documents:
    """The latest check of each open document, shared by every feature. `read(uri)` gives an open
    document's current text, None for a document that is not open.

    Checks run on a few worker threads (netspec/serve/worker.py), so that a document whose check
    takes long holds up neither the other documents nor its own newer text: a newer text
    supersedes the check of the older one (stopped at its next `checkpoint()`), and a check that
    runs past `check_timeout_s` is stopped and reported as such (`TooLong`)."""

    def __init__(
        self, read: Callable[[str], str | None], check_timeout_s: float | None = CHECK_TIMEOUT_S, threads: int = THREADS
    ):
        self.read = read
        self.check_timeout_s = check_timeout_s
        # Daemon threads: an `exit` during the check of a huge document ends the process at once
        # instead of waiting for the check (ThreadPoolExecutor's threads are joined at exit).
        self.executor = DaemonWorker("netspec-check", threads, check_timeout_s)
        self.checks: dict[str, tuple[str, asyncio.Future]] = {}
        self.pending: dict[str, asyncio.Task] = {}
        self.finished: dict[str, Analysis] = {}  # the latest check that completed, of any version
        self.finished_as: dict[str, int] = {}  # … and when it was asked for (`asked` then)
        self.asked = 0  # checks asked for so far
        self.finishing = threading.Lock()

    async def analysis(self, uri: str) -> Analysis | None:
        """The check of the document's current text: the one made or under way, else a new one
        (which supersedes the check of an older text). None when it is not open: the server
        reads no file itself (pygls would read any path, /dev/zero too). Raises TooLong when the
        check of the current text ran past the time limit."""
        while True:
            text = self.read(uri)
            if text is None:
                return None
            cached = self.checks.get(uri)
            if cached is None or cached[0] != text:
                self.asked += 1
                future = asyncio.wrap_future(self.executor.submit(self._check, uri, text, self.asked, key=uri))
                future.add_done_callback(_retrieved)  # a check nobody waits for any more fails quietly
                cached = self.checks[uri] = (text, future)
            try:
                return await asyncio.shield(cached[1])
            except Superseded:
                continue  # its check was stopped for a newer text: check that one
            except asyncio.CancelledError:
                if not cached[1].cancelled():
                    raise  # this request itself was cancelled
                # its check was dropped for a newer text before it started: check that one

    async def soon(self, uri: str, wait: float) -> Analysis | None:
        """The check of the current text if it is done within `wait` seconds, else the last check
        done (of an older text, maybe; `analysis.text` says), else None."""
        task = asyncio.ensure_future(self.analysis(uri))
        task.add_done_callback(_retrieved)
        await asyncio.wait({task}, timeout=wait)  # on time-out the task goes on: its check is shared
        if task.done() and not task.cancelled() and task.exception() is None:
            return task.result()
        return self.finished.get(uri) if self.read(uri) is not None else None

    async def current(self, uri: str) -> Analysis | None:
        """`analysis(uri)`, or None when its check ran past the time limit (features answer
        nothing then; the diagnostics say why)."""
        try:
            return await self.analysis(uri)
        except TooLong:
            return None

    def checked_text(self, uri: str) -> str | None:
        """The text whose check was last asked for."""
        cached = self.checks.get(uri)
        return cached[0] if cached is not None else None

    def _check(self, uri: str, text: str, asked: int) -> Analysis:
        """In a worker thread. Kept as the latest done even when a newer text superseded it
        while it ran (completion and hover can still use it), unless a check asked for later
        finished first: checks run side by side, and one that reaches no checkpoint runs on."""
        analysis = Analysis(uri, text)
        with self.finishing:
            if self.read(uri) is not None and asked > self.finished_as.get(uri, -1):  # open, and newer
                self.finished[uri], self.finished_as[uri] = analysis, asked
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
        """The document was closed: drop what is known of it and stop its check."""
        self.finished.pop(uri, None)
        self.finished_as.pop(uri, None)
        self.checks.pop(uri, None)
        self.executor.stop(uri)
        task = self.pending.pop(uri, None)
        if task is not None:
            task.cancel()


def _retrieved(future: asyncio.Future) -> None:
    """Mark a future's exception as seen (asyncio logs one nobody asked for when it is collected)."""
    if not future.cancelled():
        future.exception()


def too_long_diagnostic(uri: str, seconds: float) -> types.Diagnostic:
    """What the editor shows instead of the diagnostics of a check that was stopped at the limit."""
    return types.Diagnostic(
        range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=1, character=0)),
        message=(
            f"this spec took over {seconds:g} s to check, so netspec lsp stopped checking it to stay responsive; "
            f"`netspec check {terminal_text(document_name(uri))}` checks it without a time limit, and "
            "`netspec lsp --check-timeout SECONDS` raises the limit"
        ),
        severity=types.DiagnosticSeverity.Warning,
        source="netspec",
    )


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
    any handler, logs it with a traceback and drops it: the client waits for an answer forever.
    Here the request is answered with the JSON-RPC error (-32602 invalid params) first (JSON-RPC
    2.0 §5), and stderr gets one line instead of the traceback (`QuietUnreadable`)."""

    def structure_message(self, data):
        try:
            return super().structure_message(data)
        except JsonRpcException as error:
            method = terminal_text(str(data.get("method", "")))[:100]
            if isinstance(data.get("id"), (int, str)) and "method" in data:
                self._send_response(data["id"], error=error.to_response_error())
                log.error("netspec lsp: a %s request whose params do not fit it was answered with an error", method)
            else:
                log.error("netspec lsp: a %s message that could not be read was skipped", method or "JSON-RPC")
            raise


class QuietUnreadable(logging.Filter):
    """Drop pygls's "Unable to deserialize message" record and its traceback: the message was a
    client's mistake, not netspec's, and AnsweringProtocol has said so in one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Unable to deserialize message")


def same_line(analysis: Analysis, text: str, line: int) -> bool:
    """Whether 1-based `line` of `text` reads as it did in the checked `analysis`."""
    lines = editor_lines(SourceFile(analysis.source.name, text))
    old = analysis.editor_lines
    return 1 <= line <= min(len(lines), len(old)) and lines[line - 1] == old[line - 1]


def build_server(check_timeout_s: float | None = CHECK_TIMEOUT_S) -> LanguageServer:
    server = LanguageServer(
        "netspec", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full, protocol_cls=AnsweringProtocol
    )

    def read(uri: str) -> str | None:
        document = server.workspace.text_documents.get(unquote(uri))
        return document.source if document is not None else None

    documents = Documents(read, check_timeout_s)

    async def at(params) -> tuple[Analysis | None, int, int]:
        """The check of the document and the request's position as netspec's (line, column)."""
        analysis = await documents.current(params.text_document.uri)
        if analysis is None:
            return None, 0, 0
        position = params.position
        line, column = from_lsp(analysis.editor_lines, position.line, position.character, encoding_of(server))
        return analysis, line, column

    async def publish(uri: str, delay: float) -> None:
        try:
            if delay:
                await asyncio.sleep(delay)
            try:
                analysis = await documents.analysis(uri)
            except TooLong as error:
                checked, diagnostics = documents.checked_text(uri), [too_long_diagnostic(uri, error.seconds)]
            else:
                checked = analysis.text if analysis is not None else None
                diagnostics = lsp_diagnostics(analysis, encoding_of(server)) if analysis is not None else []
            document = server.workspace.text_documents.get(unquote(uri))
            if checked is None or document is None or document.source != checked:
                return  # changed or closed meanwhile: the next publish sends it
            server.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, version=document.version, diagnostics=diagnostics)
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
        # Not kept waiting by a long check of the current text: after HOVER_WAIT_S the last check
        # done answers, for a line that has not changed since, with a note saying so.
        uri = params.text_document.uri
        analysis = await documents.soon(uri, HOVER_WAIT_S)
        current = documents.read(uri)
        if analysis is None or current is None:
            return None
        position = params.position
        line, column = from_lsp(analysis.editor_lines, position.line, position.character, encoding_of(server))
        stale = analysis.text != current
        if stale and not same_line(analysis, current, line):
            return None
        statement = analysis.statement_at(line, column)
        text = hover_text(analysis, statement) if statement is not None else None
        if text is None:
            return None
        if stale:
            text = f"{text}\n\n{STALE_NOTE}"
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
            range=span_range(analysis.lines, statement.span, encoding_of(server)),
        )

    @server.feature(types.TEXT_DOCUMENT_INLAY_HINT)
    @guarded(server, default=[])
    async def inlay_hint(params: types.InlayHintParams) -> list[types.InlayHint]:
        analysis = await documents.current(params.text_document.uri)
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
            done = await documents.soon(params.text_document.uri, COMPLETION_WAIT_S)
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
        analysis = await documents.current(params.text_document.uri)
        if analysis is None:
            return []
        return document_symbols(analysis, encoding_of(server))

    return server


def serve_stdio(check_timeout_s: float | None = CHECK_TIMEOUT_S) -> int:
    """Serve one client over stdin/stdout until it says `exit`: 0 when `shutdown` came first, else 1
    (LSP 3.17, "exit"). The protocol gets its own handle on stdout, and `print` goes to stderr
    meanwhile, so that nothing else can write into the message stream."""
    if _is_terminal(sys.stdin):
        _explain_to_a_person()
    server = build_server(check_timeout_s)
    protocol_out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    stdout, sys.stdout = sys.stdout, sys.stderr
    try:
        run_io(server, sys.stdin.buffer, protocol_out)
    finally:
        sys.stdout = stdout
        if not protocol_out.closed:
            protocol_out.close()
    return 0 if getattr(server.protocol, "_shutdown", True) else 1


def run_io(server: LanguageServer, stdin, stdout) -> None:
    """pygls's `start_io`, reading messages with netspec.lsp.framing (bounded, and a bad frame is
    answered) instead of pygls's read loop. Ends when stdin ends or at `exit` (SystemExit)."""
    server.protocol.set_writer(StdoutWriter(stdout))
    pygls_log = logging.getLogger("pygls.protocol.json_rpc")  # where structure_message logs
    if not any(isinstance(f, QuietUnreadable) for f in pygls_log.filters):
        pygls_log.addFilter(QuietUnreadable())
    try:
        asyncio.run(read_messages(Input(stdin), server.protocol))
    except BrokenPipeError:
        log.error("netspec lsp: the editor closed its end of the connection; stopping")
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.shutdown()


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

"""Running the playground's application: bound to a socket first (so `--port 0` knows its port
before the page's allowed Host names are fixed), in the foreground (`netspec serve`) or in a
background thread (tests, benchmarks, a notebook)."""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time

from netspec.loading import UsageError
from netspec.serve.command import DEFAULT_CHECK_TIMEOUT_S
from netspec.serve.session import Session


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on `host`:`port` (0: a free port); UsageError when that cannot be."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, ValueError) as error:
        raise UsageError(f"cannot listen on {host}: {error}") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(64)
    except OSError as error:
        sock.close()
        hint = " (--port 0 picks a free port)" if port else ""
        raise UsageError(f"cannot listen on {host}:{port}: {error.strerror or error}{hint}") from None
    return sock


def page_url(host: str, port: int, session: Session) -> str:
    """The address to open: the page with the session's token."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/?token={session.token}"


class _CancelledAtShutdown(logging.Filter):
    """Drop uvicorn's "Exception in ASGI application" for a request cancelled because the server
    stops (Ctrl-C during a long check): the person asked for it, a traceback would alarm them."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], asyncio.CancelledError))


def _server(session: Session, sock: socket.socket, host: str, check_timeout_s: float | None):
    import uvicorn

    from netspec.serve.app import create_app
    from netspec.serve.guard import own_hosts

    app = create_app(session, own_hosts(host, sock.getsockname()[1]), check_timeout_s=check_timeout_s)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)  # its Config sets up uvicorn's loggers: add the filter after
    uvicorn_errors = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _CancelledAtShutdown) for f in uvicorn_errors.filters):
        uvicorn_errors.addFilter(_CancelledAtShutdown())
    return server


def serve_forever(
    session: Session, sock: socket.socket, host: str, check_timeout_s: float | None = DEFAULT_CHECK_TIMEOUT_S
) -> None:
    """Serve until Ctrl-C or SIGTERM (uvicorn catches both and shuts down cleanly)."""
    server = _server(session, sock, host, check_timeout_s)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # a second Ctrl-C during shutdown
        pass
    finally:
        sock.close()


class Background:
    """The playground served from a thread: `with Background(session) as url: …`."""

    def __init__(
        self,
        session: Session,
        host: str = "127.0.0.1",
        port: int = 0,
        check_timeout_s: float | None = DEFAULT_CHECK_TIMEOUT_S,
    ):
        self.session = session
        self.host = host
        self.sock = bind(host, port)
        self.port = self.sock.getsockname()[1]
        self.url = page_url(host, self.port, session)
        self.server = _server(session, self.sock, host, check_timeout_s)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the playground's server did not start")
            time.sleep(0.01)
        return self.url

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()

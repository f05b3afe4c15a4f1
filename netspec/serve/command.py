"""The `netspec serve` command: its flags (cheap to import) and its entry point.

netspec serve                      # the bundled LeNet, in the default browser
netspec serve my.net               # edit my.net; the page can save back to it (and only to it)
netspec serve vgg16 --port 0 --no-browser   # a free port; print the address, open nothing
"""

from __future__ import annotations

import sys

from netspec.loading import UsageError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def add_parser(commands) -> None:
    """Add `serve` to the `netspec` sub-command parsers."""
    serve = commands.add_parser("serve", help="a browser playground that checks the spec as you type")
    serve.add_argument("spec", nargs="?", help="a .net file to edit and save, or a bundled spec's name (default lenet)")
    serve.add_argument("--port", type=_port, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0: a free one)")
    serve.add_argument(
        "--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST}: this machine only)"
    )
    serve.add_argument("--no-browser", action="store_true", help="print the address; do not open a browser")


def _port(text: str) -> int:
    import argparse

    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 0 to 65535, got {text[:24]!r}")
    return int(text)


def run(args) -> int:
    """Serve the playground until Ctrl-C; exit 0. A busy port or an unusable spec is a usage error."""
    try:
        import uvicorn  # noqa: F401

        from netspec.serve.app import create_app
    except ImportError as error:
        raise UsageError(
            f"netspec serve needs its extra: pip install 'netspec[serve]' ({error.name} is missing)"
        ) from None
    from netspec.diagnostics import terminal_text
    from netspec.serve.guard import own_hosts
    from netspec.serve.session import open_session

    session = open_session(args.spec)
    sock = _bind(args.host, args.port)
    port = sock.getsockname()[1]
    if args.host != DEFAULT_HOST:
        print(
            f"netspec: warning: listening on {terminal_text(args.host)}, not only this machine: anyone who can reach "
            "it and has the address with its token can read and save the spec",
            file=sys.stderr,
        )
    shown_host = args.host if args.host not in ("0.0.0.0", "::") else DEFAULT_HOST
    if ":" in shown_host:
        shown_host = f"[{shown_host}]"
    url = f"http://{shown_host}:{port}/?token={session.token}"
    what = terminal_text(session.name) + ("" if session.can_save else " (a bundled example: download to keep changes)")
    print(f"netspec serve: {what}\n  {url}\n  Ctrl-C stops it.", flush=True)
    app = create_app(session, own_hosts(args.host, port))
    if not args.no_browser:
        import webbrowser

        webbrowser.open(url)
    return _serve(app, sock)


def _bind(host: str, port: int):
    import socket

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
        if port:
            raise UsageError(f"cannot listen on {host}:{port}: {error.strerror or error} (--port 0 picks a free port)") from None
        raise UsageError(f"cannot listen on {host}: {error.strerror or error}") from None
    return sock


def _serve(app, sock) -> int:
    import uvicorn

    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])  # uvicorn handles Ctrl-C and SIGTERM: it stops and returns
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
    print("netspec serve: stopped", file=sys.stderr)
    return 0

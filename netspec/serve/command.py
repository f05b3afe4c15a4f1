"""The `netspec serve` command: its flags (cheap to import) and its entry point.

netspec serve                      # the bundled LeNet, in the default browser
netspec serve my.net               # edit my.net; the page can save back to it (and only to it)
netspec serve vgg16 --port 0 --no-browser   # a free port; print the address, open nothing
"""

from __future__ import annotations

import os
import sys

from netspec.loading import UsageError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
DEFAULT_CHECK_TIMEOUT_S = 30.0  # a check running longer is stopped; a 100,000-line spec takes about 20 s


def add_parser(commands) -> None:
    """Add `serve` to the `netspec` sub-command parsers."""
    serve = commands.add_parser("serve", help="a browser playground that checks the spec as you type")
    serve.add_argument("spec", nargs="?", help="a .net file to edit and save, or a bundled spec's name (default lenet)")
    serve.add_argument("--port", type=_port, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0: a free one)")
    serve.add_argument(
        "--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST}: this machine only)"
    )
    serve.add_argument("--no-browser", action="store_true", help="print the address; do not open a browser")
    add_check_timeout(serve, "the page says so")


def add_check_timeout(parser, then: str) -> None:
    """`--check-timeout SECONDS`, shared by `netspec serve` and `netspec lsp`."""
    parser.add_argument(
        "--check-timeout",
        type=check_timeout,
        default=DEFAULT_CHECK_TIMEOUT_S,
        metavar="SECONDS",
        help=f"stop a check that runs longer, and {then} (default {DEFAULT_CHECK_TIMEOUT_S:g}; 0: no limit)",
    )


def check_timeout(text: str) -> float | None:
    """A time limit in seconds for one check: a positive number, or 0 for none (None)."""
    import argparse
    import math

    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and 0 <= seconds <= 86_400):
        raise argparse.ArgumentTypeError(f"expected seconds from 0 (no limit) to 86400, got {text[:24]!r}")
    return seconds or None


def _port(text: str) -> int:
    import argparse

    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 0 to 65535, got {text[:24]!r}")
    return int(text)


def run(args) -> int:
    """Serve the playground until Ctrl-C; exit 0. A busy port or an unusable spec is a usage error."""
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as error:
        raise UsageError(
            f"netspec serve needs its extra: pip install 'netspec[serve]' ({error.name} is missing)"
        ) from None
    from netspec.diagnostics import terminal_text
    from netspec.serve.server import bind, page_url, serve_forever
    from netspec.serve.session import open_session

    session = open_session(args.spec)
    sock = bind(args.host, args.port)
    port = sock.getsockname()[1]
    if not is_loopback(args.host):
        print(
            f"netspec: warning: listening on {terminal_text(args.host)}, not only on this machine: anyone who can "
            "reach it and has the address with its token can read the spec and save over it",
            file=sys.stderr,
        )
    url = page_url(args.host, port, session)
    what = terminal_text(session.name) + ("" if session.can_save else " (a bundled example: download to keep changes)")
    opening = not args.no_browser and can_open_browser(os.environ, sys.platform)
    todo = "opening it in your browser" if opening else "open this address in a browser"
    print(f"netspec serve: {what}\n  {url}\n  {todo}; Ctrl-C stops the server.", flush=True)
    if not args.no_browser and not opening:
        print(
            "netspec serve: no display to open a browser on (DISPLAY, WAYLAND_DISPLAY and BROWSER are unset); "
            f"from another machine: ssh -L {port}:127.0.0.1:{port} THIS-HOST, then open the address there",
            file=sys.stderr,
        )
    if opening:
        import threading
        import webbrowser

        # In a thread: some browsers' commands only return when the browser is closed, and the
        # socket is already listening, so the page loads as soon as the server starts.
        threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
    serve_forever(session, sock, args.host, args.check_timeout)
    print("netspec serve: stopped", file=sys.stderr)
    return 0


def can_open_browser(environ, platform: str) -> bool:
    """Whether opening a browser can show the page: on macOS and Windows always; elsewhere only
    with a graphical display (`DISPLAY`, `WAYLAND_DISPLAY`) or a browser chosen in `BROWSER`.
    Without them Python's `webbrowser` falls back to a text browser (lynx, w3m) that takes over
    the terminal, blocks until it is closed and cannot run the page's script."""
    if platform == "darwin" or platform.startswith(("win", "cygwin")):
        return True
    return any(environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER"))


def is_loopback(host: str) -> bool:
    """Whether `host` is reachable from this machine only: `localhost`, or an address in 127.0.0.0/8
    or ::1 (RFC 1122 §3.2.1.3, RFC 4291 §2.5.3)."""
    import ipaddress

    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False

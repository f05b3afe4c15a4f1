"""The `netspec lsp` command: its flags (cheap to import) and its entry point."""

from __future__ import annotations

from netspec.loading import UsageError
from netspec.serve.command import add_check_timeout

INSTALL_HINT = "netspec lsp needs pygls: pip install 'netspec[lsp]'"


def add_parser(commands) -> None:
    """Add `lsp` to the `netspec` sub-command parsers."""
    lsp = commands.add_parser(
        "lsp", help="a Language Server over stdio: diagnostics, hover, inlay hints, completion (docs/editors.md)"
    )
    lsp.add_argument("--stdio", action="store_true", help="talk over stdin/stdout (the default and only transport)")
    add_check_timeout(lsp, "show a warning in its place")


def run(args) -> int:
    """Serve one editor over stdin/stdout until it exits."""
    try:
        import lsprotocol  # noqa: F401
        import pygls  # noqa: F401
    except ImportError:
        raise UsageError(INSTALL_HINT) from None
    from netspec.lsp.server import serve_stdio

    return serve_stdio(args.check_timeout)

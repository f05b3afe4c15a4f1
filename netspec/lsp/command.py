"""The `netspec lsp` command: its flags (cheap to import) and its entry point."""

from __future__ import annotations

from netspec.loading import UsageError


def add_parser(commands) -> None:
    """Add `lsp` to the `netspec` sub-command parsers."""
    commands.add_parser("lsp", help="(not built yet)")


def run(args) -> int:
    raise UsageError("netspec lsp is not built yet")

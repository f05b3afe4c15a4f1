"""The `netspec serve` command: its flags (cheap to import) and its entry point."""

from __future__ import annotations

from netspec.loading import UsageError


def add_parser(commands) -> None:
    """Add `serve` to the `netspec` sub-command parsers."""
    commands.add_parser("serve", help="(not built yet)")


def run(args) -> int:
    raise UsageError("netspec serve is not built yet")

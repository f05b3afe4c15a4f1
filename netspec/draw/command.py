"""The `netspec draw` command: its flags (cheap to import) and its entry point."""

from __future__ import annotations

from netspec.loading import UsageError


def add_parser(commands) -> None:
    """Add `draw` to the `netspec` sub-command parsers."""
    commands.add_parser("draw", help="(not built yet)")


def run(args) -> int:
    raise UsageError("netspec draw is not built yet")

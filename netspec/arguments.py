"""The `netspec` command line's argparse parsers: a sub-parser per command, built only for the
command being run (see build_parser). netspec.cli parses the common `netspec check FILE…` without
them, runs the commands, and owns the value converters used here."""

from __future__ import annotations

import argparse
import os
import sys
from importlib import import_module

from netspec import __version__
from netspec.cli import (
    _COMMAND_MODULES,
    DEFAULT_MEMORY,
    _budgets,
    _convention,
    _memory_size,
    _positive,
)
from netspec.color import MODES
from netspec.loading import UsageError


class _Formatter(argparse.HelpFormatter):
    """argparse's help formatter, measuring the terminal without importing shutil: argparse makes
    one for every add_argument, and shutil (with bz2, lzma, fnmatch) cost ~2 ms of every start."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width=None):
        super().__init__(prog, indent_increment, max_help_position, _terminal_columns() - 2 if width is None else width)


def _terminal_columns() -> int:
    """shutil.get_terminal_size().columns: $COLUMNS, else the terminal's width, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str):  # argparse's default exits 2 too; keep its usage line
        self.print_usage(sys.stderr)
        raise UsageError(message)


def add_memory_flags(parser: argparse.ArgumentParser) -> None:
    from netspec.memory import DEVICES, DTYPE_BYTES, OPTIMIZER_SLOTS

    group = parser.add_argument_group("memory estimate")
    group.add_argument("--batch", type=_positive, help="batch size (default: the train block's, else 1)")
    group.add_argument("--dtype", choices=sorted(DTYPE_BYTES), default="fp32", help="element type (default fp32)")
    group.add_argument(
        "--optimizer", choices=sorted(OPTIMIZER_SLOTS), help="optimizer (default: the train block's, else adam)"
    )
    group.add_argument("--device", choices=DEVICES, default="cuda", help="where the step runs (dropout masks differ)")
    group.add_argument("--memory", type=_memory_size, default=DEFAULT_MEMORY, help="memory to fit in (default 16GiB)")


def _add_check(commands) -> None:
    check = commands.add_parser("check", help="compute shapes, parameters, MACs, receptive fields and memory")
    check.add_argument(
        "specs",
        nargs="*",
        metavar="SPEC",
        help="a .net file, the name of a bundled spec, - for stdin, or a folder (its *.net files); "
        "several: a summary line each and their diagnostics",
    )
    check.add_argument("--json", action="store_true", help="print one JSON object (schema 2); several: one a line")
    check.add_argument("--explain", action="store_true", help="show the arithmetic of every layer")
    check.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    check.add_argument("--kinds", action="store_true", help="list the layer kinds and exit")
    check.add_argument(
        "--color",
        choices=MODES,
        default="auto",
        help="colour the diagnostics and the table: auto (the default) on a terminal unless NO_COLOR is set",
    )
    check.add_argument(
        "--budget",
        type=_budgets,
        action="append",
        metavar="KEY=LIMIT,…",
        help="warn (over-budget) past limits: params=5M,macs=1G,flops=2G,memory=8GiB (or one --budget "
        "each); --strict fails on them",
    )
    check.add_argument(
        "--macs-convention",
        type=_convention,
        metavar="NAME",
        help="also count MACs as ptflops, thop or fvcore do (or netspec, all): docs/conventions.md",
    )
    add_memory_flags(check)


def _add_specs(commands) -> None:
    commands.add_parser("specs", help="list the bundled example specs")


def _add_compile(commands) -> None:
    compile_ = commands.add_parser("compile", help="write a standalone PyTorch module for a spec")
    compile_.add_argument("spec", help="a .net file (or the name of a bundled spec)")
    compile_.add_argument("-o", "--output", metavar="FILE", help="write it to FILE (atomically), not to stdout")


def _add_training(commands) -> None:
    from netspec.training.commands import add_parsers  # train and eval; no torch until a run

    add_parsers(commands)


def _adder(module: str):
    return lambda commands: import_module(module).add_parser(commands)


# Every command and what adds its parser, in the order `netspec --help` lists them.
_PARSER_ADDERS = {
    "check": _add_check,
    "specs": _add_specs,
    "compile": _add_compile,
    "train": _add_training,
    "eval": _add_training,
    **{name: _adder(module) for name, module in _COMMAND_MODULES.items()},
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The `netspec` parser: with `command`, only that command's sub-parser is built (building all
    of them, with the imports of train, draw, serve and lsp, cost `netspec check` ~8 ms at every
    start); without, all of them, for `netspec --help` and unknown commands."""
    parser = _Parser(prog="netspec", description="Check, compile and train convolutional network specs.")
    parser.add_argument("--version", action="version", version=f"netspec {__version__}")
    # prog given: argparse would otherwise format the usage to find it (and import shutil, ~2 ms)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser, prog="netspec")
    adders = [_PARSER_ADDERS[command]] if command in _PARSER_ADDERS else dict.fromkeys(_PARSER_ADDERS.values())
    for add in adders:
        add(commands)
    return parser

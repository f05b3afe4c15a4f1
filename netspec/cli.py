"""The `netspec` command line.

    netspec check specs/lenet.net                  # per-layer table, totals, memory
    netspec check alexnet.net --explain            # with the arithmetic of every layer
    netspec check vgg16.net --json --batch 64      # one JSON object (schema 2)
    netspec check lenet.net --macs-convention all  # MACs as ptflops, thop, fvcore, torchinfo count them
    netspec check vgg16.net --budget params=100M   # a limit: an over-budget warning (--strict: exit 1)
    netspec specs                                  # list the bundled specs
    netspec compile alexnet.net -o alexnet.py      # a standalone PyTorch module
    netspec train specs/lenet.net --epochs 1       # train it (docs/train.md); netspec eval for accuracy

    netspec check - < spec.net                     # the spec from stdin
    netspec check a.net b.net specs/               # several: a line each, their diagnostics
    netspec check lenet.net --color never          # no colour on a terminal (NO_COLOR=1 too)

Exit codes: 0 checked (warnings allowed), 1 the spec has errors (or warnings with --strict),
2 usage errors (missing file, bad flag, output that cannot be written; with several specs, one
that could not be read), 3 a bug in netspec
(`netspec: internal error: …`; NETSPEC_DEBUG=1 shows its traceback).
"""

from __future__ import annotations

import codecs
import errno
import io
import os
import sys

from netspec.color import MODES, Palette, wants_color
from netspec.diagnostics import terminal_text
from netspec.loading import STDIN, UsageError, load_spec
from netspec.units import parse_bytes

EXIT_OK, EXIT_SPEC_ERRORS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
DEBUG_ENV = "NETSPEC_DEBUG"
OUTPUT_ERRORS = {errno.ENOSPC, errno.EIO, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}
# A path the user gave that the file system refuses as a name, whichever command meets it
# (`compile -o` a 300-character name): the user's mistake, not netspec's.
NAME_ERRORS = {errno.ENAMETOOLONG, errno.ELOOP}

# What netspec prints beyond ASCII, and how it reads where the output's encoding lacks it
# (PYTHONIOENCODING=cp1252, a Windows console, LANG=C without UTF-8 mode).
ASCII_FORMS = {
    "−": "-",
    "–": "-",
    "—": "--",
    "×": "x",
    "⌊": "floor(",
    "⌋": ")",
    "⌈": "ceil(",
    "⌉": ")",
    "·": "*",
    "≥": ">=",
    "≤": "<=",
    "≠": "!=",
    "≈": "~",
    "→": "->",
    "←": "<-",
    "√": "sqrt",
    "Σ": "sum",
    "…": "...",
    "²": "^2",
    "³": "^3",
    "±": "+-",
    "∞": "inf",
    "µ": "u",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "•": "*",
}


def _memory_size(text: str) -> int:
    import argparse  # loaded already: argparse is parsing

    try:
        return parse_bytes(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


MAX_BATCH = 2**31 - 1  # beyond any memory; larger would overflow the estimate's floats
DEFAULT_MEMORY = 16 * 2**30  # --memory 16GiB


def _positive(text: str) -> int:
    import argparse  # loaded already: argparse is parsing

    try:
        value = int(text) if len(text) <= 30 else MAX_BATCH + 1  # no 4,300-digit conversion
    except ValueError:
        value = 0
    shown = text if len(text) <= 24 else text[:24] + "…"
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number ≥ 1, got {shown!r}")
    if value > MAX_BATCH:
        raise argparse.ArgumentTypeError(f"expected a whole number up to {MAX_BATCH:,}, got {shown!r}")
    return value


def _budgets(text: str):
    import argparse

    from netspec.budgets import parse_budgets  # only when --budget is given

    try:
        return parse_budgets(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _convention(text: str) -> str:
    import argparse

    from netspec.conventions import parse_convention  # only when --macs-convention is given

    try:
        return parse_convention(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


# Commands whose flags live beside their code: `module.add_parser(commands)` adds the flags (the module
# imports nothing heavy), `module.run(args)` runs the command.
_COMMAND_MODULES = {"draw": "netspec.draw.command", "serve": "netspec.serve.command", "lsp": "netspec.lsp.command"}


def build_parser(command: str | None = None):
    """The `netspec` argparse parser (netspec.arguments): with `command`, only that command's."""
    from netspec.arguments import build_parser

    return build_parser(command)


# `netspec check FILE…` with only these flags is parsed without argparse (its import and the check
# parser cost ~3 ms of a ~20 ms check); anything else goes to argparse. The namespace is the one
# argparse gives (tests/test_startup.py compares them): CHECK_DEFAULTS are the check parser's.
QUICK_FLAGS = {"--json": "json", "--explain": "explain", "--strict": "strict", "--kinds": "kinds"}
CHECK_DEFAULTS = {
    "command": "check",
    "specs": [],
    "json": False,
    "explain": False,
    "strict": False,
    "kinds": False,
    "color": "auto",
    "budget": None,
    "macs_convention": None,
    "batch": None,
    "dtype": "fp32",
    "optimizer": None,
    "device": "cuda",
    "memory": DEFAULT_MEMORY,
}


def quick_check_args(argv: list[str]):
    """The parsed arguments of `check` followed by spec names, `-`, and flags without values from
    QUICK_FLAGS or `--color=auto|always|never`; None for anything else (argparse then parses it,
    with its abbreviations, help and errors)."""
    if not argv or argv[0] != "check":
        return None
    values = dict(CHECK_DEFAULTS, specs=[])
    for word in argv[1:]:
        if word in QUICK_FLAGS:
            values[QUICK_FLAGS[word]] = True
        elif word.startswith("--color=") and word[len("--color=") :] in MODES:
            values["color"] = word[len("--color=") :]
        elif word == "-" or not word.startswith("-"):
            values["specs"].append(word)
        else:
            return None
    from types import SimpleNamespace

    return SimpleNamespace(**values)


def parse_arguments(argv: list[str]):
    """The command line parsed by argparse. `check` takes spec names between its flags too
    (`netspec check a.net --json b.net`), which argparse alone would refuse."""
    parser = build_parser(argv[0] if argv else None)  # `netspec -h check`: argv[0] is no command, all
    args, extra = parser.parse_known_args(argv)
    if extra:
        if getattr(args, "command", None) == "check" and all(w == "-" or not w.startswith("-") for w in extra):
            args.specs += extra
        else:
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
    return args


def main(argv: list[str] | None = None) -> int:
    """The command line. Never ends in a traceback: a mistake of the user's is `netspec: error: …`
    (exit 2), output that cannot be written (a full disk) too, and anything unexpected is
    `netspec: internal error: …` (exit 3), unless NETSPEC_DEBUG=1 asks for the traceback."""
    _make_output_safe()
    try:
        code = _run(argv)
        _flush(sys.stdout)
        return code
    except UsageError as error:
        _error(f"netspec: error: {terminal_text(str(error))}")
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _silence(sys.stdout)  # `netspec check ... | head` is not an error
        return EXIT_OK
    except OSError as error:
        if error.errno in NAME_ERRORS and error.filename:
            shown = str(error.filename) if len(str(error.filename)) <= 80 else str(error.filename)[:80] + "…"
            _error(f"netspec: error: cannot use {terminal_text(shown)}: {error.strerror or error}")
            return EXIT_USAGE
        if error.errno not in OUTPUT_ERRORS:
            return _internal(error)
        _silence(sys.stdout)
        where = f" {error.filename}" if error.filename else " the output"
        _error(f"netspec: error: cannot write{terminal_text(where)}: {error.strerror or error}")
        return EXIT_USAGE
    except Exception as error:  # noqa: BLE001 (the one place that turns a bug into a message)
        return _internal(error)


def _run(argv: list[str] | None) -> int:
    exiting = argv is None  # the process's own command line: it ends when the command does
    argv = sys.argv[1:] if argv is None else list(argv)
    args = quick_check_args(argv)
    if args is None:
        args = parse_arguments(argv)
    if args.command == "check":
        code = run_check(args)
        return _end_check_process(code) if exiting else code
    if args.command == "specs":
        return run_specs()
    if args.command == "compile":
        from netspec.compile_cli import run_compile

        return run_compile(args)
    if args.command in ("train", "eval"):
        from netspec.training.commands import run_eval, run_train

        return run_train(args) if args.command == "train" else run_eval(args)
    if args.command in _COMMAND_MODULES:
        from importlib import import_module  # importlib's package imports warnings: not for a check

        return import_module(_COMMAND_MODULES[args.command]).run(args)
    build_parser().print_help()
    return EXIT_USAGE


def _end_check_process(code: int) -> int:
    """A check's process ends here: its output is flushed, then it exits at once with `code`
    (os._exit), skipping Python's shutdown: the last full garbage collection over every object
    still alive and the teardown of every module, ~4 ms of a ~20 ms check spent freeing memory
    that the exit frees anyway. Only for `check`, which holds no files, threads or temporary
    files, and only when nothing was registered to run at exit (atexit); otherwise the objects
    are frozen (gc.freeze), which still spares the collection, and the exit is the usual one."""
    import gc

    gc.freeze()
    _flush(sys.stdout)  # None when the command ran with stdout closed (`>&-`)
    _flush(sys.stderr)
    import atexit

    if getattr(atexit, "_ncallbacks", lambda: 1)() == 0:
        os._exit(code)
    return code


def _internal(error: BaseException) -> int:
    if os.environ.get(DEBUG_ENV) == "1":
        raise error
    message = terminal_text(str(error))[:2000]
    _error(
        f"netspec: internal error: {type(error).__name__}: {message} — please report this "
        f"(run with {DEBUG_ENV}=1 for the traceback)"
    )
    return EXIT_INTERNAL


def _error(line: str) -> None:
    try:
        print(line, file=sys.stderr)
        sys.stderr.flush()
    except (OSError, ValueError):  # stderr closed or full: nothing more can be said
        pass


def _flush(stream) -> None:
    if stream is not None:
        stream.flush()


def _silence(stream) -> None:
    """After a write to stdout failed, point it at the null device, so that the interpreter's last
    flush at exit does not fail again and print "Exception ignored …" (the recipe in Python's
    documentation for SIGPIPE). Only the process's real stdout: a test's capture is left alone."""
    if stream is None or stream is not sys.__stdout__:
        return
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, stream.fileno())
        os.close(null)
    except (OSError, ValueError, io.UnsupportedOperation):
        pass


def _ascii_fallback(error: UnicodeError) -> tuple[str, int]:
    """The `netspec` codec error handler: a character the output's encoding lacks becomes its ASCII
    form (− → -, ⌊x⌋ → floor(x), × → x) or a backslash escape, instead of a UnicodeEncodeError."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    bad = error.object[error.start : error.end]
    return "".join(ASCII_FORMS.get(ch) or _escaped(ch) for ch in bad), error.end


def _escaped(ch: str) -> str:
    shown = terminal_text(ch)
    return shown if shown != ch else f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}"


codecs.register_error("netspec", _ascii_fallback)


def _make_output_safe() -> None:
    """stdout and stderr never fail on a character: what their encoding lacks is written in ASCII."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.errors != "netspec":
            try:
                stream.reconfigure(errors="netspec")
            except (OSError, ValueError, io.UnsupportedOperation):
                pass


def _encodable(text: str) -> bool:
    """Whether `text` is valid Unicode (no lone surrogates from an undecodable file name)."""
    try:
        text.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def _utf8(stream) -> bool:
    try:
        return codecs.lookup(stream.encoding).name == "utf-8"
    except (AttributeError, LookupError, TypeError):
        return False


def run_check(args) -> int:
    """`netspec check`: one spec, the full report; several (or a folder), a line each."""
    if args.kinds:
        return run_kinds()
    if not args.specs:
        raise UsageError("check needs a spec file: netspec check FILE.net (or several, or a folder)")
    if args.budget:  # one group of budgets per --budget flag
        from netspec.budgets import merge_budgets

        try:
            args.budget = merge_budgets(args.budget)
        except ValueError as error:
            raise UsageError(f"--budget: {error}") from None
    palette = Palette(not args.json and wants_color(args.color, sys.stdout))
    if len(args.specs) == 1 and not _is_folder(args.specs[0]):
        return _check_one(args, args.specs[0], palette)
    if args.explain:
        raise UsageError("--explain shows one spec's table: give one file")
    if args.specs.count(STDIN) > 1:
        raise UsageError("- (standard input) is given more than once: it can be read only once")
    return _check_many(args, _unique(_expand_folders(args.specs)), palette)


def _check_one(args, name: str, palette: Palette) -> int:
    from netspec.report import json_report, text_report

    source, note = load_spec(name)
    if note:
        print(terminal_text(note), file=sys.stderr)
    result, memory, extra_json, extra_text = _checked(args, source)
    if args.json:
        report = json_report(result, memory, args.memory) | extra_json
        print(_json_text(report, indent=2))
    else:
        print(text_report(result, memory, args.memory, explain=args.explain, palette=palette) + extra_text)
    return _exit_code(args, result)


def _checked(args, source):
    """The check of one source: (result, memory estimate, what --budget and --macs-convention add
    to the JSON, and to the text)."""
    from netspec.api import training_memory  # the batch/optimizer defaults that netspec.check shares
    from netspec.checker import check_source

    result = check_source(source)
    memory = training_memory(result, args.batch, args.dtype, args.optimizer, args.device, limit=args.memory)
    extra_json, extra_text = {}, ""  # what --budget and --macs-convention add
    if args.budget:
        from netspec.budgets import check_budgets

        extra_json["budgets"] = check_budgets(result, memory, args.budget)
    if args.macs_convention and result.ok:
        from netspec.conventions import conventions_json, conventions_text

        extra_json["macs_conventions"] = conventions_json(result, args.macs_convention)
        extra_text = "\n\n" + conventions_text(result, args.macs_convention)
    return result, memory, extra_json, extra_text


def _exit_code(args, result) -> int:
    if not result.ok or (args.strict and result.diagnostics.warnings):
        return EXIT_SPEC_ERRORS
    return EXIT_OK


def _json_text(report: dict, indent: int | None) -> str:
    import json  # only --json needs it: ~2 ms at every start otherwise

    text = json.dumps(report, indent=indent, ensure_ascii=False)
    if not _utf8(sys.stdout) or not _encodable(text):  # \u escapes: the same JSON, valid anywhere
        text = json.dumps(report, indent=indent, ensure_ascii=True)
    return text


def _is_folder(name: str) -> bool:
    try:
        return name != STDIN and os.path.isdir(name)
    except (OSError, ValueError):
        return False


def _expand_folders(names: list[str]) -> list[str]:
    """The specs named: files as given, and for a folder the `*.net` files directly in it (sorted by
    name, not recursive; a folder without any stays, and is reported as unreadable)."""
    expanded = []
    for name in names:
        if not _is_folder(name):
            expanded.append(name)
            continue
        try:
            with os.scandir(name) as entries:
                found = sorted(
                    entry.name for entry in entries if entry.name.endswith(".net") and not _entry_is_dir(entry)
                )
        except OSError:
            found = []  # reported as the folder's problem
        expanded.extend([os.path.join(name, spec) for spec in found] or [name])
    return expanded


def _entry_is_dir(entry: os.DirEntry) -> bool:
    """Whether a folder entry is a folder; an entry that cannot be followed (a loop of links, a
    name too long) is not, so it is listed and reported by itself rather than hiding its folder."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def _unique(names: list[str]) -> list[str]:
    """`names` without repeats: a file named twice (`a.net a.net`, `specs/ specs/lenet.net`,
    `./a.net a.net`) is checked once, where it first appears."""
    seen, unique = set(), []
    for name in names:
        try:
            key = name if name == STDIN else os.path.realpath(name)
        except (OSError, ValueError):
            key = name
        if key not in seen:
            seen.add(key)
            unique.append(name)
    return unique


def _check_many(args, names: list[str], palette: Palette) -> int:
    """A line per spec (`specs/lenet.net: ok — 61,706 params, 416 K MACs, 7 layers`) and its
    diagnostics; with --json, one schema-2 object per line (JSON Lines). Exit 2 when a spec could
    not be read, else 1 when one has errors (or warnings, with --strict), else 0."""
    from netspec.diagnostics import render_all
    from netspec.report import json_report

    unreadable = failed = 0
    for name in names:
        try:
            if _is_folder(name):
                raise UsageError(_folder_problem(name))
            source, note = load_spec(name)
        except UsageError as error:
            unreadable += 1
            if args.json:
                print(_json_text({"schema": 2, "file": name, "ok": False, "error": str(error)}, indent=None))
            else:
                where = palette.paint(f"{terminal_text(name)}:", "location")
                print(f"{where} {palette.paint('error:', 'error')} {terminal_text(str(error))}")
            continue
        if note:
            print(terminal_text(note), file=sys.stderr)
        result, memory, extra_json, extra_text = _checked(args, source)
        failed += _exit_code(args, result) != EXIT_OK
        if args.json:
            print(_json_text(json_report(result, memory, args.memory) | extra_json, indent=None))
            continue
        print(summary_line(result, palette))
        shown = render_all(result.diagnostics.sorted(), result.source, palette)
        if shown:
            print(shown)
        if extra_text:  # --macs-convention: the comparison under the spec's line
            print(extra_text.strip("\n"))
    if not args.json:
        print(f"{len(names)} spec{'s' * (len(names) != 1)}: {len(names) - failed - unreadable} ok, "
              f"{failed} with problems, {unreadable} unreadable")  # fmt: skip
    return EXIT_USAGE if unreadable else EXIT_SPEC_ERRORS if failed else EXIT_OK


def _folder_problem(name: str) -> str:
    try:
        os.listdir(name)
    except OSError as error:
        return f"cannot read {name}: {error.strerror or error}"
    return f"{name} holds no .net files (a folder means the *.net files directly in it, not in its subfolders)"


def summary_line(result, palette: Palette) -> str:
    """`specs/lenet.net: ok — 61,706 params, 416 K MACs, 7 layers, 1 warning`, or the count of
    errors and warnings of a spec that has errors."""
    from netspec.units import fmt_count

    items = result.diagnostics.sorted()
    errors = sum(d.severity == "error" for d in items)
    warnings = sum(d.severity == "warning" for d in items)
    counted = f"{warnings} warning{'s' * (warnings != 1)}"
    where = palette.paint(f"{terminal_text(result.source.name)}:", "location")
    if errors or not result.ok:
        return f"{where} {palette.paint(f'{errors} error' + 's' * (errors != 1), 'error')}, {counted}"
    layers = len(result.layers)
    facts = f"{result.params:,} params, {fmt_count(result.macs)} MACs, {layers:,} layer{'s' * (layers != 1)}"
    warned = f", {palette.paint(counted, 'warning')}" if warnings else ""
    return f"{where} {palette.paint('ok', 'ok')} — {facts}{warned}"


def run_specs() -> int:
    from netspec import resources

    for path in resources.bundled_specs():
        first = path.read_text(encoding="utf-8").splitlines()[:1]
        title = first[0].lstrip("# ").strip() if first and first[0].startswith("#") else ""
        print(f"{path.name:<16} {title}")
    print(f"\n(in {resources.specs_dir()})")
    return EXIT_OK


def run_kinds() -> int:
    from netspec.layers import KINDS
    from netspec.layers.merge import MERGES

    for kind in KINDS:
        aliases = f" (also {', '.join(kind.names[1:])})" if len(kind.names) > 1 else ""
        print(f"{kind.name:<14} {kind.summary}{aliases}")
    print("\nmerges (each `branch { … }` runs on the same input; an empty branch is the identity):")
    for kind in MERGES:
        aliases = f" (also {', '.join(kind.names[1:])})" if len(kind.names) > 1 else ""
        print(f"{kind.name:<14} {kind.summary}{aliases}")
    print(
        f"{'residual':<14} body + shortcut: residual {{ …; shortcut {{ … }} }}, the shortcut the identity unless given"
    )
    return EXIT_OK

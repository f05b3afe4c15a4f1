"""Diagnostics: one record per problem, collected, then rendered in one place.

The rendering follows the compiler convention (mypy, gcc, rustc)::

    lenet.net:4:8: error: kernel 5x5 is larger than the padded input 3x3  [kernel-too-large]
        conv 16 5x5
                ^~~
      hint: pad=1 or a smaller kernel
"""

from __future__ import annotations

import os

from netspec.codes import CODES, SEVERITY, STRICT_ENV, UnregisteredCode
from netspec.color import PLAIN, Palette
from netspec.record import Record
from netspec.source import SourceFile, Span

ERROR = "error"
WARNING = "warning"
NOTE = "note"


class Diagnostic(Record):
    __slots__ = ("severity", "code", "message", "span", "hint", "notes")

    def __init__(
        self,
        severity: str,
        code: str,
        message: str,
        span: Span | None,
        hint: str | None = None,
        notes: tuple[tuple[str, Span], ...] = (),
    ):
        if SEVERITY.get(code) != severity:
            _unregistered(code, severity)
        self.severity = severity
        self.code = code
        self.message = message
        self.span = span
        self.hint = hint
        # where it comes from, innermost first: ("in `stage 64 2`", the call's span), as a
        # compiler's "in instantiation of" notes
        self.notes = notes

    def to_json(self) -> dict:
        return {
            "severity": self.severity,
            "code": self.code,
            "line": self.span.line if self.span else None,
            "column": self.span.column if self.span else None,
            "end_line": self.span.end_line if self.span else None,
            "end_column": self.span.end_column if self.span else None,
            "message": self.message,
            "hint": self.hint,
            "notes": [{"message": m, "line": span.line, "column": span.column} for m, span in self.notes],
        }


def _unregistered(code: str, severity: str) -> None:
    """A code missing from netspec.codes, or given another severity there, is a bug in netspec:
    the test suite (NETSPEC_STRICT_CODES=1) raises; a user's check keeps the diagnostic as it is."""
    if os.environ.get(STRICT_ENV) == "1":
        entry = CODES.get(code)
        known = f"registered as a {entry.severity}" if entry else "not in netspec/codes.py"
        raise UnregisteredCode(f"diagnostic code {code!r} given as a {severity}: {known}")


class Diagnostics(Record):
    """An ordered collection of diagnostics for one source file."""

    __slots__ = ("items",)
    __hash__ = None  # mutable

    def __init__(self, items: list[Diagnostic] | None = None):
        self.items = [] if items is None else items

    def error(self, code: str, message: str, span: Span | None, hint: str | None = None) -> None:
        self.items.append(Diagnostic(ERROR, code, message, span, hint))

    def warning(self, code: str, message: str, span: Span | None, hint: str | None = None) -> None:
        self.items.append(Diagnostic(WARNING, code, message, span, hint))

    def note(self, code: str, message: str, span: Span | None = None, hint: str | None = None) -> None:
        self.items.append(Diagnostic(NOTE, code, message, span, hint))

    def extend(self, other: Diagnostics) -> None:
        self.items.extend(other.items)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == WARNING]

    def has_errors(self) -> bool:
        return any(d.severity == ERROR for d in self.items)

    def sorted(self) -> list[Diagnostic]:
        """Diagnostics in source order (stable for equal positions), file-level ones first, each
        once: a layer inside `repeat 3 { }` that warns does so once, not three times."""
        unique = list(dict.fromkeys(self.items))
        return sorted(unique, key=lambda d: (d.span.line, d.span.column) if d.span else (0, 0))


def terminal_text(text: str, keep_tabs: bool = False) -> str:
    """`text` as it can be printed on a terminal or into a log: every character that is not
    printable is escaped (`\\x1b`, `\\u202e`): control characters, so an escape sequence in a spec
    (`\\x1b]0;` retitles a terminal window, others move the cursor or hide text) is shown, not
    obeyed; line breaks, so a message stays one line; bidirectional overrides, so the text reads as
    it is stored; lone surrogates (undecodable bytes in a file name). Tabs are kept with
    `keep_tabs` (a source line, where they line up the caret). Anything netspec prints that came
    from a spec, a file name or the command line goes through here."""
    if text.isprintable():  # the usual case, checked in C
        return text
    return "".join(ch if ch.isprintable() or (keep_tabs and ch == "\t") else _escape(ch) for ch in text)


def _escape(ch: str) -> str:
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def render(diagnostic: Diagnostic, source: SourceFile, palette: Palette = PLAIN) -> str:
    """`file:line:col: severity: message  [code]`, the source line, a caret under the span, a hint.
    With a palette that is on, the severity, caret, hint and code are coloured; the colour codes
    go around text already made safe by terminal_text, never inside it."""
    paint = palette.paint
    severity = diagnostic.severity
    span = diagnostic.span
    name = terminal_text(source.name)
    where = f"{name}:{span.line}:{span.column}" if span else name
    message, code = terminal_text(diagnostic.message), terminal_text(diagnostic.code)
    out = [
        f"{paint(where + ':', 'location')} {paint(severity + ':', severity)} {message}  {paint(f'[{code}]', 'code')}"
    ]
    if span is not None:
        line = source.line_text(span.line)
        if len(line) > 200:  # keep pathological one-line files readable
            start = max(0, span.column - 80)
            shown = line[start : start + 160]
            column = span.column - start
        else:
            shown, column = line, span.column
        if shown.strip():
            width = (span.end_column - span.column) if span.end_line == span.line else len(shown) - column + 1
            width = max(1, min(width, len(shown) - column + 1))
            prefix = "".join("\t" if ch == "\t" else " " for ch in terminal_text(shown[: column - 1], keep_tabs=True))
            out.append("    " + terminal_text(shown, keep_tabs=True))
            out.append("    " + prefix + paint("^" + "~" * (width - 1), severity))
    if diagnostic.hint:
        out.append(f"  {paint('hint:', 'hint')} {terminal_text(diagnostic.hint)}")
    for message, note_span in diagnostic.notes:
        note_where = paint(f"{name}:{note_span.line}:{note_span.column}:", "location")
        out.append(f"{note_where} {paint('note:', 'note')} {terminal_text(message)}")
    return "\n".join(out)


SHOWN_PER_CODE = 20  # a terminal gets the first 20 of each code; --json lists them all


def render_all(diagnostics: list[Diagnostic], source: SourceFile, palette: Palette = PLAIN) -> str:
    """Every diagnostic rendered, except that past SHOWN_PER_CODE of one code the rest are
    counted in a closing note (100,000 `relu` lines would otherwise print 99,999 warnings)."""
    shown: list[str] = []
    seen: dict[str, int] = {}
    hidden: dict[tuple[str, str], int] = {}
    for diagnostic in diagnostics:
        seen[diagnostic.code] = seen.get(diagnostic.code, 0) + 1
        if seen[diagnostic.code] <= SHOWN_PER_CODE:
            shown.append(render(diagnostic, source, palette))
        else:
            key = (diagnostic.severity, diagnostic.code)
            hidden[key] = hidden.get(key, 0) + 1
    for (severity, code), count in hidden.items():
        where, note = palette.paint(f"{terminal_text(source.name)}:", "location"), palette.paint("note:", "note")
        shown.append(f"{where} {note} {count:,} more {severity}s  [{code}] not shown (--json lists them all)")
    return "\n".join(shown)


def summary(diagnostics: list[Diagnostic]) -> str:
    """`2 errors, 1 warning`."""
    errors = sum(d.severity == ERROR for d in diagnostics)
    warnings = sum(d.severity == WARNING for d in diagnostics)
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


def add_context(diagnostics: Diagnostics, since: int, message: str, span: Span, body: Span | None = None) -> None:
    """Note on every diagnostic reported after position `since` that it comes from `message` at
    `span` (a block call): the first note is the innermost call. With `body`, only diagnostics
    inside those lines (the block's body) get it."""
    for position in range(since, len(diagnostics.items)):
        item = diagnostics.items[position]
        if item.span is None or (body is not None and not body.line <= item.span.line <= body.end_line):
            continue
        diagnostics.items[position] = item.replace(notes=(*item.notes, (message, span)))

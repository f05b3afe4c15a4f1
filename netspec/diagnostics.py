"""Diagnostics: one record per problem, collected, then rendered in one place.

The rendering follows the compiler convention (mypy, gcc, rustc)::

    lenet.net:4:8: error: kernel 5x5 is larger than the padded input 3x3  [kernel-too-large]
        conv 16 5x5
                ^~~
      hint: pad=1 or a smaller kernel
"""

from __future__ import annotations

from netspec.record import Record
from netspec.source import SourceFile, Span

ERROR = "error"
WARNING = "warning"
NOTE = "note"


class Diagnostic(Record):
    __slots__ = ("severity", "code", "message", "span", "hint")

    def __init__(self, severity: str, code: str, message: str, span: Span | None, hint: str | None = None):
        self.severity = severity
        self.code = code
        self.message = message
        self.span = span
        self.hint = hint

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
        }


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


def _printable(text: str) -> str:
    """The line as it can be shown on a terminal: tabs kept, other control characters escaped."""
    return "".join(ch if ch == "\t" or ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)


def render(diagnostic: Diagnostic, source: SourceFile) -> str:
    """`file:line:col: severity: message  [code]`, the source line, a caret under the span, a hint."""
    span = diagnostic.span
    where = f"{source.name}:{span.line}:{span.column}" if span else source.name
    out = [f"{where}: {diagnostic.severity}: {diagnostic.message}  [{diagnostic.code}]"]
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
            prefix = "".join("\t" if ch == "\t" else " " for ch in _printable(shown[: column - 1]))
            out.append("    " + _printable(shown))
            out.append("    " + prefix + "^" + "~" * (width - 1))
    if diagnostic.hint:
        out.append(f"  hint: {diagnostic.hint}")
    return "\n".join(out)


SHOWN_PER_CODE = 20  # a terminal gets the first 20 of each code; --json lists them all


def render_all(diagnostics: list[Diagnostic], source: SourceFile) -> str:
    """Every diagnostic rendered, except that past SHOWN_PER_CODE of one code the rest are
    counted in a closing note (100,000 `relu` lines would otherwise print 99,999 warnings)."""
    shown: list[str] = []
    seen: dict[str, int] = {}
    hidden: dict[tuple[str, str], int] = {}
    for diagnostic in diagnostics:
        seen[diagnostic.code] = seen.get(diagnostic.code, 0) + 1
        if seen[diagnostic.code] <= SHOWN_PER_CODE:
            shown.append(render(diagnostic, source))
        else:
            key = (diagnostic.severity, diagnostic.code)
            hidden[key] = hidden.get(key, 0) + 1
    for (severity, code), count in hidden.items():
        shown.append(f"{source.name}: note: {count:,} more {severity}s  [{code}] not shown (--json lists them all)")
    return "\n".join(shown)


def summary(diagnostics: list[Diagnostic]) -> str:
    """`2 errors, 1 warning`."""
    errors = sum(d.severity == ERROR for d in diagnostics)
    warnings = sum(d.severity == WARNING for d in diagnostics)
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"

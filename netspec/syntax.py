"""Parsing `.net` text into statements, reporting every syntax error with its position.

The grammar (grammars/netspec.lark) only knows the shape of a statement:
`[label:] word value... key=value... [{ body }]`. Meaning is given later by `netspec.elaborate`.
Parsing runs the LALR(1) tables Lark builds from that grammar (netspec/lalr.py), with error recovery:
after an error the rest of the line is skipped and parsing goes on, so that all syntax errors of a
file are reported at once (at most one per line).
"""

from __future__ import annotations

import re
from functools import lru_cache

from netspec import lalr
from netspec.cancellation import checkpoint
from netspec.diagnostics import Diagnostics, terminal_text
from netspec.expressions import Binary
from netspec.record import Record
from netspec.source import SourceFile, Span

MAX_SYNTAX_ERRORS = 50
MAX_OPERATORS = 64  # in one value's arithmetic (`width*4` has 1)
MAX_EXPRESSION_DEPTH = 40
MAX_STATEMENTS = 200_000  # lines and `;`: twice the largest network, comments and blank lines included
MAX_NESTING = 32
MAX_UNCLOSED_BRACES = 10  # each reported; past them, one note counts the rest

_TOKEN_NAMES = {
    "WORD": "a name",
    "NUMBER": "a number",
    "DIMS": "a size such as 5x5",
    "STRING": "a quoted string",
    "PATH": "a path",
    "_NL": "the end of the line",
    "LBRACE": "`{`",
    "RBRACE": "`}`",
    "EQUAL": "`=`",
    "COLON": "`:`",
    "LPAR": "`(`",
    "RPAR": "`)`",
    "PLUS": "`+`",
    "MINUS": "`-`",
    "STAR": "`*`",
    "SLASH": "`/`",
    "$END": "the end of the file",
}

STATEMENT_SHAPE = "a statement is `[label:] kind value... key=value...`, one per line"


class Value(Record):
    """A value as written: `6`, `0.5`, `5x5`, `same`, `"text"`, `./data`, or arithmetic `width*4`."""

    __slots__ = ("kind", "text", "span", "expr")

    def __init__(self, kind: str, text: str, span: Span, expr=None):
        self.kind = kind  # "number" | "dims" | "word" | "string" | "path" | "expr"
        self.text = text
        self.span = span
        self.expr = expr  # for "expr": an expressions.Binary, or the Value inside parentheses

    @property
    def number(self) -> int | float | None:
        """The number written, or None when it is not a number or cannot be represented."""
        if self.kind != "number":
            return None
        try:
            if re.fullmatch(r"[+-]?[0-9]+", self.text):
                return int(self.text)
            number = float(self.text)
        except ValueError:  # more digits than Python will convert
            return None
        return number if number == number and abs(number) != float("inf") else None

    @property
    def dims(self) -> tuple[int, ...] | None:
        """`5x5` as (5, 5); a single number as a 1-tuple; None otherwise."""
        if self.kind == "dims":
            parts = re.split("[xX×]", self.text)
            if any(len(p) > 18 for p in parts):
                return None
            return tuple(int(p) for p in parts)
        number = self.number
        if isinstance(number, int):
            return (number,)
        return None

    @property
    def string(self) -> str:
        """Words, paths and strings as text (a quoted string without its quotes and escapes)."""
        if self.kind == "string":
            return re.sub(r"\\(.)", r"\1", self.text[1:-1])
        return self.text


class Option(Record):
    """`key=value`."""

    __slots__ = ("key", "key_span", "value")

    def __init__(self, key: str, key_span: Span, value: Value):
        self.key = key
        self.key_span = key_span
        self.value = value


class Statement(Record):
    """One line of a spec, or a block with its body (`repeat 2 { ... }`)."""

    __slots__ = ("label", "label_span", "word", "word_span", "args", "options", "body", "span")

    def __init__(
        self,
        label: str | None,
        label_span: Span | None,
        word: str,
        word_span: Span,
        args: tuple[Value, ...],
        options: tuple[Option, ...],
        body: tuple[Statement, ...] | None,
        span: Span,
    ):
        self.label = label
        self.label_span = label_span
        self.word = word
        self.word_span = word_span
        self.args = args
        self.options = options
        self.body = body  # None for a plain statement
        self.span = span  # the first line of the statement, from label (or word) to its last argument

    @property
    def text(self) -> str:
        """The statement as one line of words, without its label or body: `conv 64 3x3 pad=1`."""
        options = (f"{o.key}={o.value.text}" for o in self.options)
        return " ".join([self.word, *(v.text for v in self.args), *options])

    def option(self, key: str) -> Option | None:
        for option in self.options:
            if option.key == key:
                return option
        return None


@lru_cache(maxsize=1)
def _parser():
    return lalr.Parser()


def parse(source: SourceFile, diagnostics: Diagnostics) -> list[Statement] | None:
    """Parse a whole file. Returns None when the file could not be parsed into statements at all.
    A file of more than MAX_STATEMENTS statements is refused before parsing: a 10 MB line of
    `relu;` took half a minute and 1.8 GB to parse, and could never become a network anyway."""
    text = source.text
    statements = text.count("\n") + text.count(";") + text.count("}")  # `}` may end one too
    if statements > MAX_STATEMENTS:
        diagnostics.error(
            "too-large",
            f"the spec has more than {MAX_STATEMENTS:,} statements ({statements:,} lines, `;` and `}}`)",
            Span.point(1, 1),
            "a network has at most 100,000 layers: use `repeat` and blocks for long stacks",
        )
        return None
    checkpoint()
    tree = _parse_tree(source, diagnostics)
    if tree is None:
        return None
    return [_statement(child, 1, diagnostics) for child in tree.children if child is not None]


def _parse_tree(source: SourceFile, diagnostics: Diagnostics):
    reported_lines: set[int] = set()
    count = 0
    inside_parentheses = False  # an unclosed `(` was reported: what follows until `)` is its echo
    end_reported = False

    def on_error(error) -> bool:
        nonlocal count, inside_parentheses, end_reported
        token = getattr(error, "token", None)
        in_group = token is not None and "RPAR" in error.expected
        if token is not None and token.type == "$END":
            if not end_reported:
                end_reported = True
                count += _report_end(error, source, diagnostics, reported_parenthesis=inside_parentheses)
            return count < MAX_SYNTAX_ERRORS
        if inside_parentheses and in_group:
            return True  # still inside the unclosed `(`: the parser skips to its `)`
        inside_parentheses = False
        span = _error_span(error, source)
        if span.line in reported_lines:
            return True  # one error per line: the rest of a broken line is noise
        reported_lines.add(span.line)
        if in_group:
            inside_parentheses = True
            _report_unclosed_parenthesis(span.line, source, diagnostics, before=token)
        else:
            _report(error, span, source, diagnostics)
        count += 1
        return count < MAX_SYNTAX_ERRORS

    try:
        return _parser().parse(source.text, on_error=on_error)
    except lalr.UnexpectedInput as error:
        span = _error_span(error, source)
        if count >= MAX_SYNTAX_ERRORS:
            diagnostics.note("too-many-errors", f"stopped after {count} syntax errors", span)
        elif not end_reported and span.line not in reported_lines:
            _report(error, span, source, diagnostics)
        return None
    except RecursionError:  # pragma: no cover - the LALR parser is iterative; kept as a guard
        diagnostics.error("syntax", "the file is nested too deeply to parse", Span.point(1, 1))
        return None


def _report_end(error, source: SourceFile, diagnostics: Diagnostics, reported_parenthesis: bool) -> int:
    """The file ended where it cannot: each `{` never closed is an error at that `{` (the line of
    the block it opens); a `(` still open on the last line is one too. Returns how many."""
    span = _error_span(error, source)
    reported = 0
    if "RPAR" in error.expected and not reported_parenthesis:
        _report_unclosed_parenthesis(span.line, source, diagnostics)
        reported += 1
    braces = _unclosed_braces(source)
    for line, column in braces[:MAX_UNCLOSED_BRACES]:
        diagnostics.error(
            "syntax",
            "the file ends inside this `{ }` block: its `{` is never closed",
            Span.point(line, column),
            f"close the block opened on line {line} with `}}` after its last statement",
        )
        reported += 1
    if len(braces) > MAX_UNCLOSED_BRACES:
        line, column = braces[MAX_UNCLOSED_BRACES]
        more = len(braces) - MAX_UNCLOSED_BRACES
        diagnostics.note(
            "too-many-errors", f"and {more:,} more `{{` never closed, from here on", Span.point(line, column)
        )
    if not reported and not reported_parenthesis:
        _report(error, span, source, diagnostics)
        reported += 1
    return reported


def _report_unclosed_parenthesis(line: int, source: SourceFile, diagnostics: Diagnostics, before=None) -> None:
    """An error at the `(` of `line` that is still open where the parser met `before` (a token;
    the end of the line when None or a line break): parentheses never span lines."""
    text = source.line_text(line)
    if before is not None and before.type not in ("_NL", "$END"):
        text = text[: before.column - 1]
        what = f"`{terminal_text(str(before))[:40]}` comes before its `)`"
    else:
        what = "the line ends before its `)`"
    column = _unclosed_parenthesis(text)
    span = Span.point(line, column) if column else Span.point(line, len(text) + 1)
    diagnostics.error(
        "syntax",
        f"this `(` is not closed: {what}" if column else "a `(` is not closed on this line",
        span,
        "close it with `)`: parentheses group one value's arithmetic on one line, e.g. `(width+1)/2`",
    )


def _error_span(error, source: SourceFile) -> Span:
    token = getattr(error, "token", None)
    if token is not None and token.type == "$END" or getattr(error, "line", -1) in (None, -1):
        lines = source.lines or [""]
        return Span.point(len(lines), len(lines[-1]) + 1)
    if token is not None and token.type != "_NL":
        return Span(token.line, token.column, token.line, token.column + max(1, len(token)))
    return Span.point(error.line, error.column)


def _report(error, span: Span, source: SourceFile, diagnostics: Diagnostics) -> None:
    if isinstance(error, lalr.UnexpectedCharacters):
        char = source.line_text(span.line)[span.column - 1 : span.column] or "?"
        shown = char if char.isprintable() else f"\\x{ord(char):02x}"
        hint = STATEMENT_SHAPE
        if char in "[],":
            hint = "sizes are written 5x5 or 3x5 and lists are separate values: `conv 6 5x5 stride=2`"
        elif char == "'":
            hint = 'strings use double quotes: "text"'
        elif char in "+-*/":
            hint = "arithmetic is written without spaces: `width*4`, `blocks-1`, `(a+b)/2`"
        diagnostics.error("syntax", f"unexpected character '{shown}'", span, hint)
        return
    token = getattr(error, "token", None)
    found = _TOKEN_NAMES.get(token.type, repr(str(token))) if token is not None else "input"
    expected = sorted(_TOKEN_NAMES.get(t, t) for t in getattr(error, "expected", ()) or ())
    if token is not None and token.type == "RPAR":
        diagnostics.error(
            "syntax",
            "`)` without a matching `(`",
            span,
            "remove it, or open it with `(`: parentheses group one value's arithmetic, e.g. `(width+1)/2`",
        )
    elif token is not None and token.type == "RBRACE":
        diagnostics.error("syntax", "`}` without a matching `{`", span, "remove it, or open a block: `repeat 2 {`")
    elif token is not None and token.type == "LBRACE":
        diagnostics.error(
            "syntax",
            "`{` must end a line that starts a block",
            span,
            "for example `repeat 2 {`, then one statement per line, then `}`",
        )
    elif token is not None and token.type == "EQUAL":
        diagnostics.error(
            "syntax", "`=` must follow an option name", span, "options are written key=value, e.g. stride=2"
        )
    elif token is not None and token.type == "COLON":
        diagnostics.error("syntax", "a label goes at the start of a statement", span, "e.g. `conv1: conv 6 5x5`")
    else:
        detail = f"; expected {', '.join(expected)}" if 0 < len(expected) <= 4 else ""
        diagnostics.error("syntax", f"unexpected {found}{detail}", span, STATEMENT_SHAPE)


def _code_columns(line: str):
    """(column, character) of each bracket in `line` that is code: not inside a string or comment."""
    in_string = escaped = False
    for column, char in enumerate(line, start=1):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char == "#":
            return
        elif char in "{}()":
            yield column, char


def _unclosed_braces(source: SourceFile) -> list[tuple[int, int]]:
    """(line, column) of every `{` that is never closed, outermost first."""
    stack: list[tuple[int, int]] = []
    for number, line in enumerate(source.lines, start=1):
        for column, char in _code_columns(line):
            if char == "{":
                stack.append((number, column))
            elif char == "}" and stack:
                stack.pop()
    return stack


def _unclosed_parenthesis(line: str) -> int | None:
    """The column of the last `(` in `line` that no `)` closes, or None."""
    stack: list[int] = []
    for column, char in _code_columns(line):
        if char == "(":
            stack.append(column)
        elif char == ")" and stack:
            stack.pop()
    return stack[-1] if stack else None


def _span(meta_or_token) -> Span:
    return Span(meta_or_token.line, meta_or_token.column, meta_or_token.end_line, meta_or_token.end_column)


def _checked_value(tree, diagnostics: Diagnostics) -> Value:
    """The value of a tree, or a placeholder after a syntax error when its arithmetic is longer
    or deeper than anyone writes (its conversion would recurse once per operator)."""
    operators, depth, tokens = 0, 0, []
    stack = [(tree, 1)]
    while stack:
        node, level = stack.pop()
        if hasattr(node, "children"):
            operators += node.data in ("binary", "group")
            depth = max(depth, level)
            stack.extend((child, level + 1) for child in node.children)
        else:
            tokens.append(node)
    if operators <= MAX_OPERATORS and depth <= MAX_EXPRESSION_DEPTH:
        return _value(tree)
    first = min(tokens, key=lambda t: (t.line, t.column))
    last = max(tokens, key=lambda t: (t.end_line, t.end_column))
    span = Span.of_token(first).to(Span.of_token(last))
    diagnostics.error(
        "syntax",
        f"this arithmetic has {operators:,} operations and parentheses, {depth:,} deep",
        span,
        f"at most {MAX_OPERATORS} operations: compute the number, or give it to the block as a parameter",
    )
    return Value("word", "…", span)


def _value(tree) -> Value:
    if tree.data == "binary":
        left, op, right = tree.children
        left, right = _value(left), _value(right)
        expr = Binary(str(op), left, right, Span.of_token(op))
        return Value("expr", f"{left.text}{op}{right.text}", left.span.to(right.span), expr)
    if tree.data == "group":
        opening, inner, closing = tree.children
        inner = _value(inner)
        return Value("expr", f"({inner.text})", Span.of_token(opening).to(Span.of_token(closing)), inner)
    token = tree.children[0]
    return Value(tree.data, str(token), Span.of_token(token))


def _statement(tree, depth: int, diagnostics: Diagnostics) -> Statement:
    checkpoint()  # each statement, at any depth: one `add { }` may hold 50,000 branches
    label_tree, word, *rest = tree.children
    label = str(label_tree.children[0]) if label_tree is not None else None
    label_span = Span.of_token(label_tree.children[0]) if label_tree is not None else None
    body_tree = rest.pop() if tree.data == "block" else None
    args: list[Value] = []
    options: list[Option] = []
    for child in rest:
        if child.data == "option":
            key, value = child.children
            options.append(Option(str(key), Span.of_token(key), _checked_value(value, diagnostics)))
        else:
            args.append(_checked_value(child, diagnostics))
    first = label_span or Span.of_token(word)
    last = options[-1].value.span if options else args[-1].span if args else Span.of_token(word)
    body: tuple[Statement, ...] | None = None
    if body_tree is not None:
        if depth >= MAX_NESTING:
            diagnostics.error(
                "nesting", f"blocks are nested more than {MAX_NESTING} deep", Span.of_token(word), "flatten the blocks"
            )
            body = ()
        else:
            body = tuple(_statement(child, depth + 1, diagnostics) for child in body_tree.children if child is not None)
    return Statement(
        label=label,
        label_span=label_span,
        word=str(word),
        word_span=Span.of_token(word),
        args=tuple(args),
        options=tuple(options),
        body=body,
        span=Span(first.line, first.column, last.end_line, last.end_column),
    )

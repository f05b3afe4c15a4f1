"""Running the parse tables that tools/gen_parser.py builds with Lark from grammars/netspec.lark.

This is Lark's LALR(1) parser with its contextual lexer, cut to what the tables need, so that
`netspec check` imports a few hundred lines of tables instead of Lark's runtime. It behaves as
`lark.Lark(grammar, parser="lalr", lexer="contextual", maybe_placeholders=True)` does, down to the
positions of tokens and the recovery after errors (tests/test_parser_tables.py compares them):

- the lexer of the state the parser is in tries its terminals' patterns at the current position,
  the first that matches wins (Lark's order: priority, then width); ignored terminals
  are skipped; a position where none matches but a terminal of another state does is an
  UnexpectedToken with that token, otherwise UnexpectedCharacters;
- shift/reduce on the table; a reduction builds its tree as Lark does (children of `_rule`s
  inlined, anonymous and `_` tokens dropped, None for a missing `[x]`, `?rule` with one child
  replaced by it);
- with `on_error`, an unexpected token is dropped (the lexer has moved past it) and an unexpected
  character skipped, and parsing resumes in the same parser state; a second error at the end of
  the input ends it.
"""

from __future__ import annotations

import re

from netspec import _grammar_parser as tables

SHIFT = 0


class Token(str):
    """A token: its text (it is a `str`), its terminal's name, and where it lies (1-based lines and
    columns, `end_column` exclusive; 0-based `start_pos`/`end_pos`), as Lark's Token."""

    def __new__(
        cls, type_, value, start_pos=None, line=None, column=None, end_line=None, end_column=None, end_pos=None
    ):
        token = super().__new__(cls, value)
        token.type = type_
        token.value = value
        token.start_pos = start_pos
        token.line = line
        token.column = column
        token.end_line = end_line
        token.end_column = end_column
        token.end_pos = end_pos
        return token

    def __repr__(self) -> str:
        return f"Token({self.type!r}, {self.value!r})"


class Tree:
    """A rule's node: its name (`data`) and its children (trees, tokens, or None for `[x]`)."""

    __slots__ = ("data", "children")

    def __init__(self, data: str, children: list):
        self.data = data
        self.children = children

    def __eq__(self, other: object) -> bool:
        try:
            return self.data == other.data and self.children == other.children
        except AttributeError:
            return False

    __hash__ = None

    def __repr__(self) -> str:
        return f"Tree({self.data!r}, {self.children!r})"


class UnexpectedInput(Exception):
    """A syntax error; `line` and `column` are 1-based."""

    line: int
    column: int


class UnexpectedToken(UnexpectedInput):
    """A token the parser state has no action for; `expected` names the terminals it has."""

    def __init__(self, token: Token, expected: set[str]):
        super().__init__(f"unexpected token {token!r}")
        self.token = token
        self.expected = expected
        self.line = token.line if token.line is not None else "?"
        self.column = token.column if token.column is not None else "?"
        self.pos_in_stream = token.start_pos


class UnexpectedCharacters(UnexpectedInput):
    """Text where no terminal of the grammar matches."""

    def __init__(self, text: str, position: int, line: int, column: int, allowed: set[str]):
        super().__init__(f"no terminal matches {text[position : position + 1]!r} at line {line} col {column}")
        self.char = text[position : position + 1]
        self.pos_in_stream = position
        self.line = line
        self.column = column
        self.allowed = allowed


class _Lexer:
    """One of Lark's basic lexers: its terminals' patterns tried in order, the first match wins.

    Lark compiles one regular expression of named alternatives per lexer, milliseconds of every
    check. Every lexer tries its terminals in the same global order, so the one
    expression of all terminals (compiled once) finds the answer unless its first match is a
    terminal this lexer lacks; only then are this lexer's later terminals tried one by one
    (a first match among alternatives tried in order is the first alternative that matches)."""

    __slots__ = ("accepts", "allowed", "_after")

    def __init__(self, names: tuple[str, ...], ignore: frozenset[str]):
        self.accepts = frozenset(names)
        self.allowed = (set(names) - ignore) or {"<END-OF-FILE>"}
        self._after: dict[str, tuple[int, ...]] = {}

    def match(self, text: str, position: int):
        """(text, terminal) of the token at `position`, or None."""
        found = _root_pattern().match(text, position)
        if found is None:
            return None
        name = found.lastgroup
        if name in self.accepts:
            return found.group(0), name
        after = self._after.get(name)
        if after is None:
            start = _TERMINAL_INDEX[name] + 1
            after = self._after[name] = tuple(
                i for i in range(start, len(tables.TERMINALS)) if tables.TERMINALS[i][0] in self.accepts
            )
        for index in after:
            found = _terminal_pattern(index).match(text, position)
            if found is not None:
                return found.group(0), tables.TERMINALS[index][0]
        return None


_TERMINAL_INDEX = {name: index for index, (name, _) in enumerate(tables.TERMINALS)}
_compiled: dict[int, re.Pattern] = {}


def _root_pattern() -> re.Pattern:
    pattern = _compiled.get(-1)
    if pattern is None:
        pattern = _compiled[-1] = re.compile(tables.ROOT_PATTERN)
    return pattern


def _terminal_pattern(index: int) -> re.Pattern:
    pattern = _compiled.get(index)
    if pattern is None:
        pattern = _compiled[index] = re.compile(tables.TERMINALS[index][1])
    return pattern


class _Cursor:
    """Where the lexer is: position, line and column (Lark's LineCounter), and the last token."""

    __slots__ = ("text", "position", "line", "column", "line_start", "last_token")

    def __init__(self, text: str):
        self.text = text
        self.position = 0
        self.line = 1
        self.column = 1
        self.line_start = 0
        self.last_token: Token | None = None

    def advance(self, value: str, count_lines: bool = True) -> None:
        if count_lines:
            newlines = value.count("\n")
            if newlines:
                self.line += newlines
                self.line_start = self.position + value.rindex("\n") + 1
        self.position += len(value)
        self.column = self.position - self.line_start + 1


class Parser:
    """The generated tables, ready to parse (the expression of all terminals is compiled on first use)."""

    def __init__(self):
        self._lexers: dict[int, _Lexer] = {}
        self._rules = [(origin, size, _builder(*rest)) for origin, size, *rest in tables.RULES]
        self._ignore = frozenset(tables.IGNORE)
        self._newline_types = frozenset(tables.NEWLINE_TYPES)

    def _lexer(self, index: int) -> _Lexer:
        lexer = self._lexers.get(index)
        if lexer is None:
            lexer = self._lexers[index] = _Lexer(tables.LEXERS[index], self._ignore)
        return lexer

    def _next_token(self, lexer: _Lexer, cursor: _Cursor) -> Token | None:
        """The next token that is not ignored, or None at the end of the text (Lark's
        BasicLexer.next_token)."""
        text = cursor.text
        while cursor.position < len(text):
            match = lexer.match(text, cursor.position)
            if match is None:
                raise UnexpectedCharacters(text, cursor.position, cursor.line, cursor.column, set(lexer.allowed))
            value, type_ = match
            if type_ in self._ignore:
                cursor.advance(value, type_ in self._newline_types)
                continue
            token = Token(type_, value, cursor.position, cursor.line, cursor.column)
            cursor.advance(value, type_ in self._newline_types)
            token.end_line, token.end_column, token.end_pos = cursor.line, cursor.column, cursor.position
            cursor.last_token = token
            return token
        return None

    def _contextual_token(self, state: int, cursor: _Cursor) -> Token | None:
        """The next token read with the lexer of parser state `state` (Lark's ContextualLexer)."""
        try:
            return self._next_token(self._lexer(tables.STATE_LEXER[state]), cursor)
        except UnexpectedCharacters as error:
            try:
                token = self._next_token(self._lexer(tables.ROOT_LEXER), cursor)
            except UnexpectedCharacters:
                raise error from None
            raise UnexpectedToken(token, error.allowed) from None

    def parse(self, text: str, on_error=None) -> Tree:
        """The tree of `text`. With `on_error`, every syntax error is passed to it; it returns True
        to go on parsing (the error is skipped) or False to raise it."""
        cursor = _Cursor(text)
        states: list[int] = [tables.START_STATE]
        values: list = []
        table = tables.STATES
        try:
            return self._run(cursor, states, values, table)
        except UnexpectedInput as first:
            if on_error is None:
                raise
            error = first
        while True:  # Lark's LALR_Parser.parse with on_error
            position = cursor.position
            if not on_error(error):
                raise error
            if isinstance(error, UnexpectedCharacters) and position == cursor.position:
                cursor.advance(text[position : position + 1])
            try:
                return self._run(cursor, states, values, table)
            except UnexpectedToken as again:
                if isinstance(error, UnexpectedToken) and error.token.type == again.token.type == "$END":
                    raise again from None  # no way past the end of the input
                error = again
            except UnexpectedCharacters as again:
                error = again

    def _run(self, cursor: _Cursor, states: list[int], values: list, table) -> Tree:
        """Lark's parse_from_state: feed tokens until the end, then the end token. The usual
        step of the contextual lexer is inline here (the expression of all terminals matches one
        the state's lexer has); anything else goes through _contextual_token, from the same place."""
        text, end = cursor.text, len(cursor.text)
        root_match = _root_pattern().match
        state_lexer, ignore, newline_types = tables.STATE_LEXER, self._ignore, self._newline_types
        token = cursor.last_token
        while True:
            accepts = self._lexer(state_lexer[states[-1]]).accepts
            next_token = None
            while cursor.position < end:
                position = cursor.position
                found = root_match(text, position)
                if found is None or found.lastgroup not in accepts:
                    next_token = self._contextual_token(states[-1], cursor)
                    break
                type_, value = found.lastgroup, found.group()
                line, column = cursor.line, cursor.column
                cursor.advance(value, type_ in newline_types)
                if type_ not in ignore:
                    next_token = Token(
                        type_, value, position, line, column, cursor.line, cursor.column, cursor.position
                    )
                    cursor.last_token = next_token
                    break
            if next_token is None:
                break
            token = next_token
            self._feed(token, states, values, table, False)
        if token is not None:
            end = Token("$END", "", token.start_pos, token.line, token.column, token.end_line, token.end_column)
            end.end_pos = token.end_pos
        else:
            end = Token("$END", "", 0, 1, 1)
        return self._feed(end, states, values, table, True)

    def _feed(self, token: Token, states: list[int], values: list, table, is_end: bool):
        """Lark's ParserState.feed_token: reduce while the table says so, then shift the token."""
        type_, rules = token.type, self._rules
        while True:
            step = table[states[-1]].get(type_)
            if step is None:
                raise UnexpectedToken(token, {symbol for symbol in table[states[-1]] if symbol.isupper()})
            if step[0] == SHIFT:
                states.append(step[1])
                values.append(token)
                return None
            origin, size, build = rules[step[1]]
            if size:
                children = values[-size:]
                del states[-size:]
                del values[-size:]
            else:
                children = []
            states.append(table[states[-1]][origin][1])
            values.append(build(children))
            if is_end and states[-1] == tables.END_STATE:
                return values[-1]


def _builder(name: str, expand1: bool, plan):
    """The function that makes a rule's value from the values it reduced."""
    if plan is not None:
        return lambda children: _build(children, name, expand1, plan)
    if expand1:
        return lambda children: children[0] if len(children) == 1 else Tree(name, children)
    return lambda children: Tree(name, children)


def _build(children: list, name: str, expand1: bool, plan):
    """A rule's value from the values it reduced (Lark's ChildFilterLALR and ExpandSingleChild)."""
    if plan is not None:
        include, trailing = plan
        filtered: list = []
        for index, inline, nones in include:
            if nones:
                filtered += [None] * nones
            if inline:
                if filtered:
                    filtered += children[index].children
                else:
                    filtered = children[index].children
            else:
                filtered.append(children[index])
        if trailing:
            filtered += [None] * trailing
        children = filtered
    if expand1 and len(children) == 1:
        return children[0]
    return Tree(name, children)

"""Regenerate netspec/_grammar_parser.py from grammars/netspec.lark.

    python tools/gen_parser.py           # rewrite the parser tables
    python tools/gen_parser.py --check   # exit 1 if they were made from another grammar

The grammar is the single source of truth; Lark builds everything from it here, at generation
time: the LALR(1) parse table, the contextual lexers (for each parser state, one regular
expression of the terminals that state accepts, in the order Lark tries them) and, for every
rule, how its tree is built (which children are kept, which inlined, where `[x]` leaves a None,
whether a `?rule` with one child is replaced by it). The module holds only these tables, as plain
literals, and netspec/lalr.py runs them exactly as Lark's own LALR parser does, error recovery
included (tests/test_parser_tables.py compares the two on the shipped and on random specs).

Why not Lark's stand-alone parser: importing its 3,500-line runtime and deserializing its tables
took about 7 ms of every `netspec check` (more than the whole check of AlexNet); the tables
alone import in a fraction of a millisecond. Lark's state numbering is not stable between runs,
so freshness is tracked by the grammar's digest in the header.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GRAMMAR = ROOT / "grammars" / "netspec.lark"
OUTPUT = ROOT / "netspec" / "_grammar_parser.py"
SHIFT, REDUCE = 0, 1


def grammar_digest() -> str:
    return hashlib.sha256(GRAMMAR.read_bytes()).hexdigest()


def build_lark():
    """The parser netspec's tables come from: LALR(1), contextual lexer, `[x]` kept as None."""
    import lark

    return lark.Lark(GRAMMAR.read_text(encoding="utf-8"), parser="lalr", lexer="contextual", maybe_placeholders=True)


def _tree_plan(rule) -> tuple | None:
    """How Lark builds the tree of `rule` from the values it reduces: None (all of them, as they
    are), or (to_include, trailing_nones) with to_include = ((index, inline, nones_before), ...),
    taken from Lark's own `maybe_create_child_filter`."""
    from lark.parse_tree_builder import ChildFilterLALR, ChildFilterLALR_NoPlaceholders, maybe_create_child_filter

    made = maybe_create_child_filter(rule.expansion, rule.options.keep_all_tokens, False, rule.options.empty_indices)
    if made is None:
        return None
    if made.func is ChildFilterLALR:
        to_include, trailing = made.args
        return tuple((i, bool(inline), nones) for i, inline, nones in to_include), trailing
    if made.func is ChildFilterLALR_NoPlaceholders:
        (to_include,) = made.args
        return tuple((i, bool(inline), 0) for i, inline in to_include), 0
    raise SystemExit(f"Lark built an unexpected child filter {made.func!r}: update tools/gen_parser.py")


def tables() -> dict:
    """Everything netspec/lalr.py needs, as plain Python values."""
    from lark.parsers.lalr_analysis import Shift

    parser = build_lark()
    frontend = parser.parser
    if frontend.lexer.__class__.__name__ != "ContextualLexer" or parser.options.postlex is not None:
        raise SystemExit("the parser is not Lark's contextual lexer without postlex: update tools/gen_parser.py")
    table = frontend.parser.parser.parse_table
    rules = []
    states = []
    for number in range(len(table.states)):
        actions = {}
        for symbol, (action, argument) in table.states[number].items():
            if action is Shift:
                actions[str(symbol)] = (SHIFT, argument)
                continue
            name = argument.alias or argument.options.template_source or argument.origin.name
            expand1 = bool(argument.options.expand1 and not argument.alias)
            rule = (str(argument.origin.name), len(argument.expansion), str(name), expand1, _tree_plan(argument))
            if rule not in rules:  # what a reduction does: rules that differ only in their symbols are one
                rules.append(rule)
            actions[str(symbol)] = (REDUCE, rules.index(rule))
        states.append(actions)
    if sorted(table.states) != list(range(len(states))):
        raise SystemExit("the parse table's states are not numbered 0..n-1: update tools/gen_parser.py")

    contextual = frontend.lexer
    root = contextual.root_lexer
    root_scanner = root.scanner
    if len(root_scanner._mres) != 1:
        raise SystemExit("Lark split the root lexer's regular expression: update tools/gen_parser.py")
    order = [terminal.name for terminal in root_scanner.terminals]
    terminals = tuple((terminal.name, terminal.pattern.to_regexp()) for terminal in root_scanner.terminals)
    lexers: list = []  # each distinct lexer once (Lark makes one per set of accepted symbols)

    def index_of(basic) -> int:
        """A state's lexer as the terminals it tries, in the root lexer's order (Lark sorts every
        lexer's terminals by the same key, so each is the root's order restricted to its own)."""
        names = [terminal.name for terminal in basic.scanner.terminals]
        if basic.callback or [name for name in order if name in names] != names:
            raise SystemExit("a lexer has callbacks or its own order of terminals: update tools/gen_parser.py")
        lexer = tuple(names)
        if lexer not in lexers:
            lexers.append(lexer)
        return lexers.index(lexer)

    state_lexer = tuple(index_of(contextual.lexers[number]) for number in range(len(states)))
    root_lexer = index_of(root)
    return {
        "START_STATE": table.start_states["start"],
        "END_STATE": table.end_states["start"],
        "TERMINALS": terminals,
        "ROOT_PATTERN": root_scanner._mres[0].pattern,
        "LEXERS": tuple(lexers),
        "STATE_LEXER": state_lexer,
        "ROOT_LEXER": root_lexer,
        "IGNORE": tuple(sorted(root.ignore_types)),
        "NEWLINE_TYPES": tuple(sorted(root.newline_types)),
        "RULES": tuple(rules),
        "STATES": tuple(states),
    }


COMMENTS = {
    "START_STATE": "the state the parser starts in",
    "END_STATE": "reaching it on the end of the input accepts",
    "TERMINALS": "(name, regular expression) of every terminal, in the order Lark's lexers try them",
    "ROOT_PATTERN": "all terminals as one regular expression of named alternatives, in that order",
    "LEXERS": "the terminals each contextual lexer tries (in that order); the first that matches wins",
    "STATE_LEXER": "the lexer each parser state uses (Lark's contextual lexer)",
    "ROOT_LEXER": "all terminals: what a token that does not fit its state is read as, for the error",
    "IGNORE": "terminals the lexer skips",
    "NEWLINE_TYPES": "terminals whose text may hold line breaks (Lark counts lines only in these)",
    "RULES": "(name, length, tree name, ?rule, tree plan); tree plan: None or ((index, inline, Nones before), ...), Nones after",  # noqa: E501
    "STATES": "per state: {terminal or rule: (0, next state) shift | (1, rule) reduce}",
}


def generate() -> str:
    import lark

    lines = [
        "# ruff: noqa",
        "# fmt: off",
        "# Generated by tools/gen_parser.py from grammars/netspec.lark -- do not edit.",
        f"# grammar sha256: {grammar_digest()}",
        f"# built by lark {lark.__version__}",
        '"""The parse tables of grammars/netspec.lark as Lark builds them (LALR(1), contextual lexer);',
        'netspec/lalr.py runs them. Regenerate with `python tools/gen_parser.py`."""',
        "",
    ]
    for name, value in tables().items():
        lines.append(f"# {COMMENTS[name]}")
        if name in ("TERMINALS", "LEXERS", "RULES", "STATES"):
            lines.append(f"{name} = (")
            lines.extend(f"    {item!r}," for item in value)
            lines.append(")")
        else:
            lines.append(f"{name} = {value!r}")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the module is out of date")
    args = parser.parse_args()
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if f"# grammar sha256: {grammar_digest()}\n" not in current[:400] or "netspec/lalr.py" not in current[:800]:
            print(f"{OUTPUT.relative_to(ROOT)} is out of date: run python tools/gen_parser.py")
            return 1
        return 0
    OUTPUT.write_text(generate(), encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

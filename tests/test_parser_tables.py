"""netspec's parser (netspec/lalr.py running the tables tools/gen_parser.py builds) parses exactly
as Lark does with the same grammar: the same trees, the same tokens at the same positions, and
the same syntax errors in the same order with the same recovery, on the shipped specs, on the
random specs the other tests generate, on text generated from the grammar and on broken text.

The reference is the Lark library itself, built here from grammars/netspec.lark:
`lark.Lark(grammar, parser="lalr", lexer="contextual", maybe_placeholders=True)`.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import lark
import pytest
import random_graphs
import random_stacks
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark

from netspec import lalr, resources

ROOT = Path(__file__).resolve().parent.parent
GRAMMAR_TEXT = resources.grammar_path().read_text(encoding="utf-8")
REFERENCE = lark.Lark(GRAMMAR_TEXT, parser="lalr", lexer="contextual", maybe_placeholders=True)
GENERATOR = lark.Lark(GRAMMAR_TEXT, parser="lalr")
SPECS = {path.name: path.read_text(encoding="utf-8") for path in resources.bundled_specs()}
MAX_ERRORS = 60


def shape(node):
    """A tree as nested tuples, every token with its type, text and all its positions."""
    if node is None:
        return None
    if hasattr(node, "children"):
        return (node.data, tuple(shape(child) for child in node.children))
    return (
        node.type,
        str(node),
        node.start_pos,
        node.line,
        node.column,
        node.end_line,
        node.end_column,
        node.end_pos,
    )


def error_shape(error):
    if hasattr(error, "token"):
        return ("token", shape(error.token), frozenset(error.expected), error.line, error.column)
    return ("characters", error.char, error.pos_in_stream, error.line, error.column, frozenset(error.allowed))


def outcome(parse, text: str, recover: bool):
    """What parsing `text` gives: ("tree", tree) or ("raised", error), and with `recover` every
    error reported on the way (each skipped, as netspec's syntax errors are, up to MAX_ERRORS)."""
    errors = []

    def on_error(error) -> bool:
        errors.append(error_shape(error))
        return len(errors) < MAX_ERRORS

    try:
        result = ("tree", shape(parse(text, on_error=on_error if recover else None)))
    except (lark.exceptions.UnexpectedInput, lalr.UnexpectedInput) as error:
        result = ("raised", error_shape(error))
    return result, errors


def assert_same(text: str) -> None:
    for recover in (False, True):
        mine = outcome(lalr.Parser().parse, text, recover)
        reference = outcome(REFERENCE.parse, text, recover)
        assert mine == reference, (recover, text[:500])


@pytest.mark.parametrize("name", sorted(SPECS))
def test_shipped_specs_parse_as_lark_parses_them(name):
    assert_same(SPECS[name])
    assert outcome(lalr.Parser().parse, SPECS[name], recover=False)[0][0] == "tree"


@pytest.mark.parametrize("name", sorted(SPECS))
def test_every_prefix_of_a_shipped_spec_parses_or_fails_as_in_lark(name):
    text = SPECS[name]
    cuts = sorted({*range(0, len(text), max(1, len(text) // 60)), len(text)})
    for cut in cuts:
        assert_same(text[:cut])


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_stacks_parse_as_in_lark(data):
    shape_, stack = data.draw(random_stacks.stacks())
    text, _ = random_stacks.render(shape_, stack, data)
    assert_same(text)


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(random_graphs.graphs(), st.integers(0, 2))
def test_random_graphs_parse_as_in_lark(graph, calls):
    text, _ = random_graphs.render(*graph, calls=calls)
    assert_same(text)


@settings(max_examples=300)
@given(from_lark(GENERATOR))
def test_text_generated_from_the_grammar_parses_as_in_lark(text):
    assert_same(text)


BROKEN = st.text(alphabet="{}()=:;#\"'/*+-x0123456789. \t\n\rabcZ_\\\x00\u00d7~", max_size=80)


@settings(max_examples=400)
@given(BROKEN)
def test_broken_text_fails_and_recovers_as_in_lark(text):
    assert_same(text)


@settings(max_examples=200)
@given(st.sampled_from(sorted(SPECS)), st.lists(st.tuples(st.integers(0, 10**6), BROKEN), min_size=1, max_size=4))
def test_corrupted_specs_fail_and_recover_as_in_lark(name, edits):
    text = SPECS[name]
    for at, junk in edits:
        at %= len(text) + 1
        text = text[:at] + junk + text[at + len(junk) // 2 :]
    assert_same(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n",
        "{",
        "}",
        "{{",
        "input 3x8x8\nrepeat 2 {\n  conv 4 3x3\n  relu\n",
        "input 3x8x8\nrepeat 2 {\nblock a {\n relu\n",
        "input 3x8x8\nconv 6 (5, 5)\n",
        "input 3x8x8\nconv 6 5x5 stride=(2\nrelu\n",
        "input 3x8x8\nconv 6 5x5)\n",
        "a: b: c\n",
        "x = = y\n",
        "conv width*4 (a+b)/2 blocks-1 ./data ~/x ../y /abs\n",
        'print "a \\" b" \'c\'\n',
        "relu\r\nrelu\rrelu\n",
        "\x00\x01\x1b[31m\n",
        "repeat 2 { relu }; relu; }",
    ],
)
def test_edge_cases_parse_as_in_lark(text):
    assert_same(text)


def test_the_tables_are_generated_from_the_grammar_now():
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "gen_parser.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_freshly_generated_tables_parse_as_the_shipped_ones(monkeypatch):
    """Tables built by the generator now (Lark may number the states differently) parse every
    shipped spec to the same tree as the checked-in ones."""
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import gen_parser
    finally:
        sys.path.remove(str(ROOT / "tools"))
    shipped = {name: shape(lalr.Parser().parse(text)) for name, text in SPECS.items()}
    fresh = type(lalr.tables)("fresh_tables")
    fresh.__dict__.update(gen_parser.tables())
    monkeypatch.setattr(lalr, "tables", fresh)
    monkeypatch.setattr(lalr, "_TERMINAL_INDEX", {name: i for i, (name, _) in enumerate(fresh.TERMINALS)})
    monkeypatch.setattr(lalr, "_compiled", {})
    assert {name: shape(lalr.Parser().parse(text)) for name, text in SPECS.items()} == shipped


TERMINAL_NAMES = [name for name, _ in lalr.tables.TERMINALS]


@settings(max_examples=500)
@given(
    st.lists(st.sampled_from(TERMINAL_NAMES), min_size=1, unique=True),
    st.text(alphabet='ab_1.5x×(): =/-*+{}\n;"#~ \t', min_size=1, max_size=12),
    st.integers(0, 11),
)
def test_a_lexer_finds_the_first_of_its_terminals_that_matches(names, text, position):
    """Any subset of the terminals, any position: the lexer's answer is the first of its terminals
    (in Lark's order) whose own pattern matches there, tried one by one (a reference without the
    shared alternation the lexer uses)."""
    position %= len(text)
    ordered = tuple(name for name in TERMINAL_NAMES if name in names)
    lexer = lalr._Lexer(ordered, frozenset())
    expected = None
    for name, pattern in lalr.tables.TERMINALS:
        if name in names:
            found = re.compile(pattern).match(text, position)
            if found is not None:
                expected = (found.group(0), name)
                break
    assert lexer.match(text, position) == expected


def test_a_lexer_looks_past_a_terminal_it_lacks():
    """`5x5` is DIMS for the whole grammar; a lexer without DIMS reads the NUMBER `5`... unless
    NUMBER may not be followed by a letter, as here: then nothing; `./x` without PATH is nothing."""
    assert lalr._Lexer(("DIMS", "NUMBER"), frozenset()).match("5x5", 0) == ("5x5", "DIMS")
    assert lalr._Lexer(("NUMBER", "WORD"), frozenset()).match("5x5", 0) is None
    assert lalr._Lexer(("SLASH",), frozenset()).match("a/b", 1) == ("/", "SLASH")
    assert lalr._Lexer(("PATH",), frozenset()).match("a /b", 2) == ("/b", "PATH")
    assert lalr._Lexer(("WORD", "PATH"), frozenset()).match("a-b", 0) == ("a-b", "WORD")
    assert lalr._Lexer(("NUMBER",), frozenset()).match("a -1", 2) == ("-1", "NUMBER")


def test_a_lexer_falls_back_to_its_own_terminals_when_the_first_match_is_not_one(monkeypatch):
    """netspec's grammar has no two terminals that match at one place (so the fallback never finds
    anything there); with terminals that overlap, `aab` read by a lexer without A is B's `a`."""
    fake = type(lalr.tables)("fake_tables")
    fake.TERMINALS = (("A", "a+b"), ("C", "c"), ("B", "a"))
    fake.ROOT_PATTERN = "(?P<A>a+b)|(?P<C>c)|(?P<B>a)"
    monkeypatch.setattr(lalr, "tables", fake)
    monkeypatch.setattr(lalr, "_TERMINAL_INDEX", {"A": 0, "C": 1, "B": 2})
    monkeypatch.setattr(lalr, "_compiled", {})
    assert lalr._Lexer(("A", "B"), frozenset()).match("aab", 0) == ("aab", "A")
    assert lalr._Lexer(("C", "B"), frozenset()).match("aab", 0) == ("a", "B")
    assert lalr._Lexer(("C",), frozenset()).match("aab", 0) is None
    assert lalr._Lexer(("C", "B"), frozenset()).match("aac", 1) == ("a", "B")

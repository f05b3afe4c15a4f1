"""The TextMate grammar (editors/netspec.tmLanguage.json): generated from the layer registry and
up to date, valid JSON whose regexes compile, and — run by a small TextMate-style tokenizer
(leftmost match, the earlier pattern on a tie) over every shipped spec — it colours what netspec's
own parser says each word is: layer kinds, merges, keywords, labels, option keys, comments.

Python's `re` stands in for Oniguruma: the generator writes only the syntax both share."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

from netspec import syntax
from netspec.diagnostics import Diagnostics
from netspec.layers import lookup
from netspec.layers.merge import BY_NAME as MERGES
from netspec.source import SourceFile

REPO = Path(__file__).resolve().parent.parent
GRAMMAR = REPO / "editors" / "netspec.tmLanguage.json"
SPECS = sorted((REPO / "specs").glob("*.net"))


def _generator():
    spec = importlib.util.spec_from_file_location("gen_tmlanguage", REPO / "editors" / "gen_tmlanguage.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _rules(grammar: dict) -> list[dict]:
    """The top-level patterns with their includes resolved, in order."""
    out = []

    def add(rule):
        if "include" in rule:
            add(grammar["repository"][rule["include"].lstrip("#")])
        elif "patterns" in rule:
            for inner in rule["patterns"]:
                add(inner)
        else:
            out.append(rule)

    for rule in grammar["patterns"]:
        add(rule)
    return out


def _tokenize(line: str, rules: list[tuple[re.Pattern, dict]]) -> dict[int, str]:
    """Scope name per character index, as a TextMate engine assigns them to single-line matches."""
    scopes: dict[int, str] = {}
    position = 0
    while position < len(line):
        best = None
        for pattern, rule in rules:
            match = pattern.search(line, position)
            if match and (best is None or match.start() < best[0].start()):
                best = (match, rule)
        if best is None:
            break
        match, rule = best
        if "name" in rule:
            for i in range(match.start(), match.end()):
                scopes[i] = rule["name"]
        for group, capture in rule.get("captures", {}).items():
            if match.group(int(group)) is not None:
                for i in range(match.start(int(group)), match.end(int(group))):
                    scopes[i] = capture["name"]
        position = max(match.end(), position + 1)
    return scopes


@pytest.fixture(scope="module")
def compiled():
    grammar = json.loads(GRAMMAR.read_text(encoding="utf-8"))
    return [(re.compile(rule["match"]), rule) for rule in _rules(grammar)]


def test_the_grammar_files_are_what_the_registry_gives():
    generator = _generator()
    wanted = generator.text()
    for path in generator.TARGETS:
        assert path.read_text(encoding="utf-8") == wanted, f"run python editors/gen_tmlanguage.py ({path})"


def test_the_grammar_is_a_textmate_grammar_whose_regexes_compile(compiled):
    grammar = json.loads(GRAMMAR.read_text(encoding="utf-8"))
    assert grammar["scopeName"] == "source.netspec" and grammar["fileTypes"] == ["net"]
    assert len(compiled) >= 10
    for pattern, rule in compiled:
        assert rule["name" if "name" in rule else "captures"]
        assert pattern.groups >= max((int(g) for g in rule.get("captures", {})), default=0)


@pytest.mark.parametrize("path", SPECS, ids=[p.name for p in SPECS])
def test_every_shipped_spec_is_coloured_as_the_parser_reads_it(path, compiled):
    source = SourceFile(path.name, path.read_text(encoding="utf-8"))
    statements = syntax.parse(source, Diagnostics())
    assert statements is not None
    scopes = {n: _tokenize(text, compiled) for n, text in enumerate(source.lines, start=1)}

    def scope_at(span) -> str:
        return scopes[span.line].get(span.column - 1, "")

    stack, checked = list(statements), 0
    while stack:
        statement = stack.pop()
        stack.extend(statement.body or ())
        word = statement.word.lower()
        if lookup(word) is not None:
            assert scope_at(statement.word_span) == "support.function.layer.netspec", (statement.span, word)
        elif word in MERGES:
            assert scope_at(statement.word_span) == "keyword.operator.merge.netspec", (statement.span, word)
        elif word in ("network", "input", "repeat", "train", "residual", "branch", "shortcut", "block"):
            assert scope_at(statement.word_span).startswith("keyword.control."), (statement.span, word)
        if statement.label_span is not None:
            assert scope_at(statement.label_span) == "entity.name.tag.label.netspec", statement.span
        for option in statement.options:
            assert scope_at(option.key_span) == "variable.parameter.option.netspec", option.key_span
        for value in statement.args:
            if value.kind == "dims":
                assert scope_at(value.span) == "constant.numeric.size.netspec", value.span
        checked += 1
    assert checked > 5
    for number, text in enumerate(source.lines, start=1):
        if text.lstrip().startswith("#"):
            assert scopes[number].get(text.index("#")) == "comment.line.number-sign.netspec"


def test_words_in_value_position_are_not_layer_kinds(compiled):
    scopes = _tokenize("block stage bn relu6 { conv bn 3x3 pad=same }  # relu", compiled)
    line = "block stage bn relu6 { conv bn 3x3 pad=same }  # relu"
    assert scopes[line.index("stage")] == "entity.name.function.block.netspec"
    assert scopes.get(line.index("bn")) != "support.function.layer.netspec"
    assert scopes[line.index("conv")] == "support.function.layer.netspec"
    assert scopes[line.index("same")] == "constant.language.netspec"
    assert scopes[line.index("# relu") + 2] == "comment.line.number-sign.netspec"


def test_the_vscode_extension_declares_the_language_grammar_and_server_command():
    folder = REPO / "editors" / "vscode"
    package = json.loads((folder / "package.json").read_text(encoding="utf-8"))
    [language] = package["contributes"]["languages"]
    assert language["id"] == "netspec" and language["extensions"] == [".net"]
    config = json.loads((folder / language["configuration"]).read_text(encoding="utf-8"))
    assert config["comments"]["lineComment"] == "#"
    [grammar] = package["contributes"]["grammars"]
    assert grammar["language"] == "netspec" and grammar["scopeName"] == "source.netspec"
    assert json.loads((folder / grammar["path"]).read_text(encoding="utf-8"))["scopeName"] == "source.netspec"
    command = package["contributes"]["configuration"]["properties"]["netspec.server.command"]["default"]
    assert command == ["netspec", "lsp"]
    main = (folder / package["main"]).read_text(encoding="utf-8")
    assert 'getConfiguration("netspec").get("server.command"' in main  # the setting starts the server
    assert 'require("vscode-languageclient/node")' in main
    assert "vscode-languageclient" in package["dependencies"]

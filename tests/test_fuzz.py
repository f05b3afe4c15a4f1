"""No input, however broken, makes the checker raise or hang.

Three sources of inputs: text generated from the grammar itself (`hypothesis.extra.lark`), random
corruptions of the shipped specs, and a list of pathological files. Every input goes through what
`netspec check` does (check, memory estimate, text report, JSON report).
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import lark
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark

from netspec import layers, resources, syntax
from netspec.checker import check_text
from netspec.diagnostics import Diagnostics, render
from netspec.memory import estimate
from netspec.report import json_report, text_report
from netspec.source import SourceFile

ROOT = Path(__file__).resolve().parent.parent
SPECS = {path.name: path.read_text(encoding="utf-8") for path in resources.bundled_specs()}
GRAMMAR = lark.Lark.open(str(resources.grammar_path()), parser="lalr")
LIMIT_S = 20


@contextmanager
def hard_stop(seconds: int):
    """Fail (instead of hanging the suite) when the block runs longer than `seconds`."""

    def expire(signum, frame):
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def check_everything(text: str, limit_s: float | None = None):
    """What `netspec check` and `netspec check --json` do with a text; returns the result.
    With `limit_s`, the check itself must take less than that."""
    start = time.perf_counter()
    result = check_text(text, "fuzz.net")
    elapsed = time.perf_counter() - start
    assert limit_s is None or elapsed < limit_s, f"the check took {elapsed:.1f} s"
    memory = estimate(result, batch=2) if result.ok else None
    text_report(result, memory, 2**34, explain=True)
    json.dumps(json_report(result, memory, 2**34))
    lines = max(len(result.source.lines), 1)
    for diagnostic in result.diagnostics.items:
        render(diagnostic, result.source)
        span = diagnostic.span
        assert span is not None, diagnostic
        assert 1 <= span.line <= span.end_line <= lines, diagnostic
        assert span.column >= 1, diagnostic
    if result.ok:
        assert not result.diagnostics.has_errors()
    return result


# --- generated from the grammar ------------------------------------------------------------------

WORDS = sorted(
    {*layers.BY_NAME, "input", "network", "repeat", "block", "train", "same", "valid", "true", "false"}
    | {arg.name for kind in layers.KINDS for arg in kind.args}
)
MEANINGFUL = {
    "WORD": st.sampled_from(WORDS) | st.from_regex(r"[A-Za-z_][A-Za-z0-9_.\-]{0,8}", fullmatch=True),
    "NUMBER": st.sampled_from(["0", "1", "2", "3", "5", "11", "0.5", "-1", "1e-4", "+7", "1" + "0" * 100]),
    "DIMS": st.sampled_from(["3x3", "5x5", "2x1", "1x28x28", "3x227x227", "0x0", "1x1x1x1", "7×7"]),
    "__IGNORE_0": st.just(" "),
}


@given(from_lark(GRAMMAR))
def test_text_generated_from_the_grammar_never_raises(text):
    check_everything(text)


@given(from_lark(GRAMMAR, explicit=MEANINGFUL))
def test_statements_generated_from_the_grammar_never_raise(text):
    check_everything(text)


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_arbitrary_text_never_raises(text):
    check_everything(text)


# --- corruptions of the shipped specs ------------------------------------------------------------

JUNK = st.text(alphabet="{}=:;#\"'()[],x0123456789-. \t\nabc\x00\u00d7\u200b", min_size=1, max_size=8)


@st.composite
def corrupted_specs(draw) -> str:
    lines = SPECS[draw(st.sampled_from(sorted(SPECS)))].splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "replace", "truncate"]))
        if action == "delete":
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif action in ("insert", "replace"):
            line = lines[i]
            at = draw(st.integers(0, len(line)))
            cut = at + (draw(st.integers(1, 3)) if action == "replace" else 0)
            lines[i] = line[:at] + draw(JUNK) + line[cut:]
        else:
            text = "".join(lines)
            return text[: draw(st.integers(0, len(text)))]
    return "".join(lines)


@given(corrupted_specs())
def test_corrupted_specs_never_raise(text):
    check_everything(text)


@pytest.mark.parametrize("name", sorted(SPECS))
def test_every_prefix_of_a_shipped_spec_line_by_line(name):
    lines = SPECS[name].splitlines(keepends=True)
    for n in range(len(lines) + 1):
        check_everything("".join(lines[:n]))


# --- pathological inputs -------------------------------------------------------------------------

EDGE_CASES = {
    "empty": "",
    "only comments": "# one\n\n   # two\n#",
    "only blank lines": "\n\n\r\n  \t \n",
    "binary junk": bytes(range(256)).decode("latin-1") * 40,
    "NUL bytes": "input 1x8x8\n\x00\x00relu\x00\nconv\x00 3 3x3\n",
    "a number of 10^100": "input 1x8x8\nconv 1" + "0" * 100 + " 3x3\n",
    "100,000 digits": "input 1x8x8\nconv " + "7" * 100_000 + " 3x3\n",
    "huge sizes": "input 1x" + "9" * 5000 + "x8\nconv 3 " + "8" * 5000 + "x3\n",
    "absurd repeat, unclosed": "input 10\nrepeat 100000000 {\n",
    "absurd repeat": "input 10\nrepeat 100000000 {\n  relu\n}\n",
    "repeats multiplying past a million": "input 10\nrepeat 1000 {\nrepeat 1000 {\nrepeat 1000 {\nrelu\n}\n}\n}\n",
    "2000 nested repeats": "input 10\n" + "repeat 2 {\n" * 2000 + "relu\n" + "}\n" * 2000,
    "2000 nested repeats, unclosed": "input 10\n" + "repeat 2 {\n" * 2000,
    "100,000 lines of relu": "input 10\n" + "relu\n" * 100_000,
    "a 1 MB line of values": "input 1x8x8\n" + "relu " * 200_000,
    "a 1 MB word": "input 1x8x8\n" + "x" * 1_000_000 + "\n",
    "100,000 opening braces": "{" * 100_000,
    "100,000 closing braces": "}" * 100_000,
    "a megabyte of semicolons": ";" * 1_000_000,
    "self-recursive blocks": "input 10\nblock a {\n  b\n}\nblock b {\n  a\n}\na\n",
    "CR line ends": "input 1x8x8\rconv 2 3x3\rrelu\r",
    "unicode lookalikes": "іnput 1x8x8\nсonv 2 3×3\n",
}


@pytest.mark.parametrize("name", sorted(EDGE_CASES))
def test_pathological_input_finishes_quickly_without_a_traceback(name):
    with hard_stop(3 * LIMIT_S):  # printing 100,000 warnings takes a while too, but ends
        check_everything(EDGE_CASES[name], limit_s=LIMIT_S)


def test_the_command_line_survives_a_binary_file(tmp_path):
    path = tmp_path / "junk.net"
    path.write_bytes(bytes(range(1, 128)) * 100)
    result = subprocess.run(
        [sys.executable, "-m", "netspec", "check", str(path)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert "error:" in result.stdout


# --- the generated parser ------------------------------------------------------------------------


def test_generated_parser_matches_the_grammar_digest():
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "gen_parser.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", sorted(SPECS))
def test_standalone_parser_builds_the_same_tree_as_lark(name):
    reference = lark.Lark.open(
        str(resources.grammar_path()), parser="lalr", propagate_positions=True, maybe_placeholders=True
    )
    assert syntax._parser().parse(SPECS[name]) == reference.parse(SPECS[name])


def test_parse_returns_one_statement_per_top_level_line():
    statements = syntax.parse(SourceFile("t.net", "input 1x8x8\nconv 2 3x3 stride=2\nrelu\n"), Diagnostics())
    assert [s.word for s in statements] == ["input", "conv", "relu"]
    conv = statements[1]
    assert [v.text for v in conv.args] == ["2", "3x3"]
    assert [(o.key, o.value.text) for o in conv.options] == [("stride", "2")]
    assert (conv.span.line, conv.span.column, conv.span.end_column) == (2, 1, len("conv 2 3x3 stride=2") + 1)

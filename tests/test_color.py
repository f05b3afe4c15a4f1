"""Colour in `netspec check`: on a terminal (a real pseudo-terminal here) by default, never in a
pipe or in JSON, off with NO_COLOR, forced with --color always, and never a way for a spec's
own escape characters to reach the terminal."""

from __future__ import annotations

import json
import os
import re
import select
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netspec.checker import check_text
from netspec.color import STYLES, Palette, wants_color
from netspec.diagnostics import render_all
from netspec.report import text_report

pty = pytest.importorskip("pty")  # a pseudo-terminal: POSIX only

ROOT = Path(__file__).resolve().parent.parent
SGR = re.compile(r"\x1b\[([0-9;]*)m")
OURS = {*STYLES.values(), "0"}
SPEC = "input 1x8x8\nconv1: conv 2 3x3 stride=5\nconv 2 9x9\n"  # a warning, then an error


def environment(**changes: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM")}
    env["TERM"] = "xterm-256color"
    env.update({k: v for k, v in changes.items() if v is not None})
    for key in [k for k, v in changes.items() if v is None]:
        env.pop(key, None)
    return env


def run_on_terminal(args: list[str], env: dict[str, str]) -> str:
    """What `netspec ARGS` writes when its stdout is a pseudo-terminal."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "netspec", *args], stdout=follower, stderr=subprocess.DEVNULL, env=env, cwd=ROOT
    )
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 30)
        if not ready:
            process.kill()
            raise TimeoutError("netspec wrote nothing for 30 s")
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the other side closed: Linux reports EIO
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    process.wait(timeout=30)
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


def run_piped(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "netspec", *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60
    )
    return result.stdout


@pytest.fixture
def spec(tmp_path: Path) -> str:
    path = tmp_path / "colours.net"
    path.write_text(SPEC)
    return str(path)


def test_a_terminal_gets_colour(spec):
    out = run_on_terminal(["check", spec], environment())
    assert "\x1b[1;31merror:\x1b[0m" in out and "\x1b[1;33mwarning:\x1b[0m" in out
    assert "\x1b[1;31m^~~\x1b[0m" in out  # the caret line, in the error's colour
    assert "\x1b[1m #" in out or "\x1b[1m#" in out  # the table's header, bold


def test_a_pipe_gets_none(spec):
    out = run_piped(["check", spec], environment())
    assert "error:" in out and "\x1b" not in out


def test_no_color_wins_over_auto(spec):
    assert "\x1b" not in run_on_terminal(["check", spec], environment(NO_COLOR="1"))


def test_an_empty_no_color_is_unset(spec):
    assert "\x1b[" in run_on_terminal(["check", spec], environment(NO_COLOR=""))


def test_a_dumb_terminal_gets_none(spec):
    assert "\x1b" not in run_on_terminal(["check", spec], environment(TERM="dumb"))


def test_color_always_forces_it_into_a_pipe_and_never_turns_it_off(spec):
    assert "\x1b[1;31merror:" in run_piped(["check", spec, "--color", "always"], environment(NO_COLOR="1"))
    assert "\x1b" not in run_on_terminal(["check", spec, "--color", "never"], environment())


def test_json_never_has_colour(spec):
    out = run_on_terminal(["check", spec, "--json", "--color", "always"], environment())
    assert "\x1b" not in out
    assert json.loads(out)["diagnostics"][0]["severity"] == "warning"


def test_colour_is_only_added_around_the_plain_text():
    """Taking netspec's colour codes out of a coloured report gives the plain report exactly."""
    result = check_text(SPEC, "colours.net")
    plain = text_report(result, None, 2**34)
    coloured = text_report(result, None, 2**34, palette=Palette(True))
    assert coloured != plain
    assert set(SGR.findall(coloured)) <= OURS
    assert SGR.sub("", coloured) == plain


HOSTILE = [
    "\x1b]0;pwned\x07",  # retitles the window
    "\x1b[2J",  # clears the screen
    "\x1b[31mred",
    "\x9b31m",  # the one-byte CSI
    "\u202eevil",  # a bidirectional override
]


@pytest.mark.parametrize("junk", HOSTILE)
def test_a_hostile_spec_sends_no_raw_escape_even_in_colour(junk, tmp_path):
    path = tmp_path / "hostile.net"
    path.write_text(f"network a{junk}b\ninput 1x8x8\nx{junk}: conv 2 3x3 stride=5\nconv 2 9x9 {junk}\n")
    out = run_piped(["check", str(path), "--color", "always"], environment())
    assert "error:" in out
    assert set(SGR.findall(out)) <= OURS
    rest = SGR.sub("", out)
    assert "\x1b" not in rest and "\x9b" not in rest and "\u202e" not in rest


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=80))
def test_any_text_in_a_spec_is_escaped_before_it_is_coloured(junk):
    result = check_text(f"input 1x8x8\nconv 2 3x3 {junk}\nconv 2 9x9\n", "t.net")
    out = render_all(result.diagnostics.sorted(), result.source, Palette(True))
    assert set(SGR.findall(out)) <= OURS
    rest = SGR.sub("", out)
    assert all(ch.isprintable() or ch in "\n\t" for ch in rest)


class FakeStream:
    def __init__(self, tty: bool):
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize(
    ("mode", "tty", "env", "expected"),
    [
        ("auto", True, {}, True),
        ("auto", False, {}, False),
        ("auto", True, {"NO_COLOR": "1"}, False),
        ("auto", True, {"NO_COLOR": ""}, True),
        ("auto", True, {"TERM": "dumb"}, False),
        ("always", False, {"NO_COLOR": "1", "TERM": "dumb"}, True),
        ("never", True, {}, False),
    ],
)
def test_when_colour_is_used(mode, tty, env, expected):
    assert wants_color(mode, FakeStream(tty), env) is expected


def test_a_closed_stream_gets_no_colour():
    stream = open(os.devnull, "w")  # noqa: SIM115
    stream.close()
    assert wants_color("auto", stream, {}) is False

"""The language server's parts without a client: position encodings (against Python's own
encoders), completion from the text of a line, hover text, inlay labels, the outline's ranges, a
failing handler, `netspec lsp` without pygls, and no torch anywhere in the server."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("pygls")

from lsprotocol import types  # noqa: E402

from netspec.lsp.completion import complete  # noqa: E402
from netspec.lsp.document import Analysis, block_end, unclosed_braces  # noqa: E402
from netspec.lsp.hover import fenced, hover_text  # noqa: E402
from netspec.lsp.inlay import shapes_label  # noqa: E402
from netspec.lsp.navigation import document_symbols  # noqa: E402
from netspec.lsp.positions import ENCODINGS, char_index, from_lsp, to_lsp, units  # noqa: E402

SPECS = Path(__file__).resolve().parent.parent / "specs"
REPO = Path(__file__).resolve().parent.parent

# --- positions ----------------------------------------------------------------------------------

# Letters from every UTF-8 length and both UTF-16 planes: a, é (2 bytes), € (3), 😀 (4, a pair).
text_lines = st.lists(st.text(alphabet=st.sampled_from("a é€😀\t#x"), max_size=12), min_size=1, max_size=4)


def reference_units(text: str, encoding: str) -> int:
    """Code units by Python's encoders: UTF-16 and UTF-32 without a byte-order mark."""
    codec = {"utf-8": ("utf-8", 1), "utf-16": ("utf-16-le", 2), "utf-32": ("utf-32-le", 4)}[encoding]
    return len(text.encode(codec[0])) // codec[1]


@given(st.text(max_size=40), st.sampled_from(ENCODINGS))
def test_units_agree_with_python_encoders(text, encoding):
    text = text.encode("utf-8", "replace").decode("utf-8")  # no lone surrogates: not in a document
    assert units(text, encoding) == reference_units(text, encoding)


@given(text_lines, st.data(), st.sampled_from(ENCODINGS))
def test_a_column_goes_to_lsp_and_back_unchanged(lines, data, encoding):
    line = data.draw(st.integers(1, len(lines)))
    column = data.draw(st.integers(1, len(lines[line - 1]) + 1))
    line0, character = to_lsp(lines, line, column, encoding)
    assert (line0, character) == (line - 1, reference_units(lines[line - 1][: column - 1], encoding))
    assert from_lsp(lines, line0, character, encoding) == (line, column)


@given(text_lines, st.data(), st.sampled_from(ENCODINGS))
def test_any_lsp_position_lands_on_the_start_of_the_character_it_is_in(lines, data, encoding):
    line0 = data.draw(st.integers(0, len(lines) - 1))
    text = lines[line0]
    character = data.draw(st.integers(0, reference_units(text, encoding) + 3))
    index = char_index(text, character, encoding)
    assert 0 <= index <= len(text)
    before = reference_units(text[:index], encoding)
    assert before <= character
    if index < len(text):  # the character at `index` spans the position
        assert character < before + reference_units(text[index], encoding)
    else:
        assert character >= reference_units(text, encoding)


def test_positions_inside_a_surrogate_pair_or_past_the_end():
    lines = ["😀x"]
    assert from_lsp(lines, 0, 1, "utf-16") == (1, 1)  # the middle of 😀 is 😀
    assert from_lsp(lines, 0, 2, "utf-16") == (1, 2)
    assert from_lsp(lines, 0, 3, "utf-8") == (1, 1)
    assert from_lsp(lines, 0, 4, "utf-8") == (1, 2)
    assert from_lsp(lines, 0, 99, "utf-16") == (1, 3)
    assert from_lsp(lines, 5, 0, "utf-16") == (1, 3)
    assert to_lsp(lines, 9, 1, "utf-16") == (0, 3)


# --- completion -------------------------------------------------------------------------------------


def labels(text: str, line: int, column: int, blocks=None) -> list[str]:
    return [item.label for item in complete(text, line, column, blocks or {})]


def test_completion_of_options_leaves_out_those_given():
    assert labels("conv 64 3x3 stride=2 ", 0, 21) == ["pad=", "dilation=", "groups=", "bias="]
    # `kernel` not given yet: it may be named too, and comes first
    assert labels("conv 64 ", 0, 8)[:1] == ["kernel="]
    assert labels("  c1: maxpool 3 ", 0, 16) == ["stride=", "pad=", "ceil="]


def test_completion_of_an_options_words():
    assert labels("upsample 2 mode=", 0, 16) == ["nearest", "bilinear"]
    assert labels("fc 10 bias=", 0, 11) == ["true", "false"]
    assert labels("concat crop=", 0, 12) == ["none", "center"]
    assert labels("convtranspose 8 4 pad=", 0, 22) == []  # a number only: no words
    assert labels("train {\n  optimizer ", 1, 12) == [
        "sgd",
        "momentum",
        "nesterov",
        "adagrad",
        "rmsprop",
        "adam",
        "adamw",
    ]


def test_no_completion_in_a_comment_or_a_string():
    assert labels("conv 64 3x3 # pad=", 0, 18) == []
    assert labels('network "conv ', 0, 14) == []
    assert labels('network "a#b"; conv 8 3 ', 0, 24)[:1] == ["stride="]


def test_completion_at_a_statement_start_depends_on_the_enclosing_block():
    top = labels("", 0, 0)
    assert {"conv", "fc", "relu", "add", "concat", "network", "input", "train", "block"} <= set(top)
    in_merge = labels("concat {\n  branch { conv 8 1 }\n  ", 2, 2)
    assert in_merge == ["branch"]
    in_residual = labels("residual {\n  conv 8 3\n  ", 2, 2)
    assert "shortcut" in in_residual and "network" not in in_residual
    in_train = labels("train {\n  ep", 1, 4)
    assert "epochs" in in_train and "conv" not in in_train
    after_brace = labels("repeat 2 { con", 0, 14)
    assert "conv" in after_brace and "network" not in after_brace


def test_completion_of_a_blocks_parameters_from_its_definition():
    analysis = Analysis("file:///b.net", "input 3x8x8\nblock stage width blocks=2 {\n  conv width 3\n}\n")
    assert "stage" in labels("", 0, 0, analysis.blocks)
    assert labels("stage ", 0, 6, analysis.blocks) == ["width=", "blocks="]
    assert labels("stage 16 ", 0, 9, analysis.blocks) == ["blocks="]
    assert labels("stage width=4 ", 0, 14, analysis.blocks) == ["blocks="]


def test_an_unclosed_block_still_gives_its_definitions():
    analysis = Analysis("file:///b.net", "input 3x8x8\nblock stage width {\n  conv width 3\n")
    assert unclosed_braces(analysis.source.text) == 1
    assert list(analysis.blocks) == ["stage"]
    assert unclosed_braces('a { "}" # }\n}') == 0


# --- hover, inlay, outline ------------------------------------------------------------------------


def test_hover_text_is_fenced_whatever_backticks_the_spec_holds():
    text = fenced("a ``` b ```` c")
    assert text.startswith("`````text\n") and text.endswith("\n`````")
    assert fenced("\x1b]0;title\x07").count("\x1b") == 0  # control characters escaped


def test_hover_on_a_merge_and_on_a_line_the_check_did_not_reach():
    text = "input 8x4x4\nadd {\n  branch { conv 8 3 pad=1 }\n  branch { }\n}\nconv 4 9x9\nrelu\n"
    analysis = Analysis("file:///m.net", text)
    merge = hover_text(analysis, analysis.statement_at(2, 1))
    assert "input   8×4×4\noutput  8×4×4" in merge
    branch = hover_text(analysis, analysis.statement_at(3, 3))
    assert "8×4×4 → 8×4×4: 1 layer, params 584" in branch
    assert "not checked" in hover_text(analysis, analysis.statement_at(7, 1))


def test_a_label_with_several_shapes_names_the_distinct_ones_in_order():
    assert shapes_label([(6, 24, 24)]) == "→ 6×24×24"
    assert shapes_label([(8,), (8,), (16,)]) == "→ 8 | 16"
    assert shapes_label([(1,), (2,), (3,), (4,), (1,)]) == "→ 1 | 2 | 3 | …"


def test_block_ranges_end_at_their_closing_brace():
    text = 'block b x {  # {\n  add { branch { relu } }\n  conv x 1 "}"\n}   \ninput 1x4x4\nb 2\n'
    analysis = Analysis("file:///o.net", text)
    assert block_end(analysis.source, analysis.statements[0]) == (4, 2)
    symbols = document_symbols(analysis, "utf-16")
    assert [s.name for s in symbols] == ["o", "b"]
    assert symbols[1].range.end == types.Position(line=3, character=1)


# --- robustness ------------------------------------------------------------------------------------


def test_a_failing_handler_is_logged_to_the_client_and_answers_its_default():
    from netspec.lsp.server import guarded

    class Client:
        def __init__(self):
            self.logged = []

        def window_log_message(self, params):
            self.logged.append(params)

    client = Client()

    @guarded(client, default=[])
    async def broken(params):
        raise KeyError("boom")

    assert asyncio.run(broken(None)) == []
    [message] = client.logged
    assert message.type == types.MessageType.Error
    assert "broken failed" in message.message and "KeyError: 'boom'" in message.message


def test_the_language_server_never_imports_torch():
    code = (
        "import sys; from netspec.lsp.server import build_server; from netspec.lsp.document import Analysis\n"
        "from netspec.lsp import hover, inlay, navigation, publish, completion\n"
        "build_server(); a = Analysis('file:///r.net', open(sys.argv[1]).read())\n"
        "[hover.hover_text(a, s) for s in a.statements]; inlay.inlay_hints(a, 1, 999, 'utf-16')\n"
        "navigation.document_symbols(a, 'utf-16'); publish.lsp_diagnostics(a, 'utf-16')\n"
        "completion.complete(a.source.text, 3, 0, a.blocks)\n"
        "print('torch' in sys.modules, 'numpy' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(SPECS / "resnet50.net")], capture_output=True, text=True, cwd=REPO
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "False"]


def test_netspec_lsp_without_pygls_is_a_clear_error():
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('pygls', 'lsprotocol'):\n"
        "            raise ImportError('no ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "from netspec.cli import main\n"
        "sys.exit(main(['lsp']))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert out.returncode == 2
    assert "pip install 'netspec[lsp]'" in out.stderr
    assert "Traceback" not in out.stderr


def test_text_from_the_spec_reaches_the_editor_escaped_as_on_a_terminal():
    from netspec.lsp.publish import lsp_diagnostics

    text = 'network "evil\u202e\x1b[2J"\ninput 1x8x8\nupsample 2 mode="near\u202eest"\n'
    analysis = Analysis("file:///e.net", text)
    [diagnostic] = lsp_diagnostics(analysis, "utf-16")
    assert "\u202e" not in diagnostic.message and "\\u202e" in diagnostic.message
    [network] = document_symbols(analysis, "utf-16")
    assert network.name == "evil\\u202e\\x1b[2J"


def test_a_check_superseded_before_it_starts_is_dropped_and_its_waiters_get_the_newer_one():
    import threading

    from netspec.lsp.server import Documents

    texts = {"u": "input 1x8x8\nconv 2 3\n"}
    documents = Documents(texts.get, threads=1)
    release = threading.Event()
    checked = []

    async def scenario():
        loop = asyncio.get_running_loop()
        busy = loop.run_in_executor(documents.executor, release.wait)  # the one worker is busy
        first = asyncio.ensure_future(documents.analysis("u"))
        await asyncio.sleep(0)  # let it reach its await
        texts["u"] = "input 1x8x8\nconv 5 3\n"
        second = asyncio.ensure_future(documents.analysis("u"))
        await asyncio.sleep(0)  # let it reach its await
        release.set()
        await busy
        for analysis in await asyncio.gather(first, second):
            checked.append(analysis.result.layers[0].output)
        assert await documents.analysis("missing") is None

    asyncio.run(scenario())
    assert checked == [(5, 6, 6), (5, 6, 6)]


spec_pieces = st.sampled_from(
    [
        "input 3x16x16", "conv 4 3", "conv", " pad=", "same", "relu", "block b w {", "b 2", "}", "{", ";",
        "residual {", "shortcut {", "add {", "branch {", "repeat 2 {", "x: ", "# c", '"s', "é", "😀", "\n",
        "\n", " ", "=", "fc 3", "train {", "optimizer ", "w*2", "maxpool 2", "network n",
    ]
)  # fmt: skip


@given(st.lists(spec_pieces, max_size=30), st.data())
def test_every_feature_answers_any_text_at_any_position(pieces, data):
    from netspec.lsp.inlay import inlay_hints
    from netspec.lsp.navigation import definition
    from netspec.lsp.publish import lsp_diagnostics

    text = "".join(pieces)
    analysis = Analysis("file:///f.net", text)
    encoding = data.draw(st.sampled_from(ENCODINGS))
    lsp_diagnostics(analysis, encoding)
    inlay_hints(analysis, 1, len(analysis.lines) + 1, encoding)
    document_symbols(analysis, encoding)
    lines = analysis.lines or [""]
    line0 = data.draw(st.integers(0, len(lines)))
    character = data.draw(st.integers(0, 40))
    line, column = from_lsp(analysis.lines, line0, character, encoding)
    statement = analysis.statement_at(line, column)
    if statement is not None:
        hover_text(analysis, statement)
    definition(analysis, line, column, encoding)
    items = complete(analysis.source.text, line - 1, column - 1, analysis.blocks)
    assert all(item.label for item in items)

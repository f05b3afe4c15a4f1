"""Edges of the language found in review: deep block-call chains, line endings, huge values,
floods of one diagnostic, and the names of layers inside labelled block calls."""

from netspec.checker import check_text
from netspec.diagnostics import SHOWN_PER_CODE, render_all
from netspec.syntax import MAX_NESTING


def _codes(result):
    return [d.code for d in result.diagnostics.sorted()]


def test_a_chain_of_block_calls_deeper_than_the_limit_is_a_nesting_error_not_a_crash():
    chain = [f"block b{i} {{\n  b{i + 1}\n}}" for i in range(1000)] + ["block b1000 {\n  relu\n}"]
    result = check_text("input 1x8x8\n" + "\n".join(chain) + "\nb0\n")
    assert _codes(result) == ["nesting"]
    assert not result.ok


def test_a_chain_of_block_calls_within_the_limit_expands():
    depth = MAX_NESTING - 1
    chain = [f"block b{i} {{\n  b{i + 1}\n}}" for i in range(depth)] + [f"block b{depth} {{\n  relu\n}}"]
    result = check_text("input 4\n" + "\n".join(chain) + "\nb0\n")
    assert result.ok, _codes(result)
    assert [layer.kind for layer in result.layers] == ["relu"]


def test_windows_and_old_mac_line_endings_give_the_same_positions_as_unix_ones():
    unix = check_text("input 1x8x8\nconv 4 3\nconvv 2 2\n")
    for newline in ("\r\n", "\r"):
        other = check_text(f"input 1x8x8{newline}conv 4 3{newline}convv 2 2{newline}")
        assert [(d.code, d.span) for d in other.diagnostics.sorted()] == [
            (d.code, d.span) for d in unix.diagnostics.sorted()
        ]


def test_a_form_feed_inside_a_line_does_not_shift_the_shown_source_line():
    result = check_text("input 1x8x8\nrelu\x0c relu\nconvv 2 2\n", "ff.net")
    text = render_all(result.diagnostics.sorted(), result.source)
    unknown = text[text.index("ff.net:3:1") :]
    assert unknown.splitlines()[1].strip() == "convv 2 2"


def test_a_huge_value_is_shortened_in_the_message():
    digits = "9" * 5000
    result = check_text(f"input 1x8x8\nconv {digits} 3\n")
    (error,) = result.diagnostics.errors
    assert error.code == "bad-value"
    assert len(error.message) < 200


def test_a_flood_of_one_warning_is_cut_to_a_count_on_the_terminal_but_not_in_the_records():
    result = check_text("input 1x8x8\n" + "relu\n" * 100)
    warnings = [d for d in result.diagnostics.sorted() if d.code == "double-activation"]
    assert len(warnings) == 99
    text = render_all(result.diagnostics.sorted(), result.source)
    assert text.count("[double-activation]\n") == SHOWN_PER_CODE
    assert f"{99 - SHOWN_PER_CODE:,} more warnings  [double-activation] not shown" in text


def test_unlabelled_layers_inside_a_labelled_call_are_named_after_the_call():
    result = check_text("input 3x8x8\nblock st f {\n conv f 3 pad=1\n relu\n}\ns1: st 4\nst 2\n")
    assert result.ok
    assert [layer.name for layer in result.layers] == ["s1.conv1", "s1.relu1", "st1.conv1", "st1.relu1"]

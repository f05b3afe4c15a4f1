"""`netspec draw`, audited as a hostile or confused user would use it: each test is a finding
that was wrong once (an output suffix that was ignored, a receptive-field caption that misread
its own numbers, rows that wrapped two boxes onto an empty line)."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netspec import resources
from netspec.checker import check_text
from netspec.cli import main
from netspec.draw import draw_svg
from netspec.draw.rf_view import field_summary
from netspec.draw.svg import SVG_NAMESPACE
from netspec.draw.wrapping import SLACK, line_count, wrap

SPECS = {path.stem: path for path in resources.bundled_specs()}
NS = "{" + SVG_NAMESPACE + "}"
SMALL = "network Small\ninput 3x32x32\nconv 8 3x3\nrelu\nfc 10\n"


def checked(name: str):
    path = SPECS[name]
    return check_text(path.read_text(encoding="utf-8"), path.name)


def texts(svg: str) -> list[str]:
    return [e.text or "" for e in ET.fromstring(svg).iter(NS + "text")]


# --- -o with a suffix that is not svg, png or pdf ----------------------------------------------


@pytest.mark.parametrize("name", ["net.jpg", "net.JPEG", "net.svgz", "net.png.bak"])
def test_an_output_suffix_draw_cannot_write_is_refused_and_nothing_written(tmp_path, capsys, name):
    spec = tmp_path / "small.net"
    spec.write_text(SMALL, encoding="utf-8")
    target = tmp_path / name
    assert main(["draw", str(spec), "-o", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("netspec: error: -o ") and "--format" in err and "Traceback" not in err
    assert not target.exists()


def test_format_names_the_format_whatever_the_suffix(tmp_path, capsys):
    spec = tmp_path / "small.net"
    spec.write_text(SMALL, encoding="utf-8")
    target = tmp_path / "net.jpg"
    assert main(["draw", str(spec), "-o", str(target), "--format", "svg"]) == 0
    assert target.read_text(encoding="utf-8").startswith("<svg ")


@pytest.mark.parametrize("name", ["plain", "x.SVG", ".hidden"])
def test_no_suffix_means_svg_and_suffixes_are_read_in_any_case(tmp_path, capsys, name):
    spec = tmp_path / "small.net"
    spec.write_text(SMALL, encoding="utf-8")
    assert main(["draw", str(spec), "-o", str(tmp_path / name)]) == 0
    assert (tmp_path / name).read_text(encoding="utf-8").startswith("<svg ")


# --- the receptive-field caption ---------------------------------------------------------------


def test_rf_caption_gives_the_field_as_rows_by_columns():
    result = checked("lenet")
    conv2 = next(r for r in result.layers if r.name == "conv2")
    shown = texts(draw_svg(result, rf="conv2"))
    rows, columns = conv2.rf
    assert any(f"sees a field of {rows}×{columns} input pixels" in t for t in shown)
    assert not any(f"sees {rows} input pixels" in t for t in shown)  # 14 pixels, where 196 are seen


def test_rf_of_a_layer_reading_everything_mentions_no_dashed_neighbour():
    result = checked("lenet")
    svg = draw_svg(result, rf="fc1")
    assert not any("dashed" in t for t in texts(svg))
    assert "stroke-dasharray" not in svg
    assert any("the whole input" in t for t in texts(svg))


@given(
    st.integers(1, 500),
    st.integers(1, 500),
    st.integers(1, 64),
    st.integers(1, 64),
    st.booleans(),
)
def test_field_summary_states_both_sides_and_the_neighbour_only_when_drawn(h, w, jh, jw, drawn):
    text = field_summary((h, w), (jh, jw), drawn)
    assert f"{h}×{w} input pixels" in text
    assert ("dashed" in text) == drawn


def test_the_grid_is_drawn_over_the_filled_field():
    svg = draw_svg(checked("lenet"), rf="conv2")
    order = [e.get("class") for e in ET.fromstring(svg).iter() if e.get("class") in ("rf", "grid")]
    first_fill = order.index("rf")
    assert "grid" in order[first_fill:], "grid lines after the field's fill, so its pixels can be counted"
    assert order[-1] == "rf", "the outlines last"


# --- wrapping: rows of even length -------------------------------------------------------------


@given(st.lists(st.floats(1, 900, allow_nan=False), min_size=1, max_size=200), st.floats(200, 3000))
def test_wrap_keeps_every_item_in_order_in_at_most_the_lines_it_needs(lengths, limit):
    lines = wrap(lengths, limit)
    assert [i for line in lines for i in line] == list(range(len(lengths)))
    assert all(lines)
    total = sum(lengths)
    expected = 1 if total <= limit * (1 + SLACK) else math.ceil(total / limit)
    assert len(lines) <= expected
    share = total / expected
    for line in lines:  # no line longer than its share plus one item (plus a short head and tail joined)
        assert sum(lengths[i] for i in line) <= share + max(lengths) + 2 * limit * SLACK + 1e-6
    if len(lines) > 1:
        assert sum(lengths[i] for i in lines[-1]) >= limit * SLACK, "no short last line alone"
        assert sum(lengths[i] for i in lines[0]) >= limit * SLACK, "no short first line alone"


@given(st.integers(2, 60), st.floats(10, 100))
def test_wrap_of_equal_items_differs_by_at_most_one_item_per_line(count, size):
    lines = wrap([size] * count, size * 7.5)
    sizes = [len(line) for line in lines]
    assert max(sizes) - min(sizes) <= 1
    assert len(lines) == line_count(sum([size] * count), size * 7.5)


def test_a_short_tail_after_an_item_longer_than_a_line_joins_that_line():
    assert wrap([100, 5000, 50], 1800) == [[0, 1, 2]]
    assert wrap([100, 1900, 50], 1800) == [[0, 1, 2]]
    assert wrap([5000, 5000, 50], 1800) == [[0], [1, 2]]


def test_vgg16_blocks_stay_on_one_row_not_two_fc_bars_alone_below():
    svg = draw_svg(checked("vgg16"))
    root = ET.fromstring(svg)
    baselines = [float(e.get("y")) for e in root.iter(NS + "text") if (e.text or "").startswith("fc ")]
    assert len(baselines) == 3 and max(baselines) - min(baselines) < 40, "all three fc captions on the same row"
    assert float(root.get("width")) > 3 * float(root.get("height"))


def test_a_long_graph_wraps_into_columns_of_similar_height():
    svg = draw_svg(checked("densenet121"))
    root = ET.fromstring(svg)
    lowest_per_column: dict[int, float] = {}
    width = float(root.get("width"))
    columns = max(1, round(width / 330))
    for e in root.iter(NS + "text"):
        x, y = float(e.get("x")), float(e.get("y"))
        key = min(columns - 1, int(x / (width / columns)))
        lowest_per_column[key] = max(lowest_per_column.get(key, 0.0), y)
    heights = [lowest_per_column[k] for k in sorted(lowest_per_column)]
    assert min(heights[:-1]) > 0.8 * max(heights), "no short column left half empty, the last aside"


# --- odd shapes and tiny inputs ------------------------------------------------------------------


@pytest.mark.parametrize(
    "spec",
    [
        "input 3x1x1\nconv 8 1x1\nfc 4\n",
        "input 3x32x512\nconv 16 3x3 stride=2 pad=1\nmaxpool 2\nfc 10\n",
        "input 3x32x32\n",
        "input 100\nfc 50\nrelu\nfc 10\n",
    ],
)
@pytest.mark.parametrize("style", ["blocks", "graph"])
@pytest.mark.parametrize("direction", ["right", "down"])
def test_odd_shapes_draw_as_valid_svg_with_their_sizes(spec, style, direction):
    result = check_text(spec, "odd.net")
    svg = draw_svg(result, style=style, direction=direction)
    root = ET.fromstring(svg)
    assert 0 < float(root.get("width")) < 4000 and 0 < float(root.get("height")) < 4000


def test_a_rf_on_a_vector_input_is_a_usage_error(tmp_path, capsys):
    spec = tmp_path / "vec.net"
    spec.write_text("input 100\nfc 50\n", encoding="utf-8")
    assert main(["draw", str(spec), "--rf", "fc1"]) == 2
    assert "netspec: error: --rf fc1: receptive fields are drawn for C×H×W inputs" in capsys.readouterr().err


def test_draw_of_a_spec_with_errors_writes_nothing(tmp_path, capsys):
    spec = tmp_path / "bad.net"
    spec.write_text("network Bad\ninput 3x8x8\nconv 8 9x9\n", encoding="utf-8")
    target = tmp_path / "bad.svg"
    assert main(["draw", str(spec), "-o", str(target)]) == 1
    err = capsys.readouterr().err
    assert f"{spec}:3:" in err and "error:" in err
    assert not target.exists() and list(Path(tmp_path).iterdir()) == [spec]


# --- bidirectional controls in a name --------------------------------------------------------------


@pytest.mark.parametrize("control", ["\u202e", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069", "\u200f", "\u061c"])
def test_bidi_controls_in_a_network_name_do_not_reach_the_svg(control):
    result = check_text(f'network "safe{control}evil"\ninput 3x8x8\nconv 4 3x3\n', "bidi.net")
    assert result.ok
    for options in ({}, {"style": "graph"}, {"rf": "conv1"}):
        svg = draw_svg(result, **options)
        assert control not in svg
        assert "safe\ufffdevil" in svg


@pytest.mark.parametrize("direction", ["down", "right"])
def test_a_graph_of_only_an_input_has_no_arrow_to_nothing(direction):
    svg = draw_svg(check_text("input 3x32x32\n", "only.net"), style="graph", direction=direction)
    root = ET.fromstring(svg)
    assert [e.text for e in root.iter(NS + "text")] == ["input", "3×32×32"]
    assert not [e for e in root.iter() if e.tag in (NS + "polygon", NS + "polyline", NS + "path", NS + "line")]


def test_a_graph_with_layers_still_has_its_first_edge():
    svg = draw_svg(check_text("input 3x32x32\nconv 4 3x3\n", "one.net"), style="graph")
    root = ET.fromstring(svg)
    assert [e for e in root.iter() if e.tag in (NS + "polygon", NS + "polyline", NS + "path", NS + "line")]


# --- a repeat's bracket is never split across rows ---------------------------------------------------


class FakeColumn:
    def __init__(self, repeat):
        self.repeat = repeat


@st.composite
def marked_columns(draw):
    """Columns with repeat marks (count, span) as columns_of makes them: nested spans inside."""
    count = draw(st.integers(1, 40))
    marks: list = [None] * count
    for _ in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, count - 1))
        span = draw(st.integers(1, count - start))
        marks[start] = (draw(st.integers(2, 9)), span)
    return [FakeColumn(mark) for mark in marks]


@given(marked_columns())
def test_unbroken_groups_keep_every_repeat_whole_and_every_column_once(columns):
    from netspec.draw.blocks import unbroken_groups

    groups = unbroken_groups(columns)
    assert [c for group in groups for c in group] == columns and all(groups)
    where = {id(c): g for g, group in enumerate(groups) for c in group}
    for index, column in enumerate(columns):
        if column.repeat:
            last = columns[index + column.repeat[1] - 1]
            assert where[id(column)] == where[id(last)]


@pytest.mark.parametrize("direction", ["right", "down"])
@pytest.mark.parametrize("name", ["mobilenet_v2", "resnet50", "densenet121", "vgg16"])
def test_blocks_rows_keep_each_repeat_on_one_row(name, direction):
    from netspec.draw import structure
    from netspec.draw.blocks import BlocksLayout, columns_of

    result = checked(name)
    units = structure.elide(structure.collapse(structure.build(result.layers)), limit=120)
    columns = columns_of(result, units, True, 1.0)
    rows = BlocksLayout(direction, set()).rows(columns)
    assert [c for row in rows for c in row] == columns
    row_of = {id(c): r for r, row in enumerate(rows) for c in row}
    for index, column in enumerate(columns):
        if column.repeat:
            assert row_of[id(column)] == row_of[id(columns[index + column.repeat[1] - 1])], (name, index)


# --- long names are shortened, not drawn 6,000 px wide ----------------------------------------------


@given(st.text(min_size=0, max_size=300), st.integers(5, 80))
def test_shorten_keeps_short_names_and_both_ends_of_long_ones(name, limit):
    from netspec.draw.text import shorten

    shown = shorten(name, limit)
    if len(name) <= limit:
        assert shown == name
    else:
        cut = (limit - 1) // 2
        head, mark, tail = shown[:cut], shown[cut], shown[cut + 1 :]
        assert len(shown) == limit and mark == "…"
        assert name.startswith(head) and name.endswith(tail) and len(head) + len(tail) == limit - 1


LONG = "b" + "x" * 400
LONG_BLOCK = f"""network LongBlock
input 3x32x32
block {LONG} width {{
  residual {{
    conv width 3x3 pad=1
    relu
  }}
}}
conv 8 3x3 pad=1
{LONG} 8
{LONG} 8
fc 10
"""


@pytest.mark.parametrize("options", [{"style": "graph"}, {"style": "blocks"}, {"style": "graph", "expand": True}])
def test_a_400_character_block_name_keeps_the_drawing_narrow(options):
    result = check_text(LONG_BLOCK, "long.net")
    assert result.ok
    svg = draw_svg(result, **options)
    root = ET.fromstring(svg)
    assert float(root.get("width")) < 1200
    assert not any(LONG in t for t in texts(svg)), "the name is shortened in every text drawn"
    assert any("…" in t for t in texts(svg))


# --- --highlight of a layer in the elided middle ------------------------------------------------------

DISTINCT = "input 3x16x16\n" + "".join(f"conv {8 + i} 3x3 pad=1\n" for i in range(300))


@pytest.mark.parametrize("style", ["blocks", "graph"])
def test_highlighting_a_layer_left_out_lights_the_gap_that_stands_for_it(style):
    result = check_text(DISTINCT, "distinct.net")
    plain = draw_svg(result, style=style)
    assert any(t.startswith("… ") and t.endswith(" layers …") for t in texts(plain)), "the middle is elided"
    middle = result.layers[len(result.layers) // 2].name
    lit = draw_svg(result, style=style, highlight=middle)
    assert plain.count("#ffd54f") == 0 and lit.count("#ffd54f") == 1
    first = draw_svg(result, style=style, highlight=result.layers[0].name)
    assert first.count("#ffd54f") == 1 and first != lit


# --- merges of thousands of branches, branches of thousands of layers --------------------------------

WIDE_MERGE = "input 3x8x8\nconcat {\n" + "  branch { conv 1 1x1 }\n" * 3000 + "}\nfc 10\n"
LONG_BRANCH = "input 4x8x8\nadd {\n  branch {\n" + "".join(f"    conv {4 + i} 1x1\n" for i in range(2000))
LONG_BRANCH += "    conv 4 1x1\n  }\n  branch { }\n}\nfc 10\n"


def test_a_merge_of_3000_branches_draws_twelve_lanes_and_counts_the_rest():
    from netspec.draw.structure import MAX_LANES

    result = check_text(WIDE_MERGE, "wide.net")
    svg = draw_svg(result, style="graph")
    root = ET.fromstring(svg)
    assert float(root.get("width")) < 2500
    shown = texts(svg)
    hidden = 3000 - (MAX_LANES - 1)
    assert f"… {hidden:,} branches …" in shown
    assert sum(t == "conv 1×1, 1" for t in shown) == MAX_LANES - 1
    assert draw_svg(result, style="graph", highlight="branch1500.conv1").count("#ffd54f") == 1
    assert any(t == "of 3000 branches" for t in texts(draw_svg(result, style="blocks")))


@pytest.mark.parametrize("style", ["graph", "blocks"])
def test_a_branch_of_2000_layers_is_elided_not_drawn_96000_px_tall(style):
    result = check_text(LONG_BRANCH, "long.net")
    svg = draw_svg(result, style=style)
    root = ET.fromstring(svg)
    assert float(root.get("height")) < 3000 and float(root.get("width")) < 3000
    gaps = [t for t in texts(svg) if t.startswith("… ") and t.endswith(" layers …")]
    assert len(gaps) == 1
    drawn = sum(t.startswith("conv 1×1") for t in texts(svg))
    assert drawn + int(gaps[0].split()[1].replace(",", "")) == 2001


@given(st.integers(1, 60), st.integers(1, 30))
def test_elided_merges_account_for_every_branch_and_layer(branches, length):
    from netspec.draw import structure

    spec = "input 2x4x4\nconcat {\n" + "".join(
        "  branch {" + "".join(f" conv {1 + (b + i) % 3} 1x1;" for i in range(1 + (b * 7) % length)) + " }\n"
        for b in range(branches)
    )
    result = check_text(spec + "}\n", "random.net")
    assert result.ok
    units = structure.elide(structure.build(result.layers), lanes=12, inner=10)
    merge = units[0]
    assert structure.branch_count(merge) == branches and len(merge.branches) <= 12

    def layers_in(sequence):
        total = 0
        for unit in sequence:
            if isinstance(unit, structure.Elided):
                total += unit.layers
            elif isinstance(unit, structure.MergeItem):
                total += sum(layers_in(b) for b in unit.branches) + 1 + len(unit.folded)
            else:
                total += len(structure.reports_of(unit))
        return total

    assert layers_in(units) == len(result.layers)
    assert all(len(branch) <= 10 for branch in merge.branches)


# --- flags that the receptive-field view would drop silently ----------------------------------------


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        (["--style", "graph"], "--style does not apply"),
        (["--highlight", "conv1"], "--highlight does not apply"),
        (["--expand"], "--expand does not apply"),
        (["--no-labels", "--direction", "down"], "--direction, --no-labels do not apply"),
    ],
)
def test_flags_the_rf_view_ignores_are_a_usage_error(tmp_path, capsys, extra, named):
    spec = tmp_path / "small.net"
    spec.write_text(SMALL, encoding="utf-8")
    target = tmp_path / "rf.svg"
    assert main(["draw", str(spec), "--rf", "conv1", "-o", str(target), *extra]) == 2
    err = capsys.readouterr().err
    assert err.startswith("netspec: error: --rf draws the input grid") and named in err
    assert not target.exists()


def test_scale_and_font_still_go_with_rf(tmp_path, capsys):
    spec = tmp_path / "small.net"
    spec.write_text(SMALL, encoding="utf-8")
    target = tmp_path / "rf.svg"
    assert main(["draw", str(spec), "--rf", "conv1", "--scale", "2", "--font", "DejaVu Sans", "-o", str(target)]) == 0
    assert 'font-family="DejaVu Sans"' in target.read_text(encoding="utf-8")


# --- output names the file system refuses -----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("x" * 300 + ".svg", "File name too long"),
        ("y" * 300 + "/x.svg", "File name too long"),
        ("", "-o needs a file name"),
    ],
)
def test_an_output_name_the_file_system_refuses_is_a_usage_error(tmp_path, capsys, monkeypatch, name, says):
    spec = tmp_path / "small.net"
    spec.write_text(SMALL, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["draw", str(spec), "-o", name]) == 2
    err = capsys.readouterr().err
    assert err.startswith("netspec: error: ") and says in err and "internal error" not in err


def test_an_output_in_a_loop_of_links_is_a_usage_error(tmp_path, capsys):
    spec = tmp_path / "small.net"
    spec.write_text(SMALL, encoding="utf-8")
    (tmp_path / "one.svg").symlink_to(tmp_path / "two.svg")
    (tmp_path / "two.svg").symlink_to(tmp_path / "one.svg")
    assert main(["draw", str(spec), "-o", str(tmp_path / "one.svg")]) == 2
    assert "Too many levels of symbolic links" in capsys.readouterr().err


def test_short_first_lines_join_until_the_line_is_long_enough():
    assert wrap([10, 10, 4000, 4000], 1800) == [[0, 1, 2], [3]]

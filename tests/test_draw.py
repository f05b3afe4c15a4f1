"""`netspec draw`: the drawings' structure, determinism, safety, the command's behaviour and goldens.

python -m pytest tests/test_draw.py --update-golden     # rewrite tests/golden/draw/*.svg
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netspec import resources
from netspec.checker import check_text
from netspec.cli import main
from netspec.draw import DrawError, draw_svg
from netspec.draw.blocks import map_sides
from netspec.draw.structure import Box, MergeItem, Repeat, build, collapse, count_units, reports_of
from netspec.draw.svg import ATTRIBUTES, ELEMENTS, SVG_NAMESPACE, escape
from netspec.draw.text import text_width

GOLDEN = Path(__file__).resolve().parent / "golden" / "draw"
SPECS = {path.stem: path for path in resources.bundled_specs()}
NS = "{" + SVG_NAMESPACE + "}"


def checked(name: str):
    path = SPECS[name]
    return check_text(path.read_text(encoding="utf-8"), path.name)


def elements(svg: str) -> list[ET.Element]:
    return list(ET.fromstring(svg).iter())


def tag(element: ET.Element) -> str:
    return element.tag.removeprefix(NS)


def texts(svg: str) -> list[str]:
    return [e.text or "" for e in elements(svg) if tag(e) == "text"]


# --- goldens --------------------------------------------------------------------------------

GOLDEN_CASES = {f"{name}.svg": (name, {}) for name in sorted(SPECS)}
GOLDEN_CASES |= {
    "alexnet-down.svg": ("alexnet", {"direction": "down"}),
    "resnet18-right-expanded.svg": ("resnet18", {"direction": "right", "expand": True}),
    "vgg16-highlight.svg": ("vgg16", {"highlight": "stage4.conv2", "labels": False}),
    "lenet-rf-conv2.svg": ("lenet", {"rf": "conv2"}),
    "resnet50-blocks.svg": ("resnet50", {"style": "blocks"}),
}


@pytest.mark.parametrize("name", sorted(GOLDEN_CASES))
def test_drawing_matches_golden_file(name, update_golden):
    spec, options = GOLDEN_CASES[name]
    svg = draw_svg(checked(spec), **options)
    golden = GOLDEN / name
    if update_golden:
        GOLDEN.mkdir(parents=True, exist_ok=True)
        golden.write_text(svg, encoding="utf-8")
    assert golden.exists(), f"{golden} is missing: run pytest --update-golden"
    assert svg == golden.read_text(encoding="utf-8"), "the drawing changed: look at it, then --update-golden"


# --- what the pictures say ------------------------------------------------------------------


def test_alexnet_blocks_label_every_feature_map_with_its_size_and_caption():
    svg = draw_svg(checked("alexnet"))
    shown = texts(svg)
    for label in (
        "3@227×227",
        "96@55×55",
        "96@27×27",
        "256@27×27",
        "256@13×13",
        "384@13×13",
        "256@6×6",
        "4096",
        "1000",
    ):
        assert label in shown
    for caption in ("conv 11×11/4", "maxpool 3×3/2", "conv 5×5", "conv 3×3", "fc 4096", "fc 1000"):
        assert caption in shown
    assert "relu · lrn" in shown  # the element-wise layers after conv1, folded into its caption


def test_lenet_has_one_box_per_conv_pool_and_fc_layer():
    svg = draw_svg(checked("lenet"))
    owners = {e.get("data-owner") for e in elements(svg) if e.get("class") == "box"}
    assert len(owners) == 1 + 7  # input, conv1, pool1, conv2, pool2, conv3, fc1, fc2
    assert [t for t in texts(svg) if "@" in t] == ["1@32×32", "6@28×28", "6@14×14", "16@10×10", "16@5×5", "120@1×1"]


def test_graph_style_is_the_default_for_branches_and_draws_every_merge():
    result = checked("googlenet")
    svg = draw_svg(result)
    merges = [e for e in elements(svg) if tag(e) == "circle" and e.get("class") == "merge"]
    assert len(merges) == sum(1 for r in result.layers if r.is_merge) == 9
    assert "inception3a · concat" in texts(svg)
    assert "256×28×28" in texts(svg)  # inception3a's output on its edge


def test_resnet18_collapses_the_repeated_basic_block_and_expand_undoes_it():
    result = checked("resnet18")
    collapsed, expanded = draw_svg(result), draw_svg(result, expand=True)
    assert "×2 basic" in texts(collapsed) and not any(t.startswith("×") for t in texts(expanded))
    circles = [sum(1 for e in elements(s) if tag(e) == "circle") for s in (collapsed, expanded)]
    assert circles == [7, 8]


def test_a_thousand_repeated_layers_collapse_into_one_unit():
    text = "input 3x32x32\nconv 16 3x3 pad=1\nrepeat 1000 { conv 16 3x3 pad=1; relu }\nfc 10\n"
    svg = draw_svg(check_text(text, "deep.net"))
    assert "×1000" in texts(svg)
    width, height = (float(ET.fromstring(svg).get(k)) for k in ("width", "height"))
    assert width < 1500 and height < 600


def test_a_thousand_distinct_layers_wrap_and_stay_bounded():
    text = "input 3x64x64\n" + "".join(f"conv {16 + i} 1x1\n" for i in range(1000)) + "globalavgpool\nfc 10\n"
    result = check_text(text, "long.net")
    for style in ("blocks", "graph"):
        svg = draw_svg(result, style=style)
        root = ET.fromstring(svg)
        width, height = float(root.get("width")), float(root.get("height"))
        assert width * height < 40e6 and max(width, height) < 20000, (style, width, height)
        assert any(t.startswith("… ") and "layers" in t for t in texts(svg))  # the middle is elided


def test_collapse_finds_runs_of_identical_units_independently_counted():
    text = "input 8x16x16\nrepeat 3 { conv 8 3x3 pad=1; relu; conv 8 1x1 }\nconv 4 1x1\n"
    units = collapse(build(check_text(text, "r.net").layers))
    assert isinstance(units[0], Repeat) and units[0].count == 3 and len(units[0].units) == 2
    assert isinstance(units[1], Box)
    assert len(reports_of(units[0])) == 9  # every layer of every copy


@given(
    st.lists(
        st.sampled_from(["conv 8 3x3 pad=1", "relu", "maxpool 1", "conv 8 1x1", "batchnorm"]), min_size=1, max_size=30
    )
)
def test_collapsing_keeps_every_layer_in_order(lines):
    result = check_text("input 8x8x8\n" + "\n".join(lines) + "\n", "p.net")
    units = collapse(build(result.layers))
    flat = [r for u in units for r in reports_of(u)]
    assert [r.index for r in flat] == [r.index for r in result.layers]
    assert count_units(units) <= len(result.layers)


def test_merges_hold_their_branches_layers():
    units = build(checked("resnet18").layers)
    merges = [u for u in units if isinstance(u, MergeItem)]
    assert merges and all(len(m.branches) == 2 for m in merges)
    down = [m for m in merges if m.branches[1]]  # projected shortcuts
    assert len(down) == 3 and all(b.main.kind == "conv" for m in down for b in m.branches[1][:1])


@given(st.integers(1, 5000), st.integers(1, 5000))
def test_map_sides_grow_sublinearly_and_stay_visible(small, large):
    small, large = sorted((small, large))
    thick_s, height_s, depth_s = map_sides((small, small, small))
    thick_l, height_l, depth_l = map_sides((large, large, large))
    assert thick_s <= thick_l and height_s <= height_l and depth_s <= depth_l
    assert height_s >= 8 and thick_s >= 3  # even 1×1×1 is visible
    assert height_l / height_s <= (large / small) ** 0.5 + 1e-9  # no faster than √


def test_text_width_estimate_is_an_upper_bound_for_dejavu_sans():
    cairo = pytest.importorskip("cairocffi", reason="cairocffi (cairosvg's binding) is not installed")
    surface = cairo.ImageSurface(cairo.FORMAT_ARGB32, 10, 10)
    context = cairo.Context(surface)
    context.select_font_face("DejaVu Sans")
    for size, weight in ((12, cairo.FONT_WEIGHT_BOLD), (10, cairo.FONT_WEIGHT_NORMAL)):
        context.select_font_face("DejaVu Sans", cairo.FONT_SLANT_NORMAL, weight)
        context.set_font_size(size)
        samples = ("conv 11×11/4", "maxpool 3×3/2", "96@55×55", "inception3a · concat", "global avgpool")
        for sample in (*samples, "abcdefghijklmnopqrstuvwxyz", "0123456789", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"):
            bold = weight == cairo.FONT_WEIGHT_BOLD
            assert context.text_extents(sample)[4] <= text_width(sample, size, bold)  # x_advance


# --- safety -----------------------------------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    "]]>",
    "\"quoted\" & 'single'",
    "a\x01b\x1bc\x7f",
    "<!--",
    "&amp;lt;",
    "x\u2028y",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_network_names_stay_text(name):
    quoted = name.replace("\\", "\\\\").replace('"', '\\"')
    result = check_text(f'network "{quoted}"\ninput 1x8x8\nconv 2 3x3\nfc 2\n', "h.net")
    if not result.ok:
        pytest.skip("the language refuses this name")
    for style in ("blocks", "graph"):
        svg = draw_svg(result, style=style)
        root = ET.fromstring(svg)
        assert_only_whitelisted(svg)
        assert "<script" not in svg and "]]>" not in svg
        title = root.find(NS + "title").text
        assert title is not None


@given(st.text(min_size=1, max_size=40))
def test_escape_gives_parseable_xml_for_any_text(text):
    svg = f'<svg xmlns="{SVG_NAMESPACE}"><text a="{escape(text)}">{escape(text)}</text></svg>'
    element = ET.fromstring(svg).find(NS + "text")
    assert element.get("a") == element.text


def test_hostile_labels_and_block_names_stay_text():
    spec = (
        "input 3x16x16\n"
        "block evil_x { conv 4 3x3 pad=1 }\n"
        "conv_script: conv 4 3x3 pad=1\n"
        "add { branch { } branch { conv 4 1x1 } }\n"
        "evil_x\nfc 2\n"
    )
    result = check_text(spec, "<b>&.net")
    assert result.ok
    svg = draw_svg(result)
    assert_only_whitelisted(svg)
    assert ET.fromstring(svg).find(NS + "title").text == "<b>&"


def assert_only_whitelisted(svg: str) -> None:
    for element in elements(svg):
        assert tag(element) in ELEMENTS
        assert set(element.attrib) <= set(ATTRIBUTES)
        for value in element.attrib.values():
            assert "javascript:" not in value.lower() and "url(" not in value.lower()


@pytest.mark.parametrize("name", sorted(SPECS))
def test_shipped_drawings_are_deterministic_valid_and_whitelisted(name):
    result = checked(name)
    first = draw_svg(result)
    assert first == draw_svg(checked(name))
    assert_only_whitelisted(first)
    assert "<foreignObject" not in first and "href" not in first


def test_font_names_are_checked():
    result = checked("lenet")
    assert 'font-family="Liberation Sans, sans-serif"' in draw_svg(result, font="Liberation Sans, sans-serif")
    for bad in ('x" onload="alert(1)', "a;b", "url(x)", ""):
        with pytest.raises(DrawError):
            draw_svg(result, font=bad or " ")


# --- the command --------------------------------------------------------------------------------


def test_draw_writes_svg_png_and_pdf(tmp_path, capsys):
    pytest.importorskip("cairosvg")
    for suffix, magic in ((".svg", b"<svg"), (".png", b"\x89PNG"), (".pdf", b"%PDF")):
        out = tmp_path / f"alexnet{suffix}"
        assert main(["draw", str(SPECS["alexnet"]), "-o", str(out)]) == 0
        assert out.read_bytes()[: len(magic)] == magic
    small, large = tmp_path / "s.png", tmp_path / "l.png"
    assert main(["draw", str(SPECS["lenet"]), "-o", str(small), "--dpi", "96"]) == 0
    assert main(["draw", str(SPECS["lenet"]), "-o", str(large), "--dpi", "192"]) == 0
    from PIL import Image

    (w1, h1), (w2, h2) = Image.open(small).size, Image.open(large).size
    assert abs(w2 - 2 * w1) <= 2 and abs(h2 - 2 * h1) <= 2


def test_png_text_is_rendered_with_dejavu(tmp_path):
    """cairo renders the labels: the label row of a PNG has dark pixels where the SVG puts text."""
    pytest.importorskip("cairosvg")
    from PIL import Image

    out = tmp_path / "lenet.png"
    assert main(["draw", str(SPECS["lenet"]), "-o", str(out), "--no-labels"]) == 0
    out_labels = tmp_path / "lenet-labels.png"
    assert main(["draw", str(SPECS["lenet"]), "-o", str(out_labels)]) == 0
    dark = [sum(Image.open(p).convert("L").histogram()[:100]) for p in (out, out_labels)]
    assert dark[1] > dark[0]  # the size labels add dark text pixels


def test_draw_to_stdout_and_errors(capsys, tmp_path):
    assert main(["draw", str(SPECS["lenet"])]) == 0
    assert capsys.readouterr().out.startswith("<svg ")
    assert main(["draw", str(SPECS["lenet"]), "--highlight", "conv9"]) == 2
    assert "did you mean" in capsys.readouterr().err
    assert main(["draw", str(SPECS["lenet"]), "--format", "png"]) == 2
    assert "-o FILE.png" in capsys.readouterr().err
    assert main(["draw", str(SPECS["lenet"]), "-o", str(tmp_path)]) == 2
    broken = tmp_path / "broken.net"
    broken.write_text("input 1x8x8\nconv 4 9x9\n", encoding="utf-8")
    assert main(["draw", str(broken), "-o", str(tmp_path / "b.svg")]) == 1
    err = capsys.readouterr().err
    assert "broken.net:2:" in err and "error:" in err
    assert not (tmp_path / "b.svg").exists()


def test_draw_refuses_a_png_too_large(tmp_path, capsys):
    text = "input 3x64x64\n" + "".join(f"conv {16 + i} 1x1\n" for i in range(300)) + "fc 10\n"
    spec = tmp_path / "long.net"
    spec.write_text(text, encoding="utf-8")
    assert main(["draw", str(spec), "-o", str(tmp_path / "x.png"), "--dpi", "2400"]) == 2
    assert "too large" in capsys.readouterr().err


def test_highlight_colours_the_layer_even_inside_a_collapsed_repeat():
    result = checked("resnet18")
    plain = draw_svg(result)
    lit = draw_svg(result, highlight="basic2.conv1")  # the second copy: drawn as the first
    assert plain.count("#ffd54f") == 0 and lit.count("#ffd54f") == 1


def test_rf_view_states_the_receptive_field_from_the_checker():
    result = checked("lenet")
    svg = draw_svg(result, rf="conv2")
    conv2 = next(r for r in result.layers if r.name == "conv2")
    assert any(f"one unit sees a field of {conv2.rf[0]}×{conv2.rf[1]} input pixels" in t for t in texts(svg))
    with pytest.raises(DrawError, match="did you mean 'conv2'"):
        draw_svg(result, rf="cnv2")


def test_draw_does_not_import_torch_or_cairosvg_for_svg():
    code = (
        "import sys; from netspec.cli import main; main(['draw', 'resnet18.net', '-o', '/dev/null']);"
        " print('torch' in sys.modules, 'cairosvg' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip().endswith("False False"), result.stderr


# --- random graphs ------------------------------------------------------------------------------


@given(st.data())
def test_random_graphs_draw_as_valid_whitelisted_svg_covering_every_layer(data):
    pytest.importorskip("torch")  # random_graphs builds its torch reference beside the spec
    from random_graphs import graphs
    from random_graphs import render as render_graph

    shape, items = data.draw(graphs())
    calls = data.draw(st.integers(0, 3))
    text, _ = render_graph(shape, items, calls=calls)
    result = check_text(text, "random.net")
    if not result.ok:
        with pytest.raises(DrawError):
            draw_svg(result)
        return
    units = build(result.layers)
    assert sorted(r.index for u in units for r in reports_of(u)) == [r.index for r in result.layers]
    collapsed = collapse(units)
    assert sorted(r.index for u in collapsed for r in reports_of(u)) == [r.index for r in result.layers]
    style = data.draw(st.sampled_from(["blocks", "graph"]))
    direction = data.draw(st.sampled_from(["right", "down"]))
    svg = draw_svg(result, style=style, direction=direction, expand=data.draw(st.booleans()))
    assert_only_whitelisted(svg)
    root = ET.fromstring(svg)
    assert 0 < float(root.get("width")) < 20000 and 0 < float(root.get("height")) < 20000
    if style == "graph":
        merges = [e for e in root.iter() if tag(e) == "circle"]
        assert len(merges) <= sum(1 for r in result.layers if r.is_merge)
        assert merges or not any(r.is_merge for r in result.layers)


def test_a_network_without_layers_draws_its_input():
    result = check_text("input 1x8x8\n", "empty.net")
    for style in ("blocks", "graph"):
        assert "1@8×8" in texts(draw_svg(result, style=style)) or "1×8×8" in texts(draw_svg(result, style=style))


def test_scale_zooms_the_graph_and_enlarges_the_blocks_maps():
    result = checked("resnet18")
    plain, zoomed = ET.fromstring(draw_svg(result)), ET.fromstring(draw_svg(result, scale=2))
    assert float(zoomed.get("width")) == pytest.approx(2 * float(plain.get("width")), abs=0.02)
    assert zoomed.get("viewBox") == plain.get("viewBox")
    lenet = checked("alexnet")
    small, large = (ET.fromstring(draw_svg(lenet, scale=s)) for s in (1, 2))
    heights = [
        max(float(e.get("height")) for e in root.iter() if tag(e) == "rect" and e.get("class") == "box")
        for root in (small, large)
    ]
    assert heights[1] == pytest.approx(2 * heights[0], rel=0.01)  # the tallest front face
    with pytest.raises(DrawError):
        draw_svg(result, scale=50)


def test_no_labels_drops_sizes_and_shapes_but_keeps_captions():
    for name in ("alexnet", "resnet18"):
        result = checked(name)
        shown = texts(draw_svg(result, labels=False))
        assert not any("@" in t or t.count("×") == 2 and t.replace("×", "").isdigit() for t in shown)
        assert any(t.startswith("conv ") for t in shown)

"""`netspec draw`: pictures of a network from its spec (SVG, PNG, PDF). docs/draw.md explains them.

    from netspec.checker import check_text
    from netspec.draw import draw_svg
    svg = draw_svg(check_text(open("specs/alexnet.net").read(), "alexnet.net"))

Nothing here imports torch; PNG and PDF need cairosvg (`pip install "netspec[draw]"`).
"""

from __future__ import annotations

STYLES = ("blocks", "graph")
DIRECTIONS = ("right", "down")


class DrawError(ValueError):
    """A drawing that cannot be made as asked (an unknown layer for --highlight, a bad style)."""


def default_style(result) -> str:
    """`graph` for networks with branches, `blocks` for straight stacks."""
    return "graph" if any(report.is_merge for report in result.layers) else "blocks"


def layer_names(result) -> list[str]:
    return [report.name for report in result.layers]


def find_layer(result, name: str, flag: str):
    """The layer report named `name` (its table name), or DrawError with a did-you-mean."""
    for report in result.layers:
        if report.name == name:
            return report
    from difflib import get_close_matches

    names = layer_names(result)
    close = get_close_matches(name, names, n=3, cutoff=0.6)
    if not close:  # `conv2` for `stage1.conv2`: compare the last part of each dotted name
        tails = {}
        for full in names:
            tails.setdefault(full.rsplit(".", 1)[-1], []).append(full)
        close = [full for tail in get_close_matches(name, list(tails), n=1, cutoff=0.6) for full in tails[tail]][:3]
    hint = f"did you mean {', '.join(repr(c) for c in close)}?" if close else "`netspec check` lists the layer names"
    raise DrawError(f"{flag}: no layer named {name!r} in {result.name}; {hint}")


def draw_picture(
    result,
    style: str | None = None,
    direction: str | None = None,
    labels: bool = True,
    scale: float = 1.0,
    highlight: str | None = None,
    rf: str | None = None,
    expand: bool = False,
):
    """The `Picture` (shapes and texts) of a checked network; see `draw_svg`."""
    from netspec.collector import collector_paused

    with collector_paused():  # a few objects per layer, no cycles (netspec/collector.py)
        return _draw_picture(result, style, direction, labels, scale, highlight, rf, expand)


def _draw_picture(result, style, direction, labels, scale, highlight, rf, expand):
    if not result.ok:
        raise DrawError("the spec has errors: `netspec check` shows them")
    style = style or default_style(result)
    if style not in STYLES:
        raise DrawError(f"unknown style {style!r}: {' or '.join(STYLES)}")
    if direction is not None and direction not in DIRECTIONS:
        raise DrawError(f"unknown direction {direction!r}: {' or '.join(DIRECTIONS)}")
    if not 0.1 <= scale <= 10:
        raise DrawError(f"--scale {scale:g} is out of range: 0.1 to 10")
    lit = set()
    if highlight is not None:
        lit = {find_layer(result, highlight, "--highlight").name}
    if rf is not None:
        from netspec.draw.rf_view import draw_rf

        return draw_rf(result, find_layer(result, rf, "--rf"), scale=scale)
    if style == "graph":
        from netspec.draw.graph_style import draw_graph

        return draw_graph(result, direction or "down", labels, lit, expand, zoom=scale)
    from netspec.draw.blocks import draw_blocks

    return draw_blocks(result, direction or "right", labels, lit, expand, scale=scale)


def draw_svg(
    result,
    style: str | None = None,
    direction: str | None = None,
    labels: bool = True,
    font: str | None = None,
    scale: float = 1.0,
    highlight: str | None = None,
    rf: str | None = None,
    expand: bool = False,
) -> str:
    """The SVG text of a checked network (`netspec.checker.check_source(...)` with `.ok`).

    style: "blocks" (feature maps as 3-D boxes) or "graph" (a box per layer, branches side by side);
    default: graph when the network has merges. direction: "right" or "down". labels: the sizes
    and shapes. font: a font-family list. scale: the feature maps' size (blocks) or the whole
    drawing's (graph, rf). highlight: a layer's table name, drawn in colour. rf: a layer's table
    name: its receptive field drawn on the input grid instead. expand: draw repeats in full.
    Raises DrawError for a wrong layer name, style, direction or scale, or a spec with errors."""
    from netspec.draw.svg import DEFAULT_FONT, render

    picture = draw_picture(result, style, direction, labels, scale, highlight, rf, expand)
    return render(picture, font=check_font(font) if font else DEFAULT_FONT)


def check_font(font: str) -> str:
    """A font-family list as given, if it holds only names: letters, digits, spaces, `-_,.'"`."""
    allowed = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_,.'\"")
    if not font.strip() or len(font) > 200 or not set(font) <= allowed:
        raise DrawError(f"--font {font[:40]!r}: give font names separated by commas, e.g. 'DejaVu Sans, sans-serif'")
    return font

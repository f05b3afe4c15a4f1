"""Shapes and texts placed by a layout, and the SVG document they become.

A layout returns a `Picture`: plain records of rectangles, polygons, lines, circles and texts with
their coordinates. `render` turns one into SVG text: a list of elements joined once, every text
and attribute value through the one `escape` helper, numbers rounded to hundredths so that the same
spec always gives the same bytes. The document has no scripts, no styles, no links and no
`<foreignObject>`: only the elements in `ELEMENTS`, with the attributes in `ATTRIBUTES`.

Every box and text carries `data-owner`, the id of the layer (or edge) it belongs to: a text may
overlap only the box with its own owner (the browser test checks this rule).
"""

from __future__ import annotations

from dataclasses import dataclass, field

ELEMENTS = ("svg", "title", "g", "rect", "polygon", "polyline", "circle", "text")
ATTRIBUTES = (
    "xmlns",
    "width",
    "height",
    "viewBox",
    "font-family",
    "class",
    "data-owner",
    "x",
    "y",
    "rx",
    "points",
    "cx",
    "cy",
    "r",
    "fill",
    "stroke",
    "stroke-width",
    "stroke-dasharray",
    "text-anchor",
    "font-size",
    "font-weight",
)
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
DEFAULT_FONT = "DejaVu Sans, Verdana, Bitstream Vera Sans, Arial, Helvetica, sans-serif"


@dataclass
class Rect:
    x: float
    y: float
    w: float
    h: float
    cls: str = "box"
    fill: str = "#ffffff"
    stroke: str = "#333333"
    owner: str = ""
    rx: float = 0
    dash: bool = False


@dataclass
class Poly:
    points: list[tuple[float, float]]
    cls: str = "face"
    fill: str = "none"
    stroke: str = "#333333"
    owner: str = ""
    closed: bool = True
    dash: bool = False
    width: float = 1


@dataclass
class Circle:
    cx: float
    cy: float
    r: float
    cls: str = "merge"
    fill: str = "#ffffff"
    stroke: str = "#333333"
    owner: str = ""


@dataclass
class Text:
    x: float
    y: float  # the baseline
    text: str
    size: float
    anchor: str = "middle"  # start | middle | end
    cls: str = "label"
    owner: str = ""
    bold: bool = False
    fill: str = "#111111"


@dataclass
class Picture:
    width: float
    height: float
    title: str
    items: list = field(default_factory=list)
    zoom: float = 1.0  # the drawing's size on the page, times its coordinates


def escape(text: str) -> str:
    """Text safe in XML content and in a double- or single-quoted attribute: `& < > " '` as
    entities, characters XML 1.0 forbids (controls, lone surrogates, U+FFFE/U+FFFF) as U+FFFD,
    bidirectional controls too (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C: a right-to-left
    override in a network's name would show its text reordered, as the terminal's `\u202e` does
    not), and line breaks as spaces (every text is one line)."""
    out = []
    for ch in str(text):
        code = ord(ch)
        if ch in _ENTITIES:
            out.append(_ENTITIES[ch])
        elif ch in "\t\n\r":
            out.append(" ")
        elif code < 0x20 or 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF) or 0x7F <= code <= 0x9F or ch in _BIDI:
            out.append("\ufffd")
        else:
            out.append(ch)
    return "".join(out)


_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}


def _num(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _attrs(pairs: list[tuple[str, object]]) -> str:
    parts = []
    for name, value in pairs:
        if value is None or value == "":
            continue
        shown = _num(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)
        parts.append(f'{name}="{escape(shown)}"')
    return " ".join(parts)


def _element(item) -> str:
    if isinstance(item, Rect):
        pairs = [
            ("class", item.cls),
            ("data-owner", item.owner),
            ("x", item.x),
            ("y", item.y),
            ("width", item.w),
            ("height", item.h),
            ("rx", item.rx or None),
            ("fill", item.fill),
            ("stroke", item.stroke),
            ("stroke-dasharray", "5 3" if item.dash else None),
        ]
        return f"<rect {_attrs(pairs)}/>"
    if isinstance(item, Poly):
        points = " ".join(f"{_num(x)},{_num(y)}" for x, y in item.points)
        tag = "polygon" if item.closed else "polyline"
        pairs = [
            ("class", item.cls),
            ("data-owner", item.owner),
            ("points", points),
            ("fill", item.fill if item.closed else "none"),
            ("stroke", item.stroke),
            ("stroke-width", item.width if item.width != 1 else None),
            ("stroke-dasharray", "4 3" if item.dash else None),
        ]
        return f"<{tag} {_attrs(pairs)}/>"
    if isinstance(item, Circle):
        pairs = [
            ("class", item.cls),
            ("data-owner", item.owner),
            ("cx", item.cx),
            ("cy", item.cy),
            ("r", item.r),
            ("fill", item.fill),
            ("stroke", item.stroke),
        ]
        return f"<circle {_attrs(pairs)}/>"
    if isinstance(item, Text):
        pairs = [
            ("class", item.cls),
            ("data-owner", item.owner),
            ("x", item.x),
            ("y", item.y),
            ("font-size", item.size),
            ("font-weight", "bold" if item.bold else None),
            ("text-anchor", item.anchor if item.anchor != "start" else None),
            ("fill", item.fill),
        ]
        return f"<text {_attrs(pairs)}>{escape(item.text)}</text>"
    raise TypeError(f"not a drawing element: {type(item).__name__}")


def render(picture: Picture, font: str = DEFAULT_FONT) -> str:
    """The SVG document of `picture`: deterministic, self-contained, text kept as text."""
    width, height = _num(picture.width), _num(picture.height)
    head = _attrs(
        [
            ("xmlns", SVG_NAMESPACE),
            ("width", picture.width * picture.zoom),
            ("height", picture.height * picture.zoom),
            ("viewBox", f"0 0 {width} {height}"),
            ("font-family", font),
        ]
    )
    lines = [f"<svg {head}>", f"<title>{escape(picture.title)}</title>"]
    lines.append(f'<rect class="background" x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>')
    lines.extend(_element(item) for item in picture.items)
    lines.append("</svg>")
    return "\n".join(lines) + "\n"

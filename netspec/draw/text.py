"""What the drawings say about a layer, and how wide it will be on the page.

Layouts place text without a font engine, so widths are estimated from DejaVu Sans' advance widths
(the font the drawings ask for first; `fc-query DejaVuSans.ttf` or any font editor shows them), in
ems, rounded up. The estimate is an upper bound for DejaVu Sans and for Verdana, the fallback with
the same metrics; narrower fallbacks (Arial, Helvetica) only leave more room. The browser test
measures the real boxes.
"""

from __future__ import annotations

# Advance widths of DejaVu Sans in ems (1/2048 units rounded up to hundredths).
_WIDTHS = {
    **dict.fromkeys("0123456789", 0.64),
    **dict.fromkeys("il|!'", 0.28),
    **dict.fromkeys("jf", 0.36),
    **dict.fromkeys(" .,:;", 0.32),
    **dict.fromkeys("rt()[]{}/\\-", 0.42),
    **dict.fromkeys("sz", 0.53),
    **dict.fromkeys("c", 0.56),
    **dict.fromkeys("abdeghknopquvxy", 0.64),
    **dict.fromkeys("_", 0.5),
    **dict.fromkeys("wABCDEFGHKNOPQRSTUVXYZ&", 0.84),
    **dict.fromkeys("IJL", 0.56),
    **dict.fromkeys("mMW@%", 1.0),
    **dict.fromkeys("×+=<>~^⊕·→", 0.84),
}
_DEFAULT_WIDTH = 0.9  # anything else (accents, CJK, symbols): wide, so that the estimate stays an upper bound
_SAFETY = 1.06  # hinting and kerning at small sizes
_BOLD = 1.18  # DejaVu Sans Bold is up to 16% wider than the book weight (lowercase)


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Estimated width in px of `text` set in `size` px DejaVu Sans (an upper bound)."""
    width = sum(_WIDTHS.get(ch, _DEFAULT_WIDTH) for ch in text) * size * _SAFETY
    return round(width * _BOLD if bold else width, 2)


def line_height(size: float) -> float:
    """Baseline-to-baseline distance for `size` px text: 1.25 em."""
    return size * 1.25


def shape_text(shape: tuple[int, ...]) -> str:
    """`64×56×56` for C×H×W, `4096` for a vector."""
    return "×".join(str(d) for d in shape)


def map_label(shape: tuple[int, ...]) -> str:
    """The classic figures' label: `96@55×55` (C maps of H×W), or the length of a vector."""
    if len(shape) == 3:
        return f"{shape[0]}@{shape[1]}×{shape[2]}"
    return str(shape[0])


def caption(report) -> str:
    """One line naming what a layer does: `conv 11×11/4`, `maxpool 3×3/2`, `fc 4096`, `relu` (each
    kind's `caption`)."""
    return report.instance.kind.caption(report.instance.values, report.input, report.output)


def filters_text(report) -> str:
    """The number of output channels of a layer with filters (a convolution), for the graph
    style's boxes (`, 64`)."""
    if "filters" in report.instance.values and len(report.output) == 3:
        return f", {report.output[0]}"
    return ""


def merge_symbol(report) -> str:
    """`+` for add, `⊕` for concat, `×` for mul (each merge kind's `symbol`)."""
    return report.instance.kind.symbol


NAME_CHARS = 40  # a name drawn in a caption keeps at most this many characters


def shorten(name: str, limit: int = NAME_CHARS) -> str:
    """`name` as drawn: whole up to `limit` characters, else its start and its end around an
    ellipsis (`inception4a.branch…conv1`): both ends tell dotted names apart, and a caption
    stays about as wide as the boxes it labels (a 400-character block name made a 6,400 px page)."""
    if len(name) <= limit:
        return name
    head = (limit - 1) // 2
    return name[:head] + "…" + name[len(name) - (limit - 1 - head) :]


def merge_caption(report, short: bool = False) -> str:
    """`residual`, `concat`, with the scope the merge belongs to: `inception3a · concat` (`short`:
    only the scope's last part, `level4 · concat` for `level2.level3.level4`)."""
    word = "residual" if report.instance.values.get("residual") else report.kind
    scope = report.name.rsplit(".", 1)[0] if "." in report.name else ""
    if short:
        scope = scope.rsplit(".", 1)[-1]
    return f"{shorten(scope)} · {word}" if scope else word

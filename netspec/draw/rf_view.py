"""`--rf LAYER`: the input grid and the region one unit of LAYER sees — its receptive field.

The checker gives each layer's receptive field r and jump j per axis (Araujo et al. 2019:
`r_out = r_in + (k − 1)·j_in`, `j_out = j_in·s`); `netspec.draw.footprint` finds where it lies.
Drawn filled: the exact input rows and columns the unit at the centre of the output reads (row
⌊OH/2⌋, column ⌊OW/2⌋), clipped to the input; dashed: the field of the unit to its right, j pixels
on (fields overlap when r > j). A field larger than the input reaches into the padding, and the
caption says so. Where a layer on the way upsamples (fractions of pixels), the checker's r×r is
drawn centred instead, and the caption says that too.
"""

from __future__ import annotations

from netspec.draw.canvas import Canvas
from netspec.draw.svg import Picture, Poly, Rect
from netspec.draw.text import shape_text, shorten

FONT = 12.0
SMALL = 10.0
GRID = 360.0  # the input grid's longest side in px
MAX_LINES = 64  # grid lines per axis; beyond that one line every few pixels


def _number(value) -> str:
    value = float(value)
    return f"{value:g}" if value != int(value) else str(int(value))


def grid_step(pixels: int) -> int:
    """Input pixels between two grid lines: 1, or the smallest step keeping ≤ MAX_LINES lines."""
    step = 1
    while pixels / step > MAX_LINES:
        step *= 2
    return step


def regions(result, report) -> tuple[tuple, tuple | None, str]:
    """(field, neighbour's field, how they were found): each as (x0, y0, x1, y1) in input pixels,
    clipped to the input, x1/y1 exclusive. Exact (`footprint.field`) for the unit at the centre of
    the output and the one to its right; the checker's size centred when a layer reads fractions."""
    from netspec.draw.footprint import ALL, field

    _, height, width = result.input_shape
    rows, columns = (report.output[1], report.output[2]) if len(report.output) == 3 else (1, 1)
    unit = (rows // 2, columns // 2)
    exact = field(result, report, unit)
    if exact == ALL:
        return (0.0, 0.0, float(width), float(height)), None, "the whole input (a layer before it reads everything)"
    if exact is not None:
        neighbour = field(result, report, (unit[0], unit[1] + 1)) if unit[1] + 1 < columns else None
        (r0, r1), (c0, c1) = exact
        how = f"unit ({unit[0]}, {unit[1]}) of {rows}×{columns} reads input rows {r0}…{r1}, columns {c0}…{c1}"
        return _clip(exact, width, height), _clip(neighbour, width, height) if neighbour else None, how
    (rf_h, rf_w), (_, jump_w) = report.rf, report.jump
    centred = _square(width, height, float(rf_w), float(rf_h), 0.0, 0.0)
    beside = _square(width, height, float(rf_w), float(rf_h), float(jump_w), 0.0)
    return centred, beside, "centred: a layer on the way upsamples, so the field is not whole pixels"


def _clip(exact, width: int, height: int) -> tuple[float, float, float, float]:
    (r0, r1), (c0, c1) = exact
    return float(max(c0, 0)), float(max(r0, 0)), float(min(c1 + 1, width)), float(min(r1 + 1, height))


def draw_rf(result, report, scale: float = 1.0) -> Picture:
    """The receptive-field picture of layer `report` of a checked network."""
    shape = result.input_shape
    if len(shape) != 3 or report.rf is None:
        from netspec.draw import DrawError

        raise DrawError(f"--rf {report.name}: receptive fields are drawn for C×H×W inputs")
    _, height, width = shape
    cell = min(16.0, GRID / max(height, width))
    canvas = Canvas("right")
    grid_w, grid_h = width * cell, height * cell
    top = 48.0
    canvas.items.append(Rect(0, top, grid_w, grid_h, cls="box", fill="#fafafa", stroke="#888888", owner="grid"))
    region, neighbour, how = regions(result, report)
    canvas.items.append(_region_rect(region, cell, top, dashed=False, fill="#f5b7b1", stroke="none"))
    # the grid over the filled field, so that its pixels can be counted; the outlines on top
    for axis, pixels in (("x", width), ("y", height)):
        step = grid_step(pixels)
        for i in range(step, pixels, step):
            if axis == "x":
                points = [(i * cell, top), (i * cell, top + grid_h)]
            else:
                points = [(0, top + i * cell), (grid_w, top + i * cell)]
            canvas.items.append(Poly(points, cls="grid", closed=False, stroke="#dddddd", owner="grid"))
    canvas.items.append(_region_rect(region, cell, top, dashed=False, fill="none"))
    if neighbour:
        canvas.items.append(_region_rect(neighbour, cell, top, dashed=True, fill="none"))
    title = f"receptive field of {shorten(report.name, 60)} ({shape_text(report.output)}) on the input ({shape_text(shape)})"
    canvas.text(0, 18, title, FONT, anchor="start", cls="label", owner="title", bold=True)
    rf_h, rf_w = report.rf
    summary = field_summary(report.rf, report.jump, neighbour is not None)
    size = f"{_number(rf_h)}×{_number(rf_w)}"
    canvas.text(0, 36, summary, SMALL, anchor="start", cls="label", owner="caption")
    notes = [how]
    if float(rf_h) > height or float(rf_w) > width:
        notes.append(f"the field ({size}) is larger than the input ({height}×{width}): it reaches into the padding")
    step = max(grid_step(height), grid_step(width))
    notes.append(f"grid: one line every {step} pixel{'s' if step > 1 else ''}")
    y = top + grid_h + 18
    for note in notes:
        canvas.text(0, y, note, SMALL, anchor="start", cls="label", owner=f"note{y:.0f}")
        y += 15
    picture = canvas.finish(f"receptive field of {report.name} in {result.name}")
    picture.zoom = scale
    return picture


def field_summary(rf: tuple, jump: tuple, neighbour_drawn: bool) -> str:
    """The caption under the title: the field as rows×columns of input pixels (a field of 14 is
    14×14 pixels, not 14), and the neighbour's offset only when its field is drawn (dashed)."""
    (rf_h, rf_w), (jump_h, jump_w) = rf, jump
    size = f"{_number(rf_h)}×{_number(rf_w)}"
    seen = f"one unit sees a field of {size} input pixels"
    if not neighbour_drawn:
        return seen
    step = f"{_number(jump_h)}×{_number(jump_w)}" if jump_h != jump_w else _number(jump_h)
    plural = "" if step == "1" else "s"
    return f"{seen}; its right neighbour's field (dashed) is {step} pixel{plural} on"


def _region_rect(region: tuple, cell: float, top: float, dashed: bool, fill: str, stroke: str = "#c0392b") -> Rect:
    x0, y0, x1, y1 = region
    return Rect(
        x0 * cell,
        top + y0 * cell,
        (x1 - x0) * cell,
        (y1 - y0) * cell,
        cls="rf",
        fill=fill,
        stroke=stroke,
        owner="rf",
        dash=dashed,
    )


def _square(
    width: int, height: int, rf_w: float, rf_h: float, dx: float, dy: float
) -> tuple[float, float, float, float]:
    """The field of size rf_w×rf_h centred on the input's centre moved by (dx, dy), clipped to the grid."""
    x0 = width / 2 + dx - rf_w / 2
    y0 = height / 2 + dy - rf_h / 2
    return max(0.0, x0), max(0.0, y0), min(float(width), x0 + rf_w), min(float(height), y0 + rf_h)

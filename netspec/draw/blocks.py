"""`--style blocks`: the classic feature-map figure (LeNet-5's, AlexNet's): each layer's output a
3-D box, labelled with its size (`96@55×55`) above and what made it (`conv 11×11/4`) below, the
kernel drawn as a small square on the box before with a pyramid to the box it makes, fc layers
as bars.

Sizes are sub-linear so that 227 and 6 both stay visible (`scale` multiplies all three):

    height = 8·√H px, depth = 4·√W px (drawn at 45°), thickness = 3·∛C px    (a C×H×W map)
    height = 8·∛N px, thickness = 8 px                                       (a vector of N)

A square root for the sides (227 → 121 px, 6 → 20 px) and a cube root for the channels, which
span more (3 → 4 px, 512 → 24 px). A small network is drawn larger (`fit_factor`: until its
tallest box is 140 px, at most 3×), so LeNet-5 is not a thumbnail. Element-wise layers are folded into the caption of the box before
them; at a merge the main path goes on through its longest branch, and the merge is drawn as
its output, captioned with the merge and its number of branches (`--style graph` draws them all); a repeated run is drawn once with a
bracket marked "×N". A long network wraps into rows (`right`) or columns (`down`) of even length, about WRAP px at most
(netspec.draw.wrapping).
"""

from __future__ import annotations

import math

from netspec.draw import structure
from netspec.draw.canvas import Canvas
from netspec.draw.structure import Box, Elided, MergeItem, Repeat
from netspec.draw.svg import Picture, Poly, Rect
from netspec.draw.text import caption, line_height, map_label, merge_caption, text_width
from netspec.draw.wrapping import wrap

FONT = 12.0
SMALL = 10.0
GAP = 18.0  # between columns
ROW_GAP = 28.0
WRAP = 1800.0
MAX_BOXES = 120  # top-level units drawn; beyond that the middle is elided (boxes are wider than graph boxes)
FRONT, TOP, SIDE = "#dbe7f5", "#eef4fb", "#b9cde6"
LIT_FRONT, LIT_TOP, LIT_SIDE = "#ffd54f", "#ffe699", "#e6b800"
STROKE = "#2f4b7c"
KERNEL = "#c0392b"


def map_sides(shape: tuple, scale: float = 1.0) -> tuple[float, float, float]:
    """(thickness, height, depth) in px of a box for `shape`: 3·∛C, 8·√H, 4·√W for a C×H×W map,
    (8, 8·∛N, 0) for a vector of N (see the module docstring)."""
    if len(shape) == 3:
        c, h, w = shape
        return 3 * c ** (1 / 3) * scale, 8 * math.sqrt(h) * scale, 4 * math.sqrt(w) * scale
    return 8 * scale, 8 * shape[0] ** (1 / 3) * scale, 0.0


class Column:
    """One box of the figure with its texts: its size label and caption lines."""

    def __init__(self, shape: tuple, size_label: str, lines: list[tuple[str, float]], reports: list, scale: float):
        self.shape = shape
        self.size_label = size_label
        self.lines = lines
        self.reports = reports  # the layers it stands for (highlight)
        self.window = None  # the conv or pool whose kernel is drawn into this box
        self.thick, self.height, self.depth = map_sides(shape, scale)
        self.slant = self.depth * math.sqrt(0.5)  # the depth projected on x and on y
        self.repeat: tuple[int, int] | None = None  # (count, columns) on the first column of a repeat
        self.hidden: frozenset = frozenset()  # an elided middle: the names of the layers it leaves out

    @property
    def body_width(self) -> float:
        return self.thick + self.slant

    @property
    def body_height(self) -> float:
        return self.height + self.slant

    def text_width(self) -> float:
        widths = [text_width(text, size, bold=size == FONT) for text, size in self.lines]
        widths.append(text_width(self.size_label, SMALL))
        return max(widths)

    def caption_height(self) -> float:
        return sum(line_height(size) for _, size in self.lines)


FIT_HEIGHT = 140.0  # px: small networks are drawn larger, up to MAX_FIT times, until their largest map is this tall
MAX_FIT = 3.0


def fit_factor(shapes: list[tuple]) -> float:
    """How much larger than the formula a network is drawn: FIT_HEIGHT / its tallest box, between
    1 and MAX_FIT (LeNet-5's 32×32 input: 45 px → 3×; AlexNet's 227: 121 px → 1.16×)."""
    tallest = max((map_sides(shape)[1] for shape in shapes), default=FIT_HEIGHT)
    return min(MAX_FIT, max(1.0, FIT_HEIGHT / tallest))


def columns_of(result, units: list, labels: bool, scale: float) -> list[Column]:
    shapes = [result.input_shape] + [r.output for r in result.layers]
    scale *= fit_factor(shapes)
    columns = [
        Column(result.input_shape, map_label(result.input_shape) if labels else "", [("input", FONT)], [], scale)
    ]
    _add_columns(columns, units, labels, scale)
    return columns


def _add_columns(columns: list, units: list, labels: bool, scale: float) -> None:
    for unit in units:
        size = map_label(unit.output) if labels else ""
        if isinstance(unit, Box):
            lines = [(caption(unit.main), FONT)]
            if len(unit.layers) > 1:
                lines.append((" · ".join(caption(r) for r in unit.layers[1:]), SMALL))
            columns.append(Column(unit.output, size, lines, list(unit.layers), scale))
            columns[-1].window = unit.main
        elif isinstance(unit, MergeItem):
            branches = structure.branch_count(unit)
            main_path = max(unit.branches, key=lambda b: len([r for u in b for r in structure.reports_of(u)]))
            _add_columns(columns, main_path, labels, scale)
            lines = [(merge_caption(unit.report, short=True), FONT), (f"of {branches} branches", SMALL)]
            if unit.folded:
                lines.append((" · ".join(caption(r) for r in unit.folded), SMALL))
            columns.append(Column(unit.output, size, lines, structure.reports_of(unit), scale))
        elif isinstance(unit, Repeat):
            first = len(columns)
            _add_columns(columns, unit.units, labels, scale)
            columns[first].repeat = (unit.count, len(columns) - first)
        elif isinstance(unit, Elided):
            lines = [(f"… {unit.layers:,} layers …", FONT), (f"#{unit.first}–#{unit.last}", SMALL)]
            columns.append(Column(unit.output, size, lines, [], scale))
            columns[-1].hidden = unit.names


def unbroken_groups(columns: list[Column]) -> list[list[Column]]:
    """The columns in groups that a row never splits: the columns of a repeat (its bracket and
    "×N" would otherwise mark only the part on one row), each other column alone."""
    groups, first = [], 0
    while first < len(columns):
        end, index = first + 1, first
        while index < end:  # a repeat starting inside another one may end after it
            if columns[index].repeat:
                end = max(end, index + columns[index].repeat[1])
            index += 1
        groups.append(columns[first:end])
        first = end
    return groups


class BlocksLayout:
    def __init__(self, direction: str, highlight: set[str]):
        self.canvas = Canvas(direction)
        self.down = direction == "down"
        self.highlight = highlight
        self.owners = 0

    def cell(self, column: Column) -> tuple[float, float]:
        """(along the flow, across it) taken by a column with its texts."""
        texts = column.text_width()
        if self.down:
            text_height = line_height(SMALL) + column.caption_height()
            return max(column.body_height, text_height) + GAP, column.body_width + 10 + texts
        along = max(column.body_width, texts) + GAP
        across = line_height(SMALL) + 6 + column.body_height + 6 + column.caption_height()
        return along, across

    def rows(self, columns: list[Column]) -> list[list[Column]]:
        """The columns wrapped into rows (columns of boxes, `down`) of even length; a repeat's
        columns stay on one row, under its bracket."""
        groups = unbroken_groups(columns)
        lengths = [sum(self.cell(column)[0] for column in group) for group in groups]
        return [[column for index in line for column in groups[index]] for line in wrap(lengths, WRAP)]

    def draw(self, columns: list[Column], title: str) -> Picture:
        rows = self.rows(columns)
        offset = 0.0
        for row in rows:
            offset = self.draw_row(row, offset) + ROW_GAP
        return self.canvas.finish(title)

    def draw_row(self, row: list[Column], offset: float) -> float:
        """Draw one row (or column, `down`) at `offset` across the flow; returns where it ends."""
        if self.down:
            return self.draw_down(row, offset)
        above = max(c.height / 2 + c.slant + line_height(SMALL) + 6 for c in row)
        below = max(c.height / 2 + 6 + c.caption_height() + (22 if c.repeat else 0) for c in row)
        axis = offset + above
        x = 0.0
        previous = None
        for index, column in enumerate(row):
            along, _ = self.cell(column)
            left = x + (along - GAP - column.body_width) / 2
            top = axis - column.height / 2
            owner = self.owner_of(column)
            self.cuboid(left, top, column, owner)
            centre = x + (along - GAP) / 2
            if column.size_label:
                self.canvas.text(centre, top - column.slant - 6, column.size_label, SMALL, cls="size", owner=owner)
            baseline = axis + column.height / 2 + 6
            for text, size in column.lines:
                baseline += line_height(size)
                self.canvas.text(
                    centre, baseline - 0.25 * size, text, size, cls="label", owner=owner, bold=size == FONT
                )
            if previous is not None:
                self.kernel(previous, column, (left, top))
            if column.repeat:
                self.bracket(row, index, x, axis + below - 22, owner)
            previous = (column, left, top)
            x += along
        return axis + below

    def owner_of(self, column: Column) -> str:
        self.owners += 1
        return f"c{self.owners}"

    def cuboid(self, left: float, top: float, column: Column, owner: str) -> None:
        lit = any(r.name in self.highlight for r in column.reports) or not column.hidden.isdisjoint(self.highlight)
        front, top_fill, side = (LIT_FRONT, LIT_TOP, LIT_SIDE) if lit else (FRONT, TOP, SIDE)
        t, h, s = column.thick, column.height, column.slant
        items = self.canvas.items
        if s > 0:
            items.append(
                Poly(
                    [(left, top), (left + s, top - s), (left + t + s, top - s), (left + t, top)],
                    cls="box",
                    fill=top_fill,
                    stroke=STROKE,
                    owner=owner,
                )
            )
            items.append(
                Poly(
                    [(left + t, top), (left + t + s, top - s), (left + t + s, top + h - s), (left + t, top + h)],
                    cls="box",
                    fill=side,
                    stroke=STROKE,
                    owner=owner,
                )
            )
        items.append(Rect(left, top, t, h, cls="box", fill=front, stroke=STROKE, owner=owner))

    def kernel(self, previous, column: Column, at: tuple[float, float]) -> None:
        """The window of a conv or pool: a patch on the H×W face of the box before (kh/H of its
        height, kw/W of its depth), and a pyramid from it to the box it makes."""
        before, left, top = previous
        report = column.window
        kernel = report.instance.values.get("kernel") if report is not None else None
        if kernel is None or len(before.shape) != 3 or len(column.shape) != 3 or before.slant <= 0:
            return
        kh, kw = kernel if isinstance(kernel, tuple) else (kernel, kernel)
        v = max(3.0, before.height * kh / before.shape[1])
        u = max(2.0, before.slant * kw / before.shape[2])
        if v >= before.height * 0.9:
            return
        face_x = left + before.thick + before.slant / 2 - u / 2  # the patch's near corner on the H×W face
        face_y = top - before.slant / 2 + u / 2 + before.height / 2 - v / 2
        corners = [(face_x, face_y), (face_x + u, face_y - u), (face_x + u, face_y - u + v), (face_x, face_y + v)]
        owner = f"k{len(self.canvas.items)}"
        self.canvas.items.append(Poly(corners, cls="kernel", fill="#f5b7b1", stroke=KERNEL, owner=owner))
        apex = (at[0] + column.thick / 2, at[1] + column.height / 2)
        for corner in (corners[1], corners[2]):
            self.canvas.items.append(Poly([corner, apex], cls="kernel", closed=False, stroke=KERNEL, owner=owner))

    def bracket(self, row: list[Column], index: int, x: float, y: float, owner: str) -> None:
        count, span = row[index].repeat
        end = x
        for column in row[index : index + span]:
            end += self.cell(column)[0]
        end -= GAP
        self.canvas.items.append(
            Poly([(x, y - 4), (x, y), (end, y), (end, y - 4)], cls="bracket", closed=False, stroke="#b03a2e")
        )
        self.canvas.text(
            (x + end) / 2, y + 14, f"×{count}", SMALL + 1, cls="badge", owner=owner, bold=True, fill="#b03a2e"
        )

    def draw_down(self, row: list[Column], offset: float) -> float:
        """One column of boxes, top to bottom, texts to the right, repeats bracketed on the left."""
        badges = [text_width(f"×{c.repeat[0]}", SMALL + 1, bold=True) for c in row if c.repeat]
        room = max(badges) + 14 if badges else 0.0
        width = max(c.body_width for c in row)
        axis = offset + room + width / 2
        y = 0.0
        for index, column in enumerate(row):  # no kernel pyramids: they would cross the boxes above
            along, _ = self.cell(column)
            owner = self.owner_of(column)
            left = axis - column.body_width / 2
            top = y + column.slant + (along - GAP - column.body_height) / 2
            self.cuboid(left, top, column, owner)
            tx = offset + room + width + 10
            baseline = y + (along - GAP) / 2 - (line_height(SMALL) + column.caption_height()) / 2
            if column.size_label:
                baseline += line_height(SMALL)
                self.canvas.text(
                    tx, baseline - 0.25 * SMALL, column.size_label, SMALL, anchor="start", cls="size", owner=owner
                )
            for text, size in column.lines:
                baseline += line_height(size)
                self.canvas.text(
                    tx, baseline - 0.25 * size, text, size, anchor="start", cls="label", owner=owner, bold=size == FONT
                )
            if column.repeat:
                count, span = column.repeat
                end = y + sum(self.cell(c)[0] for c in row[index : index + span]) - GAP
                x = offset + room - 4
                self.canvas.items.append(
                    Poly([(x + 4, y), (x, y), (x, end), (x + 4, end)], cls="bracket", closed=False, stroke="#b03a2e")
                )
                self.canvas.text(
                    x - 4,
                    (y + end) / 2 + 4,
                    f"×{count}",
                    SMALL + 1,
                    anchor="end",
                    cls="badge",
                    owner=owner,
                    bold=True,
                    fill="#b03a2e",
                )
            y += along
        return offset + room + width + 10 + max(c.text_width() for c in row)


def draw_blocks(
    result,
    direction: str = "right",
    labels: bool = True,
    highlight: set[str] | None = None,
    expand: bool = False,
    scale: float = 1.0,
) -> Picture:
    """The blocks-style picture of a checked network (`CheckResult` with `.ok`)."""
    units = structure.build(result.layers)
    if not expand:
        units = structure.collapse(units)
    units = structure.elide(units, limit=MAX_BOXES)
    columns = columns_of(result, units, labels, scale)
    layout = BlocksLayout(direction, structure.project_highlight(units, set(highlight or ())))
    return layout.draw(columns, result.name)

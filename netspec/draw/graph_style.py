"""`--style graph`: one box per layer (element-wise layers folded in), shapes on the edges, branches
side by side, merges as `+` / `⊕` (concat) / `×` nodes, repeated units drawn once in a dashed
frame marked "×N".

Every unit is measured first — its length along the main axis and how far it reaches before and
after the axis line it sits on — then placed. A sequence is its units joined by edges; a merge is a
fork, its branches in lanes side by side (a residual's body on the axis, its shortcut beside it),
a join and the merge node. A long top-level sequence wraps into columns (`down`) or rows (`right`)
of even length, about `WRAP` px at most (netspec.draw.wrapping), joined by an edge that runs in the gutter between them.
"""

from __future__ import annotations

from dataclasses import dataclass

from netspec.draw import structure
from netspec.draw.canvas import Canvas
from netspec.draw.structure import Elided, MergeItem, Repeat
from netspec.draw.svg import Picture
from netspec.draw.text import (
    caption,
    filters_text,
    line_height,
    merge_caption,
    merge_symbol,
    shape_text,
    shorten,
    text_width,
)
from netspec.draw.wrapping import wrap

FONT = 12.0  # box captions
SMALL = 10.0  # folded layers, edge labels, merge captions
PAD = 8.0  # inside boxes
LANE_GAP = 18.0  # between branches
FORK = 16.0  # main-axis room where branches split and join
NODE = 11.0  # merge node radius
FRAME = 8.0  # a repeat's frame around its units
BADGE = 16.0  # the frame's top band holding "×N"
GUTTER = 36.0  # between wrapped columns
WRAP = 1600.0  # longest column (or row) before the sequence wraps
FILL, HIGHLIGHT, MERGE_FILL = "#eef3fb", "#ffd54f", "#ffffff"
STROKE = "#2f4b7c"


@dataclass
class Extent:
    main: float
    before: float  # reach on the cross axis before the axis line (above, or to the left)
    after: float


class GraphLayout:
    def __init__(self, direction: str, labels: bool, highlight: set[str]):
        self.canvas = Canvas(direction)
        self.down = direction == "down"
        self.labels = labels
        self.highlight = highlight
        self.owners = 0

    def owner(self) -> str:
        self.owners += 1
        return f"u{self.owners}"

    # --- boxes -----------------------------------------------------------------------------

    def box_lines(self, unit) -> list[tuple[str, float]]:
        if isinstance(unit, Elided) and unit.branches:
            inside = f"{unit.layers:,} layers, #{unit.first}–#{unit.last}" if unit.layers else "identities"
            return [(f"… {unit.branches:,} branches …", FONT), (inside, SMALL)]
        if isinstance(unit, Elided):
            return [(f"… {unit.layers:,} layers …", FONT), (f"#{unit.first}–#{unit.last}", SMALL)]
        lines = [(caption(unit.main) + filters_text(unit.main), FONT)]
        folded = [caption(r) for r in unit.layers[1:]]
        if folded:
            lines.append((" · ".join(folded), SMALL))
        return lines

    def box_size(self, lines) -> tuple[float, float]:
        width = max(text_width(text, size, bold=size == FONT) for text, size in lines) + 2 * PAD
        height = sum(line_height(size) for _, size in lines) + PAD
        return width, max(height, 28.0)

    def measure_box(self, unit) -> Extent:
        w, h = self.box_size(self.box_lines(unit))
        main, cross = (h, w) if self.down else (w, h)
        return Extent(main, cross / 2, cross / 2)

    def place_box(self, unit, m: float, c: float) -> None:
        lines = self.box_lines(unit)
        w, h = self.box_size(lines)
        main, cross = (h, w) if self.down else (w, h)
        owner = self.owner()
        if isinstance(unit, Elided):  # a highlighted layer left out lights the gap that stands for it
            lit = not unit.names.isdisjoint(self.highlight)
        else:
            lit = any(r.name in self.highlight for r in unit.layers)
        self.canvas.rect(
            m,
            c - cross / 2,
            main,
            cross,
            cls="box",
            owner=owner,
            rx=4,
            fill=HIGHLIGHT if lit else FILL,
            stroke=STROKE,
            dash=isinstance(unit, Elided),
        )
        x, y = self.canvas.xy(m, c - cross / 2)
        cx = x + w / 2
        baseline = y + PAD / 2
        for text, size in lines:
            baseline += line_height(size)
            self.canvas.text(cx, baseline - 0.3 * size, text, size, cls="label", owner=owner, bold=size == FONT)

    # --- edges -----------------------------------------------------------------------------

    def gap_extent(self, label: str | None) -> Extent:
        if not (self.labels and label):
            return Extent(14.0 if self.down else 18.0, 0, 0)
        width = text_width(label, SMALL)
        if self.down:
            return Extent(20.0, 0, width + 8)
        return Extent(max(width + 10, 20.0), line_height(SMALL) + 3, 0)

    def place_gap(self, label: str | None, m: float, c: float) -> float:
        extent = self.gap_extent(label)
        end = m + extent.main
        self.canvas.line([(m, c), (end, c)], arrow=True)
        if self.labels and label:
            owner = self.owner()
            if self.down:
                self.canvas.text(
                    c + 5, m + extent.main / 2 + 0.35 * SMALL, label, SMALL, anchor="start", cls="shape", owner=owner
                )
            else:
                self.canvas.text(m + extent.main / 2, c - 4, label, SMALL, cls="shape", owner=owner)
        return end

    # --- any unit ----------------------------------------------------------------------------

    def measure(self, unit) -> Extent:
        if isinstance(unit, MergeItem):
            return self.measure_merge(unit)
        if isinstance(unit, Repeat):
            return self.measure_repeat(unit)
        return self.measure_box(unit)

    def place(self, unit, m: float, c: float) -> float:
        """Draw `unit` starting at main position `m` on the axis line `c`; returns where it ends."""
        extent = self.measure(unit)
        if isinstance(unit, MergeItem):
            self.place_merge(unit, m, c)
        elif isinstance(unit, Repeat):
            self.place_repeat(unit, m, c)
        else:
            self.place_box(unit, m, c)
        return m + extent.main

    def measure_sequence(self, units: list, trailing: bool) -> Extent:
        extents = [self.measure(u) for u in units]
        gaps = [self.gap_extent(shape_text(u.output)) for u in (units if trailing else units[:-1])]
        parts = extents + gaps
        if not parts:
            return Extent(0, 4, 4)
        return Extent(sum(e.main for e in parts), max(e.before for e in parts), max(e.after for e in parts))

    def place_sequence(self, units: list, m: float, c: float, trailing: bool) -> float:
        for i, unit in enumerate(units):
            m = self.place(unit, m, c)
            if trailing or i < len(units) - 1:
                m = self.place_gap(shape_text(unit.output), m, c)
        return m

    # --- merges ------------------------------------------------------------------------------

    def merge_words(self, unit: MergeItem) -> str:
        folded = " · ".join(caption(r) for r in unit.folded)
        return merge_caption(unit.report) + (f" → {folded}" if folded else "")

    def merge_caption_extent(self, unit: MergeItem) -> tuple[float, float]:
        """(main, cross after the axis) taken by the merge node and its caption."""
        width = text_width(self.merge_words(unit), SMALL)
        if self.down:
            return 2 * NODE, NODE + 6 + width
        return max(2 * NODE, width + 4), NODE + 4 + line_height(SMALL)

    def lane_axes(self, unit: MergeItem, lanes: list[Extent]) -> list[float]:
        """Each branch's axis line relative to the merge's; a residual keeps its body on the axis."""
        offsets, position = [], 0.0
        for i, lane in enumerate(lanes):
            if i:
                position += lanes[i - 1].after + LANE_GAP + lane.before
            offsets.append(position)
        if unit.report.instance.values.get("residual"):
            return offsets
        first = -lanes[0].before
        last = offsets[-1] + lanes[-1].after
        middle = (first + last) / 2
        return [o - middle for o in offsets]

    def measure_merge(self, unit: MergeItem) -> Extent:
        lanes = [self.measure_sequence(b, trailing=True) for b in unit.branches]
        axes = self.lane_axes(unit, lanes)
        node_main, node_after = self.merge_caption_extent(unit)
        before = max([lane.before - a for lane, a in zip(lanes, axes)] + [NODE])
        after = max([lane.after + a for lane, a in zip(lanes, axes)] + [node_after])
        main = FORK + max(lane.main for lane in lanes) + FORK + node_main
        return Extent(main, before, after)

    def place_merge(self, unit: MergeItem, m: float, c: float) -> None:
        lanes = [self.measure_sequence(b, trailing=True) for b in unit.branches]
        axes = self.lane_axes(unit, lanes)
        longest = max(lane.main for lane in lanes)
        node_main, _ = self.merge_caption_extent(unit)
        join = m + FORK + longest
        node_at = join + FORK + node_main / 2  # the node in the middle of its slot, the caption under or beside it
        for branch, axis in zip(unit.branches, axes):
            lane_c = c + axis
            self.canvas.line([(m, c), (m + FORK / 2, c), (m + FORK / 2, lane_c), (m + FORK, lane_c)])
            end = self.place_sequence(branch, m + FORK, lane_c, trailing=True) if branch else m + FORK
            self.canvas.line([(end, lane_c), (join + FORK / 2, lane_c), (join + FORK / 2, c), (node_at - NODE, c)])
        owner = self.owner()
        lit = any(r.name in self.highlight for r in [unit.report, *unit.folded])
        self.canvas.circle(
            node_at, c, NODE, cls="merge", owner=owner, fill=HIGHLIGHT if lit else MERGE_FILL, stroke=STROKE
        )
        x, y = self.canvas.xy(node_at, c)
        self.canvas.text(x, y + 0.36 * FONT, merge_symbol(unit.report), FONT, cls="symbol", owner=owner, bold=True)
        words = self.merge_words(unit)
        if self.down:
            self.canvas.text(x + NODE + 6, y + 0.35 * SMALL, words, SMALL, anchor="start", cls="caption", owner=owner)
        else:
            self.canvas.text(x, y + NODE + 2 + 0.8 * SMALL, words, SMALL, cls="caption", owner=owner)
        if node_main > 2 * NODE:  # the caption is wider than the node: carry the edge on to the end
            self.canvas.line([(node_at + NODE, c), (m + self.measure_merge(unit).main, c)])

    # --- repeats -----------------------------------------------------------------------------

    def measure_repeat(self, unit: Repeat) -> Extent:
        inner = self.measure_sequence(unit.units, trailing=False)
        badge = text_width(repeat_badge(unit), SMALL + 1, bold=True) + 10  # the frame is at least this wide
        if self.down:
            before = max(inner.before + FRAME, badge)  # the badge sits left of the axis line entering the frame
            return Extent(inner.main + BADGE + FRAME, before, inner.after + FRAME)
        return Extent(max(inner.main + 2 * FRAME, badge), inner.before + BADGE, inner.after + FRAME)

    def place_repeat(self, unit: Repeat, m: float, c: float) -> None:
        outer = self.measure_repeat(unit)
        owner = self.owner()
        self.canvas.rect(
            m,
            c - outer.before,
            outer.main,
            outer.before + outer.after,
            cls="frame",
            owner=owner,
            rx=6,
            fill="none",
            stroke="#8a8a8a",
            dash=True,
        )
        x, y = self.canvas.xy(m, c - outer.before)
        self.canvas.text(
            x + 5,
            y + 12,
            repeat_badge(unit),
            SMALL + 1,
            anchor="start",
            cls="badge",
            owner=owner,
            bold=True,
            fill="#b03a2e",
        )
        start = m + (BADGE if self.down else FRAME)
        self.canvas.line([(m, c), (start, c)])
        end = self.place_sequence(unit.units, start, c, trailing=False)
        self.canvas.line([(end, c), (m + outer.main, c)])

    # --- the whole network ---------------------------------------------------------------------

    def draw(self, result, units: list, title: str) -> Picture:
        entry = InputUnit(result.input_shape)
        c = 0.0
        previous = None  # (end on the main axis, axis line, reach after it) of the column before
        for column in self.columns(units):
            extent = self.measure_sequence(column, trailing=True)
            if previous is None:
                start = self.place_input(entry, 0.0, c, edge=bool(column))
                after = max(extent.after, self.measure_input(entry).after)
            else:
                end, axis, reach = previous
                c = axis + reach + GUTTER + extent.before
                gutter = axis + reach + GUTTER / 2
                route = [(end, axis), (end + 10, axis), (end + 10, gutter), (-10, gutter), (-10, c), (0.0, c)]
                self.canvas.line(route, arrow=True)
                start, after = 0.0, extent.after
            previous = (self.place_sequence(column, start, c, trailing=True), c, after)
        return self.canvas.finish(title)

    def columns(self, units: list) -> list[list]:
        sizes = [self.measure(unit).main + self.gap_extent(shape_text(unit.output)).main for unit in units]
        return [[units[index] for index in line] for line in wrap(sizes, WRAP)] or [[]]

    def input_lines(self, entry) -> list[tuple[str, float]]:
        return [("input", FONT), (shape_text(entry.shape), SMALL)] if self.labels else [("input", FONT)]

    def measure_input(self, entry) -> Extent:
        w, h = self.box_size(self.input_lines(entry))
        main, cross = (h, w) if self.down else (w, h)
        return Extent(main, cross / 2, cross / 2)

    def place_input(self, entry, m: float, c: float, edge: bool = True) -> float:
        """The input box at `m`, and the edge out of it unless the network has no layers (an arrow
        to nothing would say there is something after it)."""
        lines = self.input_lines(entry)
        w, h = self.box_size(lines)
        main, cross = (h, w) if self.down else (w, h)
        owner = self.owner()
        self.canvas.rect(m, c - cross / 2, main, cross, cls="box", owner=owner, rx=12, fill="#f4f4f4", stroke="#555555")
        x, y = self.canvas.xy(m, c - cross / 2)
        baseline = y + PAD / 2
        for text, size in lines:
            baseline += line_height(size)
            self.canvas.text(x + w / 2, baseline - 0.3 * size, text, size, cls="label", owner=owner, bold=size == FONT)
        return self.place_gap(None, m + main, c) if edge else m + main


def repeat_badge(unit: Repeat) -> str:
    """`×2`, or `×2 basic` when the repeated unit is a call of block `basic`."""
    name = structure.repeated_call(unit)
    return f"×{unit.count} {shorten(name)}" if name else f"×{unit.count}"


@dataclass
class InputUnit:
    shape: tuple


def draw_graph(
    result,
    direction: str = "down",
    labels: bool = True,
    highlight: set[str] | None = None,
    expand: bool = False,
    zoom: float = 1.0,
) -> Picture:
    """The graph-style picture of a checked network (`CheckResult` with `.ok`)."""
    units = structure.build(result.layers)
    if not expand:
        units = structure.collapse(units)
    units = structure.elide(units)
    layout = GraphLayout(direction, labels, structure.project_highlight(units, set(highlight or ())))
    picture = layout.draw(result, units, result.name)
    picture.zoom = zoom
    return picture

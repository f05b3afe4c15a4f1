"""Placing shapes along a main axis (the direction data flows) and a cross axis, for either direction.

Layouts think in (main, cross): `right` maps main to x and cross to y, `down` main to y and cross
to x. Texts are always horizontal, so layouts place them in x/y directly (`Canvas.xy`). When done,
`finish` moves everything so the drawing starts at a margin and returns its size.
"""

from __future__ import annotations

from netspec.draw.svg import Circle, Picture, Poly, Rect, Text
from netspec.draw.text import text_width

MARGIN = 12


class Canvas:
    def __init__(self, direction: str = "right"):
        self.down = direction == "down"
        self.items: list = []

    def xy(self, main: float, cross: float) -> tuple[float, float]:
        return (cross, main) if self.down else (main, cross)

    def rect(self, main: float, cross: float, main_len: float, cross_len: float, **style) -> Rect:
        x, y = self.xy(main, cross)
        w, h = (cross_len, main_len) if self.down else (main_len, cross_len)
        item = Rect(x, y, w, h, **style)
        self.items.append(item)
        return item

    def line(self, points: list[tuple[float, float]], arrow: bool = False, **style) -> None:
        """A polyline through (main, cross) points; with `arrow`, a head at its last point."""
        xy = [self.xy(m, c) for m, c in points]
        self.items.append(Poly(xy, cls="edge", closed=False, **style))
        if arrow and len(points) >= 2:
            (m0, c0), (m1, c1) = points[-2], points[-1]
            if (m0, c0) != (m1, c1):
                self.items.append(Poly(_arrow_head(self.xy(m0, c0), self.xy(m1, c1)), cls="arrow", fill="#333333"))

    def circle(self, main: float, cross: float, r: float, **style) -> None:
        x, y = self.xy(main, cross)
        self.items.append(Circle(x, y, r, **style))

    def text(self, x: float, y: float, text: str, size: float, **style) -> Text:
        item = Text(x, y, text, size, **style)
        self.items.append(item)
        return item

    def finish(self, title: str) -> Picture:
        left, top, right, bottom = bounds(self.items)
        dx, dy = MARGIN - left, MARGIN - top
        for item in self.items:
            _move(item, dx, dy)
        return Picture(right - left + 2 * MARGIN, bottom - top + 2 * MARGIN, title, self.items)


def _arrow_head(start: tuple[float, float], end: tuple[float, float], length: float = 7, half: float = 3.5):
    (x0, y0), (x1, y1) = start, end
    dx, dy = x1 - x0, y1 - y0
    norm = (dx * dx + dy * dy) ** 0.5
    ux, uy = dx / norm, dy / norm
    bx, by = x1 - ux * length, y1 - uy * length
    return [(x1, y1), (bx - uy * half, by + ux * half), (bx + uy * half, by - ux * half)]


def text_box(item: Text) -> tuple[float, float, float, float]:
    """The estimated (left, top, right, bottom) of a text: ascent 0.8 em, descent 0.25 em."""
    width = text_width(item.text, item.size, item.bold)
    left = item.x - (width / 2 if item.anchor == "middle" else width if item.anchor == "end" else 0)
    return left, item.y - 0.8 * item.size, left + width, item.y + 0.25 * item.size


def item_box(item) -> tuple[float, float, float, float]:
    if isinstance(item, Rect):
        return item.x, item.y, item.x + item.w, item.y + item.h
    if isinstance(item, Poly):
        xs = [x for x, _ in item.points]
        ys = [y for _, y in item.points]
        return min(xs), min(ys), max(xs), max(ys)
    if isinstance(item, Circle):
        return item.cx - item.r, item.cy - item.r, item.cx + item.r, item.cy + item.r
    return text_box(item)


def bounds(items: list) -> tuple[float, float, float, float]:
    boxes = [item_box(item) for item in items] or [(0, 0, 0, 0)]
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _move(item, dx: float, dy: float) -> None:
    if isinstance(item, Rect | Text):
        item.x += dx
        item.y += dy
    elif isinstance(item, Poly):
        item.points = [(x + dx, y + dy) for x, y in item.points]
    elif isinstance(item, Circle):
        item.cx += dx
        item.cy += dy

"""Where a long drawing wraps: items of given lengths split into lines of even length.

Filling each line up to the limit, greedily, leaves a short last line: VGG-16's last two fc bars
alone on a second row, U-Net's last three layers alone in a second column, most of the picture
empty. Here the number of lines is the fewest the limit allows, with some slack,

    lines = 1                        when total ≤ limit · (1 + SLACK)
    lines = ⌈total / limit⌉          otherwise

and each item goes to the line its middle falls in when the total is cut into equal parts:

    line(i) = min(lines − 1, ⌊(start_i + length_i / 2) / (total / lines)⌋)

so lines are in order, never more than `lines`, and each is at most total/lines plus one item;
a first or last line shorter than limit · SLACK (beside an item longer than its share) joins its
neighbour.
"""

from __future__ import annotations

import math

SLACK = 0.15  # a drawing up to 15% longer than the limit stays on one line


def line_count(total: float, limit: float, slack: float = SLACK) -> int:
    """How many lines items of `total` length take under `limit` (see the module docstring)."""
    if total <= limit * (1 + slack):
        return 1
    return math.ceil(total / limit)


def wrap(lengths: list[float], limit: float, slack: float = SLACK) -> list[list[int]]:
    """The indices of `lengths`, in order, split into lines of about equal length (none empty)."""
    total = sum(lengths)
    count = line_count(total, limit, slack)
    share = total / count if total > 0 else 1.0
    lines: list[list[int]] = [[] for _ in range(count)]
    start = 0.0
    for index, length in enumerate(lengths):
        lines[min(count - 1, int((start + length / 2) // share))].append(index)
        start += length
    lines = [line for line in lines if line]
    # An item longer than its share (a merge taller than a column) leaves what comes before or after
    # it on a line of its own: a first or last line shorter than the slack joins its neighbour.
    short = limit * slack
    while len(lines) > 1 and sum(lengths[i] for i in lines[-1]) < short:
        tail = lines.pop()
        lines[-1] = lines[-1] + tail
    while len(lines) > 1 and sum(lengths[i] for i in lines[0]) < short:
        head = lines.pop(0)
        lines[0] = head + lines[0]
    return lines

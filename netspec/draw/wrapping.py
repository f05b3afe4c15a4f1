"""Where a long drawing wraps: items of given lengths split into lines of even length.

Filling each line up to the limit, greedily, leaves a short last line: VGG-16's last two fc bars
alone on a second row, U-Net's last three layers alone in a second column, most of the picture
empty. Here the number of lines is the fewest the limit allows, with some slack,

    lines = 1                        when total ≤ limit · (1 + SLACK)
    lines = ⌈total / limit⌉          otherwise

and each item goes to the line its middle falls in when the total is cut into equal parts:

    line(i) = min(lines − 1, ⌊(start_i + length_i / 2) / (total / lines)⌋)

so lines are in order, never more than `lines`, and each is at most total/lines plus one item.
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
    return [line for line in lines if line]

"""Which input pixels one output unit of a layer reads: its receptive field as exact rows and columns.

The checker gives the field's size and jump (`r`, `j`); the picture also needs where it lies. Walking
back from the unit, an interval of output cells `[a, b]` of a window layer (conv or pool with kernel
k, dilation d, stride s and padding p before the first cell) reads the input cells

    [a·s − p,  b·s − p + d·(k − 1)]

(Araujo et al. 2019, "Computing Receptive Fields of Convolutional Neural Networks", eq. 1 and the
start-offset recursion; PyTorch's Conv2d/MaxPool2d index arithmetic). Element-wise layers read the
same cells; an adaptive pool's bin i reads `[⌊i·n/o⌋, ⌈(i+1)·n/o⌉ − 1]` (ATen's AdaptivePooling);
fc, flatten and global pools read everything. A value read by several layers (a merge's entry) gets
the union of what they need; a centre-cropped concat shifts each branch by its crop offset. At every
layer the interval is clipped to the cells that exist: padding depends on nothing, so what is left
is exactly what the unit reads (the checker's r counts the padding too, so it may be larger); with
a dilated kernel, which skips cells, it is the bounding box of what the unit reads.

Transposed convolutions and upsampling read fractions of cells: for them `field` returns None and
the picture falls back to the checker's size, centred.
"""

from __future__ import annotations

from netspec.arithmetic import effective_kernel, same_padding
from netspec.arithmetic_resampling import adaptive_bin
from netspec.layers.base import BINS, SAME_CELL, WHOLE, WINDOW

Interval = tuple[int, int]  # first and last cell, inclusive
Field = tuple[Interval, Interval] | str  # (rows, columns), or ALL


ALL = "all"


def window_input(a: int, b: int, kernel: int, stride: int, pad_before: int, dilation: int = 1) -> Interval:
    """The input cells output cells a..b of a window layer read: `[a·s − p, b·s − p + d·(k − 1)]`."""
    return a * stride - pad_before, b * stride - pad_before + effective_kernel(kernel, dilation) - 1


def _pad_before(values: dict, size: int, axis: int) -> int:
    pad = values["pad"]
    if pad == "same":
        return same_padding(size, values["kernel"][axis], values["stride"][axis], values.get("dilation", (1, 1))[axis])[
            0
        ]
    return pad[axis]


def _back(report, field: Field) -> Field | None:
    """What the input of `report` must hold for its output cells `field`; None when not whole cells."""
    reads = report.instance.kind.reads
    if field == ALL or reads == WHOLE:
        return ALL
    if reads == WINDOW:
        values = report.instance.values
        dilation = values.get("dilation", (1, 1))
        return tuple(
            window_input(
                *field[axis],
                values["kernel"][axis],
                values["stride"][axis],
                _pad_before(values, report.input[axis + 1], axis),
                dilation[axis],
            )
            for axis in (0, 1)
        )
    if reads == BINS:
        out = report.output[1:]
        bins = []
        for axis in (0, 1):
            n = report.input[axis + 1]
            first = adaptive_bin(field[axis][0], n, out[axis])[0]
            last = adaptive_bin(field[axis][1], n, out[axis])[1] - 1
            bins.append((first, last))
        return tuple(bins)
    if reads == SAME_CELL:
        return field
    return None


def _union(old: Field | None, new: Field) -> Field:
    if old is None:
        return new
    if old == ALL or new == ALL:
        return ALL
    return tuple((min(o[0], n[0]), max(o[1], n[1])) for o, n in zip(old, new))


def _shape_of(layers: list, index: int, input_shape: tuple) -> tuple:
    return input_shape if index == 0 else layers[index - 1].output


def field(result, report, unit: tuple[int, int]) -> Field | None:
    """The input rows and columns (first and last, inclusive) that output cell `unit` = (row, column)
    of layer `report` reads, ALL for the whole input, or None when a layer on the way reads
    fractions of cells (transposed convolution, upsampling) or the unit reads only padding."""
    layers = result.layers
    needed: dict[int, Field] = {report.index: ((unit[0], unit[0]), (unit[1], unit[1]))}
    for index in range(report.index, 0, -1):
        if index not in needed:
            continue
        current = layers[index - 1]
        want = needed.pop(index)
        if current.is_merge:
            for source in current.inputs:
                shifted = want
                if want != ALL and current.instance.values.get("crop") == "center":
                    from netspec.layers.merge import crop_offsets

                    top, left = crop_offsets(_shape_of(layers, source, result.input_shape)[1:], current.output[1:])
                    shifted = ((want[0][0] + top, want[0][1] + top), (want[1][0] + left, want[1][1] + left))
                shape = _shape_of(layers, source, result.input_shape)
                if shifted != ALL and len(shape) == 3 and shape[1:] != current.output[1:] and min(shape[1:]) == 1:
                    shifted = ((0, 0), (0, 0))  # a broadcast 1x1 map (mul with a squeeze): its one cell
                needed[source] = _union(needed.get(source), shifted)
            continue
        before = _back(current, want)
        if before is None:
            return None
        before = _clip(before, current.input)
        if before is None:
            return None
        needed[current.inputs[0]] = _union(needed.get(current.inputs[0]), before)
    return needed.get(0)


def _clip(wanted: Field, shape: tuple) -> Field | None:
    """The cells of `wanted` that exist in a map of `shape`: padding cells depend on nothing."""
    if wanted == ALL or len(shape) != 3:
        return ALL if wanted == ALL else wanted
    clipped = tuple((max(lo, 0), min(hi, size - 1)) for (lo, hi), size in zip(wanted, shape[1:]))
    return None if any(lo > hi for lo, hi in clipped) else clipped

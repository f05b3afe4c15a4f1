"""Merges: `add`, `concat` and `mul` join the outputs of branches that start from the same value.

A merge has no parameters and no MACs (the fvcore convention counts no element-wise work). Each
kind checks that its inputs fit together and says how to make them fit when they do not:

- `add` (and `residual`): every input has the same shape; `out = a + b + …`.
- `concat`: inputs of the same rank whose H and W agree are joined along channels (features for
  vectors): `C = C₁ + C₂ + …` (torch.cat, dim 1). `crop=center` first crops larger maps to the
  smallest H and W, offset `⌊(larger − smaller) / 2⌋` from the top/left (U-Net's copy and crop,
  Ronneberger et al. 2015, Fig. 1).
- `mul`: element-wise product with broadcasting of size-1 dimensions (squeeze-and-excitation,
  Hu et al. 2018): each dimension is equal across inputs or 1, and the output takes the largest.

What autograd keeps (derivatives.yaml): a sum and a concatenation keep nothing; `a * b` keeps `b`
when `a` needs a gradient and `a` when `b` does; a product of more inputs is computed left to
right, `(a * b) * c`, and keeps its partial products likewise.
"""

from __future__ import annotations

from math import prod

from netspec.layers.args import Arg, choice
from netspec.layers.base import Inference, LayerKind, Saved, Shape, Where, fmt_shape

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms of every start)
if TYPE_CHECKING:
    from typing import ClassVar


class MergeKind(LayerKind):
    """Base class of merges: a `LayerKind` whose `infer` takes the shapes of all inputs, and which
    compiles to an expression of its operands (`combine`) rather than a module."""

    merge: ClassVar[bool] = True
    operator: ClassVar[str | None] = None  # `+` or `*`: `combine` joins its operands with it
    symbol: ClassVar[str] = "?"  # drawn in a merge's circle

    def infer(self, values: dict, shapes: tuple[Shape, ...], requires_grad: tuple[bool, ...], where: Where):
        raise NotImplementedError

    def combine(self, values: dict, operands: list[str], shapes: tuple[Shape, ...], output: Shape) -> str:
        """The Python expression that merges `operands` (variable names) of `shapes`."""
        raise NotImplementedError


def _shapes_text(shapes: tuple[Shape, ...]) -> str:
    return ", ".join(fmt_shape(s) for s in shapes)


class Add(MergeKind):
    names = ("add", "sum")
    operator = "+"
    symbol = "+"
    summary = "element-wise sum of branches of equal shape: add { branch { … } branch { … } }"

    def infer(self, values, shapes, requires_grad, where):
        first = shapes[0]
        for shape in shapes[1:]:
            if shape != first:
                where.error("merge-shape", *_add_mismatch(values, shapes))
                return None
        return Inference(output=first, explain=[f"output = {' + '.join(fmt_shape(s) for s in shapes)}"])

    def combine(self, values, operands, shapes, output):
        return " + ".join(operands)


def _add_mismatch(values: dict, shapes: tuple[Shape, ...]) -> tuple[str, str]:
    if values.get("residual"):
        body, shortcut = shapes
        message = f"the residual's body gives {fmt_shape(body)} but its shortcut gives {fmt_shape(shortcut)}"
        projection = _projection(values.get("entry", shortcut), body)
        if projection is not None:
            return message, f"project the shortcut: `shortcut {{ {projection}; batchnorm }}`"
        return message, "make the body keep the input's shape, or give the residual a `shortcut { … }` that matches"
    return (
        f"`add` needs branches of one shape, got {_shapes_text(shapes)}",
        "make every branch end in the same channels and size (a 1x1 conv changes channels; stride changes size)",
    )


def _projection(entry: Shape, body: Shape) -> str | None:
    """A 1x1 convolution from the residual's input to its body's shape, `⌊(n − 1)/s⌋ + 1 = out` per
    axis (the smallest such stride), or None when no stride gives it."""
    if len(entry) != len(body):
        return None
    if len(body) == 1:
        return f"fc {body[0]} bias=false"
    strides = []
    for n, out in zip(entry[1:], body[1:]):
        stride = next((s for s in range(1, n + 1) if (n - 1) // s + 1 == out), None)
        if stride is None:
            return None
        strides.append(stride)
    stride = (
        ""
        if strides == [1, 1]
        else f" stride={strides[0]}"
        if strides[0] == strides[1]
        else f" stride={strides[0]}x{strides[1]}"
    )
    return f"conv {body[0]} 1x1{stride} bias=false"


class Concat(MergeKind):
    names = ("concat", "cat", "concatenate")
    symbol = "⊕"
    summary = "join branches along channels: concat [crop=center] { branch { … } branch { … } }"
    args = (Arg("crop", choice("none", "center"), default="none", help="none, or center (U-Net's copy and crop)"),)

    def infer(self, values, shapes, requires_grad, where):
        ranks = {len(s) for s in shapes}
        if len(ranks) > 1:
            where.error(
                "merge-shape",
                f"`concat` cannot join feature maps and vectors: {_shapes_text(shapes)}",
                "flatten every branch, or none",
            )
            return None
        channels = sum(s[0] for s in shapes)
        if len(shapes[0]) == 1:
            return Inference(output=(channels,), explain=[f"features = {' + '.join(str(s[0]) for s in shapes)}"])
        heights, widths = {s[1] for s in shapes}, {s[2] for s in shapes}
        size = (min(heights), min(widths))
        explain = [f"C = {' + '.join(str(s[0]) for s in shapes)} = {channels}"]
        if len(heights) > 1 or len(widths) > 1:
            if values["crop"] != "center":
                where.error(
                    "merge-shape", f"`concat` needs one H x W, got {_shapes_text(shapes)}", _concat_hint(shapes)
                )
                return None
            for shape in shapes:
                top, left = crop_offsets(shape[1:], size)
                if (top, left) != (0, 0) or shape[1:] != size:
                    explain.append(f"crop {shape[1]}x{shape[2]} → {size[0]}x{size[1]} at offset ({top}, {left})")
        return Inference(output=(channels, *size), explain=explain)

    def combine(self, values, operands, shapes, output):
        parts = []
        for operand, shape in zip(operands, shapes):
            if len(shape) == 3 and shape[1:] != output[1:]:
                top, left = crop_offsets(shape[1:], output[1:])
                operand += f"[:, :, {top}:{top + output[1]}, {left}:{left + output[2]}]"
            parts.append(operand)
        return f"torch.cat([{', '.join(parts)}], dim=1)"


def crop_offsets(size: tuple[int, int], target: tuple[int, int]) -> tuple[int, int]:
    """Where a centred crop of `size` to `target` starts: `⌊(larger − smaller) / 2⌋` per axis."""
    return (size[0] - target[0]) // 2, (size[1] - target[1]) // 2


def _concat_hint(shapes: tuple[Shape, ...]) -> str:
    largest = max(s[1] for s in shapes), max(s[2] for s in shapes)
    smaller = [s for s in shapes if (s[1], s[2]) != largest]
    gap = largest[0] - smaller[0][1], largest[1] - smaller[0][2]
    # padding mends what an unpadded window took off (a few cells), not a halving by a stride
    if gap[0] == gap[1] and gap[0] % 2 == 0 and 2 * smaller[0][1] > largest[0]:
        pad = f"{gap[0] // 2} more padding on each side of the {smaller[0][1]}x{smaller[0][2]} branch's convolution"
        return f"{pad}, or crop the larger maps: `concat crop=center {{ … }}`"
    return "give the branches the same padding and strides, or crop the larger maps: `concat crop=center { … }`"


class Mul(MergeKind):
    names = ("mul", "multiply", "product")
    operator = "*"
    symbol = "×"
    summary = "element-wise product, size-1 dimensions broadcast: mul { branch { } branch { … } }"

    def infer(self, values, shapes, requires_grad, where):
        ranks = {len(s) for s in shapes}
        output = shapes[0]
        ok = len(ranks) == 1
        if ok:
            output = tuple(max(dims) for dims in zip(*shapes))
            ok = all(d in (1, o) for shape in shapes for d, o in zip(shape, output))
        if not ok:
            where.error(
                "merge-shape",
                f"`mul` needs shapes that are equal or 1 in each dimension, got {_shapes_text(shapes)}",
                "squeeze-and-excitation multiplies C x H x W by C x 1 x 1 (globalavgpool, then 1x1 convs)",
            )
            return None
        return Inference(
            output=output,
            saved=_product_saved(shapes, requires_grad),
            explain=[f"output = {' × '.join(fmt_shape(s) for s in shapes)} = {fmt_shape(output)} (broadcast)"],
        )

    def combine(self, values, operands, shapes, output):
        return " * ".join(operands)


def _product_saved(shapes: tuple[Shape, ...], requires_grad: tuple[bool, ...]) -> list[Saved]:
    """`a * b` saves b if a needs a gradient and a if b does; left to right for more inputs."""
    saved: list[Saved] = []
    left_key, left_shape, left_grad = "input0", shapes[0], requires_grad[0]
    for i in range(1, len(shapes)):
        right_key, right_shape, right_grad = f"input{i}", shapes[i], requires_grad[i]
        if left_grad:
            saved.append(Saved(right_key, prod(right_shape)))
        if right_grad:
            saved.append(Saved(left_key, prod(left_shape)))
        left_shape = tuple(max(a, b) for a, b in zip(left_shape, right_shape))
        left_key, left_grad = f"product{i}", left_grad or right_grad
    return saved


MERGES: tuple[MergeKind, ...] = (Add(), Concat(), Mul())
BY_NAME: dict[str, MergeKind] = {name: kind for kind in MERGES for name in kind.names}

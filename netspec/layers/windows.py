"""Sliding-window geometry shared by convolution and pooling: padding, output size, checks.

Floor mode (the PyTorch default) computes `OH = ⌊(H + p_top + p_bottom − KH_eff) / SH⌋ + 1`;
`ceil=true` rounds up as PyTorch's `ceil_mode`; `pad=same` is TensorFlow's SAME, `OH = ⌈H / SH⌉`
with the odd padding cell at the bottom/right. See `netspec.arithmetic` for the formulas.
"""

from __future__ import annotations

from netspec import arithmetic as ar
from netspec.diagnostics import Diagnostics
from netspec.layers.base import INPUT, Saved, Shape, Step, Where
from netspec.pycode import literal
from netspec.record import Record
from netspec.source import Span

AXES = ("height", "width")


class Geometry(Record):
    __slots__ = ("input_hw", "kernel_eff", "stride", "pads", "output", "explain")
    __hash__ = None  # mutable

    def __init__(
        self,
        input_hw: tuple[int, int],
        kernel_eff: tuple[int, int],
        stride: tuple[int, int],
        pads: tuple[tuple[int, int], tuple[int, int]],
        output: tuple[int, int],
        explain: list[str] | None = None,
    ):
        self.input_hw = input_hw
        self.kernel_eff = kernel_eff
        self.stride = stride
        self.pads = pads  # ((top, bottom), (left, right))
        self.output = output
        self.explain = [] if explain is None else explain

    @property
    def asymmetric(self) -> bool:
        """True when padding differs between the two sides of an axis: PyTorch's layers pad both
        sides equally, so such padding is applied with an explicit `F.pad` first."""
        return any(before != after for before, after in self.pads)

    @property
    def window(self) -> tuple[tuple[int, int], tuple[int, int]]:
        return ((self.kernel_eff[0], self.stride[0]), (self.kernel_eff[1], self.stride[1]))

    def padded_hw(self) -> tuple[int, int]:
        (top, bottom), (left, right) = self.pads
        return self.input_hw[0] + top + bottom, self.input_hw[1] + left + right

    def saved_input(self, channels: int) -> Saved:
        """The input as the operation sees it: the layer's input, or the explicitly padded copy."""
        if self.asymmetric:
            ph, pw = self.padded_hw()
            return Saved("padded", channels * ph * pw)
        h, w = self.input_hw
        return Saved(INPUT, channels * h * w)


def resolve(v: dict, shape: Shape, where: Where, what: str, out_names=("OH", "OW"), pool: bool = False):
    """Compute the window geometry of `v` (kernel, stride, pad[, dilation, ceil]) on `shape`.

    Reports errors (kernel larger than the padded input, pooling padding over half the kernel)
    and warnings (a size that is not a whole number, a stride that skips pixels); returns None on error.
    """
    _, h, w = shape
    kernel, stride = v["kernel"], v["stride"]
    dilation = v.get("dilation", (1, 1))
    pad = v["pad"]
    ceil = v.get("ceil", False)
    k_eff = (ar.effective_kernel(kernel[0], dilation[0]), ar.effective_kernel(kernel[1], dilation[1]))
    if pad == "same":
        pads = (
            ar.same_padding(h, kernel[0], stride[0], dilation[0]),
            ar.same_padding(w, kernel[1], stride[1], dilation[1]),
        )
    else:
        pads = ((pad[0], pad[0]), (pad[1], pad[1]))
        if pool and any(p > k // 2 for p, k in zip(pad, k_eff)):
            where.error(
                "pad-too-large",
                f"pooling padding {pad[0]}x{pad[1]} is more than half the kernel {kernel[0]}x{kernel[1]}",
                f"PyTorch allows at most pad={k_eff[0] // 2}x{k_eff[1] // 2} here; or use pad=same",
                arg="pad",
            )
            return None
    sizes = (h, w)
    for axis in range(2):
        padded = sizes[axis] + sum(pads[axis])
        # ceil mode keeps a last window that overhangs the input, as PyTorch does: it fails only
        # when no window fits at all (⌈(n + 2p − k) / s⌉ + 1 < 1)
        if k_eff[axis] > padded + (stride[axis] - 1 if ceil and pad != "same" else 0):
            kernel_text = f"{kernel[0]}x{kernel[1]}" + (
                f" (dilated to {k_eff[0]}x{k_eff[1]})" if k_eff != kernel else ""
            )
            where.error(
                "kernel-too-large",
                f"{what} kernel {kernel_text} is larger than the padded input {AXES[axis]}: "
                f"{sizes[axis]} + {pads[axis][0]} + {pads[axis][1]} = {padded} < {k_eff[axis]}",
                "use pad=same, a smaller kernel, or less downsampling before this layer",
                arg="kernel",
            )
            return None
    outputs: list[int] = []
    explain: list[str] = []
    inexact: list[int] = []
    for axis in range(2):
        n, k, s = sizes[axis], k_eff[axis], stride[axis]
        before, after = pads[axis]
        if pad == "same":
            out = ar.same_output_size(n, s)
            explain.append(f"{out_names[axis]} = ⌈{n} / {s}⌉ = {out}  (SAME: pad {before} before, {after} after)")
        elif ceil:
            out = ar.ceil_pool_output_size(n, kernel[axis], s, before, dilation[axis])
            explain.append(f"{out_names[axis]} = ⌈({n} + 2·{before} − {k}) / {s}⌉ + 1 = {out}  (ceil mode)")
        else:
            out = ar.floor_output_size(n, kernel[axis], s, before, after, dilation[axis])
            explain.append(f"{out_names[axis]} = ⌊({n} + 2·{before} − {k}) / {s}⌋ + 1 = {out}")
            # Only real input pixels matter: the cells no window reaches may be padding. With a
            # stride above the kernel, pixels between windows are skipped anyway (`skipped-pixels`).
            if ar.unused_input_cells(n, kernel[axis], s, before, after, dilation[axis]) > after and s <= k:
                inexact.append(axis)
        outputs.append(out)
    geometry = Geometry((h, w), k_eff, stride, pads, (outputs[0], outputs[1]), explain)
    if inexact:
        _warn_inexact(geometry, inexact, where, what, pool)
    # A 1x1 window with a stride is a deliberate subsampling (ResNet's projection shortcut).
    if any(s > k > 1 for s, k in zip(stride, k_eff)):
        where.warning(
            "skipped-pixels",
            f"stride {stride[0]}x{stride[1]} is larger than the {what} window {k_eff[0]}x{k_eff[1]}: "
            "some input pixels are never seen",
            "use a stride no larger than the kernel",
            arg="stride",
        )
    return geometry


def geometry(v: dict, shape: Shape, pool: bool = False) -> Geometry:
    """The geometry `resolve` computed for a layer the checker accepted (for code emission), its
    diagnostics discarded; raises ValueError if the layer was not accepted."""
    result = resolve(v, shape, Where(Diagnostics(), Span.point(1, 1), {}), "window", pool=pool)
    if result is None:
        raise ValueError(f"no valid window geometry for {v} on {shape}")
    return result


def pad_step(geometry: Geometry, channels: int, value: str | None = None) -> Step:
    """`x = F.pad(x, (left, right, top, bottom))`: the SAME padding PyTorch layers cannot do."""
    (top, bottom), (left, right) = geometry.pads
    fill = f", value={value}" if value else ""
    return Step(
        f"F.pad({{x}}, {literal((left, right, top, bottom))}{fill})",
        (channels, *geometry.padded_hw()),
        "SAME padding",
    )


def _warn_inexact(g: Geometry, axes: list[int], where: Where, what: str, pool: bool = False) -> None:
    square = (
        len(axes) == 2
        and g.input_hw[0] == g.input_hw[1]
        and g.kernel_eff[0] == g.kernel_eff[1]
        and g.stride[0] == g.stride[1]
        and g.pads[0] == g.pads[1]
    )
    parts, hints = [], []
    for axis in axes[:1] if square else axes:
        n, k, s = g.input_hw[axis], g.kernel_eff[axis], g.stride[axis]
        before, after = g.pads[axis]
        exact = ar.exact_output_size(n, k, s, before, after)
        lost = ar.unused_input_cells(n, k, s, before, after) - after  # real pixels, not padding
        axis_name = "size" if square else AXES[axis]
        unit = {0: "row", 1: "column"}[axis] if not square else "row and column"
        if lost != 1:
            unit = {"row": "rows", "column": "columns", "row and column": "rows and columns"}[unit]
        side = "bottom/right" if square else ("bottom" if axis == 0 else "right")
        parts.append(
            f"{axis_name} ({n} + 2·{before} − {k}) / {s} + 1 = {ar.decimal_text(exact)}: the {side} {lost} {unit} "
            f"of the input {'is' if lost == 1 else 'are'} never seen"
        )
        below, above = ar.exact_inputs_near(n, k, s, before)
        fix = f"input {axis_name} {below} or {above}" if below >= 1 else f"input {axis_name} {above}"
        paddings = ar.exact_paddings(n, k, s, limit=k // 2 if pool else None)  # PyTorch's pooling limit
        if paddings:
            fix += f", or pad={paddings[0]} (output {ar.floor_output_size(n, k, s, paddings[0], paddings[0])})"
        hints.append(fix)
    where.warning(
        "inexact-size",
        f"{what} output is not a whole number: " + "; ".join(parts),
        " / ".join(dict.fromkeys(hints)) + " makes it exact; floor mode drops the rest",
        arg="kernel",
    )

"""Pooling: `maxpool`, `avgpool` (`meanpool`), `l2pool`, `globalavgpool`, `globalmaxpool`.

Pooling has no parameters and, by the fvcore convention, no MACs. Stride defaults to the kernel.
"""

from __future__ import annotations

from math import prod

from netspec.layers import windows
from netspec.layers.args import Arg, boolean, padding, pair
from netspec.layers.base import (
    CALL,
    INPUT,
    OUTPUT,
    WHOLE,
    WINDOW,
    Emission,
    Helper,
    Inference,
    LayerKind,
    Saved,
    Shape,
    Step,
    Where,
)
from netspec.layers.captions import kernel_text
from netspec.layers.tools import PTFLOPS, THOP, bins_counts
from netspec.pycode import Code, call, size

POOL_ARGS = (
    Arg("kernel", pair(), positional=True, help="a window size (2 or 2x2)"),
    Arg("stride", pair(), default=None, help="the step between windows (default: the kernel size)"),
    Arg("pad", padding(), default=(0, 0), help="P, PxP, same or valid; at most half the kernel"),
    Arg("ceil", boolean, default=False, help="true keeps partial windows at the edge (PyTorch ceil_mode)"),
)


class _Pool(LayerKind):
    spatial = True
    family = "pool"
    reads = WINDOW
    args = POOL_ARGS

    what = "pooling"

    def caption(self, v, shape: Shape, output: Shape) -> str:
        return f"{self.name} {kernel_text(v)}"

    def counted_by(self, tool: str, v, shape: Shape, output: Shape, macs: int) -> dict[str, int]:
        """ptflops pool_flops_counter_hook counts the input (the padded one for SAME max pooling
        with an odd cell), once per call: `ptflops_calls`."""
        if tool != PTFLOPS:
            return {}
        geometry = windows.geometry(v, shape, pool=True)
        pooled = shape[0] * prod(geometry.padded_hw() if geometry.asymmetric else geometry.input_hw)
        return {self.name: pooled * self.ptflops_calls(geometry)}

    def ptflops_calls(self, geometry: windows.Geometry) -> int:
        """nn.MaxPool2d and nn.AvgPool2d: the module hook and the patched F.*_pool2d it calls."""
        return 2

    def validate(self, v, where: Where) -> bool:
        if v["stride"] is None:
            v["stride"] = v["kernel"]
        if v["ceil"] and v["pad"] == "same":
            where.warning("ceil-ignored", "ceil=true has no effect with pad=same", "remove ceil=true", arg="ceil")
            v["ceil"] = False
        return True

    def infer(self, v, shape: Shape, where: Where) -> Inference | None:
        geometry = windows.resolve(v, shape, where, self.what, pool=True)
        if geometry is None:
            return None
        channels = shape[0]
        oh, ow = geometry.output
        return Inference(
            output=(channels, oh, ow),
            window=geometry.window,
            saved=self.saved(geometry, channels, channels * oh * ow),
            explain=geometry.explain,
        )

    def saved(self, geometry: windows.Geometry, channels: int, out_numel: int) -> list[Saved]:
        raise NotImplementedError


def _options(v: dict, geometry: windows.Geometry, padded: bool = False) -> dict:
    """The keyword arguments of a PyTorch pooling layer, which pads both sides equally (or not at
    all when the input is `padded` explicitly)."""
    options = {}
    if v["stride"] != v["kernel"]:
        options["stride"] = size(v["stride"])
    if geometry.pads != ((0, 0), (0, 0)) and not padded:
        options["padding"] = size((geometry.pads[0][0], geometry.pads[1][0]))
    if v["ceil"]:
        options["ceil_mode"] = True
    return options


class MaxPool(_Pool):
    names = ("maxpool", "maxpool2d", "max_pool")
    summary = "max pooling: maxpool K [stride=K] [pad=P|same] [ceil=true]"
    what = "max pooling"

    def saved(self, geometry, channels, out_numel):
        # max_pool2d_with_indices keeps its input and the int64 argmax indices
        return [geometry.saved_input(channels), Saved("indices", out_numel, itemsize=8)]

    def emit(self, v, shape: Shape, output: Shape) -> Emission:
        # SAME padding with an odd cell is an explicit F.pad with −∞, which never wins a max.
        geometry = windows.geometry(v, shape, pool=True)
        if geometry.asymmetric:
            module = call("nn.MaxPool2d", size(v["kernel"]), **_options(v, geometry, padded=True))
            pad = windows.pad_step(geometry, shape[0], value=Code("-math.inf"))
            return Emission(module, (pad, Step(CALL, output)), imports=("math",))
        return Emission(call("nn.MaxPool2d", size(v["kernel"]), **_options(v, geometry)), (Step(CALL, output),))


class AvgPool(_Pool):
    names = ("avgpool", "meanpool", "avgpool2d", "avg_pool")
    summary = "average pooling: avgpool K [stride=K] [pad=P|same] [ceil=true]"
    what = "average pooling"

    def ptflops_calls(self, geometry: windows.Geometry) -> int:
        return 1 if geometry.asymmetric else 2  # the SAME helper calls F.avg_pool2d alone

    def counted_by(self, tool: str, v, shape: Shape, output: Shape, macs: int) -> dict[str, int]:
        """thop count_avgpool `∏out` for nn.AvgPool2d, 0 for the SAME helper (not registered)."""
        if tool == THOP:
            return {self.name: 0 if windows.geometry(v, shape, pool=True).asymmetric else prod(output)}
        return super().counted_by(tool, v, shape, output, macs)

    def saved(self, geometry, channels, out_numel):
        # avg_pool2d keeps its input; with SAME padding it sums the zero-padded input and divides by
        # a constant map of window sizes (a buffer), so padding is never counted (TensorFlow semantics).
        return [geometry.saved_input(channels)]

    def emit(self, v, shape: Shape, output: Shape) -> Emission:
        geometry = windows.geometry(v, shape, pool=True)
        if geometry.asymmetric:
            (top, bottom), (left, right) = geometry.pads
            module = call(
                "SameAvgPool2d",
                size(v["kernel"]),
                stride=size(v["stride"]),
                pad=(left, right, top, bottom),
                input_size=geometry.input_hw,
            )
            return Emission(module, (Step(CALL, output),), helpers=(SAME_AVG_POOL,))
        options = _options(v, geometry)
        if v["pad"] == "same" and "padding" in options:
            options["count_include_pad"] = False  # TensorFlow's SAME does not count padded cells
        return Emission(call("nn.AvgPool2d", size(v["kernel"]), **options), (Step(CALL, output),))


class L2Pool(_Pool):
    names = ("l2pool", "lppool")
    summary = "L2 pooling, √(Σ x²) over each window: l2pool K [stride=K] [pad=P|same] [ceil=true]"
    what = "L2 pooling"

    def ptflops_calls(self, geometry: windows.Geometry) -> int:
        return 1  # L2Pool2d calls F.avg_pool2d on the padded squares; no module hook

    def saved(self, geometry, channels, out_numel):
        # sqrt(sum(x·x)): the product keeps x, the window sum keeps x² (zero-padded when SAME),
        # clamp_min keeps the sums, sqrt keeps its result.
        ph, pw = geometry.padded_hw() if geometry.asymmetric else geometry.input_hw
        h, w = geometry.input_hw
        return [
            Saved(INPUT, channels * h * w),
            Saved("squares", channels * ph * pw),
            Saved("sums", out_numel),
            Saved(OUTPUT, out_numel),
        ]

    def emit(self, v, shape: Shape, output: Shape) -> Emission:
        geometry = windows.geometry(v, shape, pool=True)
        if geometry.asymmetric:
            (top, bottom), (left, right) = geometry.pads
            options = _options(v, geometry, padded=True) | {"pad": (left, right, top, bottom)}
        else:
            options = _options(v, geometry)
        module = call("L2Pool2d", size(v["kernel"]), input_size=geometry.input_hw, **options)
        return Emission(module, (Step(CALL, output),), helpers=(L2_POOL,))


class _GlobalPool(LayerKind):
    spatial = True
    family = "pool"
    reads = WHOLE
    average = False  # a mean, which thop and fvcore count (they skip max pooling)

    def counted_by(self, tool: str, v, shape: Shape, output: Shape, macs: int) -> dict[str, int]:
        return bins_counts(self.name, tool, shape, output, average=self.average)

    def infer(self, v, shape: Shape, where: Where) -> Inference | None:
        channels, h, w = shape
        return Inference(
            output=(channels, 1, 1),
            covers_input=True,
            saved=self.saved(channels, h, w),
            explain=[f"output = {channels}x1x1 (one value per channel over {h}x{w})"],
        )

    def saved(self, channels: int, h: int, w: int) -> list[Saved]:
        raise NotImplementedError

    def emit(self, v, shape: Shape, output: Shape) -> Emission:
        return Emission(call(self.module, 1), (Step(CALL, output),))


class GlobalAvgPool(_GlobalPool):
    names = ("globalavgpool", "gap", "global_avg_pool")
    short_name = "global avgpool"
    average = True
    summary = "mean of each channel: globalavgpool → C x 1 x 1"
    module = "nn.AdaptiveAvgPool2d"

    def saved(self, channels, h, w):
        # adaptive_avg_pool2d to 1x1 runs as a mean over H and W, whose backward needs only sizes
        return []


class GlobalMaxPool(_GlobalPool):
    names = ("globalmaxpool", "global_max_pool")
    summary = "max of each channel: globalmaxpool → C x 1 x 1"
    module = "nn.AdaptiveMaxPool2d"

    def saved(self, channels, h, w):
        return [Saved(INPUT, channels * h * w), Saved("indices", channels, itemsize=8)]


SAME_AVG_POOL = Helper(
    "SameAvgPool2d",
    '''class SameAvgPool2d(nn.Module):
    """Average pooling with TensorFlow's SAME padding: padded cells are not counted.

    SAME puts an odd padding cell at the bottom/right, which nn.AvgPool2d cannot do: the
    input is zero-padded by `pad` (left, right, top, bottom), summed over each window
    (the mean of the whole window times its size), and divided by the number of real
    input cells in the window. That count is a constant map for the input size the
    network takes, kept as a buffer (derived, so not in the state dict). The forward
    pass uses only standard average pooling, which ONNX exports exactly.
    """

    def __init__(
        self,
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int],
        pad: tuple[int, int, int, int],
        input_size: tuple[int, int],
    ) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride
        self.pad = pad
        kh, kw = (kernel_size,) * 2 if isinstance(kernel_size, int) else kernel_size
        self.window = kh * kw
        real = F.pad(torch.ones(1, 1, input_size[0], input_size[1]), pad)
        counts = F.avg_pool2d(real, kernel_size, stride, divisor_override=1)
        self.register_buffer("counts", counts, persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.pad(x, self.pad)
        sums = F.avg_pool2d(x, self.kernel_size, self.stride) * self.window
        return sums / self.counts
''',
)

L2_POOL = Helper(
    "L2Pool2d",
    '''class L2Pool2d(nn.Module):
    """L2 pooling: the square root of the sum of squares over each window.

    `padding` pads both sides of an axis equally, as in nn.AvgPool2d; `pad` (left,
    right, top, bottom) pads the squares explicitly, for TensorFlow's SAME padding
    with its odd cell at the bottom/right. Zero padding adds nothing to a sum. The sum
    is average pooling times the number of cells it divides by (a constant map for the
    input size the network takes, kept as a buffer): no `divisor_override`, which ONNX
    cannot export. The sums are clamped at 1e-12 before the square root, whose
    gradient is infinite at 0: a window of zeros (after a ReLU, say) gets a finite
    gradient, and an output of 1e-6 instead of 0.
    """

    def __init__(
        self,
        kernel_size: int | tuple[int, int],
        input_size: tuple[int, int],
        stride: int | tuple[int, int] | None = None,
        padding: int | tuple[int, int] = 0,
        ceil_mode: bool = False,
        pad: tuple[int, int, int, int] = (0, 0, 0, 0),
    ) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.pad = pad
        self.explicit_pad = any(pad)
        height = input_size[0] + pad[2] + pad[3]
        width = input_size[1] + pad[0] + pad[1]
        ones = torch.ones(1, 1, height, width)
        window = (self.kernel_size, self.stride, padding, ceil_mode)
        cells = F.avg_pool2d(ones, *window, count_include_pad=True, divisor_override=1)
        mean = F.avg_pool2d(ones, *window, count_include_pad=True)
        self.register_buffer("divisor", torch.round(cells / mean), persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        squares = x * x
        if self.explicit_pad:
            squares = F.pad(squares, self.pad)
        means = F.avg_pool2d(
            squares,
            self.kernel_size,
            self.stride,
            self.padding,
            self.ceil_mode,
            count_include_pad=True,
        )
        sums = means * self.divisor
        return torch.sqrt(sums.clamp_min(1e-12))
''',
)

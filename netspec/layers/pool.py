"""Pooling: `maxpool`, `avgpool` (`meanpool`), `l2pool`, `globalavgpool`, `globalmaxpool`.

Pooling has no parameters and, by the fvcore convention, no MACs. Stride defaults to the kernel.
"""

from __future__ import annotations

from netspec.layers import windows
from netspec.layers.args import Arg, boolean, padding, pair
from netspec.layers.base import INPUT, OUTPUT, Inference, LayerKind, Saved, Shape, Where

POOL_ARGS = (
    Arg("kernel", pair(), positional=True, help="a window size (2 or 2x2)"),
    Arg("stride", pair(), default=None, help="the step between windows (default: the kernel size)"),
    Arg("pad", padding(), default=(0, 0), help="P, PxP, same or valid; at most half the kernel"),
    Arg("ceil", boolean, default=False, help="true keeps partial windows at the edge (PyTorch ceil_mode)"),
)


class _Pool(LayerKind):
    spatial = True
    args = POOL_ARGS
    what = "pooling"

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


class MaxPool(_Pool):
    names = ("maxpool", "maxpool2d", "max_pool")
    summary = "max pooling: maxpool K [stride=K] [pad=P|same] [ceil=true]"
    what = "max pooling"

    def saved(self, geometry, channels, out_numel):
        # max_pool2d_with_indices keeps its input and the int64 argmax indices
        return [geometry.saved_input(channels), Saved("indices", out_numel, itemsize=8)]


class AvgPool(_Pool):
    names = ("avgpool", "meanpool", "avgpool2d", "avg_pool")
    summary = "average pooling: avgpool K [stride=K] [pad=P|same] [ceil=true]"
    what = "average pooling"

    def saved(self, geometry, channels, out_numel):
        # avg_pool2d keeps its input; with SAME padding it sums the zero-padded input and divides by
        # a constant map of window sizes (a buffer), so padding is never counted (TensorFlow semantics).
        if geometry.asymmetric:
            ph, pw = geometry.padded_hw()
            return [Saved("padded", channels * ph * pw)]
        return [Saved(INPUT, channels * geometry.input_hw[0] * geometry.input_hw[1])]


class L2Pool(_Pool):
    names = ("l2pool", "lppool")
    summary = "L2 pooling, √(Σ x²) over each window: l2pool K [stride=K] [pad=P|same] [ceil=true]"
    what = "L2 pooling"

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


class _GlobalPool(LayerKind):
    spatial = True

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


class GlobalAvgPool(_GlobalPool):
    names = ("globalavgpool", "gap", "global_avg_pool", "adaptiveavgpool")
    summary = "mean of each channel: globalavgpool → C x 1 x 1"

    def saved(self, channels, h, w):
        return [Saved(INPUT, channels * h * w)]  # adaptive_avg_pool2d keeps its input


class GlobalMaxPool(_GlobalPool):
    names = ("globalmaxpool", "global_max_pool", "adaptivemaxpool")
    summary = "max of each channel: globalmaxpool → C x 1 x 1"

    def saved(self, channels, h, w):
        return [Saved(INPUT, channels * h * w), Saved("indices", channels, itemsize=8)]

"""Adaptive pooling to a fixed output size: `adaptiveavgpool`, `adaptivemaxpool`
(torch.nn.AdaptiveAvgPool2d, AdaptiveMaxPool2d).

Output cell `i` of an axis pools input cells `[⌊i·n/out⌋, ⌈(i + 1)·n/out⌉)` (ATen
AdaptivePooling.h; see `netspec.arithmetic_resampling`), so any input size gives the requested
output, larger than the input too. No parameters and, by the fvcore convention, no MACs.
"""

from __future__ import annotations

from netspec import arithmetic_resampling as rs
from netspec.layers.args import Arg, pair
from netspec.layers.base import BINS, CALL, INPUT, Emission, Inference, LayerKind, Saved, Shape, Step, Where
from netspec.layers.tools import bins_counts
from netspec.pycode import call, size


class _AdaptivePool(LayerKind):
    spatial = True
    family = "pool"
    reads = BINS
    module = ""
    average = False  # a mean, which thop and fvcore count (they skip max pooling)
    args = (Arg("size", pair(), positional=True, help="an output size (7 or 7x7)"),)

    def caption(self, v, shape: Shape, output: Shape) -> str:
        return f"{self.name} {output[1]}×{output[2]}" if len(output) == 3 else self.name

    def counted_by(self, tool: str, v, shape: Shape, output: Shape, macs: int) -> dict[str, int]:
        return bins_counts(self.name, tool, shape, output, average=self.average)

    def infer(self, v, shape: Shape, where: Where) -> Inference | None:
        channels, h, w = shape
        oh, ow = v["size"]
        window = (rs.adaptive_rf_window(h, oh), rs.adaptive_rf_window(w, ow))
        explain = [
            f"{name} = {out}: bins [⌊i·{n}/{out}⌋, ⌈(i + 1)·{n}/{out}⌉), the largest {cells} cells"
            for name, n, out, (cells, _) in (("OH", h, oh, window[0]), ("OW", w, ow, window[1]))
        ]
        return Inference(
            output=(channels, oh, ow),
            window=window,
            saved=self.saved(channels, h, w, oh, ow),
            explain=explain,
        )

    def saved(self, channels: int, h: int, w: int, oh: int, ow: int) -> list[Saved]:
        raise NotImplementedError

    def emit(self, v, shape: Shape, output: Shape) -> Emission:
        return Emission(call(self.module, size(v["size"])), (Step(CALL, output),))


class AdaptiveAvgPool(_AdaptivePool):
    names = ("adaptiveavgpool", "adaptiveavgpool2d", "adaptive_avg_pool")
    summary = "average over adaptive bins: adaptiveavgpool SIZE (7 or 7x7) → C x OH x OW"
    module = "nn.AdaptiveAvgPool2d"
    average = True

    def saved(self, channels, h, w, oh, ow):
        # ATen's adaptive_avg_pool2d computes a 1x1 output as a mean over H and W, whose backward
        # needs only sizes; other sizes run _adaptive_avg_pool2d, which keeps its input.
        return [] if (oh, ow) == (1, 1) else [Saved(INPUT, channels * h * w)]


class AdaptiveMaxPool(_AdaptivePool):
    names = ("adaptivemaxpool", "adaptivemaxpool2d", "adaptive_max_pool")
    summary = "maximum over adaptive bins: adaptivemaxpool SIZE (7 or 7x7) → C x OH x OW"
    module = "nn.AdaptiveMaxPool2d"

    def saved(self, channels, h, w, oh, ow):
        # adaptive_max_pool2d keeps its input and the int64 argmax indices (derivatives.yaml)
        return [Saved(INPUT, channels * h * w), Saved("indices", channels * oh * ow, itemsize=8)]

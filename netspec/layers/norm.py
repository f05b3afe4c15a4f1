"""Normalization: `batchnorm` and AlexNet's `lrn` (local response normalization)."""

from __future__ import annotations

from math import prod

from netspec.layers.args import Arg, real, whole
from netspec.layers.base import CALL, INPUT, SAME_CELL, Emission, Inference, LayerKind, Saved, Shape, Step, Where
from netspec.layers.tools import FVCORE, PTFLOPS, THOP, TORCHINFO, ptflops_elements
from netspec.pycode import call


class BatchNorm(LayerKind):
    names = ("batchnorm", "bn", "batchnorm2d", "batch_norm")
    family = "bn"
    short_name = "bn"
    reads = SAME_CELL
    summary = "batch normalization over channels (2-D) or units (1-D): batchnorm [eps=1e-5] [momentum=0.1]"
    args = (
        Arg(
            "eps",
            real(above=0.0),
            default=1e-5,
            help="added to the variance before its square root: > 0 (PyTorch's default 1e-5)",
        ),
        Arg("momentum", real(minimum=0.0, maximum=1.0), default=0.1),
    )

    def infer(self, v, shape: Shape, where: Where) -> Inference | None:
        channels = shape[0]
        return Inference(
            output=shape,
            params=2 * channels,  # γ and β
            buffers=2 * channels + 1,  # running mean and variance, num_batches_tracked
            # keeps its input and the per-channel batch mean and inverse std
            saved=[Saved(INPUT, prod(shape)), Saved("stats", 0, fixed=2 * channels)],
            explain=[f"params = 2·{channels} (γ, β); buffers = 2·{channels} + 1"],
        )

    def counted_by(self, tool: str, v, shape: Shape, output: Shape, macs: int) -> dict[str, int]:
        """ptflops bn_flops_counter_hook `2·in` (affine); thop count_normalization `2·in`, doubled
        when affine; fvcore batchnorm_flop_jit `2·in` in eval mode; torchinfo its parameters, γ and
        β, `2·C` once per sample."""
        if tool in (PTFLOPS, FVCORE):
            return {self.name: ptflops_elements(2, shape)}
        if tool == THOP:
            return {self.name: 4 * prod(shape)}
        if tool == TORCHINFO:
            return {self.name: 2 * shape[0]}
        return {}

    def emit(self, v, shape: Shape, output: Shape) -> Emission:
        defaults = {arg.name: arg.default for arg in self.args}  # PyTorch's defaults too
        options = {key: v[key] for key in ("eps", "momentum") if v[key] != defaults[key]}
        module = "nn.BatchNorm2d" if len(shape) == 3 else "nn.BatchNorm1d"
        return Emission(call(module, shape[0], **options), (Step(CALL, output),), channels=(0,))


class LocalResponseNorm(LayerKind):
    names = ("lrn", "localresponsenorm")
    summary = "local response normalization across channels (AlexNet): lrn size=5 alpha=1e-4 beta=0.75 k=1"
    spatial = True
    reads = SAME_CELL  # the same cell of neighbouring channels
    args = (
        Arg("size", whole(), default=5, positional=True),
        Arg("alpha", real(minimum=0.0), default=1e-4),
        Arg("beta", real(minimum=0.0), default=0.75),
        Arg("k", real(minimum=0.0), default=1.0),
    )

    def infer(self, v, shape: Shape, where: Where) -> Inference | None:
        channels, h, w = shape
        # x / (k + α/n·Σ x²)^β as torch.nn.functional.local_response_norm computes it: it keeps the
        # input, the channel-padded squares (for the window average), and the denominator before
        # and after the power.
        return Inference(
            output=shape,
            saved=[
                Saved(INPUT, channels * h * w),
                Saved("squares", (channels + v["size"] - 1) * h * w),
                Saved("base", channels * h * w),
                Saved("denominator", channels * h * w),
            ],
        )

    def counted_by(self, tool: str, v, shape: Shape, output: Shape, macs: int) -> dict[str, int]:
        """ptflops: F.local_response_norm runs input.mul(input), avg_pool3d over the channel-padded
        squares, .mul(alpha) and .add(k); Tensor.mul, Tensor.add and the pooling are patched (pow
        and / are not): `3·in + (C + size − 1)·H·W`."""
        if tool == PTFLOPS:
            channels, h, w = shape
            return {self.name: 3 * prod(shape) + (channels + v["size"] - 1) * h * w}
        return {}

    def emit(self, v, shape: Shape, output: Shape) -> Emission:
        module = call("nn.LocalResponseNorm", v["size"], alpha=v["alpha"], beta=v["beta"], k=v["k"])
        return Emission(module, (Step(CALL, output),))

"""`fc`, `flatten` and `dropout`: the layers of the classifier head."""

from __future__ import annotations

from math import prod

from netspec import arithmetic as ar
from netspec.layers.args import Arg, boolean, real, whole
from netspec.layers.base import (
    CALL,
    DROPOUT_MASK,
    INPUT,
    SAME_CELL,
    WHOLE,
    Emission,
    Inference,
    LayerKind,
    Saved,
    Shape,
    Step,
    Where,
    fmt_shape,
)
from netspec.layers.captions import number_text
from netspec.layers.tools import BIAS, PTFLOPS, TORCHINFO
from netspec.pycode import call


class FullyConnected(LayerKind):
    names = ("fc", "linear", "dense", "affine", "fullyconnected")
    summary = "fully connected: fc UNITS [bias=false]; flattens a C x H x W input first"
    args = (
        Arg("units", whole(), positional=True, help="a number of units"),
        Arg("bias", boolean, default=True),
    )
    reads = WHOLE

    def caption(self, v, shape: Shape, output: Shape) -> str:
        return f"fc {output[0]}"

    def counted_by(self, tool: str, v, shape: Shape, output: Shape, macs: int) -> dict[str, int]:
        """The weights' MACs in every tool (thop count_linear `in_features·∏out`, fvcore
        linear_flop_jit); ptflops linear_flops_counter_hook and torchinfo (the parameters) add
        `units` for a bias."""
        bias = output[0] if v["bias"] else 0
        return {self.name: macs, BIAS: bias if tool in (PTFLOPS, TORCHINFO) else 0}

    def infer(self, v, shape: Shape, where: Where) -> Inference | None:
        n_in, n_out = prod(shape), v["units"]
        explain = [f"flatten {fmt_shape(shape)} → {n_in}"] if len(shape) > 1 else []
        return Inference(
            output=(n_out,),
            params=ar.linear_params(n_in, n_out, v["bias"]),
            macs=ar.linear_macs(n_in, n_out),
            covers_input=True,
            saved=[Saved(INPUT, n_in)],  # addmm keeps its input (a view of the previous output)
            explain=explain
            + [f"params = {n_in}·{n_out}" + (f" + {n_out}" if v["bias"] else ""), f"MACs = {n_in}·{n_out}"],
        )

    def emit(self, v, shape: Shape, output: Shape) -> Emission:
        n_in = prod(shape)
        module = call("nn.Linear", n_in, v["units"], **({} if v["bias"] else {"bias": False}))
        steps = (Step("torch.flatten({x}, 1)", (n_in,)),) if len(shape) > 1 else ()
        return Emission(module, (*steps, Step(CALL, output)), init="nn.Linear", channels=(0, 1))


class Flatten(LayerKind):
    names = ("flatten",)
    summary = "flatten C x H x W to one vector (a view: no memory)"
    reads = WHOLE

    def infer(self, v, shape: Shape, where: Where) -> Inference | None:
        return Inference(
            output=(prod(shape),), output_aliases_input=True, explain=[f"{fmt_shape(shape)} → {prod(shape)}"]
        )

    def emit(self, v, shape: Shape, output: Shape) -> Emission:
        return Emission(call("nn.Flatten"), (Step(CALL, output),))


class Dropout(LayerKind):
    names = ("dropout",)
    summary = "dropout P (0 ≤ P < 1, default 0.5): zeroes a fraction P of values while training"
    args = (
        Arg("p", real(minimum=0.0, below=1.0), default=0.5, positional=True, help="the drop probability, 0 ≤ P < 1"),
    )
    reads = SAME_CELL

    def caption(self, v, shape: Shape, output: Shape) -> str:
        return f"dropout {number_text(v['p'])}" if v.get("p") is not None else "dropout"

    def infer(self, v, shape: Shape, where: Where) -> Inference | None:
        if v["p"] == 0:
            return Inference(output=shape, output_aliases_input=True)
        # The mask kept for backward: on CUDA a bool mask (1 byte), on CPU the scaled float noise.
        return Inference(output=shape, saved=[Saved("mask", prod(shape), itemsize=DROPOUT_MASK)])

    def emit(self, v, shape: Shape, output: Shape) -> Emission:
        return Emission(call("nn.Dropout", v["p"]), (Step(CALL, output),))

"""Element-wise activations, and `identity`. None has parameters or MACs; they differ in what they
keep for backward (PyTorch's derivatives.yaml: ReLU, sigmoid, tanh and softmax keep their result;
leaky ReLU, ELU, GELU, ReLU6 (hardtanh), hardswish, hardsigmoid and SiLU keep their input)."""

from __future__ import annotations

from math import prod

from netspec.layers.args import Arg, real
from netspec.layers.base import (
    CALL,
    INPUT,
    OUTPUT,
    SAME_CELL,
    Emission,
    Inference,
    LayerKind,
    Saved,
    Shape,
    Step,
    Where,
)
from netspec.layers.tools import PTFLOPS, THOP, ptflops_elements
from netspec.pycode import call


class _Activation(LayerKind):
    activation = True
    reads = SAME_CELL
    keeps = OUTPUT
    module = ""  # the torch.nn class; its arguments are the kind's, where they differ from the default
    # ptflops 0.7.5 counts an activation by its module hook (relu_flops_counter_hook: the output;
    # silu and softmax: the input), and once more when the module's forward calls a functional it
    # patches (F.relu, F.elu, F.gelu, F.silu, F.softmax; not F.leaky_relu, F.hardtanh, sigmoid,
    # tanh, hardswish, hardsigmoid): (times, OUTPUT or INPUT), or None for no hook.
    ptflops_rule: tuple[int, str] | None = None

    def infer(self, v, shape: Shape, where: Where) -> Inference | None:
        return Inference(output=shape, saved=[Saved(self.keeps, prod(shape))])

    def counted_by(self, tool: str, v, shape: Shape, output: Shape, macs: int) -> dict[str, int]:
        if tool == PTFLOPS and self.ptflops_rule:
            times, of = self.ptflops_rule
            return {self.name: ptflops_elements(times, output if of == OUTPUT else shape)}
        return {}

    def emit(self, v, shape: Shape, output: Shape) -> Emission:
        options = {arg.name: v[arg.name] for arg in self.args if v[arg.name] != arg.default}
        return Emission(call(self.module, **options), (Step(CALL, output),))


class ReLU(_Activation):
    names = ("relu",)
    module = "nn.ReLU"
    ptflops_rule = (2, OUTPUT)
    summary = "max(0, x)"


class LeakyReLU(_Activation):
    names = ("leakyrelu", "leaky_relu", "lrelu")
    summary = "leakyrelu [slope=0.01]: x if x > 0 else slope·x"
    args = (Arg("slope", real(minimum=0.0), default=0.01, positional=True),)
    keeps = INPUT
    module = "nn.LeakyReLU"
    ptflops_rule = (1, OUTPUT)

    def emit(self, v, shape: Shape, output: Shape) -> Emission:
        options = {"negative_slope": v["slope"]} if v["slope"] != 0.01 else {}
        return Emission(call(self.module, **options), (Step(CALL, output),))


class ELU(_Activation):
    names = ("elu",)
    summary = "elu [alpha=1.0]"
    args = (Arg("alpha", real(minimum=0.0), default=1.0, positional=True),)
    keeps = INPUT
    module = "nn.ELU"
    ptflops_rule = (2, OUTPUT)


class GELU(_Activation):
    names = ("gelu",)
    summary = "Gaussian error linear unit"
    keeps = INPUT
    module = "nn.GELU"
    ptflops_rule = (2, OUTPUT)


class Sigmoid(_Activation):
    names = ("sigmoid", "logistic")
    summary = "1 / (1 + e^−x)"
    module = "nn.Sigmoid"


class Tanh(_Activation):
    names = ("tanh",)
    summary = "hyperbolic tangent"
    module = "nn.Tanh"


class Softmax(_Activation):
    names = ("softmax",)
    summary = "softmax over channels/units; training uses log-softmax with NLL instead"
    module = "nn.Softmax"
    ptflops_rule = (1, INPUT)

    def counted_by(self, tool: str, v, shape: Shape, output: Shape, macs: int) -> dict[str, int]:
        """thop count_softmax over `n` channels or features: `in/n·(3n − 1)`."""
        if tool == THOP:
            features = shape[0]
            return {self.name: prod(shape) // features * (3 * features - 1)}
        return super().counted_by(tool, v, shape, output, macs)

    def emit(self, v, shape: Shape, output: Shape) -> Emission:
        return Emission(call(self.module, dim=1), (Step(CALL, output),))


class ReLU6(_Activation):
    names = ("relu6",)
    summary = "min(max(0, x), 6)"
    keeps = INPUT  # F.relu6 is hardtanh(x, 0, 6), whose backward compares the input with the bounds
    module = "nn.ReLU6"
    ptflops_rule = (1, OUTPUT)


class Hardswish(_Activation):
    names = ("hardswish", "hard_swish")
    summary = "x·relu6(x + 3)/6 (MobileNetV3)"
    keeps = INPUT
    module = "nn.Hardswish"


class Hardsigmoid(_Activation):
    names = ("hardsigmoid", "hard_sigmoid")
    summary = "relu6(x + 3)/6 (MobileNetV3)"
    keeps = INPUT
    module = "nn.Hardsigmoid"


class SiLU(_Activation):
    names = ("silu", "swish")
    summary = "x·sigmoid(x)"
    keeps = INPUT
    module = "nn.SiLU"
    ptflops_rule = (1, INPUT)


class Identity(LayerKind):
    """No operation: the output is the input tensor itself (a placeholder, or a named tap)."""

    names = ("identity",)
    reads = SAME_CELL
    summary = "the input unchanged (no memory)"

    def infer(self, v, shape: Shape, where: Where) -> Inference | None:
        return Inference(output=shape, output_aliases_input=True)

    def emit(self, v, shape: Shape, output: Shape) -> Emission:
        return Emission(call("nn.Identity"), (Step(CALL, output),))

"""Element-wise activations. None has parameters or MACs; they differ in what they keep for backward
(PyTorch's derivatives.yaml: ReLU, sigmoid, tanh and softmax keep their result; leaky ReLU, ELU and
GELU keep their input)."""

from __future__ import annotations

from math import prod

from netspec.layers.args import Arg, real
from netspec.layers.base import INPUT, OUTPUT, Inference, LayerKind, Saved, Shape, Where


class _Activation(LayerKind):
    activation = True
    keeps = OUTPUT

    def infer(self, v, shape: Shape, where: Where) -> Inference | None:
        return Inference(output=shape, saved=[Saved(self.keeps, prod(shape))])


class ReLU(_Activation):
    names = ("relu",)
    summary = "max(0, x)"


class LeakyReLU(_Activation):
    names = ("leakyrelu", "leaky_relu", "lrelu")
    summary = "leakyrelu [slope=0.01]: x if x > 0 else slope·x"
    args = (Arg("slope", real(minimum=0.0), default=0.01, positional=True),)
    keeps = INPUT


class ELU(_Activation):
    names = ("elu",)
    summary = "elu [alpha=1.0]"
    args = (Arg("alpha", real(minimum=0.0), default=1.0, positional=True),)
    keeps = INPUT


class GELU(_Activation):
    names = ("gelu",)
    summary = "Gaussian error linear unit"
    keeps = INPUT


class Sigmoid(_Activation):
    names = ("sigmoid", "logistic")
    summary = "1 / (1 + e^−x)"


class Tanh(_Activation):
    names = ("tanh",)
    summary = "hyperbolic tangent"


class Softmax(_Activation):
    names = ("softmax",)
    summary = "softmax over channels/units; training uses log-softmax with NLL instead"

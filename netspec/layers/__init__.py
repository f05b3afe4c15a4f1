"""The registry of layer kinds: one entry per kind, looked up by any of its names."""

from __future__ import annotations

from netspec.layers.activation import ELU, GELU, LeakyReLU, ReLU, Sigmoid, Softmax, Tanh
from netspec.layers.base import INPUT, OUTPUT, Inference, LayerKind, Saved, Shape, Where
from netspec.layers.conv import Conv
from netspec.layers.dense import Dropout, Flatten, FullyConnected
from netspec.layers.norm import BatchNorm, LocalResponseNorm
from netspec.layers.pool import AvgPool, GlobalAvgPool, GlobalMaxPool, L2Pool, MaxPool

KINDS: tuple[LayerKind, ...] = (
    Conv(),
    MaxPool(),
    AvgPool(),
    L2Pool(),
    GlobalAvgPool(),
    GlobalMaxPool(),
    FullyConnected(),
    Flatten(),
    Dropout(),
    BatchNorm(),
    LocalResponseNorm(),
    ReLU(),
    LeakyReLU(),
    ELU(),
    GELU(),
    Sigmoid(),
    Tanh(),
    Softmax(),
)

BY_NAME: dict[str, LayerKind] = {name: kind for kind in KINDS for name in kind.names}


def lookup(word: str) -> LayerKind | None:
    return BY_NAME.get(word.lower())


__all__ = ["BY_NAME", "INPUT", "KINDS", "OUTPUT", "Inference", "LayerKind", "Saved", "Shape", "Where", "lookup"]

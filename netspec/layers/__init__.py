"""The registry of layer kinds: one entry per kind, looked up by any of its names."""

from __future__ import annotations

from netspec.layers.activation import (
    ELU,
    GELU,
    Hardsigmoid,
    Hardswish,
    Identity,
    LeakyReLU,
    ReLU,
    ReLU6,
    Sigmoid,
    SiLU,
    Softmax,
    Tanh,
)
from netspec.layers.adaptive import AdaptiveAvgPool, AdaptiveMaxPool
from netspec.layers.base import INPUT, OUTPUT, Inference, LayerKind, Saved, Shape, Where
from netspec.layers.conv import Conv
from netspec.layers.dense import Dropout, Flatten, FullyConnected
from netspec.layers.norm import BatchNorm, LocalResponseNorm
from netspec.layers.pool import AvgPool, GlobalAvgPool, GlobalMaxPool, L2Pool, MaxPool
from netspec.layers.upsampling import ConvTranspose, Upsample

KINDS: tuple[LayerKind, ...] = (
    Conv(),
    ConvTranspose(),
    Upsample(),
    MaxPool(),
    AvgPool(),
    L2Pool(),
    GlobalAvgPool(),
    GlobalMaxPool(),
    AdaptiveAvgPool(),
    AdaptiveMaxPool(),
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
    ReLU6(),
    Hardswish(),
    Hardsigmoid(),
    SiLU(),
    Identity(),
)

BY_NAME: dict[str, LayerKind] = {name: kind for kind in KINDS for name in kind.names}


def lookup(word: str) -> LayerKind | None:
    return BY_NAME.get(word.lower())


__all__ = ["BY_NAME", "INPUT", "KINDS", "OUTPUT", "Inference", "LayerKind", "Saved", "Shape", "Where", "lookup"]

"""The words a drawing writes under a layer's box (`conv 11×11/4`, `maxpool 3×3/2`, `dropout 0.5`):
pure text from a layer's values, used by each kind's `caption` (netspec.draw prints them)."""

from __future__ import annotations


def pair(values: dict, key: str) -> tuple[int, int] | None:
    """A value that is a pair or a single number, as a pair; None when the kind has no such value."""
    value = values.get(key)
    if value is None:
        return None
    return tuple(value) if isinstance(value, tuple) else (value, value)


def kernel_text(values: dict) -> str:
    """`11×11/4`: the kernel, then the stride when it is not 1 (`/2×1` when it differs per axis)."""
    kernel = pair(values, "kernel")
    stride = pair(values, "stride")
    text = f"{kernel[0]}×{kernel[1]}" if kernel else ""
    if stride and stride != (1, 1):
        text += f"/{stride[0]}" if stride[0] == stride[1] else f"/{stride[0]}×{stride[1]}"
    return text


def number_text(value) -> str:
    """`0.5` for 0.5 and Fraction(1, 2), `3` for 3."""
    if hasattr(value, "denominator") and not isinstance(value, int):  # a Fraction, without importing
        value = float(value)  # fractions (and decimal) on every check's start
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def convolution_caption(name: str, values: dict, shape: tuple[int, ...]) -> str:
    """`conv 3×3/2`, then ` d2` for a dilation and ` g32` for groups, or ` dw` when depthwise (as
    many groups as input channels and filters)."""
    text = f"{name} {kernel_text(values)}"
    dilation = pair(values, "dilation")
    if dilation and dilation != (1, 1):
        text += f" d{dilation[0]}"
    groups = values.get("groups", 1)
    if groups and groups > 1:
        depthwise = len(shape) == 3 and groups == shape[0] == values.get("filters")
        text += " dw" if depthwise else f" g{groups}"
    return text

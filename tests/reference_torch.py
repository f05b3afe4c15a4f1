"""PyTorch reference models for the tests, built without any netspec code.

A stack is a list of `(kind, options)` descriptors that use netspec's option names
(`("conv", {"filters": 8, "kernel": (3, 3), "pad": "same", ...})`). `build` turns one into an
`nn.Sequential` whose layers are plain torch modules; sizes that depend on the input (the fc
input width, SAME padding) are found at run time (lazy modules, padding computed from `x.shape`),
so the reference never repeats the checker's shape arithmetic.

The modules implement what the compiled code does (see docs/memory.md): asymmetric SAME padding is
an explicit `F.pad` (zeros for conv and average pooling, −∞ for max pooling), average pooling with
SAME padding divides a window sum by a constant count buffer, L2 pooling is
`sqrt(avg_pool2d(x·x, divisor_override=1).clamp_min(1e-12))`, fc flattens a C x H x W input.
Transposed convolution, upsampling (bilinear with align_corners=False), adaptive pooling and the
activations are the torch.nn modules of the same name.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

Stack = list[tuple[str, dict]]


def tf_same_pads(n: int, k: int, s: int, d: int = 1) -> tuple[int, int]:
    """TensorFlow SAME on one axis, written from its definition (not netspec's code):
    out = ceil(n / s); the total padding max((out − 1)·s + d·(k − 1) + 1 − n, 0) split with the
    extra cell at the end. Integers only, so any size is exact. The one copy the tests use."""
    out = -(-n // s)
    total = max((out - 1) * s + d * (k - 1) + 1 - n, 0)
    return total // 2, total - total // 2


def _pair(value, default=None):
    if value is None:
        return default
    return (value, value) if isinstance(value, int) else tuple(value)


def _same_pads(x: torch.Tensor, kernel, stride, dilation=(1, 1)) -> tuple[tuple[int, int], tuple[int, int]]:
    h, w = x.shape[-2:]
    return tf_same_pads(h, kernel[0], stride[0], dilation[0]), tf_same_pads(w, kernel[1], stride[1], dilation[1])


def _f_pad(pads) -> tuple[int, int, int, int]:
    (top, bottom), (left, right) = pads
    return (left, right, top, bottom)


class Conv(nn.Module):
    def __init__(self, o: dict):
        super().__init__()
        self.kernel = _pair(o["kernel"])
        self.stride = _pair(o.get("stride"), (1, 1))
        self.dilation = _pair(o.get("dilation"), (1, 1))
        self.same = o.get("pad") == "same"
        padding = (0, 0) if self.same or o.get("pad") == "valid" else _pair(o.get("pad"), (0, 0))
        self.conv = nn.LazyConv2d(
            o["filters"],
            self.kernel,
            stride=self.stride,
            padding=padding,
            dilation=self.dilation,
            groups=o.get("groups", 1),
            bias=o.get("bias", True),
        )

    def forward(self, x):
        if self.same:
            (top, bottom), (left, right) = pads = _same_pads(x, self.kernel, self.stride, self.dilation)
            if top == bottom and left == right:
                self.conv.padding = (top, left)  # symmetric: the convolution pads by itself
            else:
                self.conv.padding = (0, 0)
                x = F.pad(x, _f_pad(pads))
        return self.conv(x)


class _Pool(nn.Module):
    def __init__(self, o: dict):
        super().__init__()
        self.kernel = _pair(o["kernel"])
        self.stride = _pair(o.get("stride"), self.kernel)
        self.same = o.get("pad") == "same"
        self.padding = (0, 0) if self.same else _pair(o.get("pad"), (0, 0))
        self.ceil = bool(o.get("ceil", False)) and not self.same


class MaxPool(_Pool):
    def forward(self, x):
        if self.same:
            (top, bottom), (left, right) = pads = _same_pads(x, self.kernel, self.stride)
            if top == bottom and left == right:
                return F.max_pool2d(x, self.kernel, self.stride, (top, left))
            x = F.pad(x, _f_pad(pads), value=-math.inf)
            return F.max_pool2d(x, self.kernel, self.stride)
        return F.max_pool2d(x, self.kernel, self.stride, self.padding, ceil_mode=self.ceil)


class AvgPool(_Pool):
    """TensorFlow's SAME average pooling never counts the padding: symmetric padding uses
    `count_include_pad=False`; asymmetric padding sums the zero-padded input and divides by a
    constant map of window sizes, kept as a (non-persistent) buffer."""

    def forward(self, x):
        if self.same:
            (top, bottom), (left, right) = pads = _same_pads(x, self.kernel, self.stride)
            if top == bottom and left == right:
                return F.avg_pool2d(x, self.kernel, self.stride, (top, left), count_include_pad=False)
            if not hasattr(self, "count"):
                ones = torch.ones(1, 1, *x.shape[-2:], dtype=x.dtype)
                count = F.avg_pool2d(F.pad(ones, _f_pad(pads)), self.kernel, self.stride, divisor_override=1)
                self.register_buffer("count", count, persistent=False)
            summed = F.avg_pool2d(F.pad(x, _f_pad(pads)), self.kernel, self.stride, divisor_override=1)
            return summed / self.count
        return F.avg_pool2d(x, self.kernel, self.stride, self.padding, ceil_mode=self.ceil)


class L2Pool(_Pool):
    """√(Σ x²) over each window; zero padding adds nothing to the sum."""

    def forward(self, x):
        squares = x * x
        padding = self.padding
        if self.same:
            (top, bottom), (left, right) = pads = _same_pads(x, self.kernel, self.stride)
            if top == bottom and left == right:
                padding = (top, left)
            else:
                squares, padding = F.pad(squares, _f_pad(pads)), (0, 0)
        sums = F.avg_pool2d(squares, self.kernel, self.stride, padding, self.ceil, True, divisor_override=1)
        return torch.sqrt(sums.clamp_min(1e-12))


class FlattenLinear(nn.Module):
    def __init__(self, o: dict):
        super().__init__()
        self.linear = nn.LazyLinear(o["units"], bias=o.get("bias", True))

    def forward(self, x):
        return self.linear(torch.flatten(x, 1))


class ConvTranspose(nn.Module):
    """nn.ConvTranspose2d, raising when the padding crops an axis to nothing: PyTorch's native
    kernels raise "Output size is too small" for an output size below 1, but the oneDNN path that
    CPUs take for most kernels returns an empty tensor when the size is exactly 0."""

    def __init__(self, o: dict):
        super().__init__()
        self.conv = nn.LazyConvTranspose2d(
            o["filters"],
            _pair(o["kernel"]),
            stride=_pair(o.get("stride"), (1, 1)),
            padding=_pair(o.get("pad"), (0, 0)),
            output_padding=_pair(o.get("outpad"), (0, 0)),
            groups=o.get("groups", 1),
            bias=o.get("bias", True),
            dilation=_pair(o.get("dilation"), (1, 1)),
        )

    def forward(self, x):
        y = self.conv(x)
        if 0 in y.shape[2:]:
            raise RuntimeError(f"Output size is too small: {tuple(y.shape[2:])}")
        return y


def _upsample(o: dict) -> nn.Module:
    mode = o.get("mode", "nearest")
    scale = tuple(float(s) for s in _pair(o["scale"]))
    return nn.Upsample(scale_factor=scale, mode=mode, align_corners=False if mode == "bilinear" else None)


def _batchnorm(o: dict, spatial: bool) -> nn.Module:
    kind = nn.LazyBatchNorm2d if spatial else nn.LazyBatchNorm1d
    return kind(eps=o.get("eps", 1e-5), momentum=o.get("momentum", 0.1))


def layer_module(kind: str, o: dict, spatial: bool) -> nn.Module:
    """The torch module of one descriptor; `spatial` says whether its input is C x H x W."""
    if kind == "conv":
        return Conv(o)
    if kind == "convtranspose":
        return ConvTranspose(o)
    if kind == "upsample":
        return _upsample(o)
    if kind == "maxpool":
        return MaxPool(o)
    if kind == "avgpool":
        return AvgPool(o)
    if kind == "l2pool":
        return L2Pool(o)
    if kind == "globalavgpool":
        return nn.AdaptiveAvgPool2d(1)
    if kind == "globalmaxpool":
        return nn.AdaptiveMaxPool2d(1)
    if kind == "adaptiveavgpool":
        return nn.AdaptiveAvgPool2d(_pair(o["size"]))
    if kind == "adaptivemaxpool":
        return nn.AdaptiveMaxPool2d(_pair(o["size"]))
    if kind == "batchnorm":
        return _batchnorm(o, spatial)
    if kind == "lrn":
        return nn.LocalResponseNorm(o.get("size", 5), o.get("alpha", 1e-4), o.get("beta", 0.75), o.get("k", 1.0))
    if kind == "fc":
        return FlattenLinear(o)
    if kind == "flatten":
        return nn.Flatten()
    if kind == "dropout":
        return nn.Dropout(o.get("p", 0.5))
    simple = {
        "relu": lambda: nn.ReLU(),
        "leakyrelu": lambda: nn.LeakyReLU(o.get("slope", 0.01)),
        "elu": lambda: nn.ELU(o.get("alpha", 1.0)),
        "gelu": lambda: nn.GELU(),
        "sigmoid": lambda: nn.Sigmoid(),
        "tanh": lambda: nn.Tanh(),
        "softmax": lambda: nn.Softmax(dim=1),
        "relu6": lambda: nn.ReLU6(),
        "hardswish": lambda: nn.Hardswish(),
        "hardsigmoid": lambda: nn.Hardsigmoid(),
        "silu": lambda: nn.SiLU(),
        "identity": lambda: nn.Identity(),
    }
    return simple[kind]()


def build(stack: Stack, input_shape: tuple[int, ...]) -> nn.Sequential:
    """An `nn.Sequential` of the stack. Lazy modules are materialized by the first forward; only
    the rank of `input_shape` is used here (batch norm is 2-D on C x H x W, 1-D on vectors)."""
    modules, spatial = [], len(input_shape) == 3
    for kind, options in stack:
        modules.append(layer_module(kind, options, spatial))
        if kind in ("fc", "flatten"):
            spatial = False
    return nn.Sequential(*modules)


def stepwise_shapes(model: nn.Sequential, input_shape: tuple[int, ...], batch: int = 1):
    """Run the model one layer at a time in eval mode on zeros. Returns (shapes, failed_at):
    the output shape of each layer that ran (batch dropped) and the index of the layer that raised
    (None when all ran)."""
    model.eval()
    x = torch.zeros(batch, *input_shape)
    shapes = []
    with torch.no_grad():
        for i, module in enumerate(model):
            try:
                x = module(x)
            except (RuntimeError, ValueError):
                return shapes, i
            shapes.append(tuple(x.shape[1:]))
    return shapes, None


def flop_count(model: nn.Module, input_shape: tuple[int, ...]) -> int:
    """FLOPs of one sample as `torch.utils.flop_counter` counts them: 2 per multiply-accumulate
    of convolutions and matrix products, nothing for pooling, activations or normalization."""
    from torch.utils.flop_counter import FlopCounterMode

    model.eval()
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        model(torch.zeros(1, *input_shape))
    return counter.get_total_flops()


def parameter_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def buffer_count(model: nn.Module) -> int:
    """Elements of the persistent buffers (batch-norm statistics), as a state dict holds them."""
    params = {id(p) for p in model.parameters()}
    return sum(t.numel() for name, t in model.named_buffers() if _persistent(model, name) and id(t) not in params)


def _persistent(model: nn.Module, name: str) -> bool:
    owner, _, leaf = name.rpartition(".")
    module = model.get_submodule(owner) if owner else model
    return leaf not in module._non_persistent_buffers_set


def saved_bytes(model: nn.Module, input_shape: tuple[int, ...], batch: int, seed: int = 0) -> int:
    """Bytes of every storage autograd saves for backward during one training-mode forward of a
    batch, each storage counted once; parameters and buffers are not counted."""
    torch.manual_seed(seed)
    x = torch.randn(batch, *input_shape)
    model.eval()
    with torch.no_grad():  # materialize lazy modules (and the SAME count buffers) first
        model(x)
    model.train()
    packed: dict[int, torch.Tensor] = {}

    def pack(tensor: torch.Tensor):
        storage = tensor.untyped_storage()
        packed.setdefault(storage.data_ptr(), tensor)
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        out = model(x)
    owned = {t.untyped_storage().data_ptr() for t in [*model.parameters(), *model.buffers()]}
    total = sum(t.untyped_storage().nbytes() for ptr, t in packed.items() if ptr not in owned)
    del out
    return total

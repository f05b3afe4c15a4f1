"""Random layer stacks for the property tests: hypothesis strategies and a renderer to `.net` text.

A stack is a list of `(kind, options)` descriptors (see tests/reference_torch.py). Channels are
tracked while drawing, so that `groups` can be chosen to divide them; spatial sizes are not: the
tests compare the checker's verdict with what PyTorch does, so a stack whose kernel outgrows its
input is a test case too (the checker must report an error exactly where PyTorch raises).
"""

from __future__ import annotations

from hypothesis import strategies as st

Stack = list[tuple[str, dict]]

ALIASES = {
    "conv": ("conv", "conv2d", "Conv"),
    "convtranspose": ("convtranspose", "deconv", "upconv", "convtranspose2d"),
    "upsample": ("upsample", "upsampling"),
    "maxpool": ("maxpool", "max_pool"),
    "avgpool": ("avgpool", "meanpool"),
    "l2pool": ("l2pool",),
    "globalavgpool": ("globalavgpool", "gap"),
    "globalmaxpool": ("globalmaxpool",),
    "adaptiveavgpool": ("adaptiveavgpool", "adaptive_avg_pool"),
    "adaptivemaxpool": ("adaptivemaxpool", "adaptivemaxpool2d"),
    "fc": ("fc", "linear", "dense", "affine"),
    "batchnorm": ("batchnorm", "bn"),
    "leakyrelu": ("leakyrelu", "leaky_relu"),
    "silu": ("silu", "swish"),
}
ACTIVATIONS = ("relu", "leakyrelu", "elu", "gelu", "sigmoid", "tanh", "relu6", "hardswish", "hardsigmoid", "silu")
GLOBAL_POOLS = ("globalavgpool", "globalmaxpool", "adaptiveavgpool", "adaptivemaxpool")
# "act" draws one of ACTIVATIONS, "global" one of GLOBAL_POOLS
SPATIAL_KINDS = (
    "conv",
    "conv",
    "convtranspose",
    "upsample",
    "maxpool",
    "avgpool",
    "l2pool",
    "batchnorm",
    "lrn",
    "act",
    "dropout",
    "global",
    "identity",
)
HEAD_KINDS = ("fc", "fc", "act", "dropout", "batchnorm")
# every kind a stack can contain; tests/test_new_kinds.py holds it to netspec.layers.KINDS
DRAWN_KINDS = frozenset(
    {*SPATIAL_KINDS, *HEAD_KINDS, *ACTIVATIONS, *GLOBAL_POOLS, "flatten", "softmax"} - {"act", "global"}
)
ENLARGING = ("convtranspose", "upsample")
MAX_ENLARGING = 2  # at most this many per stack keeps the feature maps small (≤ 24·3·3 + kernels)

sizes = st.integers(1, 5)


@st.composite
def pairs(draw, low: int, high: int):
    """A square (`3`) or, sometimes, an H x W pair (`3x2`)."""
    h = draw(st.integers(low, high))
    w = draw(st.integers(low, high)) if draw(st.booleans()) and draw(st.booleans()) else h
    return (h, w)


@st.composite
def conv_options(draw, channels: int) -> dict:
    filters = draw(st.integers(1, 8))
    options = {"filters": filters, "kernel": draw(pairs(1, 5))}
    if draw(st.booleans()):
        options["stride"] = draw(pairs(1, 3))
    pad = draw(st.sampled_from(["none", "number", "same", "valid"]))
    if pad == "number":
        options["pad"] = draw(pairs(0, 3))
    elif pad != "none":
        options["pad"] = pad
    if draw(st.integers(0, 3)) == 0:
        options["dilation"] = draw(pairs(1, 3))
    groups = _groups(draw, channels, filters)
    if groups is not None:
        options["groups"] = groups
    if draw(st.integers(0, 3)) == 0:
        options["bias"] = False
    return options


def _groups(draw, channels: int, filters: int):
    """groups for `channels` in and `filters` out: a common divisor, or now and then a divisor of
    the filters alone (an error for both the checker and PyTorch); None for the default."""
    common = [g for g in range(1, min(channels, filters) + 1) if channels % g == 0 and filters % g == 0]
    if len(common) > 1 and draw(st.booleans()):
        return draw(st.sampled_from(common))
    if draw(st.integers(0, 7)) == 0:
        return draw(st.sampled_from([g for g in range(1, filters + 1) if filters % g == 0]))
    return None


@st.composite
def conv_transpose_options(draw, channels: int) -> dict:
    """A transposed convolution; its output padding is always one PyTorch accepts (smaller than the
    stride or the dilation), its padding may crop the whole output (an error for both)."""
    filters = draw(st.integers(1, 8))
    options = {"filters": filters, "kernel": draw(pairs(1, 4))}
    stride = draw(pairs(1, 3)) if draw(st.booleans()) else (1, 1)
    dilation = draw(pairs(1, 2)) if draw(st.integers(0, 3)) == 0 else (1, 1)
    if stride != (1, 1):
        options["stride"] = stride
    if draw(st.booleans()):
        options["pad"] = draw(pairs(0, 2))
    limits = [max(s, d) - 1 for s, d in zip(stride, dilation)]
    if any(limits) and draw(st.booleans()):
        options["outpad"] = (draw(st.integers(0, limits[0])), draw(st.integers(0, limits[1])))
    if dilation != (1, 1):
        options["dilation"] = dilation
    groups = _groups(draw, channels, filters)
    if groups is not None:
        options["groups"] = groups
    if draw(st.integers(0, 3)) == 0:
        options["bias"] = False
    return options


@st.composite
def upsample_options(draw) -> dict:
    options = {"scale": draw(pairs(1, 3))}
    if draw(st.booleans()):
        options["mode"] = draw(st.sampled_from(["nearest", "bilinear"]))
    return options


@st.composite
def pool_options(draw) -> dict:
    options = {"kernel": draw(pairs(1, 4))}
    if draw(st.booleans()):
        options["stride"] = draw(pairs(1, 3))
    pad = draw(st.sampled_from(["none", "number", "same"]))
    if pad == "number":
        options["pad"] = draw(pairs(0, 2))  # may exceed half the kernel: an error for both
    elif pad == "same":
        options["pad"] = "same"
    if pad != "same" and draw(st.booleans()):
        options["ceil"] = True
    return options


@st.composite
def activation(draw) -> tuple[str, dict]:
    kind = draw(st.sampled_from(ACTIVATIONS))
    options = {}
    if kind == "leakyrelu" and draw(st.booleans()):
        options["slope"] = draw(st.sampled_from([0.1, 0.2, 0.01]))
    if kind == "elu" and draw(st.booleans()):
        options["alpha"] = draw(st.sampled_from([0.5, 1.0, 2.0]))
    return kind, options


@st.composite
def stacks(draw, max_spatial: int = 6, max_head: int = 4, vector_input: bool = True) -> tuple[tuple, Stack]:
    """(input shape, stack): a C x H x W part, then optionally a flatten/fc head. At most
    MAX_ENLARGING layers of the C x H x W part enlarge it."""
    stack: Stack = []
    if vector_input and draw(st.integers(0, 7)) == 0:
        shape: tuple = (draw(st.integers(1, 64)),)
    else:
        h = draw(st.integers(1, 24))
        shape = (draw(st.integers(1, 4)), h, h if draw(st.booleans()) else draw(st.integers(1, 24)))
        channels, enlarging = shape[0], 0
        for _ in range(draw(st.integers(0, max_spatial))):
            kind = draw(st.sampled_from(SPATIAL_KINDS))
            if kind in ENLARGING and enlarging == MAX_ENLARGING:
                kind = "act"
            enlarging += kind in ENLARGING
            if kind == "conv":
                options = draw(conv_options(channels))
                channels = options["filters"]
            elif kind == "convtranspose":
                options = draw(conv_transpose_options(channels))
                channels = options["filters"]
            elif kind == "upsample":
                options = draw(upsample_options())
            elif kind in ("maxpool", "avgpool", "l2pool"):
                options = draw(pool_options())
            elif kind == "lrn":
                options = {"size": draw(sizes)}
                if draw(st.booleans()):
                    options.update(alpha=1e-3, beta=0.5, k=2.0)
            elif kind == "act":
                kind, options = draw(activation())
            elif kind == "dropout":
                options = {"p": draw(st.sampled_from([0.0, 0.25, 0.5]))}
            elif kind == "global":
                kind = draw(st.sampled_from(GLOBAL_POOLS))
                options = {"size": draw(pairs(1, 4))} if kind.startswith("adaptive") else {}
            else:
                options = {}
            stack.append((kind, options))
        if draw(st.booleans()):
            stack.append(("flatten", {}))
    for _ in range(draw(st.integers(0, max_head))):
        kind = draw(st.sampled_from(HEAD_KINDS))
        if kind == "fc":
            options = {"units": draw(st.integers(1, 32))}
            if draw(st.integers(0, 3)) == 0:
                options["bias"] = False
        elif kind == "act":
            kind, options = draw(activation())
        elif kind == "dropout":
            options = {"p": draw(st.sampled_from([0.0, 0.5]))}
        else:
            options = {}
        stack.append((kind, options))
    if stack and draw(st.integers(0, 3)) == 0:
        stack.append(("softmax", {}))
    return shape, stack


def _dims(value) -> str:
    if isinstance(value, tuple):
        return str(value[0]) if value[0] == value[1] else f"{value[0]}x{value[1]}"
    return str(value).lower() if isinstance(value, bool) else str(value)


def layer_text(kind: str, options: dict, pick=lambda options: options[0]) -> str:
    """One layer's statement; `pick` chooses among spellings (aliases, `5` vs `5x5`)."""
    words = [pick(ALIASES.get(kind, (kind,)))]
    for key, value in options.items():
        positional = key in ("filters", "kernel", "units", "scale") or (key == "size" and kind != "lrn")
        if (kind, key) in (("dropout", "p"), ("leakyrelu", "slope"), ("elu", "alpha"), ("lrn", "size")):
            positional = pick((True, False))  # a lone positional value may be named too
        if isinstance(value, tuple) and value[0] == value[1] and pick((True, False)):
            text = f"{value[0]}x{value[1]}"
        else:
            text = _dims(value)
        words.append(text if positional else f"{key}={text}")
    return " ".join(words)


def render(shape: tuple, stack: Stack, data=None) -> tuple[str, list[int]]:
    """The `.net` text of a stack and the line of each layer. With a hypothesis `data` object,
    spellings vary: aliases, labels, comments and blank lines, `5` vs `5x5`."""

    def pick(options):
        return data.draw(st.sampled_from(options)) if data is not None else options[0]

    lines = ["# a random stack", "input " + "x".join(map(str, shape))]
    layer_lines = []
    for i, (kind, options) in enumerate(stack):
        line = layer_text(kind, options, pick)
        if pick((False, False, True)):
            line = f"l{i}: {line}"
        if pick((False, True)):
            line += "   # layer"
        if pick((False, False, False, True)):
            lines.append("")
        lines.append(line)
        layer_lines.append(len(lines))
    return "\n".join(lines) + "\n", layer_lines

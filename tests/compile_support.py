"""Helpers of the compiler tests: compile a spec, import the generated file, draw random specs.

Random specs are drawn from a `random.Random`, so that hypothesis (`st.randoms()`) and plain
seeded loops (a batch of files for one ruff run) draw from the same distribution. The drawing
keeps the spec valid by construction where it is easy (channels, groups) and lets the checker
decide the rest: `valid_spec` keeps the layers the checker accepted before the first error.
The layers are tests/random_stacks.py's `(kind, options)` descriptors, written by its
`layer_text`; only the drawing is separate from its hypothesis strategy `stacks`, which must
shrink and also draws specs PyTorch refuses, where this one draws specs that compile, with
labels that could collide with generated names, network names and `train { init … }`.
"""

from __future__ import annotations

import importlib.util
import itertools
import random
import sys
from pathlib import Path

from random_stacks import Stack, layer_text

from netspec.checker import CheckResult, check_text
from netspec.codegen import class_name, generate

_counter = itertools.count()

# Labels that could collide with what a generated module defines or imports
TRICKY_LABELS = (
    "forward",
    "x",
    "self",
    "torch",
    "nn",
    "F",
    "math",
    "training",
    "add_module",
    "log_probabilities",
    "_init_weights",
    "__init__",
    "None",
    "class",
    "conv1",
    "relu1",
    "a.b-c",
    "input",
    "INPUT_SHAPE",
    "SameAvgPool2d",
    "L2Pool2d",
)


def compile_text(text: str, name: str = "spec.net") -> tuple[CheckResult, str]:
    result = check_text(text, name)
    assert result.ok, [d.message for d in result.diagnostics.errors]
    return result, generate(result)


def load_module(source: str, folder: Path, stem: str = "generated"):
    """Write `source` to folder/<unique>.py and import it (registered in sys.modules, which
    torch.jit.script needs to find the source of its classes)."""
    name = f"{stem}_{next(_counter)}"
    path = folder / f"{name}.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def network_class(module, result: CheckResult):
    """The nn.Module subclass the generated file defines for the network."""
    return getattr(module, class_name(result))


# --- random specs ------------------------------------------------------------------------------


def _pair(rng: random.Random, low: int, high: int) -> int | tuple[int, int]:
    """A size written `3` (an int) or, a quarter of the time, `HxW` (a tuple, `3x3` if equal)."""
    h = rng.randint(low, high)
    return (h, rng.randint(low, high)) if rng.random() < 0.25 else h


def _window(rng: random.Random, pool: bool) -> dict:
    options: dict = {"kernel": _pair(rng, 1, 4)}
    if rng.random() < 0.6:
        options["stride"] = _pair(rng, 1, 3)
    choice = rng.random()
    if choice < 0.4:
        options["pad"] = "same"
    elif choice < 0.6:
        kernel = options["kernel"]
        options["pad"] = rng.randint(0, min(kernel if isinstance(kernel, tuple) else (kernel,)) // 2 if pool else 2)
    if pool and options.get("pad") != "same" and rng.random() < 0.25:
        options["ceil"] = True
    return options


def random_stack(rng: random.Random, channels: int) -> Stack:
    """A random stack on a `channels` x H x W input, as tests/random_stacks.py's `(kind, options)`
    descriptors: a spatial part, then maybe a head. At most two layers enlarge the feature maps
    (convtranspose, upsample). A transposed convolution's kind is the alias it is written with."""
    stack: Stack = []
    enlarging = 0
    kinds = ["conv", "conv", "deconv", "upsample", "maxpool", "avgpool", "l2pool", "batchnorm", "lrn", "act", "dropout"]
    for _ in range(rng.randint(1, 7)):
        kind = rng.choice(kinds)
        if kind in ("deconv", "upsample"):
            enlarging += 1
            if enlarging > 2:
                kind = "act"
        if kind == "conv":
            filters = rng.randint(1, 6)
            options = {"filters": filters, **_window(rng, pool=False)}
            if rng.random() < 0.2:
                options["dilation"] = rng.randint(1, 2)
            options.update(_groups_and_bias(rng, channels, filters))
            channels = filters
        elif kind == "deconv":
            filters, stride, dilation = rng.randint(1, 6), rng.randint(1, 3), rng.choice([1, 1, 2])
            kind = rng.choice(["convtranspose", "deconv", "upconv"])
            options = {"filters": filters, "kernel": _pair(rng, 1, 4)}
            if stride > 1:
                options["stride"] = stride
            if rng.random() < 0.4:
                options["pad"] = rng.randint(0, 1)
            if max(stride, dilation) > 1 and rng.random() < 0.5:
                options["outpad"] = rng.randint(0, max(stride, dilation) - 1)
            if dilation > 1:
                options["dilation"] = dilation
            options.update(_groups_and_bias(rng, channels, filters))
            channels = filters
        elif kind == "upsample":
            options = {"scale": _pair(rng, 1, 3)} | ({"mode": "bilinear"} if rng.random() < 0.5 else {})
        elif kind in ("maxpool", "avgpool", "l2pool"):
            options = _window(rng, pool=True)
        elif kind == "batchnorm":
            options = {"eps": 0.001} if rng.random() < 0.3 else {}
        elif kind == "lrn":
            options = {"size": rng.randint(1, 5), "k": 2}
        elif kind == "dropout":
            options = {"p": rng.choice([0, 0.25, 0.5])}
        else:
            kind, options = rng.choice(ACTIVATIONS)
        stack.append((kind, options))
    if rng.random() < 0.3:
        stack.append(rng.choice(GLOBAL_POOLS))
    if rng.random() < 0.3:
        stack.append(("flatten", {}))
    if rng.random() < 0.7:
        for _ in range(rng.randint(1, 3)):
            units = rng.randint(1, 12)
            stack.append(("fc", {"units": units, "bias": False} if rng.random() < 0.2 else {"units": units}))
            if rng.random() < 0.5:
                stack.append(rng.choice(HEAD_LAYERS))
    if rng.random() < 0.4:
        stack.append(("softmax", {}))
    return stack


def random_layers(rng: random.Random, channels: int) -> list[str]:
    """The statements of `random_stack`, written by random_stacks.layer_text."""
    return [layer_text(kind, options) for kind, options in random_stack(rng, channels)]


ACTIVATIONS = (
    ("relu", {}),
    ("leakyrelu", {"slope": 0.2}),
    ("leakyrelu", {}),
    ("elu", {}),
    ("elu", {"alpha": 0.5}),
    ("gelu", {}),
    ("sigmoid", {}),
    ("tanh", {}),
    ("relu6", {}),
    ("hardswish", {}),
    ("hardsigmoid", {}),
    ("silu", {}),
    ("swish", {}),
    ("identity", {}),
)
GLOBAL_POOLS = (
    ("globalavgpool", {}),
    ("globalmaxpool", {}),
    ("adaptiveavgpool", {"size": 3}),
    ("adaptivemaxpool", {"size": (2, 3)}),
)
HEAD_LAYERS = (("relu", {}), ("tanh", {}), ("batchnorm", {}), ("dropout", {"p": 0.5}), ("silu", {}), ("identity", {}))


def _groups_and_bias(rng: random.Random, channels: int, filters: int) -> dict:
    """Valid groups only (a common divisor of at least 2), unlike random_stacks' `_groups`, which
    also draws invalid ones: a spec here must compile."""
    options: dict = {}
    divisors = [g for g in range(2, min(channels, filters) + 1) if channels % g == 0 and filters % g == 0]
    if divisors and rng.random() < 0.3:
        options["groups"] = rng.choice(divisors)
    if rng.random() < 0.2:
        options["bias"] = False
    return options


def random_spec(rng: random.Random) -> str:
    channels = rng.randint(1, 4)
    lines = [f"input {channels}x{rng.randint(3, 18)}x{rng.randint(3, 18)}"]
    if rng.random() < 0.5:
        lines.insert(0, f"network {rng.choice(['Random', 'random stack', 'x', 'None', 'print'])!r}".replace("'", '"'))
    for statement in random_layers(rng, channels):
        label = ""
        if rng.random() < 0.15:
            label = rng.choice(TRICKY_LABELS) + ": "
        lines.append(label + statement)
    if rng.random() < 0.3:
        lines += ["train {", f"  init {rng.choice(['he', 'xavier', 'normal std=0.05', 'default'])}", "}"]
    return "\n".join(lines) + "\n"


def valid_spec(text: str) -> str | None:
    """`text` cut before its first layer the checker rejects; None when nothing valid is left."""
    result = check_text(text)
    if result.ok:
        return text
    if result.network is None or result.network.input_shape is None:
        return None
    keep = len(result.layers)
    lines = text.splitlines()
    out, seen = [], 0
    layer_words = ("network", "input", "train", "{", "}", "init")
    for line in lines:
        word = line.split(":")[-1].split()[0] if ":" in line.split()[0] else line.split()[0]
        is_layer = word not in layer_words and not line.startswith(" ")
        if is_layer:
            seen += 1
            if seen > keep:
                continue
        out.append(line)
    text = "\n".join(out) + "\n"
    return text if check_text(text).ok else None

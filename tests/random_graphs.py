"""Random graph networks for the property tests: residuals with and without projections, `add`,
`concat` (also `crop=center`) and `mul` merges, nested inside each other, rendered to `.net` text,
and a PyTorch reference that interprets the same descriptors without netspec code.

The shape of a graph (which merges nest where) is drawn with `st.recursive`; the layers are then
filled in while channels are tracked, mostly keeping merges valid by construction (shape-keeping
convolutions, projection shortcuts, a final 1x1 convolution to agree on channels). Now and then a
layer with any stride or padding goes in: then a merge may not fit, and the checker must report
an error exactly where PyTorch raises.

Descriptors: `("layer", kind, options)`, `("residual", body, shortcut or None)`,
`("merge", op, crop, branches)`; a body or branch is a list of descriptors.
"""

from __future__ import annotations

import torch
from hypothesis import strategies as st
from random_stacks import activation, conv_options, layer_text
from reference_torch import layer_module
from torch import nn

LEAF = "layer"
MERGES = ("residual", "add", "concat", "crop", "mul")

skeletons = st.recursive(
    st.lists(st.just(LEAF), min_size=1, max_size=3),
    lambda inner: st.lists(
        st.one_of(st.just(LEAF), st.tuples(st.sampled_from(MERGES), st.lists(inner, min_size=1, max_size=3))),
        min_size=1,
        max_size=4,
    ),
    max_leaves=10,
)

KEEPING = ("conv", "conv", "batchnorm", "act", "dropout", "maxpool", "avgpool", "identity")


@st.composite
def keeping_layer(draw, channels: int, wild: bool = True) -> tuple[tuple, int]:
    """A layer that keeps H x W (or, rarely, any conv), and the channels after it."""
    if wild and draw(st.integers(0, 9)) == 0:
        options = draw(conv_options(channels))
        return ("layer", "conv", options), options["filters"]
    kind = draw(st.sampled_from(KEEPING))
    if kind == "conv":
        k = draw(st.sampled_from([1, 3, 5]))
        filters = draw(st.integers(1, 6))
        pad = draw(st.sampled_from(["same", k // 2]))
        options = {"filters": filters, "kernel": (k, k), "pad": pad if pad == "same" else (pad, pad)}
        if draw(st.integers(0, 3)) == 0:
            options["bias"] = False
        return ("layer", "conv", options), filters
    if kind == "act":
        kind, options = draw(activation())
        return ("layer", kind, options), channels
    if kind in ("maxpool", "avgpool"):
        return ("layer", kind, {"kernel": (3, 3), "stride": (1, 1), "pad": (1, 1)}), channels
    if kind == "dropout":
        return ("layer", "dropout", {"p": draw(st.sampled_from([0.0, 0.5]))}), channels
    return ("layer", kind, {}), channels


def _to(channels: int, target: int) -> list:
    return [] if channels == target else [("layer", "conv", {"filters": target, "kernel": (1, 1)})]


@st.composite
def fill(draw, skeleton: list, channels: int) -> tuple[list, int]:
    """Descriptors for a skeleton applied to `channels` input channels, and the channels after."""
    items = []
    for part in skeleton:
        if part == LEAF:
            item, channels = draw(keeping_layer(channels))
            items.append(item)
            continue
        op, branches = part
        if op == "residual":
            body, out = draw(fill(branches[0], channels))
            strided = draw(st.integers(0, 3)) == 0
            if strided:
                body = [("layer", "conv", {"filters": out, "kernel": (3, 3), "stride": (2, 2), "pad": (1, 1)})] + body
            shortcut = None
            if out != channels or strided or draw(st.booleans()):
                projection = {"filters": out, "kernel": (1, 1), "bias": False}
                if strided:
                    projection["stride"] = (2, 2)
                shortcut = [("layer", "conv", projection)] + (
                    [("layer", "batchnorm", {})] if draw(st.booleans()) else []
                )
            items.append(("residual", body, shortcut))
            channels = out
        elif op in ("add", "mul"):
            filled = []
            target = channels if draw(st.booleans()) else draw(st.integers(1, 6))
            for branch in branches:
                if draw(st.integers(0, 3)) == 0 and target == channels:
                    filled.append([])  # the identity
                    continue
                if op == "mul" and draw(st.booleans()):  # squeeze-and-excitation: C x 1 x 1
                    excite = [("layer", "globalavgpool", {}), ("layer", "conv", {"filters": target, "kernel": (1, 1)})]
                    filled.append(excite + [("layer", "sigmoid", {})])
                    continue
                body, out = draw(fill(branch, channels))
                filled.append(body + _to(out, target))
            items.append(("merge", op, "none", filled))
            channels = target
        else:  # concat, crop: branches of any channels; crop shrinks them by different amounts
            filled, total = [], 0
            for branch in branches:
                if draw(st.integers(0, 3)) == 0:
                    filled.append([])
                    total += channels
                    continue
                body, out = draw(fill(branch, channels))
                if op == "crop":
                    k = draw(st.sampled_from([1, 3, 5]))
                    body = body + [("layer", "conv", {"filters": out, "kernel": (k, k)})]
                filled.append(body)
                total += out
            items.append(("merge", "concat", "center" if op == "crop" else "none", filled))
            channels = total
    return items, channels


@st.composite
def graphs(draw, head: bool = True) -> tuple[tuple, list]:
    """(input shape, descriptors): a random graph, then sometimes (with `head`) a pooled fc head."""
    h = draw(st.integers(4, 14))
    shape = (draw(st.integers(1, 4)), h, h if draw(st.booleans()) else draw(st.integers(4, 14)))
    items, _ = draw(fill(draw(skeletons), shape[0]))
    if head and draw(st.booleans()):
        items += [("layer", "globalavgpool", {}), ("layer", "fc", {"units": draw(st.integers(1, 10))})]
    return shape, items


def render(shape: tuple, items: list, calls: int = 0) -> tuple[str, list[int]]:
    """The `.net` text and the line of every node, in the order the checker lists them (a merge
    after its branches, a residual after its body and shortcut). With `calls`, the graph is the
    body of a block called that many times in a row (the reference then runs `items * calls`)."""
    lines = ["# a random graph", "input " + "x".join(map(str, shape))]
    node_lines: list[int] = []
    if calls:
        lines.append("block body {")

    def emit(items: list, indent: str) -> None:
        for item in items:
            if item[0] == "layer":
                lines.append(indent + layer_text(item[1], item[2]))
                node_lines.append(len(lines))
            elif item[0] == "residual":
                lines.append(indent + "residual {")
                own = len(lines)
                emit(item[1], indent + "  ")
                if item[2] is not None:
                    lines.append(indent + "  shortcut {")
                    emit(item[2], indent + "    ")
                    lines.append(indent + "  }")
                lines.append(indent + "}")
                node_lines.append(own)
            else:
                _, op, crop, branches = item
                lines.append(indent + op + (" crop=center" if crop == "center" else "") + " {")
                own = len(lines)
                for branch in branches:
                    lines.append(indent + "  branch {")
                    emit(branch, indent + "    ")
                    lines.append(indent + "  }")
                lines.append(indent + "}")
                node_lines.append(own)

    emit(items, "  " if calls else "")
    if calls:
        lines.append("}")
        lines += ["body"] * calls
        node_lines = node_lines * calls
    return "\n".join(lines) + "\n", node_lines


# --- the PyTorch reference ---------------------------------------------------------------------


class Graph(nn.Module):
    """Runs descriptors with plain torch; every node's output is appended to `self.outputs` in the
    checker's order, so a failing node is the one after the last recorded output."""

    def __init__(self, items: list, shape: tuple):
        super().__init__()
        self.outputs: list[torch.Tensor] = []
        self.spatial = len(shape) == 3
        self.program = self._build(items)

    def _build(self, items: list) -> nn.ModuleList:
        modules = nn.ModuleList()
        for item in items:
            if item[0] == "layer":
                modules.append(layer_module(item[1], item[2], self.spatial))
                if item[1] in ("fc", "flatten"):
                    self.spatial = False
            elif item[0] == "residual":
                body, shortcut = self._build(item[1]), self._build(item[2] or [])
                modules.append(_Merge("add", "none", [body, shortcut]))
            else:
                modules.append(_Merge(item[1], item[2], [self._build(b) for b in item[3]]))
        return modules

    def forward(self, x):
        self.outputs = []
        return self.run(self.program, x)

    def run(self, modules: nn.ModuleList, x):
        for module in modules:
            if isinstance(module, _Merge):
                parts = [self.run(branch, x) for branch in module.branches]
                x = module.combine(parts)
            else:
                x = module(x)
            self.outputs.append(x)
        return x


class _Merge(nn.Module):
    def __init__(self, op: str, crop: str, branches: list[nn.ModuleList]):
        super().__init__()
        self.op, self.crop, self.branches = op, crop, nn.ModuleList(branches)

    def combine(self, parts: list[torch.Tensor]) -> torch.Tensor:
        if self.op == "add":
            out = parts[0]
            for part in parts[1:]:
                if part.shape != out.shape:
                    raise RuntimeError("add: shapes differ")  # torch would broadcast 1s; a sum needs equal shapes
                out = out + part
            return out
        if self.op == "mul":
            out = parts[0]
            for part in parts[1:]:
                out = out * part
            return out
        if self.crop == "center" and parts[0].dim() == 4:
            h = min(p.shape[2] for p in parts)
            w = min(p.shape[3] for p in parts)
            parts = [
                p[
                    :,
                    :,
                    (p.shape[2] - h) // 2 : (p.shape[2] - h) // 2 + h,
                    (p.shape[3] - w) // 2 : (p.shape[3] - w) // 2 + w,
                ]
                for p in parts
            ]
        return torch.cat(parts, dim=1)


def from_checked(result) -> list:
    """Descriptors of a checked spec's graph, from its elaborated layers (kinds, options and the
    branch ranges of its merges): for building the reference of a shipped spec."""
    layers = result.layers
    starting: dict[int, list[int]] = {}
    for index, layer in enumerate(layers):
        if layer.node.merge is not None:
            starts = [start for start, end in layer.node.merge.branches if start < end]
            starting.setdefault(min(starts, default=index), []).append(index)

    def items(low: int, high: int) -> list:
        out, index = [], low
        while index < high:
            merges = [m for m in starting.get(index, ()) if m < high]
            if not merges:
                out.append(("layer", layers[index].kind, dict(layers[index].instance.values)))
                index += 1
                continue
            end = max(merges)
            merge = layers[end].node.merge
            branches = [items(start, stop) for start, stop in merge.branches]
            if merge.residual:
                out.append(("residual", branches[0], branches[1] or None))
            else:
                out.append(("merge", layers[end].kind, layers[end].instance.values.get("crop", "none"), branches))
            index = end + 1
        return out

    return items(0, len(layers))

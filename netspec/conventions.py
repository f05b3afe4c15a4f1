"""MACs as other tools count them: netspec's own, ptflops, thop, fvcore and torchinfo.

    netspec check specs/alexnet.net --macs-convention ptflops   # the total as ptflops prints it
    netspec check specs/resnet18.net --macs-convention all      # a comparison of all five

Each tool counts the same network differently, so torchinfo, ptflops, thop and fvcore print four
different "MACs" or "FLOPs" for one model. Here each tool's rules are written down per layer kind,
as that tool applies them to the module `netspec compile` emits (batch 1, the model in eval mode),
so the totals agree exactly with what the tool itself prints (tests/test_conventions.py runs the
tools on compiled specs). Per sample, with `in`/`out` the element counts of a layer's input and
output, `C` its input channels and `MACs` netspec's own count:

- **netspec** (netspec.layers): conv, transposed conv and fc weights only, `MACs`; everything
  else 0. The same as fvcore for those three kinds.
- **ptflops** 0.7.5, `get_model_complexity_info` with its default pytorch backend
  (ptflops/pytorch_ops.py, pytorch_engine.py): module hooks plus patched functionals, so a module
  whose `forward` calls a patched `F.` function is counted twice. conv and transposed conv
  `MACs + out` (bias), fc `MACs + units` (bias); relu, elu, gelu `2·out`; leakyrelu, relu6 `out`;
  silu, softmax `in`; batchnorm `2·in`; maxpool, avgpool, the global and adaptive pools `2·in`
  (padded input for SAME max pooling with an odd cell; once for the SAME average-pooling helper);
  l2pool `in` (of the padded squares); lrn `3·in + (C + size − 1)·H·W`; upsample `2·out`.
- **thop** 0.1.1, `thop.profile` (thop/profile.py, thop/vision/basic_hooks.py, calc_func.py):
  registered module types only, no biases. conv `MACs`; transposed conv `out·(C/groups)·KH·KW`
  (per output cell); fc `MACs`; batchnorm `4·in`; avgpool `out` (0 for the SAME helper);
  globalavgpool and adaptiveavgpool `⌊(H/OH·W/OW + 1)·out⌋` in float64; upsample `out` (nearest),
  `11·out` (bilinear); softmax over `n` channels or features `in/n·(3n − 1)`; all else 0.
- **fvcore** 0.1.5, `FlopCountAnalysis(...).total()` (fvcore/nn/flop_count.py, jit_handles.py):
  traced aten operators, one "flop" per MAC. conv, transposed conv, fc `MACs`; batchnorm `2·in`
  (eval mode; 5·in in training mode); globalavgpool and adaptiveavgpool `in`; upsample `out`
  (nearest), `4·out` (bilinear); every other operator is skipped (with a warning in fvcore).

- **torchinfo** 1.8, `summary(...).total_mult_adds` (torchinfo/layer_info.py): parameters times
  output positions. conv `MACs + out` (bias); transposed conv `F·(C/groups)·KH·KW·OH·OW + out`
  (per output cell); fc `MACs + units`; batchnorm `2·C` (γ and β, once per sample); all else 0.

Merges (add, concat, mul, residual) count 0 in every convention: ptflops patches `torch.add` but
not the `+` operator, thop counts modules only and fvcore has no handler for `aten::add`.
docs/conventions.md has the table and the reasons.
"""

from __future__ import annotations

import difflib
from math import prod
from typing import TYPE_CHECKING

from netspec.layers import windows
from netspec.units import fmt_count

if TYPE_CHECKING:
    from netspec.checker import CheckResult, LayerReport

CONVENTIONS = ("netspec", "ptflops", "thop", "fvcore", "torchinfo")
ALL = "all"
TOOLS = {  # the versions whose rules are written here
    "ptflops": "ptflops 0.7.5 (pytorch backend)",
    "thop": "thop 0.1.1",
    "fvcore": "fvcore 0.1.5 (eval mode)",
    "torchinfo": "torchinfo 1.8",
}
BIAS = "bias"  # the category of bias additions; every other category is a layer kind's name
WEIGHT_KINDS = ("conv", "convtranspose", "fc")


def parse_convention(text: str) -> str:
    """`ptflops` (any case) → `ptflops`; `all`; anything else raises ValueError with a did-you-mean."""
    name = text.strip().lower()
    if name in CONVENTIONS or name == ALL:
        return name
    close = difflib.get_close_matches(name, (*CONVENTIONS, ALL), n=1, cutoff=0.5)
    guess = f": did you mean {close[0]!r}?" if close else ""
    shown = text if len(text) <= 24 else text[:24] + "…"
    raise ValueError(f"unknown MAC convention {shown!r}{guess} (one of {', '.join(CONVENTIONS)} or {ALL})")


def layer_counts(layer: LayerReport, convention: str) -> dict[str, int]:
    """What `convention` counts for one checked layer (a checker.LayerReport), by category: the
    layer's kind, and `bias` for bias additions. Zero counts are left out."""
    if layer.is_merge:
        return {}
    counts = _RULES[convention](layer.kind, layer.instance.values, layer.input, layer.output, layer.macs)
    return {category: count for category, count in counts.items() if count}


def counts(result: CheckResult, convention: str) -> dict[str, int]:
    """A whole network's counts under `convention`, summed by category (kind names and `bias`)."""
    totals: dict[str, int] = {}
    for layer in result.layers:
        for category, count in layer_counts(layer, convention).items():
            totals[category] = totals.get(category, 0) + count
    return totals


def total(result: CheckResult, convention: str) -> int:
    """The network's MACs per sample as `convention` counts them."""
    return sum(counts(result, convention).values())


def differences(result: CheckResult, convention: str) -> list[tuple[str, int]]:
    """(category, what `convention` counts minus what netspec counts) for every category where
    they differ, largest difference first."""
    own, other = counts(result, "netspec"), counts(result, convention)
    deltas = [(category, other.get(category, 0) - own.get(category, 0)) for category in {**own, **other}]
    return sorted((pair for pair in deltas if pair[1]), key=lambda pair: (-abs(pair[1]), pair[0]))


def _names(name: str) -> tuple[str, ...]:
    return CONVENTIONS if name == ALL else ("netspec",) if name == "netspec" else ("netspec", name)


def conventions_json(result: CheckResult, name: str) -> dict:
    """The `macs_conventions` object of `check --json`: per convention its total, its counts by
    category, its difference from netspec's own count (netspec's always included) and each
    layer's count, in the order of the report's `layers`."""
    report = {}
    for convention in _names(name):
        by_layer = [layer_counts(layer, convention) for layer in result.layers]
        by_kind: dict[str, int] = {}
        for layer in by_layer:
            for category, count in layer.items():
                by_kind[category] = by_kind.get(category, 0) + count
        figure = sum(by_kind.values())
        report[convention] = {
            "macs": figure,
            "by_kind": dict(sorted(by_kind.items())),
            "difference": figure - result.macs,
            "by_layer": [sum(layer.values()) for layer in by_layer],
        }
    return report


def conventions_text(result: CheckResult, name: str) -> str:
    """The lines `check --macs-convention NAME` prints after the totals: each convention's total
    and where it differs from netspec's own count, by category."""
    rows = []
    for convention in _names(name):
        figure = total(result, convention)
        if convention == "netspec":
            explained = "conv, transposed conv and fc weights"
        else:
            parts = [f"{_signed(delta)} {_label(category)}" for category, delta in differences(result, convention)]
            explained = " ".join(["netspec", *parts]) if parts else "the same as netspec"
        rows.append((convention, f"{figure:,}", f"({fmt_count(figure)})", explained))
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    lines = ["MACs per sample under other tools' conventions (docs/conventions.md):"]
    for convention, figure, short, explained in rows:
        lines.append(f"  {convention:<{widths[0]}}  {figure:>{widths[1]}} {short:<{widths[2]}}  {explained}")
    tools = [TOOLS[convention] for convention in _names(name) if convention != "netspec"]
    if tools:
        lines.append(f"  rules of {', '.join(tools)}; the compiled module at batch 1")
    return "\n".join(lines)


def _signed(delta: int) -> str:
    return f"+ {fmt_count(delta)}" if delta > 0 else f"− {fmt_count(-delta)}"


def _label(category: str) -> str:
    return "biases" if category == BIAS else category


# --- the rules, per convention ---------------------------------------------------------------------


def _netspec(kind: str, v: dict, shape: tuple, output: tuple, macs: int) -> dict[str, int]:
    """netspec's own: the weights' multiply-accumulates, as every layer kind computes them."""
    return {kind: macs}


# ptflops' module hooks count activations by output and pooling by input; its patched functionals
# (F.relu, F.elu, F.gelu, F.silu, F.softmax, F.max_pool2d, F.avg_pool2d, F.adaptive_*_pool2d,
# F.interpolate, Tensor.mul, Tensor.add) count their first argument again when a module's forward
# calls them. F.leaky_relu, F.hardtanh (ReLU6), F.batch_norm, sigmoid, tanh, hardswish and
# hardsigmoid are not patched.
PTFLOPS_TWICE_BY_OUTPUT = ("relu", "elu", "gelu", "upsample")
PTFLOPS_ONCE_BY_OUTPUT = ("leakyrelu", "relu6")
PTFLOPS_ONCE_BY_INPUT = ("silu", "softmax")
PTFLOPS_TWICE_BY_INPUT = ("batchnorm", "globalavgpool", "globalmaxpool", "adaptiveavgpool", "adaptivemaxpool")


def _ptflops(kind: str, v: dict, shape: tuple, output: tuple, macs: int) -> dict[str, int]:
    """ptflops 0.7.5, pytorch backend (pytorch_ops.py): conv_flops_counter_hook adds
    `batch·∏out` for a bias, linear_flops_counter_hook `out_features`; relu_flops_counter_hook
    counts the output, pool_flops_counter_hook and bn_flops_counter_hook the input (BN twice when
    affine), upsample_flops_counter_hook the output; the patched functionals add their input's
    size again (`_numel_functional_flops_hook`, `_interpolate_functional_flops_hook`)."""
    if kind in WEIGHT_KINDS:
        bias = (prod(output) if kind != "fc" else output[0]) if v["bias"] else 0
        return {kind: macs, BIAS: bias}
    if kind in PTFLOPS_TWICE_BY_OUTPUT:
        return {kind: 2 * prod(output)}
    if kind in PTFLOPS_ONCE_BY_OUTPUT:
        return {kind: prod(output)}
    if kind in PTFLOPS_ONCE_BY_INPUT:
        return {kind: prod(shape)}
    if kind in PTFLOPS_TWICE_BY_INPUT:
        return {kind: 2 * prod(shape)}
    if kind in ("maxpool", "avgpool", "l2pool"):
        geometry = windows.geometry(v, shape, pool=True)
        pooled = shape[0] * prod(geometry.padded_hw() if geometry.asymmetric else geometry.input_hw)
        # nn.MaxPool2d / nn.AvgPool2d: hook + F.*_pool2d; SameAvgPool2d and L2Pool2d call F.avg_pool2d once
        once = kind == "l2pool" or (kind == "avgpool" and geometry.asymmetric)
        return {kind: pooled if once else 2 * pooled}
    if kind == "lrn":
        # F.local_response_norm: input.mul(input), avg_pool3d over the channel-padded squares,
        # .mul(alpha), .add(k) (Tensor.mul and Tensor.add are patched; pow and / are not)
        channels, h, w = shape
        return {kind: 3 * prod(shape) + (channels + v["size"] - 1) * h * w}
    return {}


def _thop(kind: str, v: dict, shape: tuple, output: tuple, macs: int) -> dict[str, int]:
    """thop 0.1.1 `profile` (vision/basic_hooks.py, calc_func.py): count_convNd is
    `∏out·(C_in/groups)·∏kernel` for convolutions and transposed convolutions alike, no bias;
    count_linear `in_features·∏out`; count_normalization `2·in`, doubled when affine;
    count_avgpool `∏out`; count_adap_avgpool `int((∏(in/out) + 1)·∏out)` in float64;
    count_upsample `∏out` (nearest) or `11·∏out` (bilinear); count_softmax `in/n·(3n − 1)`;
    ReLU, ReLU6, LeakyReLU, max pooling and dropout are zero_ops; unregistered modules 0."""
    if kind in ("conv", "convtranspose"):
        kh, kw = v["kernel"]
        return {kind: prod(output) * (shape[0] // v["groups"]) * kh * kw}
    if kind == "fc":
        return {kind: macs}
    if kind == "batchnorm":
        return {kind: 4 * prod(shape)}
    if kind == "avgpool":
        return {kind: 0 if windows.geometry(v, shape, pool=True).asymmetric else prod(output)}
    if kind in ("globalavgpool", "adaptiveavgpool"):
        kernel = (shape[1] / output[1]) * (shape[2] / output[2])  # float64, as torch.DoubleTensor
        return {kind: int((kernel + 1) * prod(output))}
    if kind == "upsample":
        return {kind: (11 if v["mode"] == "bilinear" else 1) * prod(output)}
    if kind == "softmax":
        features = shape[0]
        return {kind: prod(shape) // features * (3 * features - 1)}
    return {}


def _fvcore(kind: str, v: dict, shape: tuple, output: tuple, macs: int) -> dict[str, int]:
    """fvcore 0.1.5 FlopCountAnalysis (flop_count._DEFAULT_SUPPORTED_OPS, jit_handles.py):
    conv_flop_jit `N·∏w·∏(out or, transposed, in spatial)` and linear_flop_jit — the weights'
    MACs; batchnorm_flop_jit `2·in` in eval mode with affine weights; adaptive_avg_pool2d `in`;
    upsample_nearest2d `out`, upsample_bilinear2d `4·out`; other operators are skipped."""
    if kind in WEIGHT_KINDS:
        return {kind: macs}
    if kind == "batchnorm":
        return {kind: 2 * prod(shape)}
    if kind in ("globalavgpool", "adaptiveavgpool"):
        return {kind: prod(shape)}
    if kind == "upsample":
        return {kind: (4 if v["mode"] == "bilinear" else 1) * prod(output)}
    return {}


def _torchinfo(kind: str, v: dict, shape: tuple, output: tuple, macs: int) -> dict[str, int]:
    """torchinfo 1.8 `summary(...).total_mult_adds` (layer_info.py, LayerInfo.calculate_macs):
    for a module whose class name contains "Conv", every parameter's size times the output's
    spatial size (so a transposed convolution is counted per output cell, and its bias per output
    element); for any other module with parameters, their number (fc: weights and bias; batch
    norm: γ and β, `2·C`); modules without parameters count 0."""
    if kind in ("conv", "convtranspose"):
        filters, oh, ow = output
        kh, kw = v["kernel"]
        weights = filters * (shape[0] // v["groups"]) * kh * kw  # C_in·F/groups·KH·KW either way
        return {kind: weights * oh * ow, BIAS: prod(output) if v["bias"] else 0}
    if kind == "fc":
        return {kind: macs, BIAS: output[0] if v["bias"] else 0}
    if kind == "batchnorm":
        return {kind: 2 * shape[0]}
    return {}


_RULES = {"netspec": _netspec, "ptflops": _ptflops, "thop": _thop, "fvcore": _fvcore, "torchinfo": _torchinfo}

"""MACs as other tools count them: netspec's own, ptflops, thop, fvcore and torchinfo.

    netspec check specs/alexnet.net --macs-convention ptflops   # the total as ptflops prints it
    netspec check specs/resnet18.net --macs-convention all      # a comparison of all five

Each tool counts the same network differently, so torchinfo, ptflops, thop and fvcore print four
different "MACs" or "FLOPs" for one model. Each tool's rules are written down with each layer kind
(`LayerKind.counted_by` in netspec/layers/, shared pieces in netspec.layers.tools; this module sums
and compares them), as that tool applies them to the module `netspec compile` emits (batch 1, the
model in eval mode),
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
from typing import TYPE_CHECKING

from netspec.layers.tools import BIAS
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
    counts = _rules(convention)(layer)
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


def _rules(convention: str):
    """The counting rule of `convention`: netspec's own count, or the tool's rule for each kind
    (`LayerKind.counted_by`, written with the kind: netspec.layers.tools)."""
    if convention == "netspec":
        return _netspec

    def tool_rule(layer: LayerReport) -> dict[str, int]:
        kind = layer.instance.kind
        return kind.counted_by(convention, layer.instance.values, layer.input, layer.output, layer.macs)

    return tool_rule


def _netspec(layer: LayerReport) -> dict[str, int]:
    """netspec's own: the weights' multiply-accumulates, as every layer kind computes them."""
    return {layer.kind: layer.macs}

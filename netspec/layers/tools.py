"""How other tools count a layer's "MACs" or "FLOPs", shared by the kinds that count alike.

Each kind's `counted_by(tool, …)` says what ptflops 0.7.5, thop 0.1.1, fvcore 0.1.5 and torchinfo
1.8 count for it, by category (the kind's name, and BIAS for bias additions), as those tools apply
their rules to the module `netspec compile` emits; netspec.conventions sums them and explains the
differences. The tools' sources behind each rule are cited where the rule is written.
"""

from __future__ import annotations

from math import prod

PTFLOPS, THOP, FVCORE, TORCHINFO = "ptflops", "thop", "fvcore", "torchinfo"
BIAS = "bias"  # the category of bias additions; every other category is a layer kind's name


def convolution_counts(name: str, tool: str, v: dict, shape: tuple, output: tuple, macs: int) -> dict[str, int]:
    """A convolution or transposed convolution (the tools treat them alike):
    - ptflops conv_flops_counter_hook: the weights' MACs, plus `∏out` for a bias;
    - thop count_convNd: `∏out·(C_in/groups)·∏kernel` for both, no bias (so a transposed
      convolution is counted per output cell);
    - fvcore conv_flop_jit: the weights' MACs;
    - torchinfo (a module whose class name contains "Conv"): every parameter's size times the
      output's spatial size, so the weights `F·(C_in/groups)·KH·KW·OH·OW` and the bias `∏out`."""
    if tool == PTFLOPS:
        return {name: macs, BIAS: prod(output) if v["bias"] else 0}
    if tool == THOP:
        kh, kw = v["kernel"]
        return {name: prod(output) * (shape[0] // v["groups"]) * kh * kw}
    if tool == FVCORE:
        return {name: macs}
    if tool == TORCHINFO:
        filters, oh, ow = output
        kh, kw = v["kernel"]
        weights = filters * (shape[0] // v["groups"]) * kh * kw  # C_in·F/groups·KH·KW either way
        return {name: weights * oh * ow, BIAS: prod(output) if v["bias"] else 0}
    return {}


def thop_adaptive_average(shape: tuple, output: tuple) -> int:
    """thop count_adap_avgpool: `int((∏(in/out) + 1)·∏out)`, the kernel in float64 as
    torch.DoubleTensor computes it."""
    kernel = (shape[1] / output[1]) * (shape[2] / output[2])
    return int((kernel + 1) * prod(output))


def ptflops_elements(times: int, of: tuple) -> int:
    """ptflops' element-wise hooks count `times` × the elements of a layer's input or output."""
    return times * prod(of)


def bins_counts(name: str, tool: str, shape: tuple, output: tuple, average: bool) -> dict[str, int]:
    """A global or adaptive pool (both compile to nn.Adaptive*Pool2d): ptflops
    pool_flops_counter_hook counts the input, and the patched F.adaptive_*_pool2d counts it again;
    thop count_adap_avgpool (average pools only, `thop_adaptive_average`); fvcore
    adaptive_avg_pool2d the input (average pools only); torchinfo 0."""
    if tool == PTFLOPS:
        return {name: ptflops_elements(2, shape)}
    if tool == THOP and average:
        return {name: thop_adaptive_average(shape, output)}
    if tool == FVCORE and average:
        return {name: prod(shape)}
    return {}

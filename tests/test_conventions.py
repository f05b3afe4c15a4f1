"""`netspec check --macs-convention`: netspec's figures under ptflops', thop's, fvcore's and
torchinfo's rules equal what those tools print for the compiled module — every layer kind, the
shipped specs, random stacks and graphs — and the command line shows and explains them.

The tools are run here on the module `netspec compile` emits (compiled in memory), batch 1, in
eval mode, with their output silenced; none of netspec's counting code is used to get their side.
"""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
import warnings

import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from random_graphs import graphs
from random_graphs import render as render_graph
from random_stacks import render, stacks

from netspec import conventions, resources
from netspec.checker import check_source, check_text
from netspec.cli import main
from netspec.loading import load_spec
from netspec.training.model import compiled_model_class

TOOLS = ("ptflops", "thop", "fvcore", "torchinfo")


@contextlib.contextmanager
def silenced():
    """The tools print tables, [INFO] lines and tracer warnings: none of it reaches the test log."""
    with (
        contextlib.redirect_stdout(io.StringIO()),
        contextlib.redirect_stderr(io.StringIO()),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore")
        yield


def fresh_model(result):
    torch.manual_seed(0)
    return compiled_model_class(result)().eval()


def ptflops_macs(result) -> int:
    with silenced():
        from ptflops import get_model_complexity_info

        macs, _ = get_model_complexity_info(
            fresh_model(result), tuple(result.input_shape), as_strings=False, print_per_layer_stat=False, verbose=False
        )
    assert macs is not None, "ptflops failed on the compiled module"
    return macs


def thop_macs(result) -> int:
    with silenced():
        from thop import profile  # imports distutils: a DeprecationWarning

        macs, _ = profile(fresh_model(result), inputs=(torch.zeros(1, *result.input_shape),), verbose=False)
    assert macs == int(macs)  # a float64 sum of whole numbers
    return int(macs)


def fvcore_macs(result) -> int:
    with silenced():
        from fvcore.nn import FlopCountAnalysis

        analysis = FlopCountAnalysis(fresh_model(result), torch.zeros(1, *result.input_shape))
        analysis.unsupported_ops_warnings(False).uncalled_modules_warnings(False)
        macs = analysis.total()
    assert macs == int(macs)
    return int(macs)


def torchinfo_macs(result) -> int:
    with silenced():
        from torchinfo import summary

        statistics = summary(fresh_model(result), input_size=(1, *result.input_shape), verbose=0, mode="eval")
    return statistics.total_mult_adds


MEASURE = {"ptflops": ptflops_macs, "thop": thop_macs, "fvcore": fvcore_macs, "torchinfo": torchinfo_macs}


def checked(text: str):
    result = check_text(text, "spec.net")
    assert result.ok, [d.message for d in result.diagnostics.items]
    return result


# Every layer kind, and the options that change what a tool counts: bias, groups, SAME padding with
# an odd cell (an explicit F.pad or netspec's SameAvgPool2d), ceil mode, non-square scales, merges.
KIND_CASES = [
    "input 2x8x8\nconv 3 3x3",
    "input 2x8x8\nconv 3 3x3 bias=false",
    "input 4x8x8\nconv 6 3x3 groups=2",
    "input 2x9x9\nconv 3 3x3 stride=2 pad=same",
    "input 2x8x8\nconv 3 3x3 stride=2 pad=same",
    "input 2x8x8\nconv 3 3x3 dilation=2",
    "input 2x8x8\nconvtranspose 3 3x3 stride=2",
    "input 4x8x8\nconvtranspose 6 3x3 stride=2 groups=2 bias=false",
    "input 4x8x8\nconvtranspose 6 4x4 stride=2 pad=1 outpad=1",
    "input 2x8x8\nupsample 2",
    "input 2x8x8\nupsample 2x3 mode=bilinear",
    "input 2x9x9\nmaxpool 3 stride=2 pad=same",
    "input 2x8x8\nmaxpool 3 stride=2 pad=same",
    "input 2x9x9\nmaxpool 3 stride=2 ceil=true",
    "input 2x8x8\navgpool 2",
    "input 2x9x9\navgpool 3 stride=2 pad=same",
    "input 2x8x8\navgpool 3 stride=2 pad=same",
    "input 2x9x9\navgpool 3 stride=2 pad=1",
    "input 2x8x8\nl2pool 2",
    "input 2x8x8\nl2pool 3 stride=2 pad=same",
    "input 2x8x8\nl2pool 3 stride=2 pad=1",
    "input 2x8x8\nglobalavgpool",
    "input 2x8x8\nglobalmaxpool",
    "input 2x9x9\nadaptiveavgpool 3",
    "input 3x13x11\nadaptiveavgpool 6x4",
    "input 2x8x8\nadaptivemaxpool 3",
    "input 2x4x4\nfc 5",
    "input 2x4x4\nfc 5 bias=false",
    "input 10\nfc 5",
    "input 2x4x4\nflatten",
    "input 2x4x4\ndropout 0.5",
    "input 10\nbatchnorm",
    "input 2x8x8\nbatchnorm",
    "input 3x4x4\nlrn 3",
    "input 7x4x5\nlrn 4 alpha=0.001 beta=0.5 k=2",
    *(f"input 2x8x8\n{kind}" for kind in ("relu", "leakyrelu", "elu", "gelu", "sigmoid", "tanh", "relu6")),
    *(f"input 2x8x8\n{kind}" for kind in ("hardswish", "hardsigmoid", "silu", "identity")),
    "input 2x4x4\nsoftmax",
    "input 10\nsoftmax",
    "input 2x8x8\nadd { branch { conv 2 1x1 } branch { } }",
    "input 2x8x8\nmul { branch { conv 2 1x1 } branch { } }",
    "input 2x8x8\nconcat crop=center { branch { conv 2 3x3 } branch { } }",
    "input 2x8x8\nresidual { conv 2 1x1; relu }",
]


def test_every_registered_kind_and_merge_has_a_case():
    """A layer kind added to netspec without a case here would count 0 under every tool unseen."""
    from netspec.layers import KINDS
    from netspec.layers.merge import MERGES

    covered = {layer.kind for case in KIND_CASES for layer in checked(case).layers}
    assert {kind.name for kind in (*KINDS, *MERGES)} <= covered


@pytest.mark.parametrize("text", KIND_CASES, ids=[case.split("\n", 1)[1][:40] for case in KIND_CASES])
def test_every_layer_kind_counts_as_each_tool_counts_it(text):
    result = checked(text)
    measured = {tool: MEASURE[tool](result) for tool in TOOLS}
    assert {tool: conventions.total(result, tool) for tool in TOOLS} == measured
    assert conventions.total(result, "netspec") == result.macs


# Every shipped spec: biases, LRN, ReLU, max pooling and softmax (AlexNet), batch norm, residuals
# and global pooling (ResNets), average pooling and tanh (LeNet-5), ReLU6 and grouped convolutions
# (MobileNetV2), concatenations (GoogLeNet, DenseNet) — except U-Net, whose 572x572 input takes
# the four tools 35 s on two cores; its transposed convolutions and cropped concatenations are in
# KIND_CASES.
SHIPPED = tuple(path.name for path in resources.bundled_specs() if path.name != "unet.net")


@pytest.fixture(scope="module", params=SHIPPED)
def shipped(request):
    source, _ = load_spec(request.param)
    result = check_source(source)
    assert result.ok
    return result


@pytest.mark.parametrize("tool", TOOLS)
def test_shipped_specs_count_as_each_tool_counts_them(shipped, tool):
    assert conventions.total(shipped, tool) == MEASURE[tool](shipped)


def test_the_differences_from_netspec_add_up_to_the_difference_of_the_totals(shipped):
    for tool in TOOLS:
        explained = sum(delta for _, delta in conventions.differences(shipped, tool))
        assert conventions.total(shipped, tool) - shipped.macs == explained


@settings(max_examples=25)
@given(stacks(max_spatial=4, max_head=3), st.data())
def test_random_stacks_count_as_each_tool_counts_them(drawn, data):
    shape, stack = drawn
    text, _ = render(shape, stack, data)
    result = check_text(text, "random.net")
    assume(result.ok)
    for tool in TOOLS:
        assert conventions.total(result, tool) == MEASURE[tool](result), (tool, text)


@settings(max_examples=15)
@given(graphs(), st.integers(0, 2))
def test_random_graphs_count_as_each_tool_counts_them(drawn, calls):
    """Residuals, add, concat (cropped too) and mul, nested, also as the body of a block called
    again and again: merges count 0 under every tool, the layers around them as in a stack."""
    shape, items = drawn
    text, _ = render_graph(shape, items, calls)
    result = check_text(text, "graph.net")
    assume(result.ok)
    for tool in TOOLS:
        assert conventions.total(result, tool) == MEASURE[tool](result), (tool, text)


# --- the command line -----------------------------------------------------------------------------


def test_check_prints_a_conventions_total_and_explains_the_difference(capsys):
    source, _ = load_spec("alexnet.net")
    result = check_source(source)
    assert main(["check", "alexnet.net", "--macs-convention", "PTFLOPS"]) == 0
    out = capsys.readouterr().out
    lines = out.split("MACs per sample under other tools' conventions")[1].splitlines()
    ptflops = next(line for line in lines if line.strip().startswith("ptflops"))
    assert f"{conventions.total(result, 'ptflops'):,}" in ptflops
    for category, _ in conventions.differences(result, "ptflops"):
        assert (category if category != "bias" else "biases") in ptflops
    assert not any(line.strip().startswith(("thop", "fvcore")) for line in lines)
    assert any(line.split()[:2] == ["netspec", f"{result.macs:,}"] for line in lines)


def test_check_all_lists_every_convention_and_json_has_them(capsys):
    source, _ = load_spec("resnet18.net")
    result = check_source(source)
    assert main(["check", "resnet18.net", "--macs-convention", "all", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)["macs_conventions"]
    assert list(report) == list(conventions.CONVENTIONS)
    for name, entry in report.items():
        assert entry["macs"] == conventions.total(result, name) == sum(entry["by_kind"].values())
        assert entry["difference"] == entry["macs"] - result.macs
        assert sum(entry["by_layer"]) == entry["macs"] and len(entry["by_layer"]) == len(result.layers)
    assert report["netspec"]["by_layer"] == [layer.macs for layer in result.layers]
    by_kind = {kind: sum(x.macs for x in result.layers if x.kind == kind) for kind in ("conv", "fc")}
    assert report["netspec"]["by_kind"] == by_kind


def test_an_unknown_convention_is_a_usage_error_with_a_suggestion(capsys):
    assert main(["check", "lenet.net", "--macs-convention", "ptflop"]) == 2
    err = capsys.readouterr().err
    assert "argument --macs-convention: unknown MAC convention 'ptflop': did you mean 'ptflops'?" in err


def test_a_spec_with_errors_prints_no_conventions(capsys, tmp_path):
    path = tmp_path / "broken.net"
    path.write_text("input 1x4x4\nconv 4 9x9\n", encoding="utf-8")
    assert main(["check", str(path), "--macs-convention", "all", "--json"]) == 1
    assert "macs_conventions" not in json.loads(capsys.readouterr().out)


def test_the_flags_keep_check_free_of_torch():
    code = (
        "import sys; from netspec.cli import main; "
        "main(['check', 'lenet.net', '--macs-convention', 'all', '--budget', 'params=1K']); "
        "print('torch' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip().endswith("False")
    assert "[over-budget]" in result.stdout and "fvcore" in result.stdout


def test_an_unknown_convention_without_a_guess_lists_them(capsys):
    assert main(["check", "lenet.net", "--macs-convention", "zzzz"]) == 2
    err = capsys.readouterr().err
    assert err.rstrip().endswith(
        "argument --macs-convention: unknown MAC convention 'zzzz' (one of netspec, ptflops, thop, fvcore, "
        "torchinfo or all)"
    )

"""Transposed convolution, upsampling, adaptive pooling and the MobileNet-era activations.

The pure arithmetic (netspec.arithmetic_resampling) against PyTorch: output sizes, PyTorch's
output-padding rule, adaptive bins, and receptive-field windows counted from gradients (an output
unit's gradient with respect to the input is non-zero exactly on the input cells it reads). Then the
checker's diagnostics, its saved tensors against autograd, and the compiled code.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

torch = pytest.importorskip("torch")

from compile_support import compile_text, load_module, network_class  # noqa: E402
from random_stacks import DRAWN_KINDS  # noqa: E402
from reference_torch import build, flop_count, saved_bytes  # noqa: E402
from torch import nn  # noqa: E402

from netspec import arithmetic_resampling as rs  # noqa: E402
from netspec.checker import check_text  # noqa: E402
from netspec.layers import KINDS, lookup  # noqa: E402
from netspec.memory import estimate  # noqa: E402

# --- helpers -------------------------------------------------------------------------------------


def read_spans(module: nn.Module, n: int, out_positions: int | None = None) -> list[tuple[int, int]]:
    """For a module on a 1 x 1 x n x 1 input, the first and last input row each output row reads:
    where the gradient of that output is non-zero (weights are set to 1 so that no tap cancels).
    Outputs that read nothing are left out."""
    for parameter in module.parameters():
        nn.init.ones_(parameter)
    x = torch.rand(1, 1, n, 1, requires_grad=True)
    y = module(x)
    spans = []
    for o in range(y.shape[2] if out_positions is None else out_positions):
        (grad,) = torch.autograd.grad(y[0, 0, o, 0], x, retain_graph=True)
        rows = grad[0, 0, :, 0].nonzero().flatten().tolist()
        if rows:
            spans.append((rows[0], rows[-1]))
    return spans


def widest(spans: list[tuple[int, int]]) -> int:
    return max(last - first + 1 for first, last in spans)


# --- transposed convolution ----------------------------------------------------------------------


def test_transposed_output_size_doubles_with_stride_2_kernel_2():
    assert rs.transposed_output_size(28, k=2, s=2, p=0) == 56


def test_transposed_output_size_counts_outpad_and_dilation():
    # (28 − 1)·2 − 2·1 + 2·(3 − 1) + 1 + 1 = 58
    assert rs.transposed_output_size(28, k=3, s=2, p=1, outpad=1, d=2) == 58


@given(
    n=st.integers(1, 12),
    k=st.integers(1, 5),
    s=st.integers(1, 4),
    p=st.integers(0, 3),
    d=st.integers(1, 3),
    data=st.data(),
)
def test_transposed_output_size_matches_torch(n, k, s, p, d, data):
    outpad = data.draw(st.integers(0, max(s, d) - 1))
    expected = rs.transposed_output_size(n, k, s, p, outpad, d)
    layer = nn.ConvTranspose2d(1, 1, (k, 1), stride=(s, 1), padding=(p, 0), output_padding=(outpad, 0), dilation=(d, 1))
    if expected < 1:
        # PyTorch raises, except that its oneDNN path (CPU) returns an empty tensor for exactly 0
        try:
            y = layer(torch.zeros(1, 1, n, 1))
        except RuntimeError as error:
            assert "Output size is too small" in str(error)
        else:
            assert expected == 0 and y.shape[2] == 0
    else:
        assert layer(torch.zeros(1, 1, n, 1)).shape[2] == expected


@pytest.mark.parametrize("s", [1, 2, 3])
@pytest.mark.parametrize("d", [1, 2, 3])
@pytest.mark.parametrize("outpad", [0, 1, 2, 3])
def test_output_padding_rule_is_pytorchs(outpad, s, d):
    layer = nn.ConvTranspose2d(1, 1, 3, stride=(s, 1), output_padding=(outpad, 0), dilation=(d, 1))
    if rs.output_padding_allowed(outpad, s, d):
        layer(torch.zeros(1, 1, 4, 4))
    else:
        with pytest.raises(RuntimeError, match="output padding must be smaller"):
            layer(torch.zeros(1, 1, 4, 4))


@given(k=st.integers(1, 6), s=st.integers(1, 5), d=st.integers(1, 4), p=st.integers(0, 3))
def test_transposed_window_is_the_widest_span_an_output_reads(k, s, d, p):
    n = 2 * (d * k // s + 2) + 3  # interior outputs exist: they read as much as any output can
    layer = nn.ConvTranspose2d(1, 1, (k, 1), stride=(s, 1), padding=(p, 0), dilation=(d, 1), bias=False)
    if rs.transposed_output_size(n, k, s, p, 0, d) < 1:
        return
    assert rs.transposed_window(k, s, d) == widest(read_spans(layer, n))


def test_transposed_window_of_kernel_3_stride_2_is_two_inputs():
    assert rs.transposed_rf_window(3, 2) == (2, Fraction(1, 2))
    assert rs.transposed_rf_window(3, 1, d=2) == (5, 1)  # stride 1: the dilated kernel


def test_transposed_macs_match_the_flop_counter():
    stack = [("convtranspose", {"filters": 6, "kernel": (3, 2), "stride": (2, 2), "groups": 2})]
    result = check_text("input 4x7x5\nconvtranspose 6 3x2 stride=2 groups=2\n")
    assert result.macs == rs.transposed_macs(4, 6, 3, 2, 2, 7, 5) == 7 * 5 * 4 * 3 * 3 * 2
    assert 2 * result.macs == flop_count(build(stack, (4, 7, 5)), (4, 7, 5))


def test_bad_outpad_is_an_error_at_the_option():
    text = "input 1x8x8\ndeconv 2 3 stride=2 outpad=2\n"
    (error,) = check_text(text).diagnostics.errors
    assert error.code == "bad-outpad"
    assert (error.span.line, error.span.column) == (2, 21)  # under `outpad=2`
    assert "smaller than the stride (2) or the dilation (1)" in error.message
    assert "outpad=1" in error.hint


def test_outpad_on_one_axis_is_checked_on_that_axis():
    assert check_text("input 1x8x8\ndeconv 2 3 stride=2x1 outpad=1x0\n").ok
    (error,) = check_text("input 1x8x8\ndeconv 2 3 stride=2x1 outpad=0x1\n").diagnostics.errors
    assert error.code == "bad-outpad" and "width" in error.message
    assert error.hint == "remove outpad (stride 1 allows none)"


def test_padding_that_crops_the_whole_output_is_an_error_at_the_pad():
    (error,) = check_text("input 1x5x5\ndeconv 2 3 pad=5\n").diagnostics.errors
    assert error.code == "pad-too-large"
    assert (error.span.line, error.span.column) == (2, 12)
    assert "(5 − 1)·1 − 2·5 + 1·(3 − 1) + 0 + 1 = -3 < 1" in error.message
    assert check_text("input 1x5x5\ndeconv 2 3 pad=3\n").ok  # the hint's largest padding


def test_groups_must_divide_input_channels_and_filters():
    (error,) = check_text("input 3x4x4\ndeconv 4 3 groups=2\n").diagnostics.errors
    assert error.code == "groups"


def test_convtranspose_explains_its_arithmetic():
    (layer,) = check_text("input 8x28x28\ndeconv 4 3 stride=2 pad=1 outpad=1\n").layers
    assert layer.output == (4, 56, 56)
    assert "OH = (28 − 1)·2 − 2·1 + 1·(3 − 1) + 1 + 1 = 56" in layer.explain
    assert layer.params == 8 * 4 * 3 * 3 + 4


# --- upsampling ----------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["nearest", "bilinear"])
@pytest.mark.parametrize("s", [1, 2, 3, 4])
def test_upsample_window_is_the_widest_span_an_output_reads(s, mode):
    layer = nn.Upsample(
        scale_factor=(float(s), 1.0), mode=mode, **({"align_corners": False} if mode != "nearest" else {})
    )
    cells, jump = rs.upsample_window(s, mode)
    assert cells == widest(read_spans(layer, 9))
    assert jump == Fraction(1, s)


def test_upsample_scales_each_axis():
    (layer,) = check_text("input 3x5x7\nupsample 2x3 mode=bilinear\n").layers
    assert layer.output == (3, 10, 21)
    assert layer.params == layer.macs == 0


def test_upsample_mode_is_checked_with_a_suggestion():
    (error,) = check_text("input 3x5x7\nupsample 2 mode=bilinar\n").diagnostics.errors
    assert error.code == "bad-value" and error.hint == "did you mean `bilinear`?"


# --- adaptive pooling ----------------------------------------------------------------------------


@pytest.mark.parametrize("n", [5, 7, 10, 13])
@pytest.mark.parametrize("out", [1, 2, 3, 4, 6, 16])
def test_adaptive_bins_are_pytorchs_for_sizes_that_do_not_divide(n, out):
    layer = nn.AdaptiveAvgPool2d((out, 1))
    assert read_spans(layer, n) == [(start, end - 1) for start, end in rs.adaptive_bins(n, out)]


@given(n=st.integers(1, 60), out=st.integers(1, 60))
def test_adaptive_largest_bin_is_the_largest_of_the_bins(n, out):
    assert rs.adaptive_largest_bin(n, out) == max(end - start for start, end in rs.adaptive_bins(n, out))


def test_adaptive_window_jumps_by_input_over_output():
    assert rs.adaptive_rf_window(7, 3) == (3, Fraction(7, 3))
    assert rs.adaptive_rf_window(8, 4) == (2, 2)
    assert type(rs.adaptive_rf_window(8, 4)[1]) is int  # whole jumps stay ints


def test_adaptive_pool_gives_the_requested_size_larger_than_the_input_too():
    result = check_text("input 2x7x5\nadaptiveavgpool 3\nadaptivemaxpool 4x9\n")
    assert [layer.output for layer in result.layers] == [(2, 3, 3), (2, 4, 9)]


def test_adaptive_pools_are_no_longer_aliases_of_the_global_pools():
    assert lookup("adaptiveavgpool").name == "adaptiveavgpool"
    assert lookup("adaptivemaxpool").name == "adaptivemaxpool"
    (error,) = check_text("input 2x7x5\nadaptiveavgpool\n").diagnostics.errors
    assert error.code == "missing-arg"


# --- the checker: receptive fields, memory, the random generator ---------------------------------


def test_checker_jump_becomes_a_fraction_after_upsampling():
    """Needs the checker to accept fractional jumps (ReceptiveField with Fraction arithmetic)."""
    result = check_text("input 1x16x16\nupsample 2\nconv 1 3\ndeconv 1 3 stride=2\n")
    assert [layer.jump for layer in result.layers] == [
        (Fraction(1, 2),) * 2,
        (Fraction(1, 2),) * 2,
        (Fraction(1, 4),) * 2,
    ]
    assert result.layers[1].rf == (2, 2)  # conv 3 on a 2x nearest upsample reads 2 input cells
    assert result.layers[2].rf == (Fraction(5, 2),) * 2  # the recurrence: 2 + (2 − 1)·½


def test_checker_rf_of_one_convtranspose_is_its_window():
    (layer,) = check_text("input 1x16x16\ndeconv 1 5 stride=2 dilation=3\n").layers
    span = widest(read_spans(nn.ConvTranspose2d(1, 1, (5, 1), stride=(2, 1), dilation=(3, 1), bias=False), 16))
    assert layer.rf == (span, span)


NEW_KINDS_WITH_A_CONV_BEFORE = [
    "relu6",
    "hardswish",
    "hardsigmoid",
    "silu",
    "identity",
    "upsample 2",
    "upsample 3x2 mode=bilinear",
    "adaptiveavgpool 1",
    "adaptiveavgpool 3x2",
    "adaptivemaxpool 1",
    "adaptivemaxpool 4",
    "deconv 3 3 stride=2 outpad=1",
]


@pytest.mark.parametrize("statement", NEW_KINDS_WITH_A_CONV_BEFORE)
def test_saved_tensors_match_autograd(statement):
    """After a conv (so that autograd records), the layer's saved tensors and the conv's input."""
    text = f"input 2x9x7\nconv 4 3\n{statement}\n"
    result = check_text(text)
    assert result.ok, [e.message for e in result.diagnostics.errors]
    stack = [(layer.kind, dict(layer.instance.values)) for layer in result.layers]
    measured = saved_bytes(build(stack, (2, 9, 7)), (2, 9, 7), batch=3)
    assert estimate(result, batch=3, device="cpu").saved == measured


def test_random_stacks_draw_every_layer_kind():
    assert {kind.name for kind in KINDS} <= DRAWN_KINDS


def test_every_new_kind_has_a_family():
    families = {kind.name: kind.family for kind in KINDS}
    assert families["convtranspose"] == "deconv"
    assert families["upsample"] == "up"
    assert families["adaptiveavgpool"] == families["adaptivemaxpool"] == "pool"


# --- compile -------------------------------------------------------------------------------------

EVERY_NEW_KIND = """\
input 3x11x9
conv 4 3 pad=1
relu6
expand: deconv 6 3 stride=2 pad=1 outpad=1 groups=2 bias=false
hardswish
deconv 2 2x3 stride=2x1 dilation=2 outpad=1x0
hardsigmoid
upsample 2
silu
upsample 2x3 mode=bilinear
swish
identity
adaptiveavgpool 5x3
adaptivemaxpool 2
adaptiveavgpool 1
flatten
fc 3
identity
"""


def test_new_kinds_compile_to_modules_that_agree_with_check(tmp_path):
    result, source = compile_text(EVERY_NEW_KIND)
    model = network_class(load_module(source, tmp_path), result)()
    assert sum(p.numel() for p in model.parameters()) == result.params
    seen = {}
    for layer in result.layers:
        getattr(model, layer.name).register_forward_hook(
            lambda _m, _i, out, name=layer.name: seen.__setitem__(name, tuple(out.shape[1:]))
        )
    model.train()
    out = model(torch.randn(2, *result.input_shape))
    assert seen == {layer.name: layer.output for layer in result.layers}
    assert tuple(out.shape) == (2, *result.output_shape)


def test_compiled_constructors_read_as_pytorch():
    result = check_text(EVERY_NEW_KIND)
    modules = [
        layer.instance.kind.emit(layer.instance.values, layer.input, layer.output).module for layer in result.layers
    ]
    assert modules[1:11] == [
        "nn.ReLU6()",
        "nn.ConvTranspose2d(4, 6, kernel_size=3, stride=2, padding=1, output_padding=1, groups=2, bias=False)",
        "nn.Hardswish()",
        "nn.ConvTranspose2d(6, 2, kernel_size=(2, 3), stride=(2, 1), output_padding=(1, 0), dilation=2)",
        "nn.Hardsigmoid()",
        'nn.Upsample(scale_factor=2, mode="nearest")',
        "nn.SiLU()",
        'nn.Upsample(scale_factor=(2, 3), mode="bilinear", align_corners=False)',
        "nn.SiLU()",
        "nn.Identity()",
    ]
    assert modules[11:14] == ["nn.AdaptiveAvgPool2d((5, 3))", "nn.AdaptiveMaxPool2d(2)", "nn.AdaptiveAvgPool2d(1)"]

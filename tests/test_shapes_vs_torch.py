"""Property tests: for random stacks, the checker agrees with PyTorch layer by layer.

The reference models are built by tests/reference_torch.py from the same random descriptors the
spec text is rendered from, without netspec code, and run on zeros; the checker never sees them.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

torch = pytest.importorskip("torch")

from random_graphs import Graph, from_checked  # noqa: E402
from random_stacks import render, stacks  # noqa: E402
from reference_torch import buffer_count, build, flop_count, parameter_count, stepwise_shapes  # noqa: E402

from netspec import resources  # noqa: E402
from netspec.checker import check_text  # noqa: E402

# The errors a stack of valid layers can still run into, each one a case where PyTorch raises too.
SHAPE_ERRORS = {"kernel-too-large", "pad-too-large", "groups"}


def check_against_torch(shape: tuple, stack: list, text: str, lines: list[int]) -> None:
    result = check_text(text)
    model = build(stack, shape)
    shapes, failed_at = stepwise_shapes(model, shape)
    errors = result.diagnostics.errors
    if failed_at is not None:
        assert not result.ok, f"PyTorch raised at layer {failed_at + 1}, the checker did not\n{text}"
        assert [e.span.line for e in errors] == [lines[failed_at]], text
        assert errors[0].code in SHAPE_ERRORS, errors[0]
        return
    assert result.ok, (text, [e.message for e in errors])
    assert [layer.output for layer in result.layers] == shapes, text
    assert result.params == parameter_count(model), text
    assert result.buffers == buffer_count(model), text
    assert 2 * result.macs == flop_count(model, shape), text
    assert [layer.line for layer in result.layers] == lines


@pytest.mark.parametrize("path", resources.bundled_specs(), ids=lambda p: p.name)
def test_shipped_specs_match_torch_layer_by_layer(path):
    """Shapes, parameters, buffers and MACs of every shipped spec; the reference is built from the
    elaborated layers (kinds and options), everything else comes from torch."""
    result = check_text(path.read_text(encoding="utf-8"))
    model = Graph(from_checked(result), result.input_shape).eval()
    with torch.no_grad():
        model(torch.zeros(1, *result.input_shape))
    assert [layer.output for layer in result.layers] == [tuple(o.shape[1:]) for o in model.outputs]
    assert result.params == parameter_count(model)
    assert result.buffers == buffer_count(model)
    assert 2 * result.macs == flop_count(model, result.input_shape)


@given(stacks(), st.data())
def test_random_stack_shapes_and_parameters_match_torch(case, data):
    shape, stack = case
    text, lines = render(shape, stack, data)
    check_against_torch(shape, stack, text, lines)


@given(
    n=st.integers(1, 40),
    k=st.integers(1, 7),
    s=st.integers(1, 4),
    d=st.integers(1, 3),
    layer=st.sampled_from(["conv", "maxpool", "avgpool", "l2pool"]),
)
def test_same_padding_gives_ceil_of_input_over_stride(n, k, s, d, layer):
    options = {"kernel": (k, k), "stride": (s, s), "pad": "same"}
    if layer == "conv":
        options = {"filters": 2, **options, "dilation": (d, d)}
    shape, stack = (1, n, n + 1), [(layer, options)]
    text, lines = render(shape, stack)
    result = check_text(text)
    assert result.ok, text
    assert result.layers[0].output[1:] == (math.ceil(n / s), math.ceil((n + 1) / s))
    check_against_torch(shape, stack, text, lines)


@given(
    n=st.integers(1, 30),
    k=st.integers(1, 6),
    s=st.integers(1, 4),
    p=st.integers(0, 3),
    layer=st.sampled_from(["maxpool", "avgpool", "l2pool"]),
)
def test_ceil_mode_pooling_matches_torch(n, k, s, p, layer):
    """Ceil mode keeps a last partial window unless it would start in the right padding;
    a window larger than a small input is allowed as long as one window starts inside it."""
    stack = [(layer, {"kernel": (k, k), "stride": (s, s), "pad": (p, p), "ceil": True})]
    text, lines = render((2, n, n), stack)
    check_against_torch((2, n, n), stack, text, lines)


@given(
    n=st.integers(1, 12),
    p=st.integers(0, 2),
    excess=st.integers(1, 4),
    d=st.integers(1, 2),
    data=st.data(),
)
def test_conv_kernel_larger_than_padded_input_is_an_error(n, p, excess, d, data):
    """A dilated kernel covering more than `n + 2p` cells: PyTorch raises, the checker says
    `kernel-too-large` at the kernel and names the axis."""
    k_eff = n + 2 * p + excess
    k = -(-(k_eff - 1) // d) + 1  # the smallest kernel whose dilated size reaches k_eff
    horizontal = data.draw(st.booleans())
    kernel, shape = ((1, k), (1, n + 50, n)) if horizontal else ((k, 1), (1, n, n + 50))
    stack = [("conv", {"filters": 3, "kernel": kernel, "pad": (p, p), "dilation": (d, d)})]
    text, lines = render(shape, stack)
    _, failed_at = stepwise_shapes(build(stack, shape), shape)
    assert failed_at == 0
    (error,) = check_text(text).diagnostics.errors
    assert error.code == "kernel-too-large"
    assert ("width" if horizontal else "height") in error.message
    assert text.splitlines()[lines[0] - 1].startswith("conv 3 ")
    assert (error.span.line, error.span.column) == (lines[0], 8)  # under the kernel


@given(n=st.integers(1, 10), excess=st.integers(1, 3), layer=st.sampled_from(["maxpool", "avgpool", "l2pool"]))
def test_pool_kernel_larger_than_input_is_an_error_in_floor_mode(n, excess, layer):
    stack = [(layer, {"kernel": (n + excess, n + excess), "stride": (1, 1)})]
    text, lines = render((1, n, n), stack)
    _, failed_at = stepwise_shapes(build(stack, (1, n, n)), (1, n, n))
    assert failed_at == 0
    (error,) = check_text(text).diagnostics.errors
    assert (error.code, error.span.line) == ("kernel-too-large", lines[0])

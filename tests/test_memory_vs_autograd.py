"""The memory model's saved-for-backward figure against what autograd really keeps (docs/memory.md).

PyTorch reports every tensor it saves for backward to `torch.autograd.graph.saved_tensors_hooks`;
tests/reference_torch.py counts each storage once and leaves out parameters and buffers. The
estimate must be within 5% of that for every shipped spec and for random stacks.
"""

from __future__ import annotations

import pytest
from hypothesis import assume, given

torch = pytest.importorskip("torch")

from random_graphs import Graph, from_checked  # noqa: E402
from random_stacks import render, stacks  # noqa: E402
from reference_torch import build, parameter_count, saved_bytes, stepwise_shapes  # noqa: E402

from netspec import resources  # noqa: E402
from netspec.checker import check_source, check_text  # noqa: E402
from netspec.loading import load_spec  # noqa: E402
from netspec.memory import estimate  # noqa: E402

TOLERANCE = 0.05
# keeps the big forwards cheap on a CPU
SMALL_BATCH = {name: 1 for name in ("vgg16.net", "resnet50.net", "densenet121.net", "googlenet.net", "unet.net")} | {
    "alexnet.net": 2,
    "resnet18.net": 2,
    "mobilenet_v2.net": 2,
    "squeezenet.net": 2,
}


def assert_close(estimated: int, measured: int, what: str) -> None:
    assert abs(estimated - measured) <= TOLERANCE * measured, (
        f"{what}: estimated {estimated:,} bytes, autograd saved {measured:,} "
        f"({(estimated - measured) / max(measured, 1):+.1%})"
    )


@pytest.mark.parametrize("path", resources.bundled_specs(), ids=lambda p: p.name)
def test_saved_activations_of_shipped_specs_match_autograd(path):
    source, _ = load_spec(str(path))
    result = check_source(source)
    assert result.ok
    # The reference is built from the elaborated layers (kinds, options and merges as the spec
    # gives them); shapes, counts and the saved tensors all come from torch.
    model = Graph(from_checked(result), result.input_shape)
    batch = SMALL_BATCH.get(path.name, 4)
    measured = saved_bytes(model, result.input_shape, batch)
    assert parameter_count(model) == result.params
    assert_close(estimate(result, batch=batch, device="cpu").saved, measured, path.name)


def test_saved_activations_grow_linearly_with_the_batch():
    source, _ = load_spec(str(resources.specs_dir() / "lenet.net"))
    result = check_source(source)
    model = build([(layer.kind, dict(layer.instance.values)) for layer in result.layers], result.input_shape)
    one, five = (saved_bytes(model, result.input_shape, b) for b in (1, 5))
    assert five == 5 * one
    assert estimate(result, batch=5, device="cpu").saved == 5 * estimate(result, batch=1, device="cpu").saved


@given(stacks(vector_input=False))
def test_saved_activations_of_random_stacks_match_autograd(case):
    shape, stack = case
    text, _ = render(shape, stack)
    model = build(stack, shape)
    assume(stepwise_shapes(model, shape)[1] is None)  # test_shapes_vs_torch.py checks the errors
    result = check_text(text)
    assert result.ok, text
    measured = saved_bytes(model, shape, batch=4)
    assert_close(estimate(result, batch=4, device="cpu").saved, measured, text)


def test_cuda_dropout_mask_is_one_byte_per_element_on_the_estimate():
    """On CUDA the fused dropout keeps a bool mask; on CPU the float noise (measured above)."""
    result = check_text("input 100\nfc 10\ndropout 0.5\n")
    cpu = estimate(result, batch=1, device="cpu").saved
    cuda = estimate(result, batch=1, device="cuda").saved
    assert cpu - cuda == 10 * 4 - 10 * 1

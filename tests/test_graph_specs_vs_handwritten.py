"""The shipped graph specs (branches, merges, residuals) against hand-written PyTorch networks.

tests/reference_nets.py writes each network from its paper and torchvision's layout without any
netspec code; each must have the published parameter count. The checker's totals must then equal
what PyTorch measures on the reference: parameters, batch-norm buffers, the output shape, FLOPs
(torch.utils.flop_counter counts 2 per multiply-accumulate of conv, conv-transpose and linear
layers, netspec's MACs convention) and the output shape of every weighted layer.

`-k reference` runs the tests of the references alone.
"""

from __future__ import annotations

import functools
import re

import pytest

torch = pytest.importorskip("torch")

from reference_nets import PUBLISHED, REFERENCES  # noqa: E402
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402

from netspec import resources  # noqa: E402
from netspec.checker import check_source  # noqa: E402
from netspec.loading import load_spec  # noqa: E402

nn = torch.nn
NAMES = sorted(REFERENCES)
WEIGHTED = (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)


class Measured:
    """What PyTorch says about one reference network on one zero sample."""

    def __init__(self, params, buffers, output: tuple[int, ...], flops: int, macs: int, weighted: list[tuple]):
        self.params = params
        self.buffers = buffers  # persistent buffers: running mean/var and num_batches_tracked
        self.output = output
        self.flops = flops  # torch.utils.flop_counter's total
        self.macs = macs  # from each weighted layer's weight and input/output shapes
        self.weighted = weighted  # output shapes (without batch) of every conv, conv-transpose, linear


@functools.cache
def measure(name: str) -> Measured:
    build, input_shape, _ = REFERENCES[name]
    model = build().eval()
    params = sum(p.numel() for p in model.parameters())
    buffers = sum(t.numel() for t in model.state_dict().values()) - params
    weighted, macs = [], 0

    def record(module, inputs, out):
        nonlocal macs
        weighted.append(tuple(out.shape[1:]))
        # weight: conv (F, C/groups, KH, KW), conv-transpose (C, F/groups, KH, KW), linear (N_out, N_in)
        pixels = (inputs[0] if isinstance(module, nn.ConvTranspose2d) else out)[0, 0].numel()
        macs += pixels * module.weight.numel() if not isinstance(module, nn.Linear) else module.weight.numel()

    hooks = [m.register_forward_hook(record) for m in model.modules() if isinstance(m, WEIGHTED)]
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        output = model(torch.zeros(1, *input_shape))
    for hook in hooks:
        hook.remove()
    return Measured(params, buffers, tuple(output.shape[1:]), counter.get_total_flops(), macs, sorted(weighted))


def spec_path(name: str):
    return resources.specs_dir() / f"{name}.net"


def check(name: str):
    return check_source(load_spec(str(spec_path(name)))[0])


# --- the references alone --------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_reference_has_the_published_parameter_count(name):
    assert measure(name).params == PUBLISHED[name]


@pytest.mark.parametrize("name", NAMES)
def test_reference_output_shape(name):
    assert measure(name).output == REFERENCES[name][2]


@pytest.mark.parametrize("name", NAMES)
def test_reference_flops_are_twice_the_macs_of_the_weighted_layers(name):
    # the convention the checker's MACs follow: conv OH·OW·F·(C/groups)·KH·KW, conv-transpose
    # H·W·F·(C/groups)·KH·KW (one multiply-accumulate per input pixel and weight), fc N_in·N_out
    assert measure(name).flops == 2 * measure(name).macs


# --- the specs -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_spec_header_names_its_source_and_parameter_count(name):
    header = re.match(r"(?:#[^\n]*\n)+", spec_path(name).read_text(encoding="utf-8"))
    assert header is not None
    assert f"{PUBLISHED[name]:,} parameters" in header.group()


@pytest.mark.parametrize("name", NAMES)
def test_spec_agrees_with_the_handwritten_network(name):
    result = check(name)
    measured = measure(name)
    assert result.ok, [d.message for d in result.diagnostics.items]
    assert result.input_shape == REFERENCES[name][1]
    assert result.params == measured.params == PUBLISHED[name]
    assert result.buffers == measured.buffers
    assert result.output_shape == measured.output
    assert 2 * result.macs == measured.flops


@pytest.mark.parametrize("name", NAMES)
def test_spec_weighted_layer_shapes_equal_the_handwritten_network(name):
    result = check(name)
    assert result.ok, [d.message for d in result.diagnostics.items]
    shapes = sorted(layer.output for layer in result.layers if layer.kind in ("conv", "convtranspose", "fc"))
    assert shapes == measure(name).weighted

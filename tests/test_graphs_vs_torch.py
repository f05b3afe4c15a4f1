"""Property tests on random graphs: residuals, merges and nested branches against PyTorch.

The reference (tests/random_graphs.py) interprets the same descriptors the spec text is rendered
from with plain torch modules; the checker never sees it. For every graph: the shape of every
node in order, the parameters, buffers, MACs and saved-for-backward bytes agree, or both fail at
the same node; the compiled module, given the reference's weights, computes the same outputs.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

torch = pytest.importorskip("torch")

from compile_support import compile_text, load_module, network_class  # noqa: E402
from random_graphs import Graph, graphs, render  # noqa: E402
from reference_torch import buffer_count, flop_count, parameter_count, saved_bytes  # noqa: E402

from netspec.checker import check_text  # noqa: E402
from netspec.memory import estimate  # noqa: E402

GRAPH_ERRORS = {"merge-shape", "kernel-too-large", "pad-too-large", "groups"}


def reference_outputs(model: Graph, shape: tuple) -> tuple[list[tuple], bool]:
    """The per-node output shapes the reference reaches, and whether it ran to the end."""
    model.eval()
    with torch.no_grad():
        try:
            model(torch.zeros(1, *shape))
        except (RuntimeError, ValueError):
            return [tuple(o.shape[1:]) for o in model.outputs], False
    return [tuple(o.shape[1:]) for o in model.outputs], True


@given(st.integers(0, 2), st.data())
def test_random_graphs_match_torch_node_by_node(calls, data):
    shape, items = data.draw(graphs(head=calls == 0))
    text, lines = render(shape, items, calls)
    result = check_text(text)
    model = Graph(items * max(calls, 1), shape)
    shapes, ran = reference_outputs(model, shape)
    if not ran:
        assert not result.ok, f"PyTorch raised at node {len(shapes) + 1}, the checker did not\n{text}"
        errors = result.diagnostics.errors
        assert errors and errors[0].code in GRAPH_ERRORS, (text, errors)
        assert errors[0].span.line == lines[len(shapes)], (text, errors, lines)
        return
    assert result.ok, (text, [e.message for e in result.diagnostics.errors])
    assert [layer.output for layer in result.layers] == shapes, text
    assert [layer.line for layer in result.layers] == lines, text
    assert result.params == parameter_count(model), text
    assert result.buffers == buffer_count(model), text
    assert 2 * result.macs == flop_count(model, shape), text


@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], deadline=None)
@given(graphs())
def test_random_graphs_save_what_autograd_saves(case):
    shape, items = case
    text, _ = render(shape, items)
    model = Graph(items, shape)
    if not reference_outputs(model, shape)[1]:
        return  # the test above checks where both fail
    measured = saved_bytes(model, shape, batch=3)
    estimated = estimate(check_text(text), batch=3, device="cpu").saved
    assert abs(estimated - measured) <= 0.05 * measured, (text, estimated, measured)


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], deadline=None)
@given(calls=st.integers(0, 3), data=st.data())
def test_compiled_graphs_compute_what_the_reference_computes(tmp_path_factory, calls, data):
    """Parameters are registered in node order by both, so the reference's weights load into the
    compiled module one by one; then both give the same output for the same input. With `calls`,
    the graph is a block called that many times: its calls share one class where they can."""
    shape, items = data.draw(graphs(head=calls == 0))
    text, _ = render(shape, items, calls)
    model = Graph(items * max(calls, 1), shape)
    if not reference_outputs(model, shape)[1]:
        return
    result, source = compile_text(text)
    compiled = network_class(load_module(source, tmp_path_factory.mktemp("graphs")), result)().eval()
    theirs, ours = list(compiled.parameters()), list(model.parameters())
    assert [p.shape for p in theirs] == [p.shape for p in ours], text
    with torch.no_grad():
        for target, value in zip(theirs, ours):
            target.copy_(value)
        x = torch.randn(2, *shape)
        expected = model(x)
        assert torch.allclose(compiled(x), expected, atol=1e-5, rtol=1e-4), text


def test_a_one_branch_concat_copies_but_a_one_branch_mul_does_not():
    """`torch.cat([x])` is a new tensor, a one-operand product is its operand: what the product
    after it saves is one storage or two (found by a 300-example run of the test above)."""
    shape = (1, 4, 4)
    items = [
        ("layer", "conv", {"filters": 1, "kernel": (1, 1)}),
        ("merge", "concat", "none", [[("layer", "identity", {}), ("merge", "concat", "none", [[]])]]),
        ("merge", "mul", "none", [[], []]),
        ("merge", "mul", "none", [[("layer", "relu", {})]]),
        ("merge", "mul", "none", [[], []]),
    ]
    text, _ = render(shape, items)
    measured = saved_bytes(Graph(items, shape), shape, batch=3)
    assert estimate(check_text(text), batch=3, device="cpu").saved == measured

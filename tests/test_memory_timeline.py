"""The training step's memory timeline (netspec/memory.py) against a measurement (docs/memory.md).

The measurement is bench/memory_vs_measured.py's: the runner's own step (compiled module,
channels-last, foreach optimizer, zero_grad after the forward) run twice under
torch.profiler(profile_memory=True); the peak of the second step is the largest running sum of
the allocator's events. First that measure is checked against peaks worked out by hand, then the
estimate against it, within 5%, on small shipped specs and random stacks and graphs. The full
table (every shipped spec at batch 32) is the bench's job.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

torch = pytest.importorskip("torch")

from random_stacks import render, stacks  # noqa: E402
from torch.profiler import ProfilerActivity, profile, record_function  # noqa: E402

from netspec.checker import check_text  # noqa: E402
from netspec.memory import estimate, held_in_locals, optimizer_temporaries  # noqa: E402

TOLERANCE = 0.05
# bytes the model leaves out: the loss's scalars, the optimizer's step counters, and oneDNN's
# scratch buffers of a convolution (12 to 100 KiB whatever the batch); they matter in toy nets only
UNMODELLED = 128 * 1024
BENCH = Path(__file__).resolve().parents[1] / "bench" / "memory_vs_measured.py"
_spec = importlib.util.spec_from_file_location("memory_vs_measured", BENCH)
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)
FEW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def measured_peak(text: str, batch: int, optimizer: str, weight_decay: float = 0.0) -> int:
    return bench.measure_step(check_text(text), batch, bench.settings_for(optimizer), weight_decay).peak


def assert_close(text: str, batch: int, optimizer: str, weight_decay: float = 0.0, foreach: bool = True) -> None:
    result = check_text(text)
    settings = bench.settings_for(optimizer)
    measured = bench.measure_step(result, batch, settings, weight_decay, foreach=foreach)
    estimated = estimate(
        result, batch=batch, optimizer=optimizer, device="cpu", weight_decay=weight_decay, foreach=foreach
    )
    error = (estimated.total - measured.peak) / measured.peak
    allowed = TOLERANCE * measured.peak + UNMODELLED
    assert abs(estimated.total - measured.peak) <= allowed, (
        f"{optimizer}, batch {batch}: estimated {estimated.total:,} B (peak in {estimated.phase} "
        f"{estimated.layer}), measured {measured.peak:,} B (in {measured.phase}): {error:+.1%}\n{text}"
    )


# --- the measure itself -------------------------------------------------------------------------


def test_the_measure_adds_up_allocations_and_frees_in_order():
    with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof:
        kept = torch.empty(1000)  # before the range: 4,000 bytes
        with record_function("step2"):
            a = torch.empty(1024)  # + 4,096
            b = torch.empty(2048)  # + 8,192
            del a  # − 4,096
            c = torch.empty(4096)  # + 16,384: 8,192 + 16,384 alive
            del b, c
        del kept
    before, peak, _ = bench.live_peak(prof.profiler.kineto_results.events(), "step2")
    assert before == 4000
    assert peak == 4000 + 8192 + 16384


def test_the_measured_peak_of_a_linear_layer_is_the_hand_computed_one():
    """`input 1000; fc 1000`, batch 1, SGD: the peak is in log_softmax, with the previous step's
    gradients still alive (the runner zeroes them after the forward): weights and gradients
    2 × 1,001,000 × 4 B, the batch 1,000 × 4 B + an int64 label, the previous step's
    log-probabilities (the runner holds them until the new ones are assigned), the fc output
    (log_softmax's input) and the new log-probabilities, 4,000 B each."""
    hand = 2 * 1_001_000 * 4 + (1000 * 4 + 8) + 3 * 4000
    assert measured_peak("input 1000\nfc 1000\n", 1, "sgd") == hand


def test_the_measured_adam_step_holds_the_square_roots_of_every_second_moment():
    """foreach Adam peaks in its step: weights, gradients, two moments and `_foreach_sqrt` of the
    second moments, 5 × 1,001,000 × 4 B, with the batch and the log-probabilities; the rest is a
    few scalars (the step counters)."""
    hand = 5 * 1_001_000 * 4 + (1000 * 4 + 8) + 4000
    assert 0 <= measured_peak("input 1000\nfc 1000\n", 1, "adam") - hand <= 64


# --- the estimate against the measure -------------------------------------------------------------


@pytest.mark.parametrize("name", ["lenet", "mnist_cnn", "network3"])
@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_small_shipped_specs_match_the_measured_peak(name, optimizer):
    result = bench.load(name)
    measured = bench.measure_step(result, 4, bench.settings_for(optimizer))
    estimated = estimate(result, batch=4, optimizer=optimizer, device="cpu")
    assert abs(estimated.total - measured.peak) <= TOLERANCE * measured.peak, (name, estimated, measured.peak)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "nesterov", "adam", "adamw", "adagrad", "rmsprop"])
def test_other_optimizers_and_weight_decay_match(optimizer):
    """The optimizer step's temporaries, with the L2 copy of the gradients: a net whose step
    peaks in the optimizer (a large fc, a small batch)."""
    text = "input 8x8x8\nconv 8 3x3\nrelu\nfc 600\nrelu\nfc 10\n"
    assert_close(text, 2, optimizer, weight_decay=5e-4)
    assert estimate(check_text(text), batch=2, optimizer=optimizer, device="cpu", weight_decay=5e-4).phase == (
        "optimizer"
    )


@pytest.mark.parametrize("optimizer", ["sgd", "adam", "adamw", "rmsprop"])
def test_for_loop_optimizers_match(optimizer):
    """foreach=False: torch's for-loop holds temporaries the size of one parameter at a time (two
    for Adam's `exp_avg_sq.sqrt() / c`), not of all of them."""
    text = "input 8x8x8\nconv 8 3x3\nrelu\nfc 600\nrelu\nfc 10\n"
    assert_close(text, 2, optimizer, weight_decay=5e-4, foreach=False)


def test_the_backward_frees_saved_tensors_as_it_goes():
    """A deep stack of convolutions: the old sum (every saved tensor + the largest gradients)
    overestimated it; the timeline's backward peak is below the forward's end plus gradients."""
    text = "input 4x16x16\n" + "conv 8 3x3 pad=1\nrelu\n" * 6 + "fc 10\n"
    assert_close(text, 8, "sgd")


def test_a_branch_result_the_generated_code_keeps_in_a_local_counts_until_the_forward_returns():
    """`branch2 = self.branch2(x)` keeps the up-convolution's output, which nothing saves, alive
    until the network's forward returns (after the loss): a U-Net level in small."""
    text = (
        "input 16x16x16\nconv 16 3x3 pad=1\nrelu\nconcat {\n  branch { }\n  branch {\n    maxpool 2\n"
        "    conv 32 3x3 pad=1\n    relu\n    convtranspose 16 2x2 stride=2\n  }\n}\nconv 16 3x3 pad=1\nrelu\nfc 10\n"
    )
    result = check_text(text)
    deconv = next(n for n, layer in enumerate(result.layers) if layer.kind == "convtranspose")
    assert held_in_locals(result.layers) == {deconv: len(result.layers)}
    assert_close(text, 16, "sgd")


@st.composite
def modelled_specs(draw) -> str:
    """A random network of the layers, merges and channel counts the model is written for (real
    networks' 16-multiples of channels; the layers whose temporaries docs/memory.md lists):
    convolutions, activations, batch norm, max pooling, dropout, residuals and concatenations, then
    a head that flattens or averages."""
    channels, size = draw(st.sampled_from([16, 32])), draw(st.sampled_from([8, 12, 16]))
    lines = [f"input {draw(st.sampled_from([3, 16]))}x{size}x{size}", f"conv {channels} 3x3 pad=1"]
    for _ in range(draw(st.integers(1, 6))):
        part = draw(st.sampled_from(["conv", "act", "batchnorm", "pool", "dropout", "residual", "concat"]))
        if part == "conv":
            channels = draw(st.sampled_from([16, 32, 48]))
            lines.append(f"conv {channels} {draw(st.sampled_from(['1x1', '3x3 pad=1']))}")
        elif part == "act":
            lines.append(draw(st.sampled_from(["relu", "tanh", "sigmoid", "gelu", "leakyrelu", "silu"])))
        elif part == "batchnorm":
            lines.append("batchnorm")
        elif part == "pool" and size % 2 == 0 and size > 4:
            lines.append("maxpool 2")
            size //= 2
        elif part == "dropout":
            lines.append("dropout 0.5")
        elif part == "residual":
            lines += ["residual {", f"  conv {channels} 3x3 pad=1", "  relu", f"  conv {channels} 3x3 pad=1", "}"]
        elif part == "concat":
            lines += ["concat {", "  branch { conv 16 1x1 }", "  branch { conv 16 3x3 pad=1\n relu }", "}"]
            channels = 32
    lines.append("relu")
    lines += draw(st.sampled_from([["fc 10"], ["globalavgpool", "fc 10"], ["maxpool 2", "fc 10"]]))
    return "\n".join(lines) + "\n"


@FEW
@given(modelled_specs(), st.sampled_from(["sgd", "adam"]))
def test_random_networks_match_the_measured_peak(text, optimizer):
    result = check_text(text)
    assume(result.ok)
    assert_close(text, 32, optimizer)


@st.composite
def window_specs(draw) -> str:
    """A random network of the layers whose temporaries come from their window or the generated
    code: strided, dilated and grouped convolutions, transposed convolutions, L2 pooling,
    upsampling, SAME-padded pooling (an explicit F.pad for an odd cell), some of them before the
    first layer with parameters (nothing is recorded there, yet the temporaries are made)."""
    channels, size = draw(st.sampled_from([4, 16])), draw(st.sampled_from([8, 12, 16]))
    lines = [f"input {channels}x{size}x{size}"]
    if draw(st.booleans()):  # before the first layer with parameters
        pre = draw(
            st.sampled_from(
                [
                    "relu",
                    "maxpool 3 stride=2 pad=same",
                    "avgpool 3 stride=2 pad=same",
                    "l2pool 2",
                    "l2pool 3 stride=2 pad=same",
                    "upsample 2",
                    "maxpool 2",
                ]
            )
        )
        lines.append(pre)
        size = (
            size * 2
            if pre.startswith("upsample")
            else (size + 1) // 2
            if "stride=2" in pre or pre.endswith(" 2")
            else size
        )
    channels = draw(st.sampled_from([16, 32]))
    lines.append(f"conv {channels} 3x3 pad=1")
    for _ in range(draw(st.integers(1, 4))):
        part = draw(
            st.sampled_from(["stride", "dilated", "grouped", "deconv", "l2pool", "upsample", "samepool", "act"])
        )
        if part == "stride" and size >= 8:
            lines.append(f"conv {channels} 3x3 stride=2 pad=1")
            size = (size + 1) // 2
        elif part == "dilated" and size >= 8:
            lines.append(f"conv {channels} 3x3 dilation=2 pad=2")
        elif part == "grouped":
            lines.append(f"conv {channels} 3x3 pad=1 groups={draw(st.sampled_from([2, 4, channels]))}")
        elif part == "deconv" and size <= 16:
            lines.append(f"convtranspose {channels} 2x2 stride=2")
            size *= 2
        elif part == "l2pool" and size >= 6:
            lines.append(draw(st.sampled_from(["l2pool 2", "l2pool 3 stride=2 pad=same", "l2pool 3 stride=1 pad=1"])))
            size = size if "stride=1" in lines[-1] else (size + 1) // 2
        elif part == "upsample" and size <= 16:
            lines.append(f"upsample 2 mode={draw(st.sampled_from(['nearest', 'bilinear']))}")
            size *= 2
        elif part == "samepool" and size >= 6:
            lines.append(f"{draw(st.sampled_from(['maxpool', 'avgpool']))} 3 stride=2 pad=same")
            size = (size + 1) // 2
        elif part == "act":
            lines.append(draw(st.sampled_from(["relu", "tanh"])))
    lines.append("relu")
    lines += draw(st.sampled_from([["fc 10"], ["globalavgpool", "fc 10"], ["conv 8 1x1", "fc 10"]]))
    return "\n".join(lines) + "\n"


@FEW
@given(window_specs(), st.sampled_from(["sgd", "adam"]))
def test_random_networks_of_window_layers_match_the_measured_peak(text, optimizer):
    result = check_text(text)
    assume(result.ok)
    assert_close(text, 32, optimizer)


@FEW
@given(stacks(vector_input=False), st.sampled_from(["sgd", "adam"]))
def test_random_stacks_of_every_kind_are_never_much_under_the_measured_peak(stack, optimizer):
    """Every layer kind at 1 to 4 input channels (tests/random_stacks.py): where oneDNN's layouts
    are only bounded (one-channel maps padded to 16 channels, docs/memory.md) the estimate may be
    over, but it is never under by more than the tolerance: "will it fit?" must not be answered
    yes wrongly."""
    text, _ = render(*stack)
    result = check_text(text)
    assume(result.ok and result.params > 0)
    measured = bench.measure_step(result, 32, bench.settings_for(optimizer))
    estimated = estimate(result, batch=32, optimizer=optimizer, device="cpu")
    assert estimated.total >= measured.peak - (TOLERANCE * measured.peak + UNMODELLED), (
        f"{optimizer}: estimated {estimated.total:,} B (peak in {estimated.phase} {estimated.layer}), "
        f"measured {measured.peak:,} B (in {measured.phase})\n{text}"
    )


# --- the arithmetic ---------------------------------------------------------------------------------


def test_max_batch_is_the_largest_batch_whose_peak_fits():
    result = check_text("input 3x32x32\nconv 16 3x3\nrelu\nmaxpool 2\nfc 10\n")
    memory = estimate(result, batch=1, optimizer="adam", device="cpu")
    for limit in (10**6, 5 * 10**6, 10**8):
        largest = memory.max_batch(limit)
        assert estimate(result, batch=largest, device="cpu").total <= limit
        assert estimate(result, batch=largest + 1, device="cpu").total > limit


def test_max_batch_is_zero_when_the_weights_alone_do_not_fit():
    memory = estimate(check_text("input 100\nfc 1000\n"), batch=1)
    assert memory.max_batch(memory.fixed - 1) == 0
    assert memory.max_batch(10**9) > 0


def test_the_terms_add_up_to_the_peak_of_its_phase():
    result = check_text("input 3x32x32\nconv 16 3x3\nrelu\nmaxpool 2\nfc 10\n")
    for batch in (1, 64, 4096):
        memory = estimate(result, batch=batch, device="cpu")
        parts = (memory.weights, memory.gradients, memory.optimizer_state, memory.activations, memory.input)
        assert sum(parts) + memory.workspace == memory.total == memory.phases[memory.phase]
        assert memory.total == max(memory.phases.values())


def test_optimizer_temporaries_follow_torch_implementations():
    assert optimizer_temporaries("sgd", 100, 60) == 0
    assert optimizer_temporaries("sgd", 100, 60, weight_decay=1e-4) == 100
    assert optimizer_temporaries("adam", 100, 60) == optimizer_temporaries("adam", 100, 60, weight_decay=1e-4) == 100
    assert optimizer_temporaries("rmsprop", 100, 60, weight_decay=1e-4) == 200
    assert optimizer_temporaries("adam", 100, 60, foreach=False) == 120

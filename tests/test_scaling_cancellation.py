"""A check, and the memory estimate, stop at their next checkpoint once their token is set.

The serve and lsp workers run a check inside `cancellable(token)` and set the token when a newer
text replaces it. Every long loop reaches `checkpoint()` (parsing's statements, elaboration's
statements and copies, naming, the walk, the estimate's per-layer loops), so the abandoned check
stops within a few hundred cheap steps; how far it got is counted here, not timed. Outside
`cancellable`, and inside it with a token never set, results are what they were.
"""

from __future__ import annotations

import gc
import threading

import pytest

from netspec import checker, elaborate, graph, memory, naming
from netspec.api import training_memory
from netspec.cancellation import Cancelled, cancellable
from netspec.checker import check_text

HUGE = "input 1x8x8\nrepeat 50000 { conv 1 1; relu }\n"  # 100,000 layers: over a second to check
GRAPH = "input 2x8x8\nblock b w { residual { conv w 3x3 pad=1; relu; shortcut { conv w 1 } } }\n" + (
    "b 2\nadd { branch { conv 2 1 } branch { } branch { b 2 } }\nrelu\n" * 300
)


def _counted(monkeypatch, module, name: str, after=None) -> list[int]:
    """Count the calls of `module.name`; `after(count)` runs after each."""
    calls = [0]
    real = getattr(module, name)

    def counting(*args, **kwargs):
        value = real(*args, **kwargs)
        calls[0] += 1
        if after is not None:
            after(calls[0])
        return value

    monkeypatch.setattr(module, name, counting)
    return calls


def test_a_huge_check_stops_soon_after_its_token_is_set_from_another_thread(monkeypatch):
    walked = _counted(monkeypatch, checker, "_layer")
    token = threading.Event()
    timer = threading.Timer(0.1, token.set)
    timer.start()
    try:
        with pytest.raises(Cancelled), cancellable(token):
            check_text(HUGE)
    finally:
        timer.cancel()
    assert token.is_set()  # it ran until told to stop, and then stopped
    assert walked[0] < 100_000  # before the end of the walk (at 0.1 s: still parsing or elaborating)
    assert gc.isenabled()  # the collector paused for the check is back on


def _cancelled_at(monkeypatch, module, name: str, when: int = 1) -> list[int]:
    """Check GRAPH inside `cancellable`, the token set once `module.name` has been called `when`
    times; the calls of it made by then. Asserts that the check raised Cancelled."""
    token = threading.Event()
    calls = _counted(monkeypatch, module, name, after=lambda count: count >= when and token.set())
    with pytest.raises(Cancelled), cancellable(token):
        result = check_text(GRAPH)
        training_memory(result, None, "fp32", None, "cpu")
    return calls


def test_parsing_stops_within_one_statement(monkeypatch):
    from netspec import syntax

    values = _cancelled_at(monkeypatch, syntax, "_value", when=50)
    assert 50 <= values[0] <= 52  # the rest of its statement's values; of 2,700


def test_elaboration_stops_within_one_statement(monkeypatch):
    walked = _counted(monkeypatch, checker, "_walk")
    assert _cancelled_at(monkeypatch, elaborate._Elaborator, "merge", when=10) == [10]  # of 300
    assert walked == [0]


def test_a_long_repeat_stops_within_256_copies(monkeypatch):
    token = threading.Event()
    copies = _counted(monkeypatch, graph, "append", after=lambda count: count >= 1000 and token.set())
    with pytest.raises(Cancelled), cancellable(token):
        check_text("input 1x8x8\nrepeat 100000 { relu }\n")
    assert 1000 <= copies[0] <= 1000 + 256  # of 100,000


def test_naming_stops_within_256_names(monkeypatch):
    walked = _counted(monkeypatch, checker, "_layer")
    named = _cancelled_at(monkeypatch, naming, "identifier", when=1)
    assert named[0] <= 256 and walked == [0]


def test_the_walk_stops_at_the_next_node(monkeypatch):
    assert _cancelled_at(monkeypatch, checker, "_layer", when=100) == [100]  # of 3,300


@pytest.mark.parametrize(
    "stage", ["saved_storages", "operation_temporaries", "forward_activations", "gradient_elements"]
)
def test_the_memory_estimate_stops_inside_each_of_its_loops(monkeypatch, stage):
    """The token set as the loop is entered: the loop itself raises, within its first 256 layers."""
    result = check_text(GRAPH)
    token, returned = threading.Event(), []
    real = getattr(memory, stage)

    def entered(*args, **kwargs):
        token.set()
        value = real(*args, **kwargs)
        returned.append(stage)
        return value

    monkeypatch.setattr(memory, stage, entered)
    with pytest.raises(Cancelled), cancellable(token):
        training_memory(result, None, "fp32", None, "cpu")
    assert returned == []


def test_outside_cancellable_a_set_token_changes_nothing():
    token = threading.Event()
    token.set()
    result = check_text(GRAPH)
    assert result.ok and len(result.layers) == 3300


def test_inside_cancellable_an_unset_token_changes_nothing():
    outside = check_text(GRAPH)
    with cancellable(threading.Event()):
        inside = check_text(GRAPH)
        inside_memory = training_memory(inside, None, "fp32", None, "cpu")
    assert [(r.name, r.output, r.params, r.macs, r.saved) for r in inside.layers] == [
        (r.name, r.output, r.params, r.macs, r.saved) for r in outside.layers
    ]
    assert inside.diagnostics.items == outside.diagnostics.items
    assert inside_memory.to_json() == training_memory(outside, None, "fp32", None, "cpu").to_json()


def test_cancellable_nests_and_restores_the_outer_token():
    outer, inner = threading.Event(), threading.Event()
    inner.set()
    with cancellable(outer):
        with pytest.raises(Cancelled), cancellable(inner):
            check_text(GRAPH)
        assert check_text(GRAPH).ok  # the outer token, not set, counts again

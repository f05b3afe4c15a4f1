"""Layer names stay as they were, and cost O(1) probes each however many layers share a name.

`first_free` counts up from `_2` on every call, so 20,000 layers labelled `a` probed 2·10⁸ names
(40 s of `netspec check`); `naming.Allocator` remembers where each base stopped. The probes are
counted, not timed: speed is shown in bench/scaling.py.
"""

from __future__ import annotations

import random

import pytest

from netspec import naming
from netspec.checker import check_text
from netspec.naming import Allocator


def _counting_allocators(monkeypatch) -> list[Allocator]:
    """Every Allocator `layer_names` makes from now on, to add up their probes."""
    made: list[Allocator] = []

    class Counting(Allocator):
        __slots__ = ()

        def __init__(self, taken=()):
            super().__init__(taken)
            made.append(self)

    monkeypatch.setattr(naming, "Allocator", Counting)
    return made


def _names(text: str) -> list[str]:
    result = check_text(text)
    assert result.ok, result.diagnostics.items
    return [layer.name for layer in result.layers]


def test_20000_layers_with_one_label_are_named_a_a_2_a_3_in_linear_probes(monkeypatch):
    made = _counting_allocators(monkeypatch)
    names = _names("input 1x8x8\nrepeat 20000 { a: conv 1 1 }\n")
    assert names == ["a"] + [f"a_{n}" for n in range(2, 20001)]
    assert sum(a.probes for a in made) <= 2 * len(names)  # the old count-up: 2·10⁸


def test_residual_shortcuts_are_numbered_in_linear_probes(monkeypatch):
    made = _counting_allocators(monkeypatch)
    names = _names("input 1x8x8\nrepeat 6000 { residual { conv 1 1; shortcut { conv 1 1 } } }\n")
    assert names[:6] == ["conv1", "shortcut.conv1", "add1", "conv2", "shortcut_2.conv1", "add2"]
    assert names[-2] == "shortcut_6000.conv1"
    assert sum(a.probes for a in made) <= 3 * len(names)


def test_probes_grow_linearly_with_the_layers(monkeypatch):
    """Twice the layers, twice the probes (the count-up made it four times)."""
    counts = []
    for layers in (4000, 8000):
        made = _counting_allocators(monkeypatch)
        _names(f"input 1x8x8\nrepeat {layers} {{ x: relu }}\n")
        counts.append(sum(a.probes for a in made))
    assert counts[1] <= 2.1 * counts[0]


def _reference(base: str, taken: set[str], separator: str) -> str:
    """The rule written out as plainly as possible: the base, else the smallest n ≥ 2 free."""
    if base not in taken:
        return base
    return next(f"{base}{separator}{n}" for n in range(2, len(taken) + 3) if f"{base}{separator}{n}" not in taken)


@pytest.mark.parametrize("seed", range(20))
def test_the_allocator_gives_what_the_plain_rule_gives_for_colliding_bases(seed):
    """Bases that are each other's numbered forms (`a`, `a_2`, `a_2_2`), names taken beforehand
    (`a_3`, reserved), and both separators, in random order."""
    rng = random.Random(seed)
    bases = ["a", "a_2", "a_3", "a_2_2", "b", "Level5", "Level", "Level5_2", "Level52"]
    reserved = set(rng.sample(["a_3", "a_4", "b_2", "Level2", "Level5_3", "x"], 3))
    allocator, taken = Allocator(reserved), set(reserved)
    for _ in range(400):
        base, separator = rng.choice(bases), rng.choice(["_", ""])
        if rng.random() < 0.1:  # a written label, taken as it is
            name = f"{base}{separator}{rng.randint(2, 9)}"
            allocator.add(name)
        else:
            name = _reference(base, taken, separator)
            assert allocator.unique(base, separator) == name
        taken.add(name)
    assert allocator.taken == taken


def test_names_added_as_they_are_are_skipped_afterwards():
    allocator = Allocator()
    assert [allocator.unique("a") for _ in range(2)] == ["a", "a_2"]
    allocator.add("a_3")
    allocator.add("a_5")
    assert [allocator.unique("a") for _ in range(3)] == ["a_4", "a_6", "a_7"]
    assert "a_5" in allocator and "a_8" not in allocator


def test_labels_that_look_like_numbered_names_are_named_as_before():
    """Written labels that collide with the numbered forms, in one scope and inside calls."""
    text = (
        "input 1x8x8\n"
        "block s { a: conv 1 1; a: conv 1 1 }\n"
        "a: conv 1 1\na_2: conv 1 1\na: conv 1 1\na: conv 1 1\na_4: conv 1 1\na_2: conv 1 1\n"
        "s\ns_2: s\ns\nshortcut: conv 1 1\nresidual { conv 1 1; shortcut { conv 1 1 } }\n"
    )
    assert _names(text) == [
        "a",
        "a_2",
        "a_3",
        "a_4",
        "a_4_2",
        "a_2_2",
        "s1.a",
        "s1.a_2",
        "s_2.a",
        "s_2.a_2",
        "s2.a",
        "s2.a_2",
        "shortcut",
        "conv1",
        "shortcut_2.conv1",
        "add1",
    ]

"""Compiling costs work linear in the layers, scopes and classes (counted, not timed; bench/scaling.py
shows the speed): no list search per block call, no count-up from 2 per class name, no copy of the
module's namespace per name, no nested key re-hashed at every level, no second file for the class
name."""

from __future__ import annotations

import pytest

from netspec import codegen, modules, naming
from netspec.checker import check_text
from netspec.codegen import class_name, generate


def _checked(text: str):
    result = check_text(text)
    assert result.ok, result.diagnostics.items
    return result


def _classes(source: str) -> list[str]:
    return [line.split("(")[0].removeprefix("class ") for line in source.splitlines() if line.startswith("class ")]


def test_a_block_called_2000_times_finds_each_call_s_arguments_without_searching_the_calls(monkeypatch):
    """`group.members.index(call)` compared a call with every call before it: 2·10⁶ comparisons."""
    compared = []

    def eq(self, other):
        compared.append(1)
        return self is other

    monkeypatch.setattr(modules.Scope, "__eq__", eq, raising=False)
    source = generate(_checked("input 2x8x8\nblock b w { conv w 1; relu }\n" + "b 2\nb 4\n" * 1000))
    assert "self.b1999 = B(4, 2)" in source and "self.b2000 = B(2, 4)" in source  # each call its own arguments
    assert len(compared) == 0


def test_5000_branches_labelled_alike_are_classes_p_p2_p3_in_linear_probes(monkeypatch):
    made: list[naming.Allocator] = []

    class Counting(naming.Allocator):
        __slots__ = ()

        def __init__(self, taken=()):
            super().__init__(taken)
            made.append(self)

    monkeypatch.setattr(codegen, "Allocator", Counting)
    source = generate(_checked("input 1x8x8\nadd {\n" + "p: branch { residual { conv 1 1 } }\n" * 5000 + "}\n"))
    assert _classes(source) == ["P"] + [f"P{n}" for n in range(2, 5001)] + ["Spec"]
    assert sum(a.probes for a in made) <= 3 * 5000  # counting up from 2 for each: 1.25·10⁷


def test_the_namespace_is_read_through_a_view_never_copied_per_call_or_parameter(monkeypatch):
    """Each call's environment and each parameter name looked at a fresh copy of every class name
    so far: calls × classes work."""
    seen = []
    environment, first_free = modules.environment, codegen.first_free

    def spy_environment(scope, layers, input_shape, taken=frozenset()):
        seen.append(taken)
        return environment(scope, layers, input_shape, taken)

    def spy_first_free(base, taken, separator="_"):
        seen.append(taken)
        return first_free(base, taken, separator)

    monkeypatch.setattr(modules, "environment", spy_environment)
    monkeypatch.setattr(codegen, "first_free", spy_first_free)
    text = "input 2x8x8\nblock b w k { conv w k pad=same; relu }\n" + "".join(
        f"b {w} {k}\n" for w in (2, 3) for k in (1, 3)
    )
    generate(_checked(text))
    assert seen and all(isinstance(taken, naming.AnyOf) for taken in seen)


def _depth(value) -> int:
    return 1 + max((_depth(v) for v in value), default=0) if isinstance(value, tuple) else 0


def test_a_scope_s_key_holds_its_inner_scopes_as_numbers_however_deep_they_nest(monkeypatch):
    """A key held its inner scopes' keys, so 30 nested calls hashed a 30-deep tuple at the top,
    a 29-deep one below it, …: work that grew with the square of the depth, in every copy."""
    depths = []
    key = codegen._Blocks._key

    def measured(self, scope):
        made = key(self, scope)
        depths.append(_depth(made))
        return made

    monkeypatch.setattr(codegen._Blocks, "_key", measured)
    lines = ["input 1x8x8", "block l0 { conv 1 1; relu }"]
    lines += [f"block l{d} {{ l{d - 1}; relu }}" for d in range(1, 30)]
    generate(_checked("\n".join(lines + ["l29", "l29"]) + "\n"))
    assert len(depths) == 60 and max(depths) <= 4


@pytest.mark.parametrize(
    "text",
    [
        'network "None"\ninput 1x8x8\nconv 1 1\n',
        'network "torch"\ninput 1x8x8\nupsample 2 mode=bilinear\n',
        "input 1x8x8\nblock spec { conv 1 1 }\nspec\nspec\n",
    ],
)
def test_the_class_name_is_the_generated_file_s_without_building_the_file(monkeypatch, text):
    result = _checked(text)
    expected = _classes(generate(result))[-1]
    built = []
    build = modules.build
    monkeypatch.setattr(modules, "build", lambda *args: built.append(1) or build(*args))
    assert class_name(result) == expected
    assert built == []  # `netspec compile` asked for it after generating: the whole file again

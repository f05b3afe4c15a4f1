"""Elaborating a merge costs work linear in its branches (counted, not timed; bench/scaling.py
shows the speed): the size check once summed every branch so far after each branch, and
`add { branch { } × 50,000 }` took 48 s."""

from __future__ import annotations

from netspec import elaborate
from netspec.checker import check_text

_EXPAND = elaborate._Elaborator.expand


class _CountedFragment(list):
    """A fragment that counts how often its length is asked for."""

    asked = 0

    def __len__(self) -> int:
        _CountedFragment.asked += 1
        return super().__len__()


def _length_questions(monkeypatch, text: str) -> int:
    """How often the lengths of the fragments of `text`'s bodies were asked for while checking it."""

    def counted(self, statements, env, stack, top, depth):
        fragment = _EXPAND(self, statements, env, stack, top, depth)
        return fragment if top else _CountedFragment(fragment)

    monkeypatch.setattr(elaborate._Elaborator, "expand", counted)
    _CountedFragment.asked = 0
    result = check_text(text)
    assert result.ok, result.diagnostics.items
    return _CountedFragment.asked


def _branches(count: int, body: str) -> str:
    return "input 1x8x8\nadd {\n" + f"branch {{ {body} }}\n" * count + "}\n"


def test_a_merge_asks_each_branch_its_length_a_few_times_not_once_per_later_branch(monkeypatch):
    for body in ("", "conv 1 1"):
        asked = _length_questions(monkeypatch, _branches(2000, body))
        assert asked <= 5 * 2000, (body, asked)  # re-summing per branch: 2·10⁶


def test_twice_the_branches_twice_the_work(monkeypatch):
    small = _length_questions(monkeypatch, _branches(1000, "relu"))
    large = _length_questions(monkeypatch, _branches(2000, "relu"))
    assert large <= 2.1 * small


def test_a_merge_past_the_layer_limit_is_still_refused_at_the_branch_that_crosses_it():
    text = "input 1x8x8\nadd {\n" + "branch { repeat 40000 { relu } }\n" * 3 + "}\n"
    result = check_text(text)
    assert [d.code for d in result.diagnostics.errors] == ["too-large"]
    assert result.layers == []

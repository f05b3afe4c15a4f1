"""Budgets: limits on a network's size and cost, checked as located warnings.

    netspec check spec.net --budget params=5M,macs=1G,memory=8GiB          # warnings, exit 0
    netspec check spec.net --budget params=5M --strict                     # exit 1 when over

Keys: `params` (trainable parameters), `macs` (netspec's own count: conv and fc weights; see
docs/conventions.md for other tools' counts), `flops` (2 × MACs), `memory` (one training step at
the batch in use, as in the totals). Counts take SI suffixes: `5M` = 5,000,000, `1.5G`, `250K`,
`5e6`; sizes take binary or decimal units as `--memory` does: `8GiB`, `512MiB`, `8GB`.

Each exceeded budget is an `over-budget` warning: params, MACs and FLOPs at the `network` line
(else `input`), with notes at the layers that hold most of the total; memory at the `train`
block (else `input`), with the largest batch that stays within it.
"""

from __future__ import annotations

import difflib
import re
from fractions import Fraction
from typing import TYPE_CHECKING

from netspec.diagnostics import WARNING, Diagnostic
from netspec.record import Record
from netspec.units import fmt_bytes, fmt_count, parse_bytes

if TYPE_CHECKING:
    from netspec.checker import CheckResult
    from netspec.memory import MemoryEstimate

COUNT_KEYS = ("params", "macs", "flops")
KEYS = (*COUNT_KEYS, "memory")
SUFFIXES = {"": 1, "k": 10**3, "m": 10**6, "g": 10**9, "t": 10**12}
MAX_COUNT = 10**18  # beyond any network; a larger figure is a typo
MAX_BUDGETS_TEXT = 1000  # characters: a budget list is short
NOTED_LAYERS = 3  # at most this many layers are named in the notes of an exceeded budget
CODE = "over-budget"


class Budget(Record):
    """One limit: `key` (params, macs, flops, memory), `limit` (a count, or bytes for memory) and
    `text`, the limit as the user wrote it."""

    __slots__ = ("key", "limit", "text")

    def __init__(self, key: str, limit: int, text: str):
        self.key = key
        self.limit = limit
        self.text = text


def parse_count(text: str) -> int:
    """`5M` → 5,000,000; `1.5G`, `250K`, `5e6`, `61_706` → whole numbers. Raises ValueError.

    Decimals and exponents are read exactly (`1.5K` = 1,500); what is not a whole number
    (`1.2345K`) or exceeds 10¹⁸ is refused."""
    match = re.fullmatch(r"\s*([0-9][0-9_]*(?:\.[0-9]+)?)(?:[eE]([+-]?[0-9]{1,2}))?\s*([A-Za-z]?)\s*", text)
    suffix = match.group(3).lower() if match else None
    if not match or suffix not in SUFFIXES:
        raise ValueError(f"expected a count such as 5M, 1.5G, 250K or 5e6, got {_short(text)!r}")
    digits = match.group(1).replace("_", "")
    if len(digits) > 40:
        raise ValueError(f"{_short(text)!r} is more than 10^18")
    value = Fraction(digits) * SUFFIXES[suffix] * Fraction(10) ** int(match.group(2) or 0)
    if value.denominator != 1:
        raise ValueError(f"{_short(text)!r} is not a whole number")
    if value > MAX_COUNT:
        raise ValueError(f"{_short(text)!r} is more than 10^18")
    if value < 1:
        raise ValueError(f"a budget of {_short(text)!r} can never be met: give at least 1")
    return int(value)


def parse_budgets(text: str) -> tuple[Budget, ...]:
    """`params=5M,macs=1G,memory=8GiB` → budgets, in the order given. Raises ValueError with a
    message that says what was expected (unknown keys get a did-you-mean)."""
    if len(text) > MAX_BUDGETS_TEXT:
        raise ValueError(f"a budget list of {len(text):,} characters is too long")
    budgets: dict[str, Budget] = {}
    for item in text.split(","):
        key, equals, value = (part.strip() for part in item.partition("="))
        if not key and not value:
            raise ValueError(f"an empty budget in {_short(text)!r}: write KEY=LIMIT,KEY=LIMIT, e.g. params=5M,macs=1G")
        if not equals or not value:
            raise ValueError(f"{_short(item.strip())!r} needs a limit: write {_short(key.lower()) or 'KEY'}=LIMIT")
        name = key.lower()
        if name not in KEYS:
            close = difflib.get_close_matches(name, KEYS, n=1, cutoff=0.5)
            guess = f": did you mean {close[0]!r}?" if close else ""
            raise ValueError(f"unknown budget {_short(key)!r}{guess} (the keys are {', '.join(KEYS)})")
        if name in budgets:
            raise ValueError(f"{name} is given twice")
        limit = parse_bytes(value) if name == "memory" else parse_count(value)
        budgets[name] = Budget(name, limit, value)
    return tuple(budgets.values())


def merge_budgets(groups: list[tuple[Budget, ...]] | tuple[Budget, ...] | None) -> tuple[Budget, ...]:
    """The budgets of every `--budget` flag together (`--budget params=5M --budget macs=1G`), in
    the order given; a key given in two flags raises ValueError, as it does within one."""
    if not groups:
        return ()
    if all(isinstance(item, Budget) for item in groups):  # one group (netspec.budgets callers)
        groups = [groups]
    merged: dict[str, Budget] = {}
    for group in groups:
        for budget in group:
            if budget.key in merged:
                raise ValueError(
                    f"{budget.key} is given twice ({budget.key}={merged[budget.key].text} and "
                    f"{budget.key}={budget.text}): give each budget once"
                )
            merged[budget.key] = budget
    return tuple(merged.values())


def check_budgets(result: CheckResult, memory: MemoryEstimate | None, budgets: tuple[Budget, ...]) -> list[dict]:
    """Add an `over-budget` warning to `result.diagnostics` for each budget the checked spec
    exceeds; return one row per budget for the JSON report: key, limit, value, within.
    `memory` is the training-step estimate (None when the spec has errors: nothing is checked)."""
    if not result.ok or memory is None:
        return []
    rows = []
    for budget in budgets:
        value = _value(result, memory, budget.key)
        rows.append({"key": budget.key, "limit": budget.limit, "value": value, "within": value <= budget.limit})
        if value <= budget.limit:
            continue
        if budget.key == "memory":
            _warn_memory(result, memory, budget)
        else:
            _warn_count(result, budget, value)
    return rows


def _value(result, memory, key: str) -> int:
    if key == "params":
        return result.params
    if key == "macs":
        return result.macs
    if key == "flops":
        return 2 * result.macs
    return memory.total


WHAT = {"params": "parameters", "macs": "MACs per sample", "flops": "FLOPs per sample"}


def _warn_count(result, budget: Budget, value: int) -> None:
    network = result.network
    span = network.name_span or network.input_span
    what = WHAT[budget.key]
    message = (
        f"{value:,} {what} ({fmt_count(value)}) exceed the budget of {fmt_count(budget.limit)} "
        f"({budget.key}={budget.text})"
    )
    per_layer = "params" if budget.key == "params" else "macs"
    scale = 2 if budget.key == "flops" else 1  # a FLOP budget's notes count FLOPs, 2 per MAC
    total = getattr(result, per_layer) * scale
    unit = {"params": "params", "macs": "MACs", "flops": "FLOPs"}[budget.key]
    notes = tuple(
        (
            f"{label} {fmt_count(amount * scale)} of the {fmt_count(total)} {unit} "
            f"({percent(amount * scale, total)} %)",
            span,
        )
        for label, span, amount in largest_contributors(_by_statement(result.layers, per_layer, unit))
    )
    over = value - budget.limit
    hint = f"{fmt_count(over)} over: shrink the layers named below, or raise the budget"
    if budget.key == "params":
        hint += _pooling_hint(result.layers)
    result.diagnostics.items.append(_diagnostic(message, span, hint, notes))


def _pooling_hint(layers) -> str:
    """When the layer with the most parameters is an fc that flattens a C x H x W map (VGG's fc6,
    AlexNet's), what a `globalavgpool` before it would leave: `C·units (+ units)` weights instead
    of `C·H·W·units (+ units)`."""
    largest = max(layers, key=lambda layer: layer.params, default=None)
    if largest is None or largest.kind != "fc" or len(largest.input) != 3 or largest.input[1] * largest.input[2] == 1:
        return ""
    channels, h, w = largest.input
    units = largest.output[0]
    pooled = channels * units + (units if largest.instance.values["bias"] else 0)
    return (
        f"; {largest.name} flattens {channels}x{h}x{w} = {channels * h * w:,} inputs: after a globalavgpool it "
        f"would hold {fmt_count(pooled)} params, not {fmt_count(largest.params)}"
    )


def _warn_memory(result, memory, budget: Budget) -> None:
    network = result.network
    span = network.train.word_span if network.train is not None else network.input_span
    largest = memory.max_batch(budget.limit)
    message = (
        f"one training step at batch {memory.batch:,} needs {fmt_bytes(memory.total)}, "
        f"over the budget of {fmt_bytes(budget.limit)} (memory={budget.text})"
    )
    if largest >= 1:
        hint = f"the largest batch within it is {largest:,} (`--batch {largest}`)"
    else:
        hint = f"not even batch 1 fits: weights, gradients and optimizer state alone take {fmt_bytes(memory.fixed)}"
    result.diagnostics.items.append(_diagnostic(message, span, hint, ()))


def _by_statement(layers, attribute: str, unit: str) -> list[tuple[str, object, int]]:
    """(label, span, amount) per statement: a layer's own, or the sum over the layers one
    statement runs as (a line of a block body called 13 times is one place to change)."""
    groups: dict[tuple[int, int], list] = {}
    for layer in layers:
        span = layer.instance.statement.span
        groups.setdefault((span.line, span.column), []).append(layer)
    verb = "holds" if unit == "params" else "does"
    rows = []
    for members in groups.values():
        first = members[0]
        if len(members) == 1:
            label = f"{first.name} {verb}"
        else:
            label = f"{first.name} and the {len(members) - 1} other layers of this line {verb[:-1] if verb == 'holds' else 'do'}"
        rows.append((label, first.instance.statement.span, sum(getattr(layer, attribute) for layer in members)))
    return rows


def _diagnostic(message, span, hint, notes) -> Diagnostic:
    return Diagnostic(WARNING, CODE, message, span, hint, notes)


def largest_contributors(rows: list[tuple], share: Fraction = Fraction(1, 2)) -> list[tuple]:
    """The rows (their last item an amount) with the largest amounts, largest first, until they
    make up `share` of the total (at most NOTED_LAYERS; rows with nothing are never named)."""
    total = sum(row[-1] for row in rows)
    ranked = sorted((row for row in rows if row[-1] > 0), key=lambda row: -row[-1])
    chosen, covered = [], 0
    for row in ranked[:NOTED_LAYERS]:
        chosen.append(row)
        covered += row[-1]
        if covered >= share * total:
            break
    return chosen


def percent(part: int, total: int) -> int:
    """`part` as a whole percentage of `total`, rounded half up in integer arithmetic."""
    return (200 * part + total) // (2 * total) if total else 0


def _short(text: str, width: int = 24) -> str:
    return text if len(text) <= width else text[:width] + "…"

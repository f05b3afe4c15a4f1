"""The checked network as the drawings see it: a sequence of units, merges holding their branches.

- A `Box` is one layer that does something to the shape or has weights (conv, pool, fc, …), with
  the element-wise layers right after it folded in (`conv 3×3` + `bn · relu`): the figures people
  know draw feature maps, not every activation.
- A `MergeItem` is an `add`/`concat`/`mul`/`residual`: its branches (each a sequence, empty for
  an identity) and the merge node.
- A `Repeat` is a run of identical consecutive units drawn once with "×N": what `repeat N { … }`
  and repeated block calls produce. Units are identical when they run the same layers with the same
  settings on the same shapes (`signature`); runs are found per sequence, the shortest period first.
- An `Elided` stands for the middle of a sequence too long to draw (more than `MAX_UNITS` units
  after collapsing): the first and last units are drawn, and how many layers lie between; or, in
  a lane of its own, for the middle branches of a merge of more than `MAX_LANES`.

The merge regions come from the graph IR (`netspec.graph.Merge`): a merge node's branches are
contiguous node ranges just before it, so a region is `[first branch start, merge]`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_UNITS = 240  # units drawn in one sequence; beyond that the middle is elided
MAX_PERIOD = 48  # the longest repeated run looked for, in units
MAX_LANES = 12  # branches drawn side by side in one merge; beyond that the middle ones are elided
MAX_INNER_UNITS = 40  # units drawn in a branch or a repeat's unit, which do not wrap


@dataclass
class Box:
    layers: list  # LayerReport: the main layer first, then the folded ones

    @property
    def main(self):
        return self.layers[0]

    @property
    def output(self) -> tuple:
        return self.layers[-1].output

    @property
    def input(self) -> tuple:
        return self.layers[0].input


@dataclass
class MergeItem:
    report: object  # the merge's LayerReport
    branches: list  # list[list[unit]]
    entry: tuple  # the shape every branch starts from
    folded: list = field(default_factory=list)  # element-wise layers right after the merge (`relu`)

    @property
    def output(self) -> tuple:
        return self.folded[-1].output if self.folded else self.report.output

    @property
    def input(self) -> tuple:
        return self.entry


@dataclass
class Repeat:
    units: list  # one copy
    count: int
    copies: list = field(default_factory=list)  # every copy's units, for names

    @property
    def output(self) -> tuple:
        return self.units[-1].output

    @property
    def input(self) -> tuple:
        return self.units[0].input


@dataclass
class Elided:
    layers: int
    input: tuple
    output: tuple
    first: int  # table index of the first layer left out
    last: int
    names: frozenset = frozenset()  # the table names of the layers left out (--highlight lights the gap)
    branches: int = 0  # a merge's middle branches left out (a lane of its own), else 0


def foldable(report) -> bool:
    """Element-wise layers that keep the shape: drawn as part of the box before them."""
    return report.instance.kind.folds and report.output == report.input


def build(layers: list, fold: bool = True) -> list:
    """The top-level sequence of units of a checked network (`CheckResult.layers`)."""
    starts: dict[int, list[int]] = {}
    for position, report in enumerate(layers):
        merge = report.node.merge
        if merge is not None:
            begin = min([start for start, end in merge.branches if end > start], default=position)
            starts.setdefault(begin, []).append(position)
    return _sequence(layers, starts, 0, len(layers), fold)


def _sequence(layers: list, starts: dict, begin: int, end: int, fold: bool) -> list:
    units: list = []
    position = begin
    while position < end:
        merges = [m for m in starts.get(position, ()) if m < end]
        if merges:
            at = max(merges)  # the outermost merge starting here
            report = layers[at]
            branches = [_sequence(layers, starts, s, e, fold) for s, e in report.node.merge.branches]
            entry = layers[report.node.merge.entry].output if report.node.merge.entry >= 0 else None
            units.append(MergeItem(report, branches, entry if entry is not None else _network_input(layers)))
            position = at + 1
            continue
        report = layers[position]
        if fold and units and isinstance(units[-1], Box) and foldable(report):
            units[-1].layers.append(report)
        elif fold and units and isinstance(units[-1], MergeItem) and foldable(report):
            units[-1].folded.append(report)
        else:
            units.append(Box([report]))
        position += 1
    return units


def _network_input(layers: list) -> tuple:
    return layers[0].input if layers else ()


def signature(unit) -> tuple:
    """What makes two units the same picture: their layers' kinds, settings and shapes."""
    if isinstance(unit, Box):
        return ("box",) + tuple((r.kind, _values_key(r.instance.values), r.input, r.output) for r in unit.layers)
    if isinstance(unit, MergeItem):
        branches = tuple(tuple(signature(u) for u in branch) for branch in unit.branches)
        folded = tuple((r.kind, _values_key(r.instance.values)) for r in unit.folded)
        return ("merge", unit.report.kind, _values_key(unit.report.instance.values), unit.output, branches, folded)
    if isinstance(unit, Repeat):
        return ("repeat", unit.count, tuple(signature(u) for u in unit.units))
    return ("elided", unit.layers, unit.input, unit.output)


def _values_key(values: dict) -> tuple:
    return tuple(sorted((k, repr(v)) for k, v in values.items()))


def collapse(units: list) -> list:
    """Runs of identical consecutive units (or groups of units) as `Repeat`s, inside merges too.

    Greedy from the left: at each unit, the period p ≤ MAX_PERIOD whose run covers the most units
    (the shortest p on a tie) wins if it repeats at least twice."""
    units = [_collapse_inside(u) for u in units]
    ids: dict[tuple, int] = {}
    keys = [ids.setdefault(signature(u), len(ids)) for u in units]  # small ints compare fast
    out: list = []
    i = 0
    n = len(units)
    while i < n:
        best_period, best_count = 1, 1
        for period in range(1, min(MAX_PERIOD, (n - i) // 2) + 1):
            count = 1
            while (
                i + (count + 1) * period <= n
                and keys[i + count * period : i + (count + 1) * period] == keys[i : i + period]
            ):
                count += 1
            if count > 1 and count * period > best_count * best_period:
                best_period, best_count = period, count
        if best_count > 1:
            copies = [units[i + c * best_period : i + (c + 1) * best_period] for c in range(best_count)]
            out.append(Repeat(units[i : i + best_period], best_count, copies))
            i += best_count * best_period
        else:
            out.append(units[i])
            i += 1
    return out


def _collapse_inside(unit):
    if isinstance(unit, MergeItem):
        return MergeItem(unit.report, [collapse(branch) for branch in unit.branches], unit.entry, unit.folded)
    return unit


def elide(units: list, limit: int = MAX_UNITS, lanes: int = MAX_LANES, inner: int = MAX_INNER_UNITS) -> list:
    """At most `limit` units in this sequence and `inner` in every sequence inside it (a merge's
    branches, a repeat's unit: they cannot wrap into columns as the top level does), the middle of
    a longer one as one `Elided`; at most `lanes` branches in a
    merge, its middle branches as one lane holding an `Elided` (3,000 branches of a concat were a
    381,000 px wide page, a branch of 2,000 layers a 96,000 px tall one). The middle is counted
    before anything inside the units kept is elided, so that every layer it hides is counted."""
    if len(units) > limit:
        keep = (limit - 1) // 2
        hidden = units[keep : len(units) - keep]
        units = units[:keep] + [_gap(hidden, hidden[0].input, hidden[-1].output)] + units[len(units) - keep :]
    inner = min(limit, inner)
    return [_elide_inside(unit, inner, lanes) for unit in units]


def _gap(hidden: list, entry: tuple, output: tuple, branches: int = 0) -> Elided:
    reports = [r for u in hidden for r in reports_of(u)]
    first, last = (reports[0].index, reports[-1].index) if reports else (0, 0)
    return Elided(len(reports), entry, output, first, last, frozenset(r.name for r in reports), branches)


def _elide_inside(unit, limit: int, lanes: int):
    if isinstance(unit, MergeItem):
        branches = unit.branches
        if len(branches) > lanes:
            head = lanes // 2
            tail = lanes - 1 - head
            hidden = branches[head : len(branches) - tail]
            outputs = {branch[-1].output if branch else unit.entry for branch in hidden}
            shared = outputs.pop() if len(outputs) == 1 else ()  # no shape on its edge when they differ
            gap = _gap([u for branch in hidden for u in branch], unit.entry, shared, len(hidden))
            branches = branches[:head] + [[gap]] + branches[len(branches) - tail :]
        return MergeItem(unit.report, [elide(b, limit, lanes, limit) for b in branches], unit.entry, unit.folded)
    if isinstance(unit, Repeat):
        return Repeat(elide(unit.units, limit, lanes, limit), unit.count, unit.copies)
    return unit


def branch_count(unit: MergeItem) -> int:
    """The merge's branches, those an `Elided` lane stands for included."""
    return sum(
        b[0].branches if len(b) == 1 and isinstance(b[0], Elided) and b[0].branches else 1 for b in unit.branches
    )


def reports_of(unit) -> list:
    """Every layer a unit stands for, in execution order (all copies of a repeat)."""
    if isinstance(unit, Box):
        return list(unit.layers)
    if isinstance(unit, MergeItem):
        return [r for branch in unit.branches for u in branch for r in reports_of(u)] + [unit.report] + unit.folded
    if isinstance(unit, Repeat):
        return [r for copy in unit.copies for u in copy for r in reports_of(u)]
    return []


def count_units(units: list) -> int:
    """Units drawn, branches included."""
    total = 0
    for unit in units:
        if isinstance(unit, MergeItem):
            total += 1 + sum(count_units(b) for b in unit.branches)
        elif isinstance(unit, Repeat):
            total += count_units(unit.units)
        else:
            total += 1
    return total


def project_highlight(units: list, names: set[str]) -> set[str]:
    """`names` plus, for a layer in a later copy of a collapsed repeat, its twin in the copy drawn."""
    names = set(names)
    for unit in units:
        if isinstance(unit, Repeat):
            first = [r for u in unit.copies[0] for r in reports_of(u)]
            for copy in unit.copies[1:]:
                for twin, report in zip(first, [r for u in copy for r in reports_of(u)]):
                    if report.name in names:
                        names.add(twin.name)
            names |= project_highlight(unit.units, names)
        elif isinstance(unit, MergeItem):
            for branch in unit.branches:
                names |= project_highlight(branch, names)
    return names


def repeated_call(unit: Repeat) -> str | None:
    """The block whose calls a repeat collapses (`basic` in `repeat 2 { basic 64 }`): the outermost
    call frame around every layer of the first copy that the second copy is not in; None for a
    repeat of plain layers."""
    first = [r for u in unit.copies[0] for r in reports_of(u)]
    second = [r for u in unit.copies[1] for r in reports_of(u)] if len(unit.copies) > 1 else []
    if not first or not second:
        return None
    shared = [f for f in first[0].node.frames if all(any(f is g for g in r.node.frames) for r in first)]
    other = second[0].node.frames
    calls = [f for f in shared if f.kind == "call" and not any(f is g for g in other)]
    return calls[0].name if calls else None

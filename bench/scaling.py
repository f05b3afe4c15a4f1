"""Whether checking, compiling and estimating memory stay linear on large generated specs.

    python bench/scaling.py                          # check, compile and memory at 1,000 / 10,000 / 100,000
    python bench/scaling.py --stages check --sizes 2000,20000
    python bench/scaling.py --limit 30               # stop a shape after a measurement over 30 s

Each shape is a spec generated at several sizes (layers, or branches for a merge of empty
branches); for each stage the time is the best of 3 runs in this process (1 run from 30,000
units on), shown as seconds per 1,000 units. Linear work gives a flat row: the last column is the
cost per 1,000 at the largest size over the cost at the smallest (≈ 1; the 2026-12 quadratic
naming made it ≈ 100 at 100,000 layers). `check` is `check_text` (parse, elaborate, name, walk);
`compile` is `codegen.generate` on the checked spec; `memory` is the training-memory estimate
`netspec check` prints (`api.training_memory`, CPU device, its default batch and optimizer).

The shapes:
    repeat         `repeat N/2 { conv 1 1; relu }`
    labelled       `repeat N { a: conv 1 1 }`: every layer asks for the name `a`
    residuals      `repeat N/3 { residual { conv 1 1; shortcut { conv 1 1 } } }`: N/3 shortcuts
    branches       `add { branch { } × N }`: one merge of N identity branches (N counts branches)
    branch-convs   `add { branch { conv 1 1 } × N }`, written out: N lines
    nested         30 blocks, each calling the one below, the innermost `conv 1 1; relu`, repeated
    block-calls    `block b w { conv w 1; relu }` called N/2 times, written out
    long-labels    N layers, each with a distinct 200-character label
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable

NESTING = 30  # block calls around each layer of `nested` (the language allows 32)
LABEL = "x" * 200


def repeat(n: int) -> tuple[str, int]:
    return f"input 1x8x8\nrepeat {n // 2} {{ conv 1 1; relu }}\n", n // 2 * 2


def labelled(n: int) -> tuple[str, int]:
    return f"input 1x8x8\nrepeat {n} {{ a: conv 1 1 }}\n", n


def residuals(n: int) -> tuple[str, int]:
    return f"input 1x8x8\nrepeat {n // 3} {{ residual {{ conv 1 1; shortcut {{ conv 1 1 }} }} }}\n", n // 3 * 3


def branches(n: int) -> tuple[str, int]:
    return "input 1x8x8\nadd {\n" + "branch { }\n" * n + "}\n", n


def branch_convs(n: int) -> tuple[str, int]:
    return "input 1x8x8\nadd {\n" + "branch { conv 1 1 }\n" * (n - 1) + "}\n", n


def nested(n: int) -> tuple[str, int]:
    lines = ["input 1x8x8", "block level0 { conv 1 1; relu }"]
    lines += [f"block level{d} {{ level{d - 1} }}" for d in range(1, NESTING)]
    return "\n".join([*lines, f"repeat {n // 2} {{ level{NESTING - 1} }}"]) + "\n", n // 2 * 2


def block_calls(n: int) -> tuple[str, int]:
    return "input 1x8x8\nblock b w { conv w 1; relu }\n" + "b 1\n" * (n // 2), n // 2 * 2


def long_labels(n: int) -> tuple[str, int]:
    return "input 1x8x8\n" + "".join(f"{LABEL}{i}: conv 1 1\n" for i in range(n)), n


SHAPES: dict[str, Callable[[int], tuple[str, int]]] = {
    "repeat": repeat,
    "labelled": labelled,
    "residuals": residuals,
    "branches": branches,
    "branch-convs": branch_convs,
    "nested": nested,
    "block-calls": block_calls,
    "long-labels": long_labels,
}
STAGES = ("check", "compile", "memory")


def best_of(runs: int, work: Callable[[], object]) -> float:
    """The shortest of `runs` wall times of `work()`, in seconds."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def stage_work(stage: str, text: str) -> Callable[[], object]:
    """What one measurement of `stage` runs: the check itself, or a stage on its checked result."""
    from netspec.api import training_memory
    from netspec.checker import check_text
    from netspec.codegen import generate

    if stage == "check":
        return lambda: check_text(text)
    result = check_text(text)
    assert result.ok, [d.message for d in result.diagnostics.errors]
    if stage == "compile":
        return lambda: generate(result)
    return lambda: training_memory(result, None, "fp32", None, "cpu")


def row(shape: str, stage: str, sizes: list[int], limit: float) -> list[tuple[int, float]]:
    """(units, seconds per 1,000 units) at each size, until one measurement takes over `limit`."""
    out = []
    for size in sizes:
        text, units = SHAPES[shape](size)
        seconds = best_of(3 if units < 30_000 else 1, stage_work(stage, text))
        out.append((units, seconds / units * 1000))
        if seconds > limit:
            break
    return out


def show(shape: str, stage: str, measured: list[tuple[int, float]], columns: int) -> None:
    """One line of the table: seconds per 1,000 at each size measured, then last over first."""
    cells = "".join(f"{per_1000:10.4f}" for _, per_1000 in measured)
    cells += " " * 10 * (columns - len(measured))  # sizes skipped past --limit
    growth = measured[-1][1] / measured[0][1]
    print(f"{shape:<13} {stage:<8} {cells}   {growth:5.2f}×", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stages", default=",".join(STAGES), help="check,compile,memory (default: all)")
    parser.add_argument("--shapes", default=",".join(SHAPES), help="which shapes (default: all)")
    parser.add_argument("--sizes", default="1000,10000,100000", help="units per spec (default 1000,10000,100000)")
    parser.add_argument("--limit", type=float, default=60.0, help="skip a shape's larger sizes after this many seconds")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    print(f"python {sys.version.split()[0]}; seconds per 1,000 layers (branches for `branches`) at about")
    print(f"{'shape':<13} {'stage':<8}{''.join(f'{s:>10,}' for s in sizes)}   last/first")
    for stage in args.stages.split(","):
        for shape in args.shapes.split(","):
            show(shape, stage, row(shape, stage, sizes, args.limit), len(sizes))
    return 0


if __name__ == "__main__":
    sys.exit(main())

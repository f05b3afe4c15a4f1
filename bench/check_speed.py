"""How fast `netspec check` is, in ratios measured in one run on this machine.

    python bench/check_speed.py               # the default: 21 process runs each, specs up to 100,000 layers
    python bench/check_speed.py --runs 7      # quicker, noisier

(a) `netspec check specs/alexnet.net` as a whole process against a bare `python -c pass`
    (target: at most 2×): the median of N runs each, interleaved so that both see the same load.
(b) the same check against a torchinfo summary of the same AlexNet as a whole process
    (`torchinfo.summary(model, input_size=(1, 3, 227, 227))`; target: at least 10× faster).
(c) `check_text` in-process on generated specs of 1,000, 10,000 and 100,000 layers (alternating
    `conv 8 3x3 pad=1` / `relu` on 8x8x8): seconds and µs per layer (target: linear, 10,000 < 1 s).

Bytecode: this environment sets PYTHONDONTWRITEBYTECODE=1, which would make every child compile
netspec from source. Like `pip install` (which compiles bytecode at install time), the benchmark
first runs `python -m compileall netspec` once; the children then read the cached bytecode. The
children run the interpreter itself (`sys.executable`), never a shell wrapper such as a pyenv shim.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ALEXNET = ROOT / "specs" / "alexnet.net"

# The single-tower AlexNet of specs/alexnet.net, written as torchinfo users write it.
TORCHINFO_ALEXNET = """
import torch
from torch import nn
import torchinfo

model = nn.Sequential(
    nn.Conv2d(3, 96, 11, stride=4), nn.ReLU(), nn.LocalResponseNorm(5, 1e-4, 0.75, 2.0), nn.MaxPool2d(3, 2),
    nn.Conv2d(96, 256, 5, padding=2), nn.ReLU(), nn.LocalResponseNorm(5, 1e-4, 0.75, 2.0), nn.MaxPool2d(3, 2),
    nn.Conv2d(256, 384, 3, padding=1), nn.ReLU(),
    nn.Conv2d(384, 384, 3, padding=1), nn.ReLU(),
    nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(), nn.MaxPool2d(3, 2),
    nn.Flatten(), nn.Linear(9216, 4096), nn.ReLU(), nn.Dropout(0.5),
    nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(0.5), nn.Linear(4096, 1000), nn.Softmax(dim=1),
)
torchinfo.summary(model, input_size=(1, 3, 227, 227))
"""


def netspec_command() -> list[str]:
    """The installed console script next to the interpreter, else `python -m netspec`."""
    script = Path(sys.executable).with_name("netspec")
    if script.is_file():
        return [sys.executable, str(script)]
    found = shutil.which("netspec")
    if found and Path(found).read_text(errors="replace").startswith("#!") and "pyenv" not in found:
        return [found]
    return [sys.executable, "-m", "netspec"]


def run_once(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - start


def interleaved_medians(commands: dict[str, list[str]], runs: int) -> dict[str, float]:
    """Median wall time of each command, the commands taking turns (after one warm-up run each)."""
    for command in commands.values():
        run_once(command)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            times[name].append(run_once(command))
    return {name: statistics.median(values) for name, values in times.items()}


def generated_spec(layers: int) -> str:
    return "input 8x8x8\n" + "conv 8 3x3 pad=1\nrelu\n" * (layers // 2)


def in_process_check(layers: int, repeats: int) -> float:
    from netspec.checker import check_text

    text = generated_spec(layers)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        result = check_text(text)
        best = min(best, time.perf_counter() - start)
    assert result.ok and len(result.layers) == layers
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="process runs per command (default 21)")
    parser.add_argument("--no-torchinfo", action="store_true", help="skip (b)")
    args = parser.parse_args()

    compileall.compile_dir(str(ROOT / "netspec"), quiet=1)
    env_note = "PYTHONDONTWRITEBYTECODE=1" if os.environ.get("PYTHONDONTWRITEBYTECODE") else "bytecode writable"
    check = [*netspec_command(), "check", str(ALEXNET)]
    print(f"python {sys.version.split()[0]} on {os.cpu_count()} cores; {env_note}; netspec precompiled")
    print(f"check command: {' '.join(check)}")

    commands = {"python -c pass": [sys.executable, "-c", "pass"], "netspec check": check}
    medians = interleaved_medians(commands, args.runs)
    startup_ratio = medians["netspec check"] / medians["python -c pass"]
    print(f"\n(a) median of {args.runs} runs each, interleaved")
    for name, seconds in medians.items():
        print(f"    {name:<22} {seconds * 1000:8.1f} ms")
    print(f"    ratio                  {startup_ratio:8.2f}×   (target ≤ 2×)")

    torchinfo_ratio = None
    if not args.no_torchinfo:
        try:
            import torchinfo  # noqa: F401
        except ImportError:
            print("\n(b) skipped: torchinfo is not installed (pip install -e .[torch,test])")
        else:
            runs = max(3, args.runs // 4)
            summary = {"torchinfo summary": [sys.executable, "-c", TORCHINFO_ALEXNET], "netspec check": check}
            medians_b = interleaved_medians(summary, runs)
            torchinfo_ratio = medians_b["torchinfo summary"] / medians_b["netspec check"]
            print(f"\n(b) median of {runs} runs each, interleaved")
            for name, seconds in medians_b.items():
                print(f"    {name:<22} {seconds * 1000:8.1f} ms")
            print(f"    netspec is             {torchinfo_ratio:8.1f}× faster   (target ≥ 10×)")

    print("\n(c) check_text in-process, best of 3 (1 for 100,000)")
    per_layer = {}
    for layers in (1_000, 10_000, 100_000):
        seconds = in_process_check(layers, 3 if layers < 100_000 else 1)
        per_layer[layers] = seconds / layers * 1e6
        print(f"    {layers:>7,} layers  {seconds:7.3f} s  {per_layer[layers]:6.1f} µs/layer")
    growth = per_layer[100_000] / per_layer[1_000]
    ten_k = per_layer[10_000] * 10_000 / 1e6

    print("\nsummary")
    print(
        f"    whole check / python startup   {startup_ratio:5.2f}×  {'ok' if startup_ratio <= 2 else 'MISSED'} (≤ 2×)"
    )
    if torchinfo_ratio is not None:
        verdict = "ok" if torchinfo_ratio >= 10 else "MISSED"
        print(f"    torchinfo / netspec check      {torchinfo_ratio:5.1f}×  {verdict} (≥ 10×)")
    print(f"    10,000 layers                  {ten_k:5.2f} s  {'ok' if ten_k < 1 else 'MISSED'} (< 1 s)")
    print(f"    µs/layer at 100k vs at 1k      {growth:5.2f}×  {'ok' if growth < 1.5 else 'MISSED'} (linear: ≈ 1)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

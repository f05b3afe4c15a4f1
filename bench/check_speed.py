"""How fast `netspec check` is, in ratios measured in one run on this machine.

    python bench/check_speed.py               # the default: 21 process runs each, specs up to 100,000 layers
    python bench/check_speed.py --runs 7      # quicker, noisier
    python bench/check_speed.py --venv DIR    # where the benchmark's own installation goes (default /tmp/benchvenv)

How the whole-process timings are measured. netspec is installed as a user installs it: not
editable, into a fresh virtual environment (`python -m venv /tmp/benchvenv`, then
`/tmp/benchvenv/bin/pip install /work/main` — it needs no other package), so that no editable-install path
hook, test dependency or `.pth` file of the development environment slows the start. pip compiles
the bytecode at install time, so every run reads cached bytecode (this environment sets
PYTHONDONTWRITEBYTECODE=1; a run would otherwise never cache it). The script (re)installs the
working tree there before measuring, so the figures are of the code as it is now. The baseline is
that venv's `python -I -c pass`: the bare interpreter in isolated mode (no user site, no PYTHON*
variables), the cheapest a Python command can start. The commands take turns, one run each per
round after one warm-up run each, and the median of each is reported.

(a) `netspec check specs/alexnet.net` and `netspec check specs/resnet50.net` (174 layers, 16
    residual merges) as whole processes, against `python -I -c pass` (target for AlexNet: at most
    2.5×, issue #9; ResNet-50 has no target of its own, it shows what a graph adds). Besides the
    wall time, the CPU time (user + system) each process used is reported, from
    `resource.getrusage(RUSAGE_CHILDREN)`: on a shared machine it varies less with the load.
(b) the AlexNet check against a torchinfo summary of the same AlexNet as a whole process
    (`torchinfo.summary(model, input_size=(1, 3, 227, 227))`, run by the interpreter that runs this
    script, where torch and torchinfo are installed; target: at least 10× faster).
(c) `check_text` in this process on generated specs of about 1,000, 10,000 and 100,000 layers
    (netspec's limit is 100,000): a residual net, `residual { conv 8 3x3 pad=1; relu }` on
    8x8x8 (3 layers each: conv, relu, add), once written out line by line and once as one
    `repeat N { … }`, and for comparison the plain chain of `conv 8 3x3 pad=1` / `relu` measured
    on 2026-11-22. Seconds and µs per layer (target: linear, 10,000 layers < 1 s). `check_text`
    parses, elaborates and walks; the memory estimate is not part of it (it is in (a)).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ALEXNET = ROOT / "specs" / "alexnet.net"
RESNET50 = ROOT / "specs" / "resnet50.net"
MAX_LAYERS = 100_000

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


def install(venv: Path) -> None:
    """A fresh venv at `venv` (made once) with the working tree installed in it, not editable."""
    python = venv / "bin" / "python"
    if not python.is_file():
        print(f"making {venv}: python -m venv {venv}")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    print(f"installing {ROOT} into {venv} (not editable; pip compiles the bytecode)")
    pip = [str(python), "-m", "pip", "install", "-q", "--force-reinstall", str(ROOT)]
    subprocess.run(pip, check=True, stdout=subprocess.DEVNULL)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(command: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run of `command`."""
    start, cpu = time.perf_counter(), _children_cpu()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - start, _children_cpu() - cpu


def interleaved_medians(commands: dict[str, list[str]], runs: int, cpu: dict | None = None) -> dict[str, float]:
    """Median wall time of each command, the commands taking turns (after one warm-up run each);
    with `cpu`, the median CPU time of each goes in there."""
    for command in commands.values():
        run_once(command)
    times: dict[str, list[float]] = {name: [] for name in commands}
    cpu_times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            wall, used = run_once(command)
            times[name].append(wall)
            cpu_times[name].append(used)
    if cpu is not None:
        cpu.update({name: statistics.median(values) for name, values in cpu_times.items()})
    return {name: statistics.median(values) for name, values in times.items()}


RESIDUAL = "residual { conv 8 3x3 pad=1; relu }"  # conv, relu and the add: 3 layers


def chain_spec(layers: int) -> tuple[str, int]:
    return "input 8x8x8\n" + "conv 8 3x3 pad=1\nrelu\n" * (layers // 2), layers // 2 * 2


def residual_written_out(layers: int) -> tuple[str, int]:
    count = layers // 3
    return "input 8x8x8\n" + f"{RESIDUAL}\n" * count, 3 * count


def residual_repeat(layers: int) -> tuple[str, int]:
    count = layers // 3
    return f"input 8x8x8\nrepeat {count} {{ {RESIDUAL} }}\n", 3 * count


SPECS = {
    "residual, written out": residual_written_out,
    "residual, repeat N { }": residual_repeat,
    "chain conv/relu": chain_spec,
}


def in_process_check(text: str, layers: int, repeats: int) -> float:
    from netspec.checker import check_text

    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        result = check_text(text)
        best = min(best, time.perf_counter() - start)
    assert result.ok and len(result.layers) == layers, (len(result.layers), layers)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="process runs per command (default 21)")
    parser.add_argument("--venv", type=Path, default=Path("/tmp/benchvenv"), help="the benchmark's installation")
    parser.add_argument("--no-install", action="store_true", help="use --venv as it is")
    parser.add_argument("--no-torchinfo", action="store_true", help="skip (b)")
    args = parser.parse_args()

    if not args.no_install:
        install(args.venv)
    python = str(args.venv / "bin" / "python")
    netspec = str(args.venv / "bin" / "netspec")
    env_note = "PYTHONDONTWRITEBYTECODE=1" if os.environ.get("PYTHONDONTWRITEBYTECODE") else "bytecode writable"
    print(f"python {sys.version.split()[0]} on {os.cpu_count()} cores; {env_note}; bytecode compiled by pip")
    print(f"netspec: {netspec}   baseline: {python} -I -c pass")

    baseline = "python -I -c pass"
    commands = {
        baseline: [python, "-I", "-c", "pass"],
        "check alexnet.net": [netspec, "check", str(ALEXNET)],
        "check resnet50.net": [netspec, "check", str(RESNET50)],
    }
    cpu: dict[str, float] = {}
    medians = interleaved_medians(commands, args.runs, cpu)
    ratios = {name: seconds / medians[baseline] for name, seconds in medians.items()}
    cpu_ratios = {name: seconds / cpu[baseline] for name, seconds in cpu.items()}
    print(f"\n(a) whole processes, median of {args.runs} runs each, interleaved: wall time; CPU time")
    for name, seconds in medians.items():
        ratio = "" if name == baseline else f"  {ratios[name]:6.2f}× the baseline"
        cpu_ratio = "" if name == baseline else f"  {cpu_ratios[name]:6.2f}×"
        print(f"    {name:<22} {seconds * 1000:8.1f} ms{ratio:<22}  {cpu[name] * 1000:8.1f} ms CPU{cpu_ratio}")

    torchinfo_ratio = None
    if not args.no_torchinfo:
        try:
            import torchinfo  # noqa: F401
        except ImportError:
            print("\n(b) skipped: torchinfo is not installed here (pip install -e .[torch,test])")
        else:
            runs = max(3, args.runs // 4)
            summary = {
                "torchinfo summary": [sys.executable, "-c", TORCHINFO_ALEXNET],
                "netspec check": commands["check alexnet.net"],
            }
            medians_b = interleaved_medians(summary, runs)
            torchinfo_ratio = medians_b["torchinfo summary"] / medians_b["netspec check"]
            print(f"\n(b) AlexNet, median of {runs} runs each, interleaved")
            for name, seconds in medians_b.items():
                print(f"    {name:<22} {seconds * 1000:8.1f} ms")
            print(f"    netspec is             {torchinfo_ratio:8.1f}× faster   (target ≥ 10×)")

    print("\n(c) check_text in this process, best of 3 (of 1 from 30,000 layers), after one warm-up check")
    in_process_check(*residual_written_out(300), repeats=1)
    per_layer: dict[str, dict[int, float]] = {}
    for label, make in SPECS.items():
        per_layer[label] = {}
        for target in (1_000, 10_000, MAX_LAYERS):
            text, layers = make(target)
            seconds = in_process_check(text, layers, 3 if layers < 30_000 else 1)
            per_layer[label][layers] = seconds / layers * 1e6
            print(f"    {label:<24} {layers:>7,} layers  {seconds:7.3f} s  {per_layer[label][layers]:6.1f} µs/layer")

    print("\nsummary")
    verdict = "ok" if ratios["check alexnet.net"] <= 2.5 else "MISSED"
    print(
        f"    check alexnet.net / python -I -c pass   {ratios['check alexnet.net']:5.2f}×  {verdict} (≤ 2.5×); "
        f"CPU time {cpu_ratios['check alexnet.net']:4.2f}×"
    )
    print(f"    check resnet50.net / python -I -c pass  {ratios['check resnet50.net']:5.2f}×")
    if torchinfo_ratio is not None:
        verdict = "ok" if torchinfo_ratio >= 10 else "MISSED"
        print(f"    torchinfo / netspec check               {torchinfo_ratio:5.1f}×  {verdict} (≥ 10×)")
    for label, rows in per_layer.items():
        (small, small_us), (middle, middle_us), (large, large_us) = sorted(rows.items())
        ten_k = middle_us * middle / 1e6
        growth = large_us / small_us
        print(
            f"    {label:<24} {middle:,} layers {ten_k:5.2f} s {'ok' if ten_k < 1 else 'MISSED'} (< 1 s); "
            f"µs/layer at {large:,} vs {small:,}: {growth:4.2f}× {'ok' if growth < 1.5 else 'MISSED'} (linear: ≈ 1)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

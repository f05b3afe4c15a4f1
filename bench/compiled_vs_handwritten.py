"""Is the code `netspec compile` writes as fast as PyTorch written by hand? And how fast is compiling?

    python bench/compiled_vs_handwritten.py              # the default: about a minute on 2 CPU cores
    python bench/compiled_vs_handwritten.py --rounds 5   # quicker, noisier

(a) One training step (forward, loss, backward, SGD with momentum) of the compiled LeNet-5,
    DeepConvNet and AlexNet against a hand-written nn.Module of the same layers (below, written
    the way PyTorch code is usually written: nn.Sequential stages, a flatten, a classifier). Both
    get the same weights (a check that they compute the same loss comes first), the same batch and
    the same thread count. The compiled model trains on `model(x, log_probs=True)` with NLL, the
    hand-written one on its logits with cross-entropy: the same log_softmax + nll_loss kernels.
    The two are timed in alternating order within each round, so drift and load hit both alike;
    the ratio is the median over rounds of compiled / hand-written time (target: 1.00 ± 0.03),
    given for CPU time (process_time: what the code costs, robust to other processes) and for
    wall time. One thread by default (`--threads`): the ratio compares code, and one thread is
    not disturbed by a preempted sibling waiting at a barrier on a shared machine.
(b) `netspec compile specs/alexnet.net -o FILE` as a whole process against a bare `python -c pass`:
    the median of N runs each, interleaved. Also `generate()` in-process for AlexNet and VGG-16.

Bytecode: this environment sets PYTHONDONTWRITEBYTECODE=1, which would make every child process
compile netspec (including its 3,500-line generated parser) from source. As `pip install` does at
install time, the benchmark first runs `python -m compileall netspec` once; the children then read
the cached bytecode. The children run the interpreter itself (`sys.executable`).
"""

from __future__ import annotations

import argparse
import compileall
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from netspec.checker import check_source  # noqa: E402
from netspec.codegen import generate  # noqa: E402
from netspec.loading import load_spec  # noqa: E402
from netspec.training.model import compiled_model_class  # noqa: E402

# --- the hand-written models -------------------------------------------------------------------


class HandLeNet5(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 6, 5),
            nn.Tanh(),
            nn.AvgPool2d(2),
            nn.Conv2d(6, 16, 5),
            nn.Tanh(),
            nn.AvgPool2d(2),
            nn.Conv2d(16, 120, 5),
            nn.Tanh(),
        )
        self.classifier = nn.Sequential(nn.Linear(120, 84), nn.Tanh(), nn.Linear(84, 10))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(torch.flatten(self.features(x), 1))


class HandDeepConvNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()

        def stage(c_in: int, c_out: int, second_pad: int = 1) -> list[nn.Module]:
            return [
                nn.Conv2d(c_in, c_out, 3, padding=1),
                nn.ReLU(),
                nn.Conv2d(c_out, c_out, 3, padding=second_pad),
                nn.ReLU(),
                nn.MaxPool2d(2),
            ]

        self.features = nn.Sequential(*stage(1, 16), *stage(16, 32, second_pad=2), *stage(32, 64))
        self.classifier = nn.Sequential(
            nn.Linear(64 * 4 * 4, 50), nn.ReLU(), nn.Dropout(0.5), nn.Linear(50, 10), nn.Dropout(0.5)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(torch.flatten(self.features(x), 1))


class HandAlexNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 96, 11, stride=4),
            nn.ReLU(),
            nn.LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=2.0),
            nn.MaxPool2d(3, stride=2),
            nn.Conv2d(96, 256, 5, padding=2),
            nn.ReLU(),
            nn.LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=2.0),
            nn.MaxPool2d(3, stride=2),
            nn.Conv2d(256, 384, 3, padding=1),
            nn.ReLU(),
            nn.Conv2d(384, 384, 3, padding=1),
            nn.ReLU(),
            nn.Conv2d(384, 256, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(3, stride=2),
        )
        self.classifier = nn.Sequential(
            nn.Linear(256 * 6 * 6, 4096),
            nn.ReLU(),
            nn.Dropout(0.5),
            nn.Linear(4096, 4096),
            nn.ReLU(),
            nn.Dropout(0.5),
            nn.Linear(4096, 1000),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # logits: cross-entropy adds the softmax
        return self.classifier(torch.flatten(self.features(x), 1))


# (spec, hand-written class, batch, steps per timing, share of the rounds)
CASES = [
    ("lenet.net", HandLeNet5, 64, 4, 1.0),
    ("deep.net", HandDeepConvNet, 100, 1, 1.0),
    ("alexnet.net", HandAlexNet, 4, 1, 0.5),
]


# --- (a) training steps ------------------------------------------------------------------------


def compiled_model(spec: str, folder: Path) -> nn.Module:
    result = check_source(load_spec(str(ROOT / "specs" / spec))[0])
    return compiled_model_class(result, folder / f"compiled_{Path(spec).stem}.py")()  # as `netspec train` does


def step_fn(model: nn.Module, compiled: bool, x: torch.Tensor, y: torch.Tensor):
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9)

    def step() -> float:
        optimizer.zero_grad(set_to_none=True)
        if compiled:
            loss = F.nll_loss(model(x, log_probs=True), y)
        else:
            loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        return loss.item()

    return step


def same_loss(compiled: nn.Module, hand: nn.Module, x: torch.Tensor, y: torch.Tensor) -> None:
    compiled.eval(), hand.eval()
    with torch.no_grad():
        a = F.nll_loss(compiled(x, log_probs=True), y)
        b = F.cross_entropy(hand(x), y)
    compiled.train(), hand.train()
    if not torch.allclose(a, b, rtol=1e-4):
        raise SystemExit(f"the models differ: loss {a.item()} vs {b.item()}")


def timed(step, steps: int) -> tuple[float, float]:
    """(CPU seconds, wall seconds) per step."""
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(steps):
        step()
    return (time.process_time() - cpu) / steps, (time.perf_counter() - wall) / steps


def bench_training(rounds: int, folder: Path) -> None:
    print(
        f"(a) training step, compiled / hand-written: median per step, median ratio (quartiles)"
        f"  (torch {torch.__version__}, {torch.get_num_threads()} thread(s))"
    )
    for spec, hand_class, batch, steps, share in CASES:
        torch.manual_seed(0)
        compiled = compiled_model(spec, folder)
        hand = hand_class()
        with torch.no_grad():
            for mine, theirs in zip(hand.parameters(), compiled.parameters(), strict=True):
                mine.copy_(theirs)
        shape = next(compiled.parameters()).shape  # (F, C, KH, KW) of the first conv
        size = {"lenet.net": 32, "deep.net": 28, "alexnet.net": 227}[spec]
        x = torch.randn(batch, shape[1], size, size)
        y = torch.randint(0, 10, (batch,))
        same_loss(compiled, hand, x, y)
        steps_of = {"compiled": step_fn(compiled, True, x, y), "hand": step_fn(hand, False, x, y)}
        for step in steps_of.values():  # warm up allocator and kernels
            timed(step, max(2, steps))
        times: dict[str, list[tuple[float, float]]] = {"compiled": [], "hand": []}
        for r in range(max(4, int(rounds * share))):
            order = ("compiled", "hand") if r % 2 == 0 else ("hand", "compiled")
            for name in order:
                times[name].append(timed(steps_of[name], steps))
        line = f"    {spec:<12} batch {batch:>3}:"
        for clock, which in (("CPU", 0), ("wall", 1)):
            c = statistics.median(t[which] for t in times["compiled"])
            h = statistics.median(t[which] for t in times["hand"])
            ratios = [a[which] / b[which] for a, b in zip(times["compiled"], times["hand"])]
            q1, median, q3 = statistics.quantiles(ratios, n=4)
            line += f" {clock} {c * 1e3:.1f} / {h * 1e3:.1f} ms = {median:.3f} ({q1:.2f}..{q3:.2f});"
        print(line.rstrip(";") + f"  [{len(times['hand'])} rounds]")


# --- (b) the compile command -------------------------------------------------------------------


def bench_compile_command(runs: int, folder: Path) -> None:
    compileall.compile_dir(str(ROOT / "netspec"), quiet=1)
    target = folder / "alexnet_model.py"
    commands = {
        "netspec compile": [
            sys.executable,
            "-m",
            "netspec",
            "compile",
            str(ROOT / "specs" / "alexnet.net"),
            "-o",
            str(target),
        ],
        "python -c pass": [sys.executable, "-c", "pass"],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            start = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
            times[name].append(time.perf_counter() - start)
    compile_s, python_s = (statistics.median(times[name]) for name in commands)
    print(f"(b) `netspec compile specs/alexnet.net -o FILE`, median of {runs} process runs")
    print(
        f"    netspec compile {compile_s * 1e3:6.1f} ms, python -c pass {python_s * 1e3:6.1f} ms: {compile_s / python_s:.2f}x"
    )
    for spec in ("alexnet.net", "vgg16.net"):
        result = check_source(load_spec(str(ROOT / "specs" / spec))[0])
        start = time.perf_counter()
        for _ in range(20):
            generate(result)
        print(f"    generate() in-process, {spec:<12} {(time.perf_counter() - start) / 20 * 1e3:6.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=30, help="timing rounds per model pair (default 30)")
    parser.add_argument("--runs", type=int, default=15, help="process runs for (b) (default 15)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads for (a) (default 1)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    with tempfile.TemporaryDirectory() as folder:
        bench_training(args.rounds, Path(folder))
        bench_compile_command(args.runs, Path(folder))


if __name__ == "__main__":
    main()

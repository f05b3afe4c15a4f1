"""Training throughput of `netspec train` against the usual tutorial loop, on CPU, in one process.

    python bench/train_throughput.py                     # LeNet-5 and a small MLP, 5 interleaved rounds
    python bench/train_throughput.py --rounds 3 --threads 2
    python bench/train_throughput.py --accuracy          # then LeNet-5's test accuracy on the bundled digits

A last line times the two data pipelines alone (no model), where netspec's design differs.

Both loops train the same compiled module (the file `netspec compile` emits, same seed, same
initial weights) on the same 4,000 bundled digits (resized and normalized the same way), with the
same batch and an Adam optimizer with the same lr, for one epoch at a time:

- netspec: `netspec.training.runner.train` itself with epochs=1 — uint8 samples on the device,
  batches gathered by indexing a seeded permutation, converted and normalized a batch at a time,
  the loss and accuracy summed on the device. Its samples/s is the runner's own figure (training
  loop only, the per-epoch evaluation excluded).
- tutorial: float32 tensors in a `TensorDataset`, a `DataLoader(batch_size=B, shuffle=True)`,
  `optim.Adam(model.parameters(), lr=...)` with PyTorch's defaults, and per step `zero_grad`,
  `cross_entropy`, `backward`, `step`, `running_loss += loss.item()` and an accuracy count, as the
  PyTorch tutorials write it.

The rounds alternate (netspec, tutorial, netspec, …) so that both see the same machine load; the
medians are compared. Timings on a shared machine are noisy: run it on a quiet one.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

from netspec.checker import check_text
from netspec.data.device import epoch_generator
from netspec.diagnostics import Diagnostics
from netspec.loading import load_spec
from netspec.train_settings import parse_train
from netspec.training import runner
from netspec.training.model import compiled_model_class

MLP = """# a small multilayer perceptron: the data pipeline's share of a step is large
network MLP
input 784
fc 128
relu
fc 10
train {
  data digits-offline
  optimizer adam lr=0.001
  batch 64
}
"""


def load(name: str):
    if name == "mlp":
        result = check_text(MLP, "mlp.net")
    else:
        source, _ = load_spec(name)
        result = check_text(source.text, source.name)
    settings = parse_train(result.network.train, Diagnostics())
    return result, settings.replace(epochs=1, data="digits-offline")


def netspec_epoch(result, settings, runs: Path) -> float:
    outcome = runner.train(result, settings, runner.RunOptions(device="cpu", quiet=True, runs=runs))
    return outcome.rows[-1]["samples_per_s"]


def tutorial_epoch(result, settings, data, model_class, lr: float) -> float:
    x = data.train.prepare(data.train.x)  # the same float32 samples, normalized once, up front
    y = data.train.y
    loader = DataLoader(TensorDataset(x, y), batch_size=settings.batch, shuffle=True)
    torch.manual_seed(settings.seed)
    model = model_class()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    running_loss, correct, seen = 0.0, 0, 0
    start = time.perf_counter()
    for inputs, labels in loader:
        optimizer.zero_grad()
        outputs = model(inputs)
        loss = F.cross_entropy(outputs, labels)
        loss.backward()
        optimizer.step()
        running_loss += loss.item()
        correct += (outputs.argmax(1) == labels).sum().item()
        seen += len(labels)
    return seen / (time.perf_counter() - start)


def pipelines(rounds: int) -> None:
    """The data pipelines alone (no model): batches of normalized float32 digits for one epoch."""
    result, settings = load("lenet.net")
    data = runner.prepare_data(result, settings, torch.device("cpu"), quiet=True)
    x, y = data.train.prepare(data.train.x), data.train.y
    ours, theirs = [], []
    for epoch in range(rounds):
        start = time.perf_counter()
        count = sum(len(labels) for _, labels, _ in data.train.batches(settings.batch, epoch_generator(0, epoch)))
        ours.append(count / (time.perf_counter() - start))
        start = time.perf_counter()
        count = sum(
            len(labels) for _, labels in DataLoader(TensorDataset(x, y), batch_size=settings.batch, shuffle=True)
        )
        theirs.append(count / (time.perf_counter() - start))
    a, b = statistics.median(ours), statistics.median(theirs)
    print(
        f"{'data only':<8} batch {settings.batch:<4} netspec {a:>9,.0f} samples/s   tutorial {b:>9,.0f} samples/s"
        f"   ratio {a / b:.2f}x   (LeNet-5's 1x32x32 digits, no model: the pipelines alone)",
        flush=True,
    )


def compare(name: str, rounds: int, folder: Path) -> float:
    result, settings = load(name)
    data = runner.prepare_data(result, settings, torch.device("cpu"), quiet=True)
    model_class = compiled_model_class(result, folder / f"{result.name}-model.py")
    ours, theirs = [], []
    for _ in range(rounds):
        ours.append(netspec_epoch(result, settings, folder / "runs"))
        theirs.append(tutorial_epoch(result, settings, data, model_class, settings.optimizer.lr))
    a, b = statistics.median(ours), statistics.median(theirs)
    print(
        f"{result.name:<8} batch {settings.batch:<4} netspec {a:>9,.0f} samples/s   tutorial {b:>9,.0f} samples/s"
        f"   ratio {a / b:.2f}x   (rounds: netspec {', '.join(f'{v:,.0f}' for v in ours)}; "
        f"tutorial {', '.join(f'{v:,.0f}' for v in theirs)})",
        flush=True,
    )
    return a / b


def accuracy(folder: Path) -> None:
    source, _ = load_spec("lenet.net")
    result = check_text(source.text, source.name)
    settings = parse_train(result.network.train, Diagnostics())
    started = time.perf_counter()
    outcome = runner.train(result, settings, runner.RunOptions(device="cpu", quiet=True, runs=folder / "accuracy"))
    row = outcome.rows[-1]
    print(
        f"LeNet-5 on digits-offline ({settings.epochs} epochs, {settings.optimizer.name} lr {settings.optimizer.lr:g}, "
        f"batch {settings.batch}): test accuracy {row['test_acc']:.2%} on the 1,000 held-out digits "
        f"({time.perf_counter() - started:.0f} s)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--specs", nargs="+", default=["lenet.net", "mlp"], help="specs to time (`mlp`: the MLP above)")
    parser.add_argument("--rounds", type=int, default=5, help="epochs of each loop, interleaved")
    parser.add_argument("--threads", type=int, help="torch.set_num_threads (default: PyTorch's choice)")
    parser.add_argument("--accuracy", action="store_true", help="also train LeNet-5 on the bundled digits")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, CPU; {args.rounds} rounds per loop")
    with tempfile.TemporaryDirectory(prefix="netspec-bench-") as folder:
        for name in args.specs:
            compare(name, args.rounds, Path(folder))
        pipelines(args.rounds)
        if args.accuracy:
            accuracy(Path(folder))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The loss of a batch, and the accuracy and loss of a model on a whole split (one pass).

The loss is the training criterion everywhere: the compiled module's log-probability path
(`model(x, log_probs=True)`: log_softmax of the logits, or in place of a final softmax), then

    loss(batch) = Σᵢ ℓᵢ,   ℓᵢ = (1−ε)·(−log p(yᵢ)) + ε·mean_k(−log p_k)      (ε: label smoothing)

which is `F.cross_entropy` on logits (Szegedy et al. 2016 for ε). A split's loss is the sum of
ℓᵢ over all its samples divided by their count — the mean over samples, exact whatever the
batches, an uneven last one included; its accuracy is the share of samples whose most likely
class (argmax of the log-probabilities) is the label. Both come from the same forward pass.
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass

import torch
from torch import nn

from netspec.data import DataError
from netspec.data.device import DeviceSplit
from netspec.training import distributed

PRECISION_DTYPES = {"bf16": torch.bfloat16, "fp16": torch.float16}
# Devices where images go channels-last (N, H, W, C in memory): cuDNN's and oneDNN's faster layout
# for convolutions (a LeNet-5 step was 1.2–1.5x faster on CPU with it in a micro-benchmark here).
CHANNELS_LAST = ("cuda", "cpu")


def autocast(device: torch.device, precision: str):
    """torch.autocast for bf16/fp16, nothing for fp32."""
    if precision in PRECISION_DTYPES:
        return torch.autocast(device_type=device.type, dtype=PRECISION_DTYPES[precision])
    return contextlib.nullcontext()


def nll_sum(log_probs: torch.Tensor, target: torch.Tensor, smoothing: float = 0.0) -> torch.Tensor:
    """Σ over the batch of −log p(target), mixed with the mean over classes for label smoothing
    (Szegedy et al. 2016): (1−ε)·NLL + ε·mean_k(−log p_k), the same as F.cross_entropy's."""
    log_probs = log_probs.float()
    picked = -log_probs.gather(1, target[:, None]).squeeze(1)
    if smoothing:
        picked = (1 - smoothing) * picked - smoothing * log_probs.mean(dim=1)
    return picked.sum()


def forward_loss(
    net: nn.Module, x: torch.Tensor, y: torch.Tensor, smoothing: float, device: torch.device, precision: str
) -> tuple[torch.Tensor, torch.Tensor]:
    """(Σ loss over the batch, log-probabilities): the compiled module's log-probability path, then NLL."""
    with autocast(device, precision):
        log_probs = net(x, log_probs=True)
    return nll_sum(log_probs, y, smoothing), log_probs


@dataclass(frozen=True)
class SplitScore:
    """A model on a split: the share classified right, and the mean loss per sample (None when it
    is NaN or infinite: a row of metrics holds only finite numbers)."""

    accuracy: float
    loss: float | None
    samples: int


@torch.no_grad()
def score(
    model: nn.Module,
    split: DeviceSplit,
    batch: int,
    device: torch.device,
    precision: str,
    smoothing: float = 0.0,
    world: distributed.World | None = None,
) -> SplitScore:
    """Accuracy and mean loss of `model` (in eval mode) on `split`, from one forward pass per batch;
    each process scores its slices of every batch and the sums are added over processes."""
    world = world or distributed.World()
    was_training = model.training
    model.eval()
    sums = torch.zeros(3, dtype=torch.float64, device=device)  # correct, samples, Σ loss
    for x, y, _ in split.batches(batch, None, rank=world.rank, world=world.size):
        if x.dim() == 4 and device.type in CHANNELS_LAST:
            x = x.contiguous(memory_format=torch.channels_last)
        loss_sum, log_probs = forward_loss(model, x, y, smoothing, device, precision)
        sums[0] += (log_probs.argmax(dim=1) == y).sum()
        sums[1] += len(y)
        sums[2] += loss_sum.double()
    distributed.all_sum(world, sums)
    model.train(was_training)
    correct, total, loss_total = sums.tolist()
    if not total:
        raise DataError("a split with no samples cannot be evaluated")
    mean_loss = loss_total / total
    return SplitScore(correct / total, mean_loss if math.isfinite(mean_loss) else None, int(total))


def evaluate(
    model: nn.Module,
    split: DeviceSplit,
    batch: int,
    device: torch.device,
    precision: str,
    world: distributed.World | None = None,
) -> float:
    """Accuracy of `model` on `split` (`netspec eval`'s figure)."""
    return score(model, split, batch, device, precision, world=world).accuracy

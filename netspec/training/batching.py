"""How many steps an epoch takes, and the batches a network with batch norm cannot take.

In training mode batch norm normalizes each channel by the mean and variance of the batch. Over a
single sample those are that sample's own: after `fc`, or on a 1x1 map, there is one value per
channel and PyTorch refuses it ("Expected more than 1 value per channel when training"); on a
larger map it runs, but the running mean and variance, which evaluation uses, take a tenth
(momentum 0.1) of their update from one sample — at the end of every epoch, just before the
validation and test passes. So, for a network with batch norm:

- an epoch's last batch is left out when it would give a process one sample (a global batch
  of fewer than 2 × processes; `--batch 3999` on 4,000 digits leaves one sample out per epoch,
  which the next epoch's new order includes);
- a batch of one sample per process (`batch` < 2 × processes) is refused before training, as is
  a training split too small for a single step.

A network without batch norm takes every batch, as before. The schedule counts the steps actually
taken, so `onecycle` and `cosine` still end where they should.
"""

from __future__ import annotations

import torch
from torch import nn

from netspec.data import DataError
from netspec.data.device import DeviceSplit
from netspec.training.limits import SettingsError


def has_batch_norm(model: nn.Module) -> bool:
    """Whether the model holds a batch-norm layer (BatchNorm1d/2d, which normalize by the batch)."""
    return any(isinstance(module, nn.modules.batchnorm._BatchNorm) for module in model.modules())


def class_has_batch_norm(network_class: type[nn.Module]) -> bool:
    """has_batch_norm of a model of this class built on the meta device: no memory, no weights
    drawn, so it can be asked before the run folder and the real model are made."""
    with torch.device("meta"):
        return has_batch_norm(network_class())


def lone_last_batch(samples: int, batch: int, world: int) -> bool:
    """Whether the last global batch gives some process one sample: `DeviceSplit.batches` splits
    a batch of S samples into slices of ⌊S/N⌋ or ⌈S/N⌉, so one holds a single sample when
    N ≤ S < 2N (below N the batch is left out anyway)."""
    rest = samples % batch
    return world <= rest < 2 * world


def epoch_steps(train: DeviceSplit, batch: int, world: int, batch_norm: bool) -> int:
    """The steps of one epoch: `DeviceSplit.steps`, less a lone last batch when there is batch norm."""
    steps = train.steps(batch, world)
    if batch_norm and lone_last_batch(len(train), batch, world):
        steps -= 1
    return steps


def check_steps(train: DeviceSplit, batch: int, world: int, batch_norm: bool) -> None:
    """SettingsError for a batch of one sample per process with batch norm; DataError when the
    training split is too small for one step. Raised before the first epoch, with the fix."""
    share = f" ({batch} over {world} processes)" if world > 1 else ""
    if batch_norm and batch < 2 * world:
        raise SettingsError(
            f"batch {batch}{share} gives each step one sample per process, and the network has batch norm, "
            f"which normalizes by the statistics of the batch: over one sample those are the sample's own "
            f"(PyTorch refuses them after fc or on a 1x1 map); use --batch {2 * world} or more"
        )
    if epoch_steps(train, batch, world, batch_norm) == 0:
        samples = len(train)
        needed = 2 * world if batch_norm else world
        why = "a network with batch norm needs two per process" if batch_norm else "each process needs one"
        raise DataError(
            f"the training split holds {samples} sample{'s' * (samples != 1)}, too few for one step: {why} "
            f"({needed} or more)"
        )

"""A data split held on the training device, batched by indexing: no DataLoader, no per-sample Python.

Images stay uint8 on the device (a quarter of float32's memory: all of MNIST is 47 MB) and become
float only a batch at a time, where the same few kernels convert, augment and normalize them:

    x = images[perm[i : i + B]]            # (B, C, H, W) uint8, one gather
    x = shift / flip (x)                   # random, per sample, from the epoch's generator
    x = x · scale − shift                  # per channel: (x / 255 − mean) / std in one step

A batch's random numbers (its order, shifts, flips) are drawn for the whole global batch from a
generator seeded by (seed, epoch); each process of a distributed run takes its slice of them, so
N processes see exactly the samples and augmentations that one process would.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import torch
import torch.nn.functional as F

from netspec.data.formats import Split
from netspec.train_settings import AugmentSettings

RESIZE_CHUNK = 2048


def epoch_seed(seed: int, epoch: int, rank: int = 0) -> int:
    """The seed of one epoch's random draws: a function of (seed, epoch) alone, so a resumed run
    draws what the uninterrupted one would; `rank` gives each process its own dropout masks."""
    return (seed * 1_000_003 + epoch * 7_919 + rank) % (2**63)


def epoch_generator(seed: int, epoch: int) -> torch.Generator:
    """A CPU generator for one epoch's order and augmentations, the same in every process."""
    generator = torch.Generator()
    generator.manual_seed(epoch_seed(seed, epoch))
    return generator


def _writable(array: np.ndarray) -> np.ndarray:
    """`array` as torch.from_numpy takes it without a warning: contiguous and writable (an array
    over a file's bytes is read-only, and torch then warns "The given NumPy array is not writable")."""
    array = np.ascontiguousarray(array)
    return array if array.flags.writeable else array.copy()


class DeviceSplit:
    """One split's samples and labels on `device`, with the normalization of the training split."""

    def __init__(self, split: Split, device: torch.device, size: tuple[int, int] | None = None, flatten: bool = False):
        """`size`: resize images to (H, W); `flatten`: then make each sample one vector (N, C·H·W)."""
        x = torch.from_numpy(_writable(split.x)).to(device)
        if size is not None and x.dim() == 4 and tuple(x.shape[2:]) != tuple(size):
            x = resize(x, size)
        if flatten and x.dim() != 2:
            x = x.reshape(len(x), -1)
        self.x = x  # (N, C, H, W) or (N, F); uint8 or float32
        self.y = torch.from_numpy(_writable(split.y)).to(device)
        self.device = device
        self.scale: torch.Tensor | None = None
        self.offset: torch.Tensor | None = None

    def __len__(self) -> int:
        return len(self.y)

    @property
    def sample_shape(self) -> tuple[int, ...]:
        return tuple(self.x.shape[1:])

    def statistics(self) -> tuple[list[float], list[float]]:
        """Per-channel mean and std on the 0..1 scale (uint8 / 255), summed in float64 by chunks."""
        dims = [0, 2, 3] if self.x.dim() == 4 else [0, 1]
        total = torch.zeros((), dtype=torch.float64, device=self.device)
        squares = torch.zeros((), dtype=torch.float64, device=self.device)
        for chunk in self.x.split(RESIZE_CHUNK):
            chunk = chunk.double() / (255.0 if self.x.dtype is torch.uint8 else 1.0)
            total = total + chunk.sum(dim=dims)
            squares = squares + chunk.square().sum(dim=dims)
        count = self.x.numel() / (self.x.shape[1] if self.x.dim() == 4 else 1)
        mean = total / count
        std = (squares / count - mean.square()).clamp_min(1e-12).sqrt()
        return mean.reshape(-1).tolist(), std.reshape(-1).tolist()

    def set_normalization(self, mean: list[float] | None, std: list[float] | None) -> None:
        """x ↦ (x / 255 − mean) / std as one multiply-subtract; None for no normalization."""
        unit = 1 / 255.0 if self.x.dtype is torch.uint8 else 1.0
        shape = (1, -1, 1, 1) if self.x.dim() == 4 else (1, -1)
        mean_t = torch.tensor(mean if mean is not None else [0.0], dtype=torch.float32, device=self.device)
        std_t = torch.tensor(std if std is not None else [1.0], dtype=torch.float32, device=self.device)
        if self.x.dim() == 2:
            mean_t, std_t = mean_t.mean().reshape(1), std_t.mean().reshape(1)
        self.scale = (unit / std_t).reshape(shape)
        self.offset = (mean_t / std_t).reshape(shape)

    def prepare(self, x: torch.Tensor) -> torch.Tensor:
        """A gathered batch as normalized float32."""
        x = x.float()
        if self.scale is not None:
            x = torch.addcmul(-self.offset, x, self.scale)
        return x

    def batches(
        self,
        batch: int,
        generator: torch.Generator | None,
        augment: AugmentSettings | None = None,
        rank: int = 0,
        world: int = 1,
    ) -> Iterator[tuple[torch.Tensor, torch.Tensor, int]]:
        """(x, y, global batch size) for this process's slice of each global batch.

        With a generator the order is a fresh permutation; without, the stored order. A last global
        batch with fewer samples than processes is left out (it cannot be split)."""
        check_batch(batch, world)
        n = len(self)
        order = torch.randperm(n, generator=generator).to(self.device) if generator is not None else None
        steps = math.ceil(n / batch)
        for step in range(steps):
            start, stop = step * batch, min(n, (step + 1) * batch)
            size = stop - start
            if size < world:
                break
            lo, hi = start + size * rank // world, start + size * (rank + 1) // world
            if order is not None:
                index = order[lo:hi]
                x, y = self.x.index_select(0, index), self.y.index_select(0, index)
            else:
                x, y = self.x[lo:hi], self.y[lo:hi]
            if augment is not None and augment.active and generator is not None and x.dim() == 4:
                x = augment_batch(x, augment, generator, size, lo - start)
            yield self.prepare(x), y, size

    def steps(self, batch: int, world: int = 1) -> int:
        """How many batches `batches` yields: every full one, and a last one with ≥ `world` samples."""
        check_batch(batch, world)
        n = len(self)
        full, rest = divmod(n, batch)
        return full + (1 if rest >= world else 0)


def check_batch(batch: int, world: int) -> None:
    """Each of `world` processes takes a slice of every global batch: it needs a sample for each."""
    if batch < world:
        raise ValueError(f"a global batch of {batch} cannot be split between {world} processes")


def resize(x: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    """Bilinear resize of a (N, C, H, W) tensor on its device, in chunks; uint8 stays uint8."""
    out = []
    shrink = size[0] < x.shape[2] or size[1] < x.shape[3]
    for chunk in x.split(RESIZE_CHUNK):
        y = F.interpolate(chunk.float(), size=size, mode="bilinear", align_corners=False, antialias=shrink)
        out.append(y.round_().clamp_(0, 255).to(torch.uint8) if x.dtype is torch.uint8 else y)
    return torch.cat(out)


def augment_batch(
    x: torch.Tensor, augment: AugmentSettings, generator: torch.Generator, global_size: int, offset: int
) -> torch.Tensor:
    """Random shifts (zero fill) and horizontal flips of a batch slice, drawn for the global batch.

    The draws for all `global_size` samples come from `generator` on the CPU (a few hundred
    numbers), so every process sees the same ones; this slice uses [offset, offset + len(x))."""
    n, channels, height, width = x.shape
    take = slice(offset, offset + n)
    if augment.shift:
        s = augment.shift
        dy = torch.randint(0, 2 * s + 1, (global_size,), generator=generator)[take].to(x.device)
        dx = torch.randint(0, 2 * s + 1, (global_size,), generator=generator)[take].to(x.device)
        padded = F.pad(x, (s, s, s, s))  # zeros: black for digits, the usual for CIFAR crops
        rows = (dy[:, None] + torch.arange(height, device=x.device))[:, None, :, None]  # (N, 1, H, 1)
        cols = (dx[:, None] + torch.arange(width, device=x.device))[:, None, None, :]  # (N, 1, 1, W)
        samples = torch.arange(n, device=x.device)[:, None, None, None]
        planes = torch.arange(channels, device=x.device)[None, :, None, None]
        x = padded[samples, planes, rows, cols]
    if augment.flip:
        flip = (torch.rand(global_size, generator=generator) < 0.5)[take].to(x.device)
        x = torch.where(flip[:, None, None, None], x.flip(3), x)
    return x

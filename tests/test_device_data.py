"""Batches gathered on the device: every sample once per epoch, shards that add up, augmentation, resize."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from netspec.data import Split
from netspec.data.device import DeviceSplit, epoch_generator, epoch_seed, resize
from netspec.train_settings import AugmentSettings


def numbered(n: int = 50, size: int = 6) -> Split:
    """Sample i is filled with the value i, so a batch shows which samples it holds."""
    x = np.repeat(np.arange(n, dtype=np.uint8), size * size).reshape(n, 1, size, size)
    return Split(x, np.arange(n, dtype=np.int64) % 10)


def test_an_epoch_visits_every_sample_once_in_a_seeded_order():
    split = DeviceSplit(numbered(), torch.device("cpu"))
    seen = [y for _, y, _ in split.batches(16, epoch_generator(0, 1))]
    order = torch.cat([x[:, 0, 0, 0] for x, _, _ in split.batches(16, epoch_generator(0, 1))])
    assert [len(y) for y in seen] == [16, 16, 16, 2]
    assert sorted(order.long().tolist()) == list(range(50))
    again = torch.cat([x[:, 0, 0, 0] for x, _, _ in split.batches(16, epoch_generator(0, 1))])
    other = torch.cat([x[:, 0, 0, 0] for x, _, _ in split.batches(16, epoch_generator(0, 2))])
    assert torch.equal(order, again) and not torch.equal(order, other)


def test_two_processes_split_each_global_batch_between_them():
    split = DeviceSplit(numbered(), torch.device("cpu"))
    augment = AugmentSettings(shift=2, flip=True)
    single = list(split.batches(16, epoch_generator(5, 3), augment))
    ranks = [list(split.batches(16, epoch_generator(5, 3), augment, rank=r, world=2)) for r in range(2)]
    assert len(ranks[0]) == len(ranks[1]) == len(single)
    for (x, y, size), (x0, y0, s0), (x1, y1, s1) in zip(single, *ranks):
        assert size == s0 == s1
        assert torch.equal(torch.cat([x0, x1]), x) and torch.equal(torch.cat([y0, y1]), y)


def test_a_last_batch_smaller_than_the_processes_is_left_out():
    split = DeviceSplit(numbered(33), torch.device("cpu"))
    assert split.steps(16, world=2) == 2 and split.steps(16, world=1) == 3
    assert len(list(split.batches(16, epoch_generator(0, 1), rank=1, world=2))) == 2


@pytest.mark.parametrize("batch,world", [(1, 2), (3, 4)])
def test_a_global_batch_smaller_than_the_processes_is_refused_not_silently_empty(batch, world):
    split = DeviceSplit(numbered(33), torch.device("cpu"))
    with pytest.raises(ValueError, match=f"global batch of {batch} cannot be split between {world} processes"):
        split.steps(batch, world)
    with pytest.raises(ValueError, match="cannot be split"):
        next(split.batches(batch, epoch_generator(0, 1), rank=0, world=world))
    assert split.steps(world, world) == 33 // world == len(list(split.batches(world, None, rank=0, world=world)))


def test_the_epoch_seed_depends_on_seed_epoch_and_rank_and_seeds_the_epoch_generator():
    assert epoch_seed(3, 2) == 3 * 1_000_003 + 2 * 7_919  # the formula every run so far was seeded with
    assert epoch_seed(3, 2, rank=1) == epoch_seed(3, 2) + 1
    assert 0 <= epoch_seed(2**70, 1) < 2**63
    expected = torch.Generator()
    expected.manual_seed(epoch_seed(3, 2))
    assert torch.equal(torch.randperm(20, generator=epoch_generator(3, 2)), torch.randperm(20, generator=expected))


def test_images_are_resized_then_flattened_for_a_vector_input():
    x = np.full((3, 1, 28, 28), 200, dtype=np.uint8)
    split = DeviceSplit(Split(x, np.arange(3, dtype=np.int64)), torch.device("cpu"), (32, 32), flatten=True)
    assert split.sample_shape == (1024,) and torch.all(split.x == 200)
    assert DeviceSplit(Split(x, np.arange(3, dtype=np.int64)), torch.device("cpu"), flatten=True).sample_shape == (784,)


def test_shifts_move_whole_images_and_fill_with_zeros():
    x = np.zeros((64, 1, 8, 8), dtype=np.uint8)
    x[:, :, 3, 4] = 255  # one bright pixel
    split = DeviceSplit(Split(x, np.zeros(64, dtype=np.int64)), torch.device("cpu"))
    (batch, _, _), *_ = split.batches(64, epoch_generator(1, 1), AugmentSettings(shift=2))
    assert batch.shape == (64, 1, 8, 8)
    positions = {tuple(torch.nonzero(image[0]).tolist()[0]) for image in batch}
    assert all(abs(r - 3) <= 2 and abs(c - 4) <= 2 for r, c in positions)
    assert len(positions) > 5  # shifted differently per sample
    assert torch.all((batch == 0) | (batch == 255)) and torch.all(batch.sum(dim=(1, 2, 3)) == 255)


def test_flips_mirror_left_and_right():
    x = np.zeros((40, 1, 2, 4), dtype=np.uint8)
    x[:, :, :, 0] = 9
    split = DeviceSplit(Split(x, np.zeros(40, dtype=np.int64)), torch.device("cpu"))
    (batch, _, _), *_ = split.batches(40, epoch_generator(0, 1), AugmentSettings(flip=True))
    left = batch[:, 0, 0, 0] == 9
    right = batch[:, 0, 0, 3] == 9
    assert torch.all(left ^ right) and 5 < int(right.sum()) < 35


def test_normalization_uses_the_training_statistics():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (200, 3, 4, 4), dtype=np.uint8)
    split = DeviceSplit(Split(x, np.zeros(200, dtype=np.int64)), torch.device("cpu"))
    mean, std = split.statistics()
    assert mean == pytest.approx((x / 255).mean(axis=(0, 2, 3)), rel=1e-9)
    assert std == pytest.approx((x / 255).std(axis=(0, 2, 3)), rel=1e-9)
    split.set_normalization(mean, std)
    (batch, _, _), *_ = split.batches(200, None)
    assert batch.mean(dim=(0, 2, 3)).abs().max() < 1e-5
    assert (batch.std(dim=(0, 2, 3), unbiased=False) - 1).abs().max() < 1e-4


def test_resize_is_bilinear_and_keeps_uint8():
    x = torch.arange(4 * 28 * 28, dtype=torch.float32).reshape(4, 1, 28, 28).remainder(256).to(torch.uint8)
    out = resize(x, (32, 32))
    assert out.dtype == torch.uint8 and out.shape == (4, 1, 32, 32)
    flat = torch.full((2, 1, 28, 28), 77, dtype=torch.uint8)
    assert torch.all(resize(flat, (32, 32)) == 77)

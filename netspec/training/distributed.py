"""Data-parallel training across processes started by torchrun (`torchrun --nproc_per_node=N -m netspec train`).

torchrun sets RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR and MASTER_PORT; with WORLD_SIZE > 1 the
process group is started from them (nccl on CUDA, gloo on CPU). Every process holds the whole
data set and takes its own slice of each global batch (netspec.data.device); gradients are
averaged by DistributedDataParallel. Process 0 alone writes the run folder and prints.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import torch
import torch.distributed as dist

from netspec.loading import UsageError
from netspec.training.text import printable


@dataclass(frozen=True)
class World:
    rank: int = 0
    size: int = 1
    local_rank: int = 0

    @property
    def active(self) -> bool:
        return self.size > 1

    @property
    def main(self) -> bool:
        return self.rank == 0


def _whole(name: str, default: str, low: int) -> int:
    text = os.environ.get(name, default).strip() or default
    if not text.isdigit() or int(text) < low:
        raise UsageError(
            f"{name}={printable(text[:40])!s} in the environment: expected a whole number ≥ {low} "
            "(torchrun sets it; unset it for a single process)"
        )
    return int(text)


def requested() -> World:
    """What the environment (torchrun) asks for; a single process when it says nothing.
    Raises UsageError for values torchrun would never set."""
    size = _whole("WORLD_SIZE", "1", 1)
    if size <= 1:
        return World()
    rank, local_rank = _whole("RANK", "0", 0), _whole("LOCAL_RANK", "0", 0)
    if rank >= size:
        raise UsageError(f"RANK={rank} in the environment, but WORLD_SIZE={size}: the rank must be below it")
    return World(rank, size, local_rank)


def start(world: World, device: torch.device) -> None:
    """Join the process group (env:// rendezvous from torchrun's variables); UsageError if it fails."""
    if world.active and not dist.is_initialized():
        missing = [name for name in ("MASTER_ADDR", "MASTER_PORT") if not os.environ.get(name)]
        if missing:
            raise UsageError(
                f"WORLD_SIZE={world.size} asks for {world.size} processes, but {' and '.join(missing)} "
                f"{'is' if len(missing) == 1 else 'are'} not set: start distributed runs with "
                "`torchrun --nproc_per_node=N -m netspec train SPEC` (or unset WORLD_SIZE)"
            )
        if device.type == "cuda":
            torch.cuda.set_device(device)  # before the group starts, so that nccl binds this GPU
        backend = "nccl" if device.type == "cuda" else "gloo"
        try:
            dist.init_process_group(backend, rank=world.rank, world_size=world.size)
        except (RuntimeError, ValueError) as error:  # torch's DistError is a RuntimeError
            first = printable(str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__)
            raise UsageError(f"cannot start the {world.size}-process group ({backend}): {first}") from None


def stop(world: World) -> None:
    if world.active and dist.is_initialized():
        dist.destroy_process_group()


def all_sum(world: World, tensor: torch.Tensor) -> torch.Tensor:
    """The element-wise sum of `tensor` over all processes (the tensor itself when alone)."""
    if world.active:
        dist.all_reduce(tensor, op=dist.ReduceOp.SUM)
    return tensor


def barrier(world: World) -> None:
    if world.active:
        dist.barrier()

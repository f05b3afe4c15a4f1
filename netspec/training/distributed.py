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


def requested() -> World:
    """What the environment (torchrun) asks for; a single process when it says nothing."""
    size = int(os.environ.get("WORLD_SIZE", "1") or 1)
    if size <= 1:
        return World()
    return World(int(os.environ.get("RANK", "0")), size, int(os.environ.get("LOCAL_RANK", "0")))


def start(world: World, device: torch.device) -> None:
    if world.active and not dist.is_initialized():
        if device.type == "cuda":
            torch.cuda.set_device(device)  # before the group starts, so that nccl binds this GPU
        backend = "nccl" if device.type == "cuda" else "gloo"
        dist.init_process_group(backend, rank=world.rank, world_size=world.size)


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

"""Checkpoints and weights as safetensors + JSON: nothing is ever unpickled.

A checkpoint is two files in the run folder:

    checkpoints/epoch-0003.safetensors   every tensor: model.<name>, optimizer.<param>.<key>
    checkpoint.json                      the commit record: epoch, step, the file above and its
                                         SHA-256, the optimizer's param groups and non-tensor
                                         state, the grad scaler, the metrics so far

The tensor file is written first (under a temporary name, then renamed), then checkpoint.json
the same way; only then are older tensor files removed. A run killed at any moment leaves a
checkpoint.json that names a complete tensor file, so `--resume` always finds the last whole epoch.

Weights alone (`weights.safetensors`) hold the model's tensors under their state_dict names, with
what evaluation needs (normalization, resize, the spec's hash) in the safetensors metadata.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import torch
from safetensors.torch import load as load_tensors
from safetensors.torch import save as save_tensors

from netspec.files import write_bytes_atomically

RECORD = "checkpoint.json"
FOLDER = "checkpoints"
FORMAT = "netspec-checkpoint-1"
WEIGHTS_FORMAT = "netspec-weights-1"
RECORD_KEYS = {"epoch": int, "step": int, "tensors": str, "sha256": str, "optimizer": dict}  # what resuming reads


class CheckpointError(Exception):
    pass


@dataclass
class Checkpoint:
    record: dict
    tensors: dict[str, torch.Tensor]

    @property
    def epoch(self) -> int:
        return int(self.record["epoch"])

    def model_state(self) -> dict[str, torch.Tensor]:
        return {k.removeprefix("model."): v for k, v in self.tensors.items() if k.startswith("model.")}


def _cpu(tensor: torch.Tensor) -> torch.Tensor:
    return tensor.detach().to("cpu").contiguous()


def flatten_optimizer(state: dict) -> tuple[dict[str, torch.Tensor], dict]:
    """An optimizer state_dict as tensors (optimizer.<param>.<key>) and a JSON-able rest."""
    tensors: dict[str, torch.Tensor] = {}
    scalars: dict[str, dict] = {}
    for index, values in state["state"].items():
        for key, value in values.items():
            if isinstance(value, torch.Tensor):
                tensors[f"optimizer.{index}.{key}"] = _cpu(value)
            else:
                scalars.setdefault(str(index), {})[key] = value
    return tensors, {"param_groups": state["param_groups"], "scalars": scalars}


def unflatten_optimizer(tensors: dict[str, torch.Tensor], rest: dict) -> dict:
    state: dict[int, dict] = {}
    for name, value in tensors.items():
        if name.startswith("optimizer."):
            _, index, key = name.split(".", 2)
            state.setdefault(int(index), {})[key] = value
    for index, values in rest["scalars"].items():
        state.setdefault(int(index), {}).update(values)
    groups = [
        {k: tuple(v) if isinstance(v, list) and k != "params" else v for k, v in g.items()}
        for g in rest["param_groups"]
    ]
    return {"state": state, "param_groups": groups}


def save_checkpoint(
    run_dir: Path,
    epoch: int,
    model: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    extra: dict,
) -> Path:
    """Write the checkpoint after `epoch` (see the module docstring for the order of writes)."""
    folder = run_dir / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    tensors = {f"model.{k}": _cpu(v) for k, v in model.state_dict().items()}
    optimizer_tensors, optimizer_rest = flatten_optimizer(optimizer.state_dict())
    tensors.update(optimizer_tensors)
    data = save_tensors(tensors, metadata={"format": FORMAT, "epoch": str(epoch)})
    name = f"epoch-{epoch:04d}.safetensors"
    write_bytes_atomically(folder / name, data)
    record = {
        "format": FORMAT,
        "epoch": epoch,
        "tensors": f"{FOLDER}/{name}",
        "sha256": hashlib.sha256(data).hexdigest(),
        "optimizer": optimizer_rest,
        **extra,
    }
    write_bytes_atomically(run_dir / RECORD, json.dumps(record, indent=1).encode("utf-8"))
    for old in folder.glob("epoch-*.safetensors"):
        if old.name != name:
            old.unlink(missing_ok=True)
    return folder / name


def load_checkpoint(run_dir: Path) -> Checkpoint | None:
    """The last complete checkpoint of a run, or None when no epoch was completed."""
    path = run_dir / RECORD
    if not path.is_file():
        return None
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CheckpointError(f"cannot read the checkpoint in {run_dir}: {error}") from None
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        found = record.get("format") if isinstance(record, dict) else type(record).__name__
        raise CheckpointError(f"{path} is not a netspec checkpoint ({found!r})")
    wrong = [key for key, kind in RECORD_KEYS.items() if not isinstance(record.get(key), kind)]
    if wrong:
        raise CheckpointError(f"{path} is damaged: {', '.join(wrong)} missing or of the wrong type")
    try:
        data = (run_dir / record["tensors"]).read_bytes()
    except OSError as error:
        raise CheckpointError(f"cannot read the checkpoint in {run_dir}: {error}") from None
    if hashlib.sha256(data).hexdigest() != record["sha256"]:
        raise CheckpointError(f"{run_dir / record['tensors']} does not match its SHA-256 in {path}: it is damaged")
    return Checkpoint(record, load_tensors(data))


def restore_optimizer(optimizer: torch.optim.Optimizer, checkpoint: Checkpoint) -> None:
    optimizer.load_state_dict(unflatten_optimizer(checkpoint.tensors, checkpoint.record["optimizer"]))


def save_weights(path: Path, model: torch.nn.Module, metadata: dict) -> None:
    tensors = {k: _cpu(v) for k, v in model.state_dict().items()}
    meta = {"format": WEIGHTS_FORMAT, **{k: json.dumps(v) for k, v in metadata.items()}}
    write_bytes_atomically(path, save_tensors(tensors, metadata=meta))


def read_weights(path: Path) -> tuple[dict[str, torch.Tensor], dict]:
    """The model tensors and netspec's metadata of a weights file, a checkpoint tensor file, or a
    run folder (its weights.safetensors, else its last checkpoint)."""
    if path.is_dir():
        run = path
        path = run / "weights.safetensors"
        if not path.is_file():
            checkpoint = load_checkpoint(run)
            if checkpoint is None:
                raise CheckpointError(f"{run} has neither weights.safetensors nor a checkpoint")
            return checkpoint.model_state(), checkpoint.record.get("weights_metadata", {})
    try:
        data = path.read_bytes()
        tensors = load_tensors(data)
    except Exception as error:  # OSError, or safetensors' own SafetensorError on a damaged header
        raise CheckpointError(f"cannot read {path} as safetensors: {error}") from None
    metadata = _metadata(data)
    if any(k.startswith("model.") for k in tensors):
        tensors = {k.removeprefix("model."): v for k, v in tensors.items() if k.startswith("model.")}
    parsed = {}
    for key, value in metadata.items():
        if key == "format":
            continue
        try:
            parsed[key] = json.loads(value)
        except ValueError:
            parsed[key] = value
    return tensors, parsed


def _metadata(data: bytes) -> dict[str, str]:
    """The `__metadata__` of a safetensors file: its header is 8 bytes of length, then JSON."""
    length = int.from_bytes(data[:8], "little")
    header = json.loads(data[8 : 8 + length])
    return header.get("__metadata__", {}) or {}

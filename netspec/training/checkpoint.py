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

from netspec.training.run_folder import (
    RECORD_LIMIT,
    WEIGHTS_METADATA,
    DamagedRun,
    checkpoint_record,
    read_inside,
    read_regular_file,
    validate,
)
from netspec.training.run_writes import remove_inside, write_inside

RECORD = "checkpoint.json"
FOLDER = "checkpoints"
FORMAT = "netspec-checkpoint-1"
WEIGHTS_FORMAT = "netspec-weights-1"


class CheckpointError(DamagedRun):
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
    """Write the checkpoint after `epoch` (see the module docstring for the order of writes). No
    link in the run folder is followed, `checkpoints/` included (netspec.training.run_writes)."""
    tensors = {f"model.{k}": _cpu(v) for k, v in model.state_dict().items()}
    optimizer_tensors, optimizer_rest = flatten_optimizer(optimizer.state_dict())
    tensors.update(optimizer_tensors)
    data = save_tensors(tensors, metadata={"format": FORMAT, "epoch": str(epoch)})
    name = f"epoch-{epoch:04d}.safetensors"
    write_inside(run_dir, f"{FOLDER}/{name}", data)
    record = {
        "format": FORMAT,
        "epoch": epoch,
        "tensors": f"{FOLDER}/{name}",
        "sha256": hashlib.sha256(data).hexdigest(),
        "optimizer": optimizer_rest,
        **extra,
    }
    write_inside(run_dir, RECORD, json.dumps(record, indent=1).encode("utf-8"))
    remove_inside(
        run_dir, FOLDER, lambda old: old != name and old.startswith("epoch-") and old.endswith(".safetensors")
    )
    return run_dir / FOLDER / name


def load_record(run_dir: Path) -> dict | None:
    """The validated checkpoint.json of a run, or None when no epoch was completed."""
    path = run_dir / RECORD
    try:
        data = read_inside(run_dir, RECORD, RECORD_LIMIT)
    except FileNotFoundError:
        return None
    try:
        record = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise CheckpointError(f"{path} is not JSON ({error}); the run folder is damaged") from None
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        found = record.get("format") if isinstance(record, dict) else type(record).__name__
        found = found if isinstance(found, str | None) else type(found).__name__
        raise CheckpointError(f"{path} is not a netspec checkpoint ({found!r}); the run folder is damaged")
    missing = [key for key in ("epoch", "step", "tensors", "sha256", "optimizer", "history") if key not in record]
    if missing:
        raise CheckpointError(f"{path} is damaged: {', '.join(missing)} missing")
    record = validate(record, checkpoint_record(FORMAT), path, CheckpointError)
    epoch = record["epoch"]
    problems = []
    if record["tensors"] != f"{FOLDER}/epoch-{epoch:04d}.safetensors":
        problems.append(f"tensors: {record['tensors']!r} is not the file of epoch {epoch}")
    if [row["epoch"] for row in record["history"]] != list(range(1, epoch + 1)):
        problems.append(f"history: expected one row for each of epochs 1 to {epoch}")
    if problems:
        raise CheckpointError(f"{path}: {problems[0]}; the run folder is damaged")
    return record


def load_checkpoint(run_dir: Path, limit: int = 2**40) -> Checkpoint | None:
    """The last complete checkpoint of a run (its record and tensors), or None when no epoch was
    completed. The tensor file is read only if it is a regular file in the run folder of at most
    `limit` bytes whose SHA-256 is the record's; its tensors are parsed, not yet checked against
    a model (`check_tensors`)."""
    record = load_record(run_dir)
    if record is None:
        return None
    return Checkpoint(record, load_checkpoint_tensors(run_dir, record, limit))


def load_checkpoint_tensors(run_dir: Path, record: dict, limit: int) -> dict[str, torch.Tensor]:
    try:
        data = read_inside(run_dir, record["tensors"], limit)
    except FileNotFoundError:
        raise CheckpointError(f"{run_dir / record['tensors']} is missing; the run folder is damaged") from None
    if hashlib.sha256(data).hexdigest() != record["sha256"]:
        raise CheckpointError(
            f"{run_dir / record['tensors']} does not match its SHA-256 in {run_dir / RECORD}: it is damaged"
        )
    return _parse_tensors(data, run_dir / record["tensors"])


def _parse_tensors(data: bytes, path: Path) -> dict[str, torch.Tensor]:
    try:
        return load_tensors(data)
    except Exception as error:  # safetensors' own SafetensorError on a damaged header, and others
        raise CheckpointError(f"{path} is not a readable safetensors file ({error}); it is damaged") from None


def check_tensors(checkpoint: Checkpoint, model: torch.nn.Module, probe: dict[str, torch.Tensor | None]) -> None:
    """Every tensor of the checkpoint is one the model or the optimizer has, of its shape and dtype,
    and finite; `probe` is the per-parameter state the optimizer keeps (`optimizer_probe`)."""
    where = f"the checkpoint of epoch {checkpoint.epoch}"
    damaged = "; the run folder is damaged"
    try:
        check_model_tensors(checkpoint.model_state(), model, where)
    except CheckpointError as error:
        raise CheckpointError(f"{error}{damaged}") from None
    params = list(model.parameters())
    tensor_keys = {k for k, v in probe.items() if v is not None}
    scalar_keys = {k for k, v in probe.items() if v is None}
    state: dict[int, set] = {}
    for name, tensor in checkpoint.tensors.items():
        if name.startswith("model."):
            continue
        head, index, key = (name.split(".", 2) + ["", ""])[:3]
        if head != "optimizer" or not index.isdigit() or int(index) >= len(params) or key not in tensor_keys:
            raise CheckpointError(f"{where} has a tensor {name} that netspec's optimizer does not keep{damaged}")
        shape = tuple(params[int(index)].shape) if probe[key].dim() else ()
        if tuple(tensor.shape) != shape or tensor.dtype != probe[key].dtype:
            raise CheckpointError(
                f"{where}: {name} is {tensor.dtype} {tuple(tensor.shape)}, expected {probe[key].dtype} {shape}{damaged}"
            )
        if not bool(torch.isfinite(tensor).all()):
            raise CheckpointError(f"{where}: {name} holds NaN or infinite values{damaged}")
        state.setdefault(int(index), set()).add(key)
    for index, values in checkpoint.record["optimizer"]["scalars"].items():
        if int(index) >= len(params) or not set(values) <= scalar_keys:
            raise CheckpointError(f"{where}: optimizer.scalars.{index} is not this optimizer's state{damaged}")
        state.setdefault(int(index), set()).update(values)
    for index, keys in state.items():
        if keys != tensor_keys | scalar_keys:
            raise CheckpointError(
                f"{where}: the optimizer's state of parameter {index} is {sorted(keys)}, expected "
                f"{sorted(tensor_keys | scalar_keys)}{damaged}"
            )


def optimizer_probe(make) -> dict[str, torch.Tensor | None]:
    """The per-parameter state an optimizer keeps after a step: key -> an example tensor (shape ()
    for a scalar tensor, (1,) for one shaped like the parameter), or None for a value that is not
    a tensor. Learned from `make([parameter])`, the same optimizer on one number."""
    parameter = torch.nn.Parameter(torch.zeros(1))
    probe = make([parameter])
    parameter.grad = torch.zeros(1)
    probe.step()
    return {k: (v if isinstance(v, torch.Tensor) else None) for k, v in probe.state_dict()["state"].get(0, {}).items()}


def restore_optimizer(optimizer: torch.optim.Optimizer, checkpoint: Checkpoint) -> None:
    """The optimizer's state from the checkpoint; its param groups (the hyperparameters) stay as
    the settings made them: the checkpoint's are a record, the lr is set before every step."""
    state = unflatten_optimizer(
        checkpoint.tensors, {"scalars": checkpoint.record["optimizer"]["scalars"], "param_groups": []}
    )
    optimizer.load_state_dict({"state": state["state"], "param_groups": optimizer.state_dict()["param_groups"]})


def save_weights(path: Path, model: torch.nn.Module, metadata: dict) -> None:
    """weights.safetensors in its run folder (`path`), without following a link there."""
    tensors = {k: _cpu(v) for k, v in model.state_dict().items()}
    meta = {"format": WEIGHTS_FORMAT, **{k: json.dumps(v) for k, v in metadata.items()}}
    write_inside(path.parent, path.name, save_tensors(tensors, metadata=meta))


def read_weights(path: Path, limit: int = 2**40) -> tuple[dict[str, torch.Tensor], dict]:
    """The model tensors and netspec's metadata (validated) of a weights file, a checkpoint tensor
    file, or a run folder (its weights.safetensors, else its last checkpoint). Only a regular file
    of at most `limit` bytes is read; a run folder's, only inside it."""
    path = Path(path)
    if path.is_dir():
        run = path
        try:
            data = read_inside(run, "weights.safetensors", limit)
            path = run / "weights.safetensors"
        except FileNotFoundError:
            checkpoint = load_checkpoint(run, limit)
            if checkpoint is None:
                raise CheckpointError(f"{run} has neither weights.safetensors nor a checkpoint") from None
            return checkpoint.model_state(), checkpoint.record.get("weights_metadata", {})
    else:
        data = read_regular_file(path, limit)
    tensors = _parse_tensors(data, path)
    if any(k.startswith("model.") for k in tensors):
        tensors = {k.removeprefix("model."): v for k, v in tensors.items() if k.startswith("model.")}
    parsed = {}
    for key, value in _metadata(data).items():
        if key == "format":
            continue
        try:
            parsed[key] = json.loads(value)
        except (ValueError, RecursionError):
            raise CheckpointError(f"{path}: its metadata {key} is not JSON; the file is damaged") from None
    return tensors, validate(parsed, WEIGHTS_METADATA, path, CheckpointError)


def check_model_tensors(tensors: dict[str, torch.Tensor], model: torch.nn.Module, where: str) -> None:
    """`tensors` are exactly the model's state: the same names, shapes and dtypes, and finite."""
    expected = model.state_dict()
    for name, tensor in tensors.items():
        want = expected.get(name)
        if want is None:
            raise CheckpointError(f"{where} has a tensor {name} the model does not have")
        if tuple(tensor.shape) != tuple(want.shape) or tensor.dtype != want.dtype:
            raise CheckpointError(
                f"{where}: {name} is {tensor.dtype} {tuple(tensor.shape)}, the model's is {want.dtype} {tuple(want.shape)}"
            )
        if tensor.is_floating_point() and not bool(torch.isfinite(tensor).all()):
            raise CheckpointError(f"{where}: {name} holds NaN or infinite values")
    missing = [name for name in expected if name not in tensors]
    if missing:
        raise CheckpointError(f"{where} lacks the tensor {missing[0]} of the model")


def _metadata(data: bytes) -> dict[str, str]:
    """The `__metadata__` of a safetensors file (already parsed once by safetensors): its header
    is 8 bytes of length, then JSON."""
    length = int.from_bytes(data[:8], "little")
    try:
        header = json.loads(data[8 : 8 + length])
        metadata = header.get("__metadata__", {}) or {}
    except (ValueError, AttributeError, RecursionError):
        metadata = None
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise CheckpointError("a safetensors header is damaged")
    return metadata

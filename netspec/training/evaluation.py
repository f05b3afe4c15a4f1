"""`netspec eval`: the test accuracy of saved weights, prepared as the run prepared its data.

The weights come from a weights file, a checkpoint's tensor file or a run folder (its
weights.safetensors, else its last checkpoint), read as data (netspec.training.checkpoint). Their
metadata gives the normalization and resize the run used, so the test images are prepared
exactly as in training (netspec.training.runner.prepare_data) before the model sees them.
"""

from __future__ import annotations

from pathlib import Path

from netspec.checker import CheckResult
from netspec.data import DataError, DataSet
from netspec.loading import UsageError
from netspec.train_settings import TrainSettings
from netspec.training import checkpoint as ckpt
from netspec.training import distributed
from netspec.training.model import compiled_model_class
from netspec.training.runner import pick_device, prepare_data, resolve_precision, spec_sha256
from netspec.training.scoring import evaluate


def evaluate_weights(
    result: CheckResult,
    settings: TrainSettings,
    weights: Path,
    device_flag: str | None,
    batch: int | None,
    named: str | None,
    quiet: bool,
) -> tuple[float, int, DataSet, list[str]]:
    """Test accuracy of saved weights on the data's test split: (accuracy, test samples, data, notes)."""
    notes = []
    device = pick_device(device_flag, distributed.World())
    model = compiled_model_class(result)()
    state_bytes = sum(t.numel() * t.element_size() for t in model.state_dict().values())
    # weights.safetensors, or a checkpoint's tensors (the model's and up to 4 optimizer slots), and a header
    tensors, meta = ckpt.read_weights(weights, limit=6 * state_bytes + 16 * 2**20)
    if meta.get("spec_sha256") and meta["spec_sha256"] != spec_sha256(result):
        notes.append("note: these weights were trained from a different version of this spec")
    if meta.get("resize") and settings.resize is None:
        settings = settings.replace(resize=tuple(meta["resize"]))
    try:
        ckpt.check_model_tensors(tensors, model, str(weights))
    except ckpt.CheckpointError as error:
        raise UsageError(f"{weights} does not fit {result.name}: {error}") from None
    model.load_state_dict(tensors)
    model.to(device)
    normalization = meta.get("normalize") if "normalize" in meta else None
    if "normalize" in meta and normalization is None:
        settings = settings.replace(normalize=False)
    data = prepare_data(result, settings, device, quiet, named, normalization=normalization)
    if data.test is None:
        raise DataError(f"the data `{data.dataset.name}` ({data.dataset.where}) has no test split to evaluate on")
    precision = resolve_precision(settings.precision, device)
    accuracy = evaluate(model, data.test, batch or max(256, settings.batch), device, precision)
    return accuracy, len(data.test), data.dataset, notes


__all__ = ["evaluate_weights"]

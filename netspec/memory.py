"""How much memory one training step needs: the model documented in docs/memory.md.

    total = weights + gradients + optimizer state + saved activations + input batch + workspace

- weights: parameters × dtype size; gradients: trainable parameters × dtype size.
- optimizer state: trainable parameters × dtype size × slots (SGD 0, momentum/Nesterov/Adagrad/
  RMSprop 1, Adam/AdamW 2; amsgrad and RMSprop's momentum one more each: `optimizer_slots`).
- saved activations: every tensor autograd keeps for backward (see each layer kind's `saved`),
  each storage counted once, × batch; the input batch is listed on its own.
- workspace: the gradients alive while backward runs, at their largest (`backward_live_elements`):
  a layer's output gradient and its input gradients, and every gradient that a skip connection
  has delivered but the branch it skips has not yet consumed. For a chain that is the largest
  (input + output) of any layer; × batch.

All terms but weights, gradients and optimizer state grow linearly with the batch, so the largest
batch that fits a memory limit is `⌊(limit − fixed) / per_sample⌋`.
"""

from __future__ import annotations

from math import prod

from netspec.checker import INPUT_STORAGE, CheckResult
from netspec.layers.base import DROPOUT_MASK
from netspec.record import Record

DTYPE_BYTES = {"fp32": 4, "float32": 4, "fp16": 2, "float16": 2, "bf16": 2, "bfloat16": 2, "fp64": 8, "float64": 8}
OPTIMIZER_SLOTS = {
    "sgd": 0,
    "momentum": 1,
    "nesterov": 1,
    "adagrad": 1,
    "rmsprop": 1,
    "adam": 2,
    "adamw": 2,
    "amsgrad": 3,
}
DEVICES = ("cuda", "cpu")


def optimizer_slots(name: str, amsgrad: bool = False, momentum: float | None = None) -> int:
    """Tensors of a parameter's size that torch's optimizer keeps: OPTIMIZER_SLOTS[name], plus the
    running maximum of Adam's second moment with `amsgrad`, plus RMSprop's momentum buffer when
    `momentum` > 0; SGD with `momentum` 0 keeps no buffer. `momentum=None`: the optimizer's default."""
    slots = OPTIMIZER_SLOTS[name]
    if name in ("momentum", "nesterov") and momentum == 0:
        return 0
    if (name in ("adam", "adamw") and amsgrad) or (name == "rmsprop" and momentum):
        return slots + 1
    return slots


class MemoryEstimate(Record):
    __slots__ = (
        "batch",
        "dtype",
        "optimizer",
        "device",
        "weights",
        "gradients",
        "optimizer_state",
        "activations",
        "input",
        "workspace",
        "saved",
    )

    def __init__(
        self,
        batch: int,
        dtype: str,
        optimizer: str,
        device: str,
        weights: int,
        gradients: int,
        optimizer_state: int,
        activations: int,
        input: int,
        workspace: int,
        saved: int,
    ):
        self.batch = batch
        self.dtype = dtype
        self.optimizer = optimizer
        self.device = device
        self.weights = weights
        self.gradients = gradients
        self.optimizer_state = optimizer_state
        self.activations = activations
        self.input = input
        self.workspace = workspace
        self.saved = saved  # every storage autograd keeps, the input batch included when a layer keeps it

    @property
    def fixed(self) -> int:
        return self.weights + self.gradients + self.optimizer_state

    @property
    def total(self) -> int:
        return self.fixed + self.activations + self.input + self.workspace

    def per_sample(self) -> float:
        return (self.activations + self.input + self.workspace) / self.batch

    def max_batch(self, limit: int) -> int:
        """The largest batch whose step fits in `limit` bytes (0 if not even the weights fit)."""
        room = limit - self.fixed
        per_sample = self.per_sample()
        if room <= 0 or per_sample <= 0:
            return 0
        return int(room // per_sample)

    def to_json(self, limit: int | None = None) -> dict:
        data = {
            "batch": self.batch,
            "dtype": self.dtype,
            "optimizer": self.optimizer,
            "device": self.device,
            "bytes": {
                "weights": self.weights,
                "gradients": self.gradients,
                "optimizer_state": self.optimizer_state,
                "activations": self.activations,
                "input": self.input,
                "workspace": self.workspace,
                "total": self.total,
            },
            "saved_for_backward": self.saved,
            "per_sample_bytes": round(self.per_sample(), 1),
        }
        if limit is not None:
            data["limit"] = limit
            data["max_batch"] = self.max_batch(limit)
        return data


def estimate(
    result: CheckResult,
    batch: int = 1,
    dtype: str = "fp32",
    optimizer: str = "adam",
    device: str = "cuda",
    slots: int | None = None,
) -> MemoryEstimate:
    """The memory of one training step of a checked network (see the module docstring); `slots`
    overrides the optimizer's default state (`optimizer_slots` with its options)."""
    size = DTYPE_BYTES[dtype]
    params = result.params
    slots = OPTIMIZER_SLOTS[optimizer] if slots is None else slots
    storages: dict[tuple, int] = {}
    for layer in result.layers:
        for tensor in layer.saved:
            itemsize = tensor.itemsize
            if itemsize is None:
                itemsize = size
            elif itemsize == DROPOUT_MASK:
                itemsize = 1 if device == "cuda" else size
            storages[tensor.storage] = (tensor.per_sample * batch + tensor.fixed) * itemsize
    saved = sum(storages.values())
    input_bytes = prod(result.input_shape) * batch * size if result.input_shape else 0
    activations = saved - storages.get(INPUT_STORAGE, 0)
    largest = backward_live_elements(result)
    return MemoryEstimate(
        batch=batch,
        dtype=dtype,
        optimizer=optimizer,
        device=device,
        weights=params * size,
        gradients=params * size,
        optimizer_state=params * size * slots,
        activations=activations,
        input=input_bytes,
        workspace=largest * batch * size,
        saved=saved,
    )


def backward_live_elements(result: CheckResult) -> int:
    """Elements per sample of the gradients that exist together during backward, at the worst step.

    Backward visits the nodes in reverse. While node n runs, the gradient of a value v exists when
    some reader of v has run backward already (or is node n) and v's producer has not: producer(v)
    < n ≤ last reader(v); node n's own output gradient exists too. A skip connection keeps its
    gradient alive across the whole branch it skips. The network input gets no gradient."""
    layers = result.layers
    if not layers:
        return 0
    size = [prod(layer.output) for layer in layers]
    last_reader: dict[int, int] = {}
    for n, layer in enumerate(layers):
        for index in layer.inputs:
            if index > 0:
                last_reader[index - 1] = n
    # sweep n from the output back: add v when its last reader is reached, drop it at its producer
    arriving: dict[int, list[int]] = {}
    for value, reader in last_reader.items():
        arriving.setdefault(reader, []).append(value)
    live, worst = 0, 0
    for n in range(len(layers) - 1, -1, -1):
        live += sum(size[v] for v in arriving.get(n, ()))
        if n in last_reader:  # its gradient is complete: it is node n's output gradient now
            live -= size[n]
        worst = max(worst, live + size[n])
    return worst

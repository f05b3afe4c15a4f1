"""How much memory one training step needs: a timeline of the step, documented in docs/memory.md.

The step is the runner's (netspec/training/runner.py): forward and loss, `zero_grad(set_to_none=
True)`, backward, `optimizer.step()`. Its memory is followed as a timeline of moments — one per
layer in the forward pass, one at the loss, one per layer in the backward pass, one in the
optimizer step — and at each moment the live bytes are a sum of six terms, each `fixed + B ·
per_sample` at batch B:

- weights: parameters and batch-norm buffers × s (s = the dtype's size), always.
- gradients: the parameters' gradients. The runner zeroes them after the forward, so the previous
  step's are alive during the forward; during backward those of the layers done so far (the layer
  whose backward runs included); all of them in the optimizer step.
- optimizer state: trainable parameters × s × slots (`optimizer_slots`), always.
- activations: in the forward, every storage autograd has saved so far plus the outputs that a
  later layer still reads or the generated code holds in a local (`held_in_locals`); in the
  backward, the saved storages whose first saver has not yet run
  its backward (autograd frees a node's saved tensors when its backward is done); plus the
  log-probabilities the runner holds (the previous step's during the forward).
- input: the batch, images and labels (int64).
- workspace: an operation's temporaries, forward or backward (`operation_temporaries`); in the
  backward also the gradients of activations alive while a layer's backward runs
  (`gradient_elements`); in the optimizer step, its temporaries (`optimizer_temporaries`).

The estimate is the moment with the most bytes (its terms add up to `total`). Every moment is
affine in B, so the peak is a maximum of affine functions: convex and nondecreasing in B, and the
largest batch that fits a limit is the smallest of the moments' own largest batches (`max_batch`).
"""

from __future__ import annotations

from math import prod

from netspec.cancellation import checkpoint
from netspec.checker import INPUT_STORAGE, CheckResult, LayerReport
from netspec.collector import collector_paused
from netspec.layers import windows
from netspec.layers.activation import _Activation
from netspec.layers.base import DROPOUT_MASK
from netspec.record import Record
from netspec.units import fmt_bytes

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
TERMS = ("weights", "gradients", "optimizer_state", "activations", "input", "workspace")
PHASES = ("forward", "backward", "optimizer")
LABEL_BYTES = 8  # the runner's targets are int64
# CPU: oneDNN's backward of a strided convolution takes a scratch buffer beside the weight's
# reordered copy, whatever the batch: 61,488 B (16 and 32 channels) and 94,256 B (48 and 64) were
# measured with torch 2.13 (bench/memory_vs_measured.py --trace); 96 KiB bounds them.
STRIDED_CONV_SCRATCH = 96 * 1024
ONEDNN_BLOCK = 16  # CPU: oneDNN's blocked layouts hold channels in groups of 16 (nChw16c)


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


def optimizer_temporaries(name: str, params: int, largest: int, weight_decay: float = 0.0, foreach: bool = True) -> int:
    """Elements of the temporaries torch's `optimizer.step()` holds at its worst moment.

    `params`: all trainable parameters (one foreach group: one dtype, one device); `largest`: the
    largest layer's parameters, the bound the for-loop implementations are given. From torch
    2.13's torch/optim/*.py:

    - foreach (the runner's choice on CPU and CUDA): Adam/AdamW/AMSGrad `_foreach_sqrt` of the
      second moments, P (Adam's L2 copy of the gradients, `_foreach_add`, is freed before it);
      Adagrad and RMSprop the same square root, P, plus the L2 copy alive beside it, P more when
      weight_decay > 0; SGD/momentum/Nesterov update in place, only the L2 copy, P.
    - for-loop (foreach=False): per parameter, one at a time. Adam's `(exp_avg_sq.sqrt() / c)`
      holds two tensors of the parameter's size, Adagrad's and RMSprop's square root one; the L2
      copy (`grad.add(param)`) one more; SGD nothing else.
    """
    decay = 1 if weight_decay else 0
    if foreach:
        if name in ("adam", "adamw", "amsgrad"):
            return params
        if name in ("adagrad", "rmsprop"):
            return params * (1 + decay)
        return params * decay
    if name in ("adam", "adamw", "amsgrad"):
        return largest * (2 + (decay if name != "adamw" else 0))
    if name in ("adagrad", "rmsprop"):
        return largest * (1 + decay)
    return largest * decay


class Moment(Record):
    """One point of the step's timeline: per term (TERMS order) the bytes `fixed + B · per_sample`."""

    __slots__ = ("phase", "layer", "fixed", "per_sample")

    def __init__(self, phase: str, layer: str | None, fixed: tuple[int, ...], per_sample: tuple[int, ...]):
        self.phase = phase  # forward | backward | optimizer
        self.layer = layer  # the layer running then (its dotted name), "loss", or None
        self.fixed = fixed
        self.per_sample = per_sample

    def at(self, batch: int) -> int:
        return sum(self.fixed) + batch * sum(self.per_sample)

    def terms(self, batch: int) -> tuple[int, ...]:
        return tuple(f + batch * p for f, p in zip(self.fixed, self.per_sample))

    def largest_batch(self, limit: int) -> int | None:
        """The largest batch at which this moment fits in `limit` (None: any batch; -1: none)."""
        fixed, per_sample = sum(self.fixed), sum(self.per_sample)
        if fixed > limit:
            return -1
        if per_sample == 0:
            return None
        return (limit - fixed) // per_sample


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
        "phase",
        "layer",
        "phases",
        "timeline",
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
        phase: str = "optimizer",
        layer: str | None = None,
        phases: dict[str, int] | None = None,
        timeline: tuple[Moment, ...] = (),
    ):
        self.batch = batch
        self.dtype = dtype
        self.optimizer = optimizer
        self.device = device
        # the terms at the peak moment; they add up to `total`
        self.weights = weights
        self.gradients = gradients
        self.optimizer_state = optimizer_state
        self.activations = activations
        self.input = input
        self.workspace = workspace
        self.saved = saved  # every storage autograd keeps, the input batch included when a layer keeps it
        self.phase = phase  # the phase of the peak: forward, backward or optimizer
        self.layer = layer  # the layer running at the peak (None in the optimizer step)
        self.phases = phases or {}  # the peak of each phase, bytes
        self.timeline = timeline  # every moment, for max_batch

    @property
    def total(self) -> int:
        """The peak of the step: the most bytes alive at any moment of its timeline."""
        return self.weights + self.gradients + self.optimizer_state + self.activations + self.input + self.workspace

    @property
    def fixed(self) -> int:
        """The bytes that do not depend on the batch at the moment of the most of them: the
        weights, all gradients, the optimizer state and the optimizer step's temporaries."""
        return max((sum(m.fixed) for m in self.timeline), default=0)

    def per_sample(self) -> float:
        """Bytes per sample at this batch, (total − fixed) / batch: the peak is convex in the
        batch, so this is a slope averaged from batch 0, not a constant (see max_batch)."""
        return (self.total - self.fixed) / self.batch

    def max_batch(self, limit: int) -> int:
        """The largest batch whose step fits in `limit` bytes (0 if not even batch 1 fits).

        Each moment is affine in B, so the step fits iff every moment does: the answer is the
        smallest of the moments' largest batches, exact, one pass over the timeline."""
        best: int | None = None
        for moment in self.timeline:
            fits = moment.largest_batch(limit)
            if fits is not None:
                best = fits if best is None else min(best, fits)
            if best is not None and best < 1:
                return 0
        return best if best is not None else 0

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
            "peak": {"phase": self.phase, "layer": self.layer},
            "phases": dict(self.phases),
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
    weight_decay: float = 0.0,
    foreach: bool = True,
) -> MemoryEstimate:
    """The peak memory of one training step of a checked network (see the module docstring);
    `slots` overrides the optimizer's default state (`optimizer_slots` with its options),
    `weight_decay` > 0 adds the optimizer's L2 copy of the gradients."""
    with collector_paused():  # a few objects per layer, no cycles (netspec/collector.py)
        return _estimate(result, batch, dtype, optimizer, device, slots, weight_decay, foreach)


def _estimate(result, batch, dtype, optimizer, device, slots, weight_decay, foreach) -> MemoryEstimate:
    moments = timeline(result, dtype, optimizer, device, slots, weight_decay, foreach)
    peak = max(moments, key=lambda m: m.at(batch))
    phases = {phase: max((m.at(batch) for m in moments if m.phase == phase), default=0) for phase in PHASES}
    terms = dict(zip(TERMS, peak.terms(batch)))
    storages = saved_storages(result, DTYPE_BYTES[dtype], device)
    saved = sum(s.fixed + batch * s.per_sample for s in storages.values())
    return MemoryEstimate(
        batch=batch,
        dtype=dtype,
        optimizer=optimizer,
        device=device,
        saved=saved,
        phase=peak.phase,
        layer=peak.layer,
        phases=phases,
        timeline=tuple(moments),
        **terms,
    )


class Storage(Record):
    """A saved storage: bytes (`fixed + B · per_sample`), the node that makes it (−1: the input
    batch) and the first node, in forward order, that saves it: its backward frees it."""

    __slots__ = ("per_sample", "fixed", "made_at", "freed_at")

    def __init__(self, per_sample: int, fixed: int, made_at: int, freed_at: int):
        self.per_sample = per_sample
        self.fixed = fixed
        self.made_at = made_at
        self.freed_at = freed_at


def saved_storages(result: CheckResult, size: int, device: str, channels_last: bool = False) -> dict[tuple, Storage]:
    """Every storage autograd keeps for backward, each once (see each layer kind's `saved`).
    `channels_last`: as the runner lays maps out (`channels_last_storages`)."""
    layers = result.layers
    outputs, flattened = channels_last_storages(layers) if channels_last else ([x.storage for x in layers], {})
    storages: dict[tuple, Storage] = {}
    for n, layer in enumerate(layers):
        if n & 255 == 0:  # a layer here is a few µs: a look-up each would cost 1-2 %
            checkpoint()
        renamed = {layer.storage: outputs[n]}
        for index in layer.inputs:
            renamed[layers[index - 1].storage if index > 0 else INPUT_STORAGE] = flattened.get(n) or (
                outputs[index - 1] if index > 0 else INPUT_STORAGE
            )
        for tensor in layer.saved:
            itemsize = tensor.itemsize
            if itemsize is None:
                itemsize = size
            elif itemsize == DROPOUT_MASK:
                itemsize = 1 if device == "cuda" else size
            key = renamed.get(tensor.storage, tensor.storage)
            first = storages.get(key)
            freed_at = n if first is None else first.freed_at
            storages[key] = Storage(tensor.per_sample * itemsize, tensor.fixed * itemsize, _maker(key), freed_at)
    return storages


def channels_last_storages(layers: list[LayerReport]) -> tuple[list[tuple], dict[int, tuple]]:
    """(the storage of every layer's output, {fc layer: the storage of its flattened input}) when
    maps are channels-last, as the runner lays them out on CPU and CUDA. Flattening a
    channels-last map of more than one channel and one pixel cannot be a view: `torch.flatten`
    copies it into a new storage, `("flat", n)`, made by the flatten (or the fc that flattens
    its input), which what reads the flat vector keeps instead of the map."""
    outputs: list[tuple] = []
    flattened: dict[int, tuple] = {}
    for n, layer in enumerate(layers):
        source = outputs[layer.inputs[0] - 1] if layer.inputs[0] > 0 else INPUT_STORAGE
        copies = len(layer.input) == 3 and len(layer.output) == 1 and layer.input[0] > 1 and prod(layer.input[1:]) > 1
        if copies and layer.kind == "flatten":
            outputs.append(("flat", n))
            continue
        if copies:
            flattened[n] = ("flat", n)
        outputs.append(layer.storage if layer.storage == ("out", n) else source)
    return outputs, flattened


def _maker(storage: tuple) -> int:
    """The node that makes a storage: ("out", n), ("aux", n, key), ("flat", n); −1: the batch."""
    return -1 if storage == INPUT_STORAGE else storage[1]


def timeline(
    result: CheckResult,
    dtype: str = "fp32",
    optimizer: str = "adam",
    device: str = "cuda",
    slots: int | None = None,
    weight_decay: float = 0.0,
    foreach: bool = True,
) -> list[Moment]:
    """The moments of one training step, in order (module docstring)."""
    size = DTYPE_BYTES[dtype]
    layers = result.layers
    slots = OPTIMIZER_SLOTS[optimizer] if slots is None else slots
    params = result.params
    weights, state = (params + result.buffers) * size, params * slots * size
    all_gradients = params * size
    shape = result.input_shape or ()
    output = result.output_shape or shape
    batch_bytes = prod(shape) * size + prod(output[1:]) * LABEL_BYTES
    log_probs = prod(output) * size
    channels_last = len(shape) == 3  # the runner lays maps out channels-last on CPU and CUDA
    outputs = channels_last_storages(layers)[0] if channels_last else [layer.storage for layer in layers]
    storages = saved_storages(result, size, device, channels_last)
    storages.pop(INPUT_STORAGE, None)  # the batch is the input term
    # a final top-level softmax is computed as log_softmax: its output is the log-probabilities
    final_softmax = bool(layers) and layers[-1].kind == "softmax" and not layers[-1].node.frames
    log_probs_storage = outputs[-1] if final_softmax else ("log_probs",)

    def moment(phase, layer, gradients, activations, workspace, activations_fixed=0, workspace_fixed=0):
        return Moment(
            phase,
            layer,
            (weights, gradients, state, activations_fixed, 0, workspace_fixed),
            (0, 0, 0, activations, batch_bytes, workspace),
        )

    temporaries = operation_temporaries(layers, size, device)
    forward = forward_activations(layers, outputs, storages, size)
    moments = []
    # forward: the previous step's gradients and log-probabilities are still alive
    for n, (fixed, per_sample) in enumerate(forward):
        if n & 255 == 0:
            checkpoint()
        extra = temporaries[n][0]
        moments.append(
            moment("forward", layers[n].name, all_gradients, per_sample + log_probs, extra[1], fixed, extra[0])
        )
    # the loss: log_softmax reads the last output (a final softmax is that log_softmax itself); on
    # CPU, log_softmax over the channels of a channels-last map makes one more copy of its result
    last_fixed, last = forward[-1] if forward else (0, 0)
    new_log_probs = 0 if log_probs_storage in storages else log_probs
    copy = log_probs if device == "cpu" and len(output) == 3 and prod(output[1:]) > 1 else 0
    moments.append(moment("forward", "loss", all_gradients, last + log_probs + new_log_probs, copy, last_fixed))
    saved_fixed = sum(s.fixed for s in storages.values())
    saved_per_sample = sum(s.per_sample for s in storages.values())
    # backward, from the last layer to the first
    freed_by: dict[int, list[Storage]] = {}
    for key, storage in storages.items():
        if key != log_probs_storage:  # the runner holds the log-probabilities
            freed_by.setdefault(storage.freed_at, []).append(storage)
    alive_fixed, alive = saved_fixed, saved_per_sample + new_log_probs
    gradients = 0
    grads = gradient_elements(result)
    for n in range(len(layers) - 1, -1, -1):
        if n & 255 == 0:
            checkpoint()
        layer = layers[n]
        if grads[n] is None:  # needs no gradient: no backward
            continue
        gradients += layer.params * size
        backward = temporaries[n][1]
        workspace = grads[n] * size + backward[1]
        moments.append(moment("backward", layer.name, gradients, alive, workspace, alive_fixed, backward[0]))
        for storage in freed_by.get(n, ()):
            alive_fixed -= storage.fixed
            alive -= storage.per_sample
    largest = max((layer.params for layer in layers), default=0)
    step = optimizer_temporaries(optimizer, params, largest, weight_decay, foreach) * size
    moments.append(moment("optimizer", None, all_gradients, log_probs, 0, 0, step))
    return moments


def operation_temporaries(
    layers: list[LayerReport], size: int, device: str
) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Per layer, ((fixed, per sample) of its forward, (fixed, per sample) of its backward): the
    bytes of the temporaries an operation holds beside its inputs, outputs and gradients, read
    off torch 2.13's allocations (bench/memory_vs_measured.py prints them with --trace):

    - lrn (`F.local_response_norm`, any device): the backward of its division `x / d^β` holds
      three more tensors of the input's size (`grad / d^β`, and `−grad · x / d^2β` built from a
      division, a negation and a product) beside the incoming gradient.
    - dropout before the first layer with parameters saves nothing, yet draws its mask: the
      input's size (one byte per element on CUDA, as the saved mask).
    - lrn before the first layer with parameters saves nothing, yet `F.local_response_norm`
      makes its intermediates one after the other: the squares beside their zero-padded copy
      over the channels, `(C + size − 1)·H·W`, then the window means, their product with α and
      its sum with k, three inputs' worth while the output does not exist yet: max(2·input,
      padded) beyond the output.
    - On CPU (oneDNN, channels-last), conv: the forward reorders the weight (one copy, W); the
      backward reorders it again and computes the weight gradient in oneDNN's layout, then in
      the plain one, then copies it to channels-last: two copies beside the gradient that stays
      (2·W). A strided convolution's backward also takes oneDNN's scratch beside one copy, whatever
      the batch, when it computes an input gradient (not the first layer with parameters):
      max(2·W, W + STRIDED_CONV_SCRATCH).
    - On CPU, batchnorm: the backward holds one more tensor of its input's size.
    - maxpool, adaptivemaxpool, globalmaxpool before the first layer with parameters: nothing
      needs a gradient, yet `max_pool2d_with_indices` makes its int64 indices (output × 8 bytes)
      and drops them.
    - On CPU, a maxpool or avgpool whose gradient arrives in the plain layout while its saved
      tensors are channels-last — its output is flattened, or averaged to 1x1 by a
      globalavgpool (a mean, whose backward expands a plain tensor), or normalized by an lrn
      (the backward of its padded window means): the maxpool's backward
      copies the int64 indices and computes the input gradient twice (output × 8 bytes +
      input), the avgpool's computes the input gradient twice (input), and so may an
      adaptiveavgpool's (seen after an upsample, not after a conv: counted always), a conv copies the
      gradient to channels-last (output); a conv whose gradient is a slice of a concat's copies
      it too. An add, a residual, a concat and every activation but relu and leakyrelu (whose
      gradient takes the saved tensor's layout) hand the plain layout on to what they read.

    CUDA's cuDNN workspaces are not modelled (docs/memory.md)."""
    cpu = device == "cpu"
    tracked = tracked_layers(layers)
    plain_gradient = set()  # layers whose output gradient comes back in the plain layout
    if layers and len(layers[-1].output) == 3 and prod(layers[-1].output[1:]) > 1:
        # a map output: the loss's log_softmax over its channels works on a plain copy (CPU)
        final_softmax = layers[-1].kind == "softmax" and not layers[-1].node.frames
        last = layers[-1].inputs[0] - 1 if final_softmax else len(layers) - 1
        if last >= 0:
            plain_gradient.add(last)
    for n in range(len(layers) - 1, -1, -1):
        layer = layers[n]
        flattens = len(layer.output) == 1 and len(layer.input) == 3
        averages = layer.kind in ("globalavgpool", "adaptiveavgpool") and prod(layer.output[1:]) == 1
        averages = averages or layer.kind == "lrn"  # its padded window means' backward is plain too
        passes = (layer.is_merge and layer.kind in ("add", "concat")) or layer.storage != ("out", n)
        # an activation's input gradient takes its incoming gradient's layout, except relu's and
        # leakyrelu's (threshold_backward: the saved tensor's); measured with torch 2.13
        passes = passes or (isinstance(layer.instance.kind, _Activation) and layer.kind not in ("relu", "leakyrelu"))
        if flattens or averages or (passes and n in plain_gradient):  # hands its gradient's layout on
            plain_gradient.update(i - 1 for i in layer.inputs if i > 0 and prod(layers[i - 1].output[1:]) > 1)
    readers: dict[int, list[int]] = {}
    for n, layer in enumerate(layers):
        for index in dict.fromkeys(layer.inputs):
            if index > 0:
                readers.setdefault(index - 1, []).append(n)
    sliced = concat_slices(layers, readers)[0]
    temporaries = []
    for n, layer in enumerate(layers):
        if n & 255 == 0:
            checkpoint()
        kind, forward, backward = layer.kind, (0, 0), (0, 0)
        if kind in ("maxpool", "adaptivemaxpool", "globalmaxpool") and not tracked[n]:
            forward = (0, prod(layer.output) * 8)  # the int64 indices, made and dropped
        if kind == "dropout" and not tracked[n]:  # the mask is made and dropped (1 B per element on CUDA)
            forward = (0, prod(layer.input) * (1 if device == "cuda" else size))
        if kind in ("maxpool", "avgpool", "l2pool"):
            forward, backward = pooling_temporaries(layer, tracked[n], forward[1] // size)
            forward, backward = (0, forward * size), (0, backward * size)
        input_gradient = any(i > 0 and tracked[i - 1] for i in layer.inputs)
        if kind == "lrn":
            backward = (0, 3 * prod(layer.input) * size)
            if not tracked[n]:  # nothing saved, yet every intermediate made (see the docstring)
                channels, h, w = layer.input
                padded = (channels + layer.instance.values["size"] - 1) * h * w
                forward = (0, max(2 * prod(layer.input), padded) * size)
        elif cpu and kind == "conv":
            forward, backward = (layer.params * size, 0), (2 * layer.params * size, 0)
            if input_gradient and max(layer.instance.values.get("stride", (1, 1))) > 1:  # oneDNN's scratch
                backward = (max(backward[0], layer.params * size + STRIDED_CONV_SCRATCH), 0)
            if n in plain_gradient or n in sliced:  # the gradient is copied to a dense channels-last one
                backward = (backward[0], prod(layer.output) * size)
        elif cpu and kind == "batchnorm":
            backward = (0, prod(layer.input) * size)
        elif cpu and kind == "maxpool" and n in plain_gradient:  # its input: the padded copy under SAME
            pooled = padded_elements(layer) or prod(layer.input)
            backward = (0, backward[1] + prod(layer.output) * 8 + pooled * size)
        elif cpu and kind in ("avgpool", "adaptiveavgpool") and n in plain_gradient:
            pooled = (padded_elements(layer) if kind == "avgpool" else None) or prod(layer.input)
            backward = (0, backward[1] + pooled * size)
        if cpu and kind == "convtranspose" and max(layer.instance.values.get("dilation", (1, 1))) > 1:
            # no oneDNN path: slow_conv_transpose2d's column buffer, C_out·kh·kw·H_in·W_in (the
            # forward measured; the backward's columns counted alike, an upper bound)
            columns = layer.output[0] * prod(layer.instance.values["kernel"]) * prod(layer.input[1:]) * size
            forward, backward = (forward[0], forward[1] + columns), (backward[0], backward[1] + columns)
        one_channel = layer.input[0] == 1 or (kind == "convtranspose" and layer.output[0] == 1)
        if cpu and kind in ("conv", "convtranspose") and one_channel and _blocked(layers, layer):
            # a one-channel map (and a 1x1 kernel on it) is channels-last and contiguous at once
            # (a transposed convolution's output too):
            # oneDNN may take its blocked path, with copies padded to 16 channels (2 in a forward,
            # 3 in a transposed one's, 2 in a backward; not always: an upper bound)
            block = ONEDNN_BLOCK * max(prod(layer.input[1:]), prod(layer.output[1:])) * size
            copies = 3 if kind == "convtranspose" else 2
            forward, backward = (forward[0], forward[1] + copies * block), (backward[0], backward[1] + 2 * block)
        temporaries.append((forward, backward))
    return temporaries


def _blocked(layers: list[LayerReport], layer: LayerReport) -> bool:
    """Whether oneDNN was seen computing a convolution of one input channel in its blocked layout
    (torch 2.13, CPU): always with a 1x1 kernel (its weight's layout is ambiguous too), else when
    the map was made by an activation or dropout (whose output takes the plain strides); a
    transposed convolution whatever made its map (seen after an upsample)."""
    if layer.kind == "convtranspose" or tuple(layer.instance.values.get("kernel", ())) == (1, 1):
        return True
    index = layer.inputs[0]
    made_by = layers[index - 1] if index > 0 else None
    return made_by is not None and (isinstance(made_by.instance.kind, _Activation) or made_by.kind == "dropout")


def padded_elements(layer: LayerReport) -> int | None:
    """Elements per sample of a pooling layer's explicitly padded input (`F.pad` first: SAME
    padding with an odd cell), None when it pools its input as it is."""
    if layer.instance.values.get("pad") != "same":  # only SAME pads one side more than the other
        return None
    geometry = windows.geometry(layer.instance.values, layer.input, pool=True)
    return prod(geometry.padded_hw()) * layer.input[0] if geometry.asymmetric else None


def pooling_temporaries(layer: LayerReport, tracked: bool, indices: int = 0) -> tuple[int, int]:
    """(forward, backward) elements per sample of a pooling layer's temporaries beyond its output
    and the gradients `gradient_elements` counts, on any device (the generated code's own
    tensors, read off torch 2.13's allocations with bench/memory_vs_measured.py --trace).
    `indices`: elements (in the dtype's size) already counted for max pooling's dropped indices.

    - maxpool, avgpool with SAME padding of an odd cell (`F.pad` first): the padded copy `P`
      of the input, which a layer that needs no gradient makes and drops (a tracked one saves
      it: counted as saved). The backward computes the padded input gradient (`P` elements) and
      hands on a slice of it: `P − input` beyond the input gradient.
    - avgpool with SAME padding (SameAvgPool2d, `avg_pool2d(x) * window / counts`): the window
      mean and the sums are alive with the result, one output more; its backward holds the
      gradients of the sums and of the mean beside the output gradient, two outputs.
    - l2pool (`sqrt(clamp_min(avg_pool2d(x·x) · divisor))`): the forward holds the window means
      and the clamped sums beside the saved tensors (two outputs); one that needs no gradient
      saves nothing, so the squares `S` (zero-padded when SAME) and three outputs are
      temporaries. The backward of `x · x` computes `grad · x` twice beside the squares'
      gradient (input-sized: the padding's backward slices it), while the layer's own saved
      squares `S`, sums and output are already freed: at worst `3·input` of gradients where the
      layer's moment counts `input + output` and the saved `S + 2·output`, so `2·input − S −
      3·output` more. Its first step, the square root's backward `grad / (2·result)`, holds
      two outputs (the product, the quotient) beside the output gradient, with everything saved:
      `2·output − input` more than the moment, where a window of stride 1 keeps the size.
    """
    out, inp = prod(layer.output), prod(layer.input)
    padded = padded_elements(layer)
    forward = backward = 0
    if layer.kind == "l2pool":
        squares = padded or inp
        forward = 2 * out if tracked else squares + 3 * out
        backward = max(0, 2 * inp - squares - 3 * out, 2 * out - inp)
        return forward, backward
    if padded is not None:  # an explicit F.pad of an odd SAME cell
        forward = 0 if tracked else padded
        backward = padded - inp
        if layer.kind == "avgpool":
            forward += out
            backward += 0 * out
    return forward + indices, backward


def forward_activations(
    layers: list[LayerReport], outputs: list[tuple], storages: dict[tuple, Storage], size: int
) -> list[tuple[int, int]]:
    """Per layer, the activation bytes (fixed, per sample) alive while its forward runs: every
    saved storage made so far, and every output (`outputs`: each layer's storage) that a layer at
    or after it still reads (the last layer's output is read by the loss), or that the generated
    code still holds in a local variable (`held_in_locals`)."""
    last_read: dict[tuple, int] = {}
    for n, layer in enumerate(layers):
        for index in layer.inputs:
            if index > 0:
                last_read[outputs[index - 1]] = n
    if layers:
        last_read[outputs[-1]] = len(layers)
    for value, until in held_in_locals(layers).items():
        last_read[outputs[value]] = max(last_read.get(outputs[value], value), until)
    made: dict[int, list[Storage]] = {}
    for storage in storages.values():
        made.setdefault(storage.made_at, []).append(storage)
    dropped: dict[int, int] = {}
    fixed, per_sample, result = 0, 0, []
    for n, layer in enumerate(layers):
        if n & 255 == 0:
            checkpoint()
        for storage in made.get(n, ()):
            fixed += storage.fixed
            per_sample += storage.per_sample
        own = outputs[n]
        if _maker(own) == n and own not in storages:  # an output no one saves: alive until read
            per_sample += prod(layer.output) * size
            end = last_read.get(own, n)
            dropped[end] = dropped.get(end, 0) + prod(layer.output) * size
        result.append((fixed, per_sample))
        per_sample -= dropped.pop(n, 0)
    return result


def held_in_locals(layers: list[LayerReport]) -> dict[int, int]:
    """{layer: the last layer during whose forward the generated code still holds its output in a
    local variable}. What `netspec compile` writes keeps each branch's result of an add/concat/mul
    in `branch1`, `branch2`, … (`branch2 = self.level2(x)`) and a residual's input, then its
    shortcut's result, in `identity`, as locals of the enclosing module's `forward`: a value stays
    until the next assignment to its name in that `forward`, else until it returns — after the
    module's last layer (len(layers) for the network's own forward, which computes the loss)."""
    last_in_frame: dict[int, int] = {}
    for n, layer in enumerate(layers):
        for frame in layer.node.frames:
            last_in_frame[id(frame)] = n
    assignments: dict[int | None, list[tuple[int, str, int]]] = {}  # scope → (when, name, value)
    for layer in layers:
        merge = layer.node.merge
        if merge is None:
            continue
        scope = id(layer.node.frames[-1]) if layer.node.frames else None
        events = assignments.setdefault(scope, [])
        if merge.residual:
            (body, _), (start, end) = merge.branches
            events.append((body - 1, "identity", merge.entry))
            if start < end:
                events.append((end - 1, "identity", end - 1))
        else:
            for number, (start, end) in enumerate(merge.branches, start=1):
                if start < end:
                    events.append((end - 1, f"branch{number}", end - 1))
    held: dict[int, int] = {}
    for scope, events in assignments.items():
        holders: dict[str, int] = {}
        for when, name, value in sorted(events):
            if name in holders:
                held[holders[name]] = max(held.get(holders[name], 0), when)
            holders[name] = value
        last = len(layers) if scope is None else last_in_frame[scope]
        for value in holders.values():
            held[value] = max(held.get(value, 0), last)
    held.pop(-1, None)  # the network input: the runner holds the batch anyway
    return held


def gradient_elements(result: CheckResult) -> list[int | None]:
    """Per layer, the elements per sample of the activation gradients alive while its backward
    runs; None for a layer that needs no gradient (nothing before it has parameters).

    Backward visits the nodes in reverse. While node n runs, the gradient of a value v exists when
    some reader of v has run backward already (or is node n) and v's producer has not: producer(v)
    < n ≤ last reader(v); node n's own output gradient exists too, unless n's output is a view of
    its input (flatten, identity): then the two gradients are one tensor. A skip connection keeps
    its gradient alive across the whole branch it skips. When n reads a value whose gradient exists
    already, n's part of it is a new tensor until autograd adds the two. A concat's input
    gradients are slices of its output gradient (`concat_slices`): no memory of their own, but the
    whole storage lives until the last slice is let go. Only values that need a gradient have one:
    not the network input, nor what derives from it before the first layer with parameters."""
    layers = result.layers
    tracked = tracked_layers(layers)
    size = [prod(layer.output) if tracked[n] else 0 for n, layer in enumerate(layers)]
    readers: dict[int, list[int]] = {}
    for n, layer in enumerate(layers):
        for index in dict.fromkeys(layer.inputs):
            if index > 0:
                readers.setdefault(index - 1, []).append(n)
    last_reader = {value: nodes[-1] for value, nodes in readers.items()}
    slices, kept_until = concat_slices(layers, readers)
    arriving: dict[int, list[int]] = {}
    for value, reader in last_reader.items():
        arriving.setdefault(reader, []).append(value)
    summed_at: dict[int, list[int]] = {}  # a slice that another reader adds to: a tensor from then on
    for value in slices:
        if len(readers[value]) > 1:
            summed_at.setdefault(readers[value][-2], []).append(value)
    counted: set[int] = set()  # values whose gradient is a tensor of its own, in `live`
    live = 0
    releasing: dict[int, int] = {}
    elements: list[int | None] = [None] * len(layers)
    for n in range(len(layers) - 1, -1, -1):
        if n & 255 == 0:
            checkpoint()
        for value in arriving.get(n, ()):
            if value not in slices:
                live += size[value]
                counted.add(value)
        for value in summed_at.get(n, ()):
            live += size[value]
            counted.add(value)
        if n in counted:  # its gradient is complete: it is node n's output gradient now
            live -= size[n]
        if not tracked[n]:
            continue
        own = size[n] if n in counted or n not in last_reader else 0
        if layers[n].storage != ("out", n):
            own = 0
        if n in kept_until:
            live += own
            releasing[kept_until[n]] = releasing.get(kept_until[n], 0) + own
            own = 0
        summed = sum(size[i - 1] for i in set(layers[n].inputs) if i > 0 and last_reader[i - 1] != n)
        elements[n] = live + own + summed
        live -= releasing.pop(n, 0)
    return elements


def concat_slices(layers: list[LayerReport], readers: dict[int, list[int]]) -> tuple[set[int], dict[int, int]]:
    """(the values whose gradient starts as a slice of a concat's output gradient — the concat is
    their last reader —, {concat: the node after whose backward its output gradient is freed}).
    The storage goes when its last slice does: a branch's slice when the branch's last layer has
    run its backward; an empty branch's (the value the concat starts from) when it is added to the
    gradient from the concat's other readers, else at its producer."""
    slices: set[int] = set()
    kept_until: dict[int, int] = {}
    for n, layer in enumerate(layers):
        if not (layer.is_merge and layer.kind == "concat"):
            continue
        ends = []
        for index in dict.fromkeys(layer.inputs):
            value = index - 1
            if value < 0:
                continue
            if readers[value][-1] == n:
                slices.add(value)
            others = [r for r in readers[value] if r != n]
            ends.append(value if value > layer.node.merge.entry or not others else min(others))
        if ends:
            kept_until[n] = min(ends)
    return slices, kept_until


def tracked_layers(layers: list[LayerReport]) -> list[bool]:
    """Per layer, whether its output needs a gradient: it has parameters, or reads a value that does."""
    tracked: list[bool] = []
    for layer in layers:
        tracked.append(layer.params > 0 or any(i > 0 and tracked[i - 1] for i in layer.inputs))
    return tracked


def peak_text(memory: MemoryEstimate) -> str:
    """Where the step peaks, and the other phases' peaks: `peak in the backward of conv1 (forward
    1.2 GiB, optimizer step 300 MiB)`."""
    where = {
        "forward": "at the loss" if memory.layer == "loss" else f"in the forward of {memory.layer}",
        "backward": f"in the backward of {memory.layer}",
        "optimizer": "in the optimizer step",
    }[memory.phase]
    names = {"forward": "forward", "backward": "backward", "optimizer": "optimizer step"}
    others = ", ".join(f"{names[p]} {fmt_bytes(b)}" for p, b in memory.phases.items() if p != memory.phase)
    return f"peak {where} ({others})"

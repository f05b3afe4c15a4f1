"""The static checker: walks the layers from the input, computing what each one does.

For every layer it records the output shape, parameters, MACs, receptive field and the tensors
autograd keeps for backward; it reports errors where the walk cannot go on (a kernel larger than its
input) and warnings where it can but probably should not (a size that is not a whole number).
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import TYPE_CHECKING

from netspec import syntax
from netspec.arithmetic import ReceptiveField
from netspec.diagnostics import Diagnostics
from netspec.elaborate import LayerInstance, Network, elaborate
from netspec.layers import INPUT, OUTPUT, Shape, Where
from netspec.layers.base import fmt_shape
from netspec.naming import layer_names
from netspec.record import Record
from netspec.source import SourceFile

if TYPE_CHECKING:
    from netspec.train_settings import TrainSettings

INPUT_STORAGE = ("input",)


class SavedTensor(Record):
    """A tensor kept for backward, with its storage resolved across layers."""

    __slots__ = ("storage", "per_sample", "itemsize", "fixed")

    def __init__(self, storage: tuple, per_sample: int, itemsize: int | str | None, fixed: int = 0):
        self.storage = storage
        self.per_sample = per_sample
        self.itemsize = itemsize
        self.fixed = fixed


class LayerReport(Record):
    __slots__ = (
        "index",
        "instance",
        "name",
        "input",
        "output",
        "params",
        "buffers",
        "macs",
        "rf",
        "jump",
        "saved",
        "storage",
        "explain",
    )
    __hash__ = None  # mutable

    def __init__(
        self,
        index: int,
        instance: LayerInstance,
        name: str,
        input: Shape,
        output: Shape,
        params: int,
        buffers: int,
        macs: int,
        rf: tuple[int, int] | None,
        jump: tuple[int, int] | None,
        saved: list[SavedTensor],
        storage: tuple,
        explain: list[str],
    ):
        self.index = index  # 1-based position among executed layers
        self.instance = instance
        self.name = name
        self.input = input
        self.output = output
        self.params = params
        self.buffers = buffers
        self.macs = macs
        self.rf = rf
        self.jump = jump
        self.saved = saved
        self.storage = storage  # the storage the output lives in
        self.explain = explain

    @property
    def kind(self) -> str:
        return self.instance.kind.name

    @property
    def line(self) -> int:
        return self.instance.line


class CheckResult(Record):
    __slots__ = ("source", "network", "layers", "diagnostics", "complete", "train_settings")
    __hash__ = None  # mutable

    def __init__(
        self,
        source: SourceFile,
        network: Network | None,
        layers: list[LayerReport] | None = None,
        diagnostics: Diagnostics | None = None,
        complete: bool = False,
        train_settings: TrainSettings | None = None,
    ):
        self.source = source
        self.network = network
        self.layers = [] if layers is None else layers
        self.diagnostics = Diagnostics() if diagnostics is None else diagnostics
        self.complete = complete  # every layer was inferred
        self.train_settings = train_settings  # the `train { }` block, when it is valid

    @property
    def ok(self) -> bool:
        return self.complete and not self.diagnostics.has_errors()

    @property
    def name(self) -> str:
        if self.network is not None and self.network.name:
            return self.network.name
        return Path(self.source.name).stem or "network"

    @property
    def input_shape(self) -> Shape | None:
        return self.network.input_shape if self.network else None

    @property
    def output_shape(self) -> Shape | None:
        if not self.complete:
            return None
        return self.layers[-1].output if self.layers else self.input_shape

    @property
    def params(self) -> int:
        return sum(layer.params for layer in self.layers)

    @property
    def buffers(self) -> int:
        return sum(layer.buffers for layer in self.layers)

    @property
    def macs(self) -> int:
        return sum(layer.macs for layer in self.layers)


def check_source(source: SourceFile) -> CheckResult:
    """Parse, elaborate and check one spec. Never raises for any input text."""
    # A check allocates a few objects per token and keeps them all, without cycles: the cyclic
    # garbage collector would only rescan them, again and again (a 100,000-layer spec took 2.5×
    # as long), so it pauses meanwhile.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _check(source)
    finally:
        if collecting:
            gc.enable()


def _check(source: SourceFile) -> CheckResult:
    diagnostics = Diagnostics()
    statements = syntax.parse(source, diagnostics)
    if statements is None:
        return CheckResult(source, None, diagnostics=diagnostics)
    network = elaborate(statements, diagnostics)
    # A line with a syntax error was parsed without its broken part: what elaboration then says
    # about it (`conv 4 (3,3)` read as `conv 4 3 3`: "one value too many") is noise.
    broken = {d.span.line for d in diagnostics.items if d.code == "syntax" and d.span is not None}
    if broken:
        diagnostics.items = [
            d for d in diagnostics.items if d.code == "syntax" or d.span is None or d.span.line not in broken
        ]
    result = CheckResult(source, network, diagnostics=diagnostics)
    if network.input_shape is not None:
        errors = [d.span.line for d in diagnostics.errors if d.span is not None]
        if not errors:
            result.complete = _walk(result)
            _warn_softmax_not_last(result)
        else:
            # Still check the layers before the first broken statement: their mistakes are real too.
            _walk(result, stop_at_line=min(errors))
    if network.train is not None:
        from netspec.train_settings import parse_train  # pure Python; only specs with a train block

        result.train_settings = parse_train(network.train, diagnostics)
    return result


def check_text(text: str, name: str = "<spec>") -> CheckResult:
    return check_source(SourceFile(name, text))


def _walk(result: CheckResult, stop_at_line: int | None = None) -> bool:
    """Append a LayerReport per layer; False when a layer's output cannot be computed.
    With `stop_at_line`, stop at the first layer written on or after that line, or that runs
    after a statement with an error (a block body can be written above the call that failed)."""
    network = result.network
    diagnostics = result.diagnostics
    shape: Shape = network.input_shape
    rf = (ReceptiveField(1, 1), ReceptiveField(1, 1)) if len(shape) == 3 else None
    storage: tuple = INPUT_STORAGE
    flattened_at: LayerInstance | None = None
    names = layer_names([i.kind.name for i in network.layers], [i.label for i in network.layers])
    previous: LayerInstance | None = None
    # Autograd records nothing until the first layer with parameters: the input batch does not
    # require a gradient, so the activations and pooling before that layer keep no tensors.
    recorded = False
    for position, (instance, name) in enumerate(zip(network.layers, names)):
        if stop_at_line is not None and (instance.line >= stop_at_line or position == network.broken_at):
            return False
        kind = instance.kind
        where = Where(diagnostics, instance.statement.span, instance.arg_spans)
        if kind.spatial and len(shape) != 3:
            cause = (
                f" (flattened by `{flattened_at.statement.word}` on line {flattened_at.line})" if flattened_at else ""
            )
            where.error(
                "after-flatten",
                f"`{kind.name}` needs a C x H x W input, but its input is a vector of {shape[0]:,}{cause}",
                "move it before the first fc/flatten, or make the input CxHxW",
            )
            return False
        if previous is not None and kind.activation and previous.kind.activation:
            where.warning(
                "double-activation",
                f"`{kind.name}` directly follows `{previous.kind.name}`: two activations in a row",
                "remove one of them",
            )
        inference = kind.infer(instance.values, shape, where)
        if inference is None:
            return False
        if rf is not None:
            if inference.window is not None:
                rf = (rf[0].through(*inference.window[0]), rf[1].through(*inference.window[1]))
            elif inference.covers_input and len(shape) == 3:
                rf = (rf[0].through(shape[1], 1), rf[1].through(shape[2], 1))
        if len(shape) == 3 and len(inference.output) == 1:
            flattened_at = instance
        out_storage = storage if inference.output_aliases_input else ("out", position)
        resolved = {INPUT: storage, OUTPUT: out_storage}
        saved = [
            SavedTensor(resolved.get(s.key, ("aux", position, s.key)), s.per_sample, s.itemsize, s.fixed)
            for s in inference.saved
        ]
        recorded = recorded or inference.params > 0
        if not recorded:
            saved = []
        result.layers.append(
            LayerReport(
                index=position + 1,
                instance=instance,
                name=name,
                input=shape,
                output=inference.output,
                params=inference.params,
                buffers=inference.buffers,
                macs=inference.macs,
                rf=(rf[0].size, rf[1].size) if rf else None,
                jump=(rf[0].jump, rf[1].jump) if rf else None,
                saved=saved,
                storage=out_storage,
                explain=inference.explain or [f"output = {fmt_shape(inference.output)}"],
            )
        )
        shape, storage, previous = inference.output, out_storage, instance
    return True


def _warn_softmax_not_last(result: CheckResult) -> None:
    last = len(result.network.layers)
    for report in result.layers:
        if report.kind == "softmax" and report.index < last:
            result.diagnostics.warning(
                "softmax-not-last",
                f"softmax is layer {report.index} of {last}: the layers after it see probabilities",
                report.instance.statement.span,
                "put softmax last (training uses log-softmax on the logits anyway), or remove it",
            )

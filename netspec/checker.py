"""The static checker: walks the layers from the input, computing what each one does.

For every layer it records the output shape, parameters, MACs, receptive field and the tensors
autograd keeps for backward; it reports errors where the walk cannot go on (a kernel larger than its
input) and warnings where it can but probably should not (a size that is not a whole number).
"""

from __future__ import annotations

from netspec import syntax
from netspec.arithmetic import ReceptiveField
from netspec.cancellation import checkpoint
from netspec.collector import collector_paused
from netspec.diagnostics import Diagnostics, add_context
from netspec.elaborate import LayerInstance, Network, elaborate
from netspec.graph import INPUT_ID, Node
from netspec.layers import INPUT, OUTPUT, Shape, Where
from netspec.layers.base import fmt_shape
from netspec.naming import layer_names
from netspec.record import Record
from netspec.source import SourceFile

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms of every start)
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
        "node",
        "name",
        "inputs",
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
        node: Node,
        name: str,
        inputs: tuple[int, ...],
        input: Shape,
        output: Shape,
        params: int,
        buffers: int,
        macs: int,
        rf: tuple | None,
        jump: tuple | None,
        saved: list[SavedTensor],
        storage: tuple,
        explain: list[str],
    ):
        self.index = index  # 1-based position among executed layers; 0 is the network input
        self.instance = instance
        self.node = node
        self.name = name  # dotted: `layer1.bottleneck2.conv1`
        self.inputs = inputs  # the indices of the layers it reads (0: the network input)
        self.input = input  # the shape of its (first) input
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

    @property
    def is_merge(self) -> bool:
        return self.node.merge is not None


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
        return _stem(self.source.name) or "network"

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
    with collector_paused():  # what a check builds is kept, without cycles (netspec/collector.py)
        return _check(source)


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


class _State(Record):
    """What the walk knows about one value: its shape, receptive field per axis, storage, whether
    autograd tracks it, and where it was flattened."""

    __slots__ = ("shape", "rf", "storage", "tracked", "flattened_at")

    def __init__(self, shape: Shape, rf, storage: tuple, tracked: bool, flattened_at: LayerInstance | None):
        self.shape = shape
        self.rf = rf  # (ReceptiveField, ReceptiveField) for H and W, or None for vectors
        self.storage = storage
        self.tracked = tracked  # requires grad: autograd records what reads it
        self.flattened_at = flattened_at


def _walk(result: CheckResult, stop_at_line: int | None = None) -> bool:
    """Append a LayerReport per node; False when a node's output cannot be computed.
    With `stop_at_line`, stop at the first layer written on or after that line, or that runs
    after a statement with an error (a block body can be written above the call that failed)."""
    network = result.network
    diagnostics = result.diagnostics
    shape: Shape = network.input_shape
    rf = (ReceptiveField(1, 1), ReceptiveField(1, 1)) if len(shape) == 3 else None
    # The input batch does not require a gradient: autograd records nothing that reads only it
    # (and what derives from it) until a layer with parameters.
    states = {INPUT_ID: _State(shape, rf, INPUT_STORAGE, False, None)}
    names = layer_names(network.nodes)
    broken_at = network.broken_at if network.broken_at is not None else len(network.nodes)
    for position, (node, name) in enumerate(zip(network.nodes, names)):
        checkpoint()  # a node's inference is ~10 µs: one look-up each costs 0.5 %
        instance = node.instance
        if stop_at_line is not None and (instance.line >= stop_at_line or position >= broken_at):
            return False
        where = Where(diagnostics, instance.statement.span, instance.arg_spans)
        inputs = [states[i] for i in node.inputs]
        before = len(diagnostics.items)
        if node.merge is not None:
            state = _merge(node, inputs, states[node.merge.entry].shape, position, where)
        else:
            previous = network.nodes[node.inputs[0]].instance if node.inputs[0] != INPUT_ID else None
            state = _layer(instance, inputs[0], previous, position, where)
        if len(diagnostics.items) > before:  # say which calls led here, innermost first
            for call in reversed(node.calls):
                text = call.text if len(call.text) <= 60 else call.text[:57] + "..."
                add_context(diagnostics, before, f"in the call `{text}`", call.span)
        if state is None:
            return False
        inference, state = state
        states[position] = state
        result.layers.append(
            LayerReport(
                index=position + 1,
                instance=instance,
                node=node,
                name=name,
                inputs=tuple(i + 1 for i in node.inputs),
                input=inputs[0].shape,
                output=inference.output,
                params=inference.params,
                buffers=inference.buffers,
                macs=inference.macs,
                rf=(state.rf[0].size, state.rf[1].size) if state.rf else None,
                jump=(state.rf[0].jump, state.rf[1].jump) if state.rf else None,
                saved=_saved(inference, [s.storage for s in inputs], state, position),
                storage=state.storage,
                explain=inference.explain or [f"output = {fmt_shape(inference.output)}"],
            )
        )
    return True


def _layer(instance: LayerInstance, state: _State, previous: LayerInstance | None, position: int, where: Where):
    kind, shape = instance.kind, state.shape
    if kind.spatial and len(shape) != 3:
        flattened_at = state.flattened_at
        cause = f" (flattened by `{flattened_at.statement.word}` on line {flattened_at.line})" if flattened_at else ""
        where.error(
            "after-flatten",
            f"`{kind.name}` needs a C x H x W input, but its input is a vector of {shape[0]:,}{cause}",
            "move it before the first fc/flatten, or make the input CxHxW",
        )
        return None
    if previous is not None and kind.activation and previous.kind.activation:
        where.warning(
            "double-activation",
            f"`{kind.name}` directly follows `{previous.kind.name}`: two activations in a row",
            "remove one of them",
        )
    inference = kind.infer(instance.values, shape, where)
    if inference is None:
        return None
    rf = state.rf
    if rf is not None:
        if inference.window is not None:
            rf = (rf[0].through(*inference.window[0]), rf[1].through(*inference.window[1]))
        elif inference.covers_input and len(shape) == 3:
            rf = (rf[0].through(shape[1], 1), rf[1].through(shape[2], 1))
    flattened_at = instance if len(shape) == 3 and len(inference.output) == 1 else state.flattened_at
    storage = state.storage if inference.output_aliases_input else ("out", position)
    tracked = state.tracked or inference.params > 0
    return inference, _State(inference.output, rf, storage, tracked, flattened_at)


def _merge(node: Node, inputs: list[_State], entry_shape: Shape, position: int, where: Where):
    instance = node.instance
    shapes = tuple(s.shape for s in inputs)
    values = instance.values
    if node.merge.residual:  # its hint solves for a projection of what the residual starts from
        values = {**values, "entry": entry_shape}
    inference = instance.kind.infer(values, shapes, tuple(s.tracked for s in inputs), where)
    if inference is None:
        return None
    rf = None
    if all(s.rf is not None for s in inputs):  # vectors after fc keep theirs: the whole input
        rf = tuple(_widest(inputs, axis, where) for axis in (0, 1))
    if rf is not None and len({(s.rf[0].size, s.rf[1].size) for s in inputs}) > 1:
        sizes = ", ".join(f"{s.rf[0].size}" for s in inputs)
        inference.explain.append(f"RF = the largest over the {len(inputs)} paths in: max({sizes}) = {rf[0].size}")
    flattened = [s.flattened_at for s in inputs if s.flattened_at is not None]
    tracked = any(s.tracked for s in inputs)
    # one branch of `add`/`mul` is that branch's value itself; `torch.cat` of one copies it
    aliases = len(inputs) == 1 and instance.kind.operator is not None
    storage = inputs[0].storage if aliases else ("out", position)
    state = _State(inference.output, rf, storage, tracked, flattened[0] if flattened else None)
    return inference, state


def _widest(inputs: list[_State], axis: int, where: Where) -> ReceptiveField:
    """The receptive field after a merge: the largest over its paths. Paths whose jumps differ sample
    the input on different grids; that is reported once per merge."""
    fields = [s.rf[axis] for s in inputs]
    jumps = sorted({f.jump for f in fields})
    if len(jumps) > 1 and axis == 0:
        where.warning(
            "merge-jump",
            f"branches merge with different jumps ({', '.join(str(j) for j in jumps)} input pixels between features)",
            "their features sit on different grids of the input; give the branches the same total stride",
        )
    return ReceptiveField(max(f.size for f in fields), max(jumps))


def _saved(inference, input_storages: list[tuple], state: _State, position: int) -> list[SavedTensor]:
    """The tensors a node keeps for backward, with their storages resolved; none when nothing it
    reads or owns needs a gradient."""
    if not state.tracked:
        return []
    resolved = {INPUT: input_storages[0], OUTPUT: state.storage}
    for i, storage in enumerate(input_storages):
        resolved[f"input{i}"] = storage
    return [
        SavedTensor(resolved.get(s.key, ("aux", position, s.key)), s.per_sample, s.itemsize, s.fixed)
        for s in inference.saved
    ]


def _warn_softmax_not_last(result: CheckResult) -> None:
    last = len(result.network.nodes)
    if result.layers and result.layers[-1].kind == "softmax" and result.layers[-1].node.frames:
        final = result.layers[-1]
        result.diagnostics.warning(
            "softmax-in-block",
            "the network ends in a softmax inside a block or branch",
            final.instance.statement.span,
            "write the final softmax after the block: training replaces a last top-level softmax by "
            "log-softmax, and this one would be applied before it",
        )
    for report in result.layers:
        if report.kind == "softmax" and report.index < last:
            result.diagnostics.warning(
                "softmax-not-last",
                f"softmax is layer {report.index} of {last}: the layers after it see probabilities",
                report.instance.statement.span,
                "put softmax last (training uses log-softmax on the logits anyway), or remove it",
            )


def _stem(path: str) -> str:
    """`pathlib.PurePosixPath(path).stem` without importing pathlib (~2.5 ms of every start)."""
    name = path.rstrip("/").rpartition("/")[2]
    name = "" if name == "." else name
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name

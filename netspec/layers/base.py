"""What every layer kind provides: argument declarations, shape/count inference, and saved tensors.

A layer kind lives in one place (a subclass of `LayerKind` in this package): its names, its
arguments, its output shape, parameter count, MACs, receptive-field window, the tensors PyTorch keeps
for backward, and the PyTorch code it compiles to.
"""

from __future__ import annotations

from netspec.diagnostics import Diagnostics
from netspec.layers.args import Arg
from netspec.record import Record
from netspec.source import Span

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms of every start)
if TYPE_CHECKING:
    from typing import Any, ClassVar

Shape = tuple[int, ...]  # (C, H, W) for feature maps, (F,) for vectors; the batch is never included

# What one output cell of a layer reads of its input, for the receptive-field picture (netspec.draw.footprint):
WINDOW = "window"  # the cells of a kernel window (`kernel`, `stride`, `pad`, `dilation` values)
SAME_CELL = "same cell"  # the same cell (element-wise over H and W)
WHOLE = "whole"  # every cell (fc, flatten, the global pools)
BINS = "bins"  # an adaptive pool's bin

INPUT = "input"  # Saved.key of the layer's input storage
OUTPUT = "output"  # Saved.key of the layer's own output storage
DROPOUT_MASK = "mask"  # Saved.itemsize of a dropout mask: bool on CUDA, the float noise on CPU


class Saved(Record):
    """A tensor autograd keeps for the backward pass.

    `key` names its storage so that one storage saved by two layers (a ReLU's output that the next
    convolution saves as its input) is counted once: INPUT, OUTPUT, or a name private to the layer.
    `itemsize` is None for tensors of the activation dtype, a fixed size (8 for int64 indices), or
    DROPOUT_MASK.
    """

    __slots__ = ("key", "per_sample", "itemsize", "fixed")

    def __init__(self, key: str, per_sample: int, itemsize: int | str | None = None, fixed: int = 0):
        self.key = key
        self.per_sample = per_sample  # elements per sample
        self.itemsize = itemsize
        self.fixed = fixed  # elements that do not grow with the batch (batch-norm statistics)


class Helper(Record):
    """A module-level class that the generated file needs (emitted once, only when used)."""

    __slots__ = ("name", "source")

    def __init__(self, name: str, source: str):
        self.name = name
        self.source = source  # the class definition, ruff-formatted, using only torch, nn and F


class Step(Record):
    """One line of the generated `forward`: `x = <code>`, commented with the shape it produces.

    In `code`, `{layer}` stands for the layer's module (`self.conv1`) and `{x}` for its input.
    """

    __slots__ = ("code", "shape", "note")

    def __init__(self, code: str, shape: Shape, note: str = ""):
        self.code = code
        self.shape = shape  # per sample: the batch dimension N is added in the comment
        self.note = note  # why the line is there, after the shape


CALL = "{layer}({x})"  # the usual step: call the layer's module on the input


class Emission(Record):
    """The PyTorch code of one layer: a constructor expression and the lines of `forward`."""

    __slots__ = ("module", "steps", "helpers", "imports", "init", "channels", "defaults")

    def __init__(
        self,
        module: str,
        steps: tuple[Step, ...],
        helpers: tuple[Helper, ...] = (),
        imports: tuple[str, ...] = (),
        init: str | None = None,
        channels: tuple[int, ...] = (),
        defaults: dict | None = None,
    ):
        self.module = module  # e.g. nn.Conv2d(3, 96, kernel_size=11, stride=4), assigned to self.<name>
        self.steps = steps
        self.helpers = helpers
        self.imports = imports  # standard-library modules the steps use ("math")
        self.init = init  # the module class whose weight the `init` setting draws ("nn.Conv2d")
        # For classes compiled from blocks: which positional arguments of `module` are channel
        # counts (named after block parameters), and the keyword arguments `module` leaves out
        # at their defaults (written out when another call of the block sets them).
        self.channels = channels
        self.defaults = defaults or {}


class Inference(Record):
    """Everything the checker learns about one layer from its input shape."""

    __slots__ = (
        "output",
        "params",
        "buffers",
        "macs",
        "window",
        "covers_input",
        "saved",
        "output_aliases_input",
        "explain",
    )
    __hash__ = None  # mutable

    def __init__(
        self,
        output: Shape,
        params: int = 0,
        buffers: int = 0,
        macs: int = 0,
        window: tuple[tuple[int, int], tuple[int, int]] | None = None,
        covers_input: bool = False,
        saved: list[Saved] | None = None,
        output_aliases_input: bool = False,
        explain: list[str] | None = None,
    ):
        self.output = output
        self.params = params
        self.buffers = buffers  # non-trainable state (batch-norm running statistics)
        self.macs = macs
        self.window = window  # ((k_eff, stride) for H, for W)
        self.covers_input = covers_input  # every output sees the whole input (fc, global pooling)
        self.saved = [] if saved is None else saved
        self.output_aliases_input = output_aliases_input  # a view (flatten) or an identity
        self.explain = [] if explain is None else explain


class Where:
    """Reports diagnostics about one layer at its statement."""

    def __init__(self, diagnostics: Diagnostics, span: Span, arg_spans: dict[str, Span]):
        self.diagnostics = diagnostics
        self.span = span
        self.arg_spans = arg_spans

    def at(self, arg: str | None) -> Span:
        return self.arg_spans.get(arg, self.span) if arg else self.span

    def error(self, code: str, message: str, hint: str | None = None, arg: str | None = None) -> None:
        self.diagnostics.error(code, message, self.at(arg), hint)

    def warning(self, code: str, message: str, hint: str | None = None, arg: str | None = None) -> None:
        self.diagnostics.warning(code, message, self.at(arg), hint)


class LayerKind:
    """Base class of layer kinds. Subclasses set `names` and `args` and implement `infer`."""

    names: ClassVar[tuple[str, ...]]  # canonical name first, then aliases
    args: ClassVar[tuple[Arg, ...]] = ()
    spatial: ClassVar[bool] = False  # needs a C x H x W input
    activation: ClassVar[bool] = False
    merge: ClassVar[bool] = False  # a merge (netspec.layers.merge) joins several inputs
    summary: ClassVar[str] = ""
    family: ClassVar[str] = ""  # the prefix of automatic layer names (`pool` → pool1, pool2); default: the name
    # What an output cell reads: WINDOW, SAME_CELL, WHOLE, BINS, or None for fractions of cells
    # (transposed convolution, upsampling), where the picture shows the checker's size, centred.
    reads: ClassVar[str | None] = None
    short_name: ClassVar[str] = ""  # the name in a drawing's caption; default: the name

    @property
    def name(self) -> str:
        return self.names[0]

    @property
    def folds(self) -> bool:
        """Whether a drawing may put the layer in the box before it (when it keeps the shape):
        the element-wise kinds, which read the same cell."""
        return self.reads == SAME_CELL

    def counted_by(self, tool: str, values: dict[str, Any], shape: Shape, output: Shape, macs: int) -> dict[str, int]:
        """What `tool` (ptflops, thop, fvcore, torchinfo: netspec.layers.tools) counts as the layer's
        MACs per sample, by category (the kind's name, and `bias` for bias additions); zero counts
        may be left in. Default: nothing, as every tool counts an operation it has no rule for."""
        return {}

    def caption(self, values: dict[str, Any], shape: Shape, output: Shape) -> str:
        """One line naming what the layer does in a drawing: `relu`, `bn`; kinds with arguments
        worth showing say more (`conv 11×11/4`, `fc 4096`)."""
        return self.short_name or self.name

    @property
    def prefix(self) -> str:
        return self.family or self.names[0]

    def validate(self, values: dict[str, Any], where: Where) -> bool:
        """Checks between arguments that do not need the input shape; True when valid."""
        return True

    def infer(self, values: dict[str, Any], shape: Shape, where: Where) -> Inference | None:
        """Output shape and counts for `shape`, or None (after reporting an error) if impossible."""
        raise NotImplementedError

    def emit(self, values: dict[str, Any], shape: Shape, output: Shape) -> Emission:
        """The PyTorch code of a layer that `infer` accepted, from `shape` to `output`; it must
        run exactly the operations `infer` counts and saves (netspec.codegen assembles the file)."""
        raise NotImplementedError


def fmt_shape(shape: Shape) -> str:
    return "x".join(str(d) for d in shape)

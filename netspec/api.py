"""The Python API: `netspec.check`, `netspec.compile`, `netspec.build` (docs/api.md).

    import netspec
    report = netspec.check("lenet.net", batch=128)   # a Report: layers, totals, memory, diagnostics
    report.params, report.macs, report.memory.total  # numbers, as `netspec check` prints them
    source = netspec.compile("lenet.net")            # the text `netspec compile` writes
    model = netspec.build("lenet.net")               # an instance of exactly that class (torch here only)

What a spec argument is (`resolve_spec`): a `pathlib.Path` (any `os.PathLike`) is a file; a `str`
with a line break is spec text; a one-line `str` ending in `.net`, or naming a bundled spec
(`"lenet"`), is a file, read like `netspec check` reads one (a bundled spec when no such file
exists); any other one-line `str` is spec text (`"input 784; fc 10"`), unless a file of that name
exists, which is ambiguous and refused.

`check` never raises for what a spec says: errors are in the report (`.ok` is False, `.errors`),
so a notebook shows them. `compile` and `build` raise `SpecError`, which carries the diagnostics
and whose `str` is the CLI's rendering. A spec that cannot be read is a `SpecError` everywhere;
a wrong argument (`batch=0`, `dtype="fp33"`) is a `TypeError` or `ValueError` saying what is
expected, with a did-you-mean.
"""

from __future__ import annotations

import operator
import os

from netspec import resources
from netspec.checker import CheckResult, LayerReport, check_source
from netspec.diagnostics import ERROR, Diagnostic, render_all, summary, terminal_text
from netspec.loading import MAX_BYTES, UsageError, load_spec
from netspec.memory import DEVICES, DTYPE_BYTES, OPTIMIZER_SLOTS, MemoryEstimate, estimate, optimizer_slots
from netspec.record import Record
from netspec.source import SourceFile
from netspec.units import parse_bytes

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms of every start)
if TYPE_CHECKING:
    from torch import nn

DEFAULT_LIMIT = 16 * 2**30  # 16 GiB, `netspec check --memory`'s default
MAX_BATCH = 2**31 - 1  # beyond any memory; larger would overflow the estimate's floats (as the CLI's)
TEXT_NAME = "<spec>"  # what spec text is reported under unless `name=` says otherwise
SPEC_SUFFIX = ".net"
TORCH_MODULES = ("torch", "safetensors", "numpy")  # what `netspec[torch]` installs for building a model
UNREADABLE = "unreadable"  # the code of the one diagnostic of a spec that cannot be read


class SpecError(ValueError):
    """A spec that cannot be compiled or built (errors in it), or read at all.

    `diagnostics` lists what is wrong (netspec.diagnostics.Diagnostic: severity, code, message,
    span, hint), `source` is the spec's text and name, and `str(error)` is exactly what `netspec
    check` prints for them: `file:line:col: error: message  [code]`, the source line, a caret
    under the span, the hint, then `1 error, 0 warnings`."""

    def __init__(self, diagnostics: list[Diagnostic], source: SourceFile):
        self.diagnostics = list(diagnostics)
        self.source = source
        super().__init__(self._rendered())

    def _rendered(self) -> str:
        return f"{render_all(self.diagnostics, self.source)}\n{summary(self.diagnostics)}"

    def __str__(self) -> str:
        return self._rendered()


class Layer(Record):
    """One row of the table: a layer as it runs, with what the checker computed for it."""

    __slots__ = ("index", "name", "kind", "text", "line", "inputs", "input", "output", "params", "macs", "rf", "jump")

    def __init__(
        self,
        index: int,
        name: str,
        kind: str,
        text: str,
        line: int,
        inputs: tuple[int, ...],
        input: tuple[int, ...],
        output: tuple[int, ...],
        params: int,
        macs: int,
        rf: tuple | None,
        jump: tuple | None,
    ):
        self.index = index  # 1-based position in execution order (0 is the network input)
        self.name = name  # dotted, as the table and the compiled module name it: `layer1.basic1.conv1`
        self.kind = kind  # `conv`, `relu`, `add`, …
        self.text = text  # the statement with a block call's values: `conv 128 3x3 pad=1`
        self.line = line  # where it is written in the spec
        self.inputs = inputs  # the indices of the layers it reads (0: the network input)
        self.input = input  # the shape of its (first) input, one sample: (C, H, W) or (F,)
        self.output = output
        self.params = params
        self.macs = macs  # multiply-accumulates per sample
        self.rf = rf  # receptive field (height, width) in input pixels; None after a flatten
        self.jump = jump  # distance in input pixels between neighbouring outputs, (height, width)

    @classmethod
    def of(cls, layer: LayerReport) -> Layer:
        from netspec.report import statement_text

        return cls(
            layer.index,
            layer.name,
            layer.kind,
            statement_text(layer),
            layer.line,
            tuple(layer.inputs),
            tuple(layer.input),
            tuple(layer.output),
            layer.params,
            layer.macs,
            layer.rf,
            layer.jump,
        )


class Report:
    """What `netspec.check` returns: the check of one spec and the memory of a training step.

    Shown as the text table of `netspec check` by `str`/`repr` (a plain REPL) and as an HTML table
    by `_repr_html_` (Jupyter). `to_dict()` is the JSON object of `netspec check --json`."""

    def __init__(self, result: CheckResult, memory: MemoryEstimate | None, limit: int, note: str | None = None):
        self.result = result  # the checker's own result (netspec.checker.CheckResult)
        self.memory = memory  # one training step (netspec.memory.MemoryEstimate); None when not ok
        self.memory_limit = limit  # bytes: `largest batch in …` and the memory-limit warning
        self.note = note  # "… not found here; using the bundled spec …", when that happened
        self._layers: list[Layer] | None = None

    @property
    def ok(self) -> bool:
        """Every layer checked and no errors (warnings allowed)."""
        return self.result.ok

    @property
    def name(self) -> str:
        """The network's name: its `network` statement, else the file name without `.net`."""
        return self.result.name

    @property
    def source(self) -> SourceFile:
        return self.result.source

    @property
    def layers(self) -> list[Layer]:
        """The layers in execution order (merges included), without the network input."""
        if self._layers is None:
            self._layers = [Layer.of(layer) for layer in self.result.layers]
        return self._layers

    @property
    def input_shape(self) -> tuple[int, ...] | None:
        shape = self.result.input_shape
        return tuple(shape) if shape is not None else None

    @property
    def output_shape(self) -> tuple[int, ...] | None:
        shape = self.result.output_shape
        return tuple(shape) if shape is not None else None

    @property
    def params(self) -> int:
        """Trainable parameters: the sum of the layers' (batch-norm statistics are `buffers`)."""
        return self.result.params

    @property
    def buffers(self) -> int:
        return self.result.buffers

    @property
    def macs(self) -> int:
        """Multiply-accumulates per sample, the sum of the layers'; FLOPs = 2 × MACs."""
        return self.result.macs

    @property
    def flops(self) -> int:
        return 2 * self.result.macs

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """Every diagnostic, in source order, each once."""
        return self.result.diagnostics.sorted()

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]

    def text(self, explain: bool = False) -> str:
        """The text of `netspec check` (`explain`: with `--explain`'s arithmetic under each layer)."""
        from netspec.report import text_report

        return text_report(self.result, self.memory, self.memory_limit, explain=explain)

    def to_dict(self) -> dict:
        """The JSON object of `netspec check --json` (schema 2, README)."""
        from netspec.report import json_report

        return json_report(self.result, self.memory, self.memory_limit)

    def raise_for_errors(self) -> None:
        """Raise SpecError when the spec has errors (as `compile` and `build` would)."""
        if not self.ok:
            raise SpecError(self.diagnostics, self.source)

    def __str__(self) -> str:
        return self.text()

    def __repr__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        from netspec.html_report import html_report

        return html_report(self.result, self.memory, self.memory_limit)


def check(
    spec: str | os.PathLike,
    *,
    batch: int | None = None,
    dtype: str = "fp32",
    optimizer: str | None = None,
    device: str = "cuda",
    memory: int | str = DEFAULT_LIMIT,
    name: str | None = None,
) -> Report:
    """Check a spec (a file, a bundled spec's name or spec text: see the module docstring) and
    estimate the memory of one training step, printing nothing.

    `batch` and `optimizer` default to the spec's `train { }` block, else 1 and adam; `memory` is
    the limit the step should fit in (bytes, or a size such as `"16GiB"`). `name` is what spec
    text is reported under (default `<spec>`). Errors in the spec do not raise: see `Report.ok`.
    Raises SpecError when the spec cannot be read, TypeError/ValueError for a wrong argument."""
    settings = _memory_settings(batch, dtype, optimizer, device, memory)
    source, note = resolve_spec(spec, name)
    result = check_source(source)
    estimate_ = training_memory(result, **settings, spelling=("batch={}", "memory="))
    return Report(result, estimate_, settings["limit"], note)


def compile(spec: str | os.PathLike, *, name: str | None = None) -> str:  # noqa: A001 (netspec.compile)
    """The Python source `netspec compile` writes for a spec: a standalone PyTorch module.
    Raises SpecError when the spec has errors or cannot be read (warnings do not raise)."""
    from netspec.codegen import generate

    result, init = _compilable(spec, name)
    return generate(result, init)


def build(spec: str | os.PathLike, *, name: str | None = None) -> nn.Module:
    """An instance of the network class that `compile` emits for a spec, compiled from that text
    in memory (netspec.training.model; no file is written or read). Imports torch. Raises
    SpecError when the spec has errors or cannot be read."""
    result, _ = _compilable(spec, name)
    try:
        from netspec.training.model import compiled_model_class  # torch: only here
    except ImportError as error:
        if (error.name or "").split(".")[0] not in TORCH_MODULES:
            raise
        raise ImportError(
            f"netspec.build needs PyTorch, which cannot be imported here ({error}): pip install "
            "'netspec[torch]'; netspec.check and netspec.compile work without it",
            name=error.name,
        ) from None
    return compiled_model_class(result)()


def _compilable(spec: str | os.PathLike, name: str | None) -> tuple[CheckResult, object]:
    from netspec.codegen import compile_diagnostics

    source, _ = resolve_spec(spec, name)
    result = check_source(source)
    init = compile_diagnostics(result)
    if init is None:
        raise SpecError(result.diagnostics.sorted(), source)
    return result, init


def training_memory(
    result: CheckResult,
    batch: int | None = None,
    dtype: str = "fp32",
    optimizer: str | None = None,
    device: str = "cuda",
    limit: int | None = None,
    spelling: tuple[str, str] = ("--batch {}", "--memory"),
) -> MemoryEstimate | None:
    """The memory of one training step of a checked spec (None when it has errors), with the
    defaults that `netspec check` and `netspec.check` share: `batch` and `optimizer` are the
    `train { }` block's when not given, else 1 and adam, and the block's optimizer options
    (amsgrad, momentum) count when the optimizer is the block's. With `limit` (bytes), a step
    that needs more adds a `memory-limit` warning to `result.diagnostics`, whose hint names the
    settings as `spelling` does: the command line's flags, or `check`'s arguments."""
    if not result.ok:
        return None
    settings = result.train_settings  # None when the spec has no train block
    batch = batch or (settings.batch if settings is not None else 1)
    block = settings.optimizer if settings is not None else None
    optimizer = optimizer or (block.name if block is not None else "adam")
    same = block is not None and block.name == optimizer  # its options apply
    slots = optimizer_slots(optimizer, block.amsgrad, block.momentum) if same else optimizer_slots(optimizer)
    decay = settings.weight_decay if settings is not None else 0.0  # L2 makes the optimizer copy the gradients
    memory = estimate(
        result, batch=batch, dtype=dtype, optimizer=optimizer, device=device, slots=slots, weight_decay=decay
    )
    if limit is not None:
        _warn_over_memory(result, memory, limit, spelling)
    return memory


def _warn_over_memory(result: CheckResult, memory: MemoryEstimate, limit: int, spelling: tuple[str, str]) -> None:
    """A warning, at the train block (else at `input`), when one training step at the batch in
    use needs more than `--memory`: with the largest batch that fits, or why none does."""
    batch_setting, memory_setting = spelling
    from netspec.units import fmt_bytes

    if memory.total <= limit:
        return
    largest = memory.max_batch(limit)
    train = result.network.train
    span = train.word_span if train is not None else result.network.input_span
    if largest >= 1:
        hint = (
            f"the largest batch that fits is {largest:,} (`{batch_setting.format(largest)}`), "
            f"or give more with {memory_setting}"
        )
    else:
        hint = (
            f"not even batch 1 fits: the weights, gradients and optimizer state alone take {fmt_bytes(memory.fixed)}"
            if memory.fixed >= limit
            else f"not even batch 1 fits: make the layers smaller or give more with {memory_setting}"
        )
    result.diagnostics.warning(
        "memory-limit",
        f"one training step at batch {memory.batch:,} needs {fmt_bytes(memory.total)}, "
        f"more than the {fmt_bytes(limit)} of {memory_setting}",
        span,
        hint,
    )


def resolve_spec(spec: str | os.PathLike, name: str | None = None) -> tuple[SourceFile, str | None]:
    """The spec's source and, for a bundled spec used in place of a missing file, a note saying so.

    The rule: an `os.PathLike` is a file; a `str` with a line break is text; a one-line `str`
    ending in `.net` or naming a bundled spec is a file; any other one-line `str` is text, unless
    a file of that name exists (ambiguous: ValueError). `name` names text only."""
    if name is not None and not isinstance(name, str):
        raise TypeError(f"name must be a str (what spec text is reported under), got {type(name).__name__}")
    if isinstance(spec, os.PathLike):
        path = os.fsdecode(os.fspath(spec))
        if name is not None:
            raise ValueError("name= is for spec text; a file is reported under its own path")
        return _read(path if path != "-" else os.path.join(".", path))  # a file called `-`, never stdin
    if not isinstance(spec, str):
        raise TypeError(
            f"spec must be spec text (a str), a path (pathlib.Path) or a bundled spec's name, got {type(spec).__name__}"
        )
    if len(spec) > MAX_BYTES:  # as a file of that size would be: refused before any parsing
        shown = name or TEXT_NAME
        raise SpecError(
            [Diagnostic(ERROR, UNREADABLE, f"spec text of {len(spec):,} characters; specs larger than "
                        f"{MAX_BYTES // 2**20} MiB are refused", None)],
            SourceFile(shown, ""),
        )  # fmt: skip
    if "\n" in spec or "\r" in spec:
        return SourceFile(name or TEXT_NAME, spec), None
    if spec.endswith(SPEC_SUFFIX) or _is_bundled_name(spec):
        if name is not None:
            raise ValueError(f"name= is for spec text; {spec!r} is read as a file (it ends in .net or is bundled)")
        return _read(spec)
    if _is_folder(spec):
        shown = terminal_text(spec)
        raise ValueError(
            f"{shown!r} is a folder: netspec.check, compile and build take one spec (a file, a bundled "
            f"spec's name or spec text); for each spec in it: [netspec.check(p) for p in "
            f"sorted(pathlib.Path({shown!r}).glob('*.net'))]"
        )
    if _exists(spec):
        raise ValueError(
            f"{terminal_text(spec)!r} is ambiguous: a file of that name exists, and one line without `.net` is "
            f"read as spec text; pass pathlib.Path({terminal_text(spec)!r}) for the file, or end the text with a newline"
        )
    return SourceFile(name or TEXT_NAME, spec), None


def _is_bundled_name(text: str) -> bool:
    """`lenet`: a bundled spec's name without `.net` (a word, no folders, no spaces)."""
    if not text.isidentifier():
        return False
    try:
        return (resources.specs_dir() / f"{text}{SPEC_SUFFIX}").is_file()
    except (OSError, ValueError):  # a name too long for the file system
        return False


def _is_folder(text: str) -> bool:
    try:
        return text != "" and os.path.isdir(text)
    except (OSError, ValueError):  # a NUL byte, a name too long
        return False


def _exists(text: str) -> bool:
    try:
        return text != "" and os.path.lexists(text)
    except (OSError, ValueError):  # a NUL byte, a name too long
        return False


def _read(path: str) -> tuple[SourceFile, str | None]:
    try:
        return load_spec(path)
    except UsageError as error:
        message = str(error)
        if path.endswith(SPEC_SUFFIX) and any(ch.isspace() for ch in path.strip()) and not _exists(path):
            message += " (a one-line str ending in .net is read as a file name; spec text needs a line break)"
        source = SourceFile(path, "")
        raise SpecError([Diagnostic(ERROR, UNREADABLE, message, None)], source) from None


def _memory_settings(batch, dtype, optimizer, device, memory) -> dict:
    """The memory arguments of `check`, checked: TypeError for a wrong type, ValueError (with a
    did-you-mean) for a wrong value, before anything is read."""
    if batch is not None:
        batch = _whole(batch, "batch", "a whole number (int) or None")
        if not 1 <= batch <= MAX_BATCH:
            raise ValueError(f"batch must be between 1 and {MAX_BATCH:,}, got {batch:,}")
    _choice("dtype", dtype, DTYPE_BYTES)
    if optimizer is not None:
        _choice("optimizer", optimizer, OPTIMIZER_SLOTS)
    _choice("device", device, DEVICES)
    if isinstance(memory, str):
        try:
            limit = parse_bytes(memory)
        except ValueError as error:
            raise ValueError(f"memory: {error}") from None
    elif _is_whole(memory):
        memory = _whole(memory, "memory", "bytes (int) or a size such as '16GiB' (str)")
        if memory < 1:
            raise ValueError(f"memory must be at least one byte, got {memory:,}")
        limit = memory
    else:
        raise TypeError(f"memory must be bytes (int) or a size such as '16GiB' (str), got {type(memory).__name__}")
    return {"batch": batch, "dtype": dtype, "optimizer": optimizer, "device": device, "limit": limit}


def _is_whole(value) -> bool:
    """An int, or what stands for one (numpy.int64, any `__index__`), but not a bool."""
    return not isinstance(value, bool) and hasattr(type(value), "__index__")


def _whole(value, what: str, expected: str) -> int:
    """`value` as an int: an int, or an integer type that converts exactly (numpy.int64: a batch
    size from a sweep); a bool, float or str is a TypeError naming what was expected."""
    if not _is_whole(value) or type(value).__name__ in ("bool", "bool_"):  # numpy.bool_ may have __index__
        raise TypeError(f"{what} must be {expected}, got {type(value).__name__}")
    return operator.index(value)


# What PyTorch calls them, where spelling alone would guess wrong: torch.float is float32 (not
# float64), torch.half float16, torch.double float64; a "gpu" is cuda here (not cpu).
TORCH_SPELLINGS = {"float": "fp32", "half": "fp16", "double": "fp64", "gpu": "cuda"}


def _choice(what: str, value, choices) -> None:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, one of {', '.join(sorted(choices))}; got {type(value).__name__}")
    if value in choices:
        return
    from netspec.layers.args import did_you_mean

    shown = terminal_text(value if len(value) <= 24 else value[:24] + "…")
    plain = value.lower().removeprefix("torch.")
    spelled = TORCH_SPELLINGS.get(plain)
    guess = spelled if spelled in choices else plain if plain in choices else did_you_mean(value, choices)
    hint = f"; did you mean {guess!r}?" if guess else ""
    raise ValueError(f"unknown {what} {shown!r}: expected one of {', '.join(sorted(choices))}{hint}")

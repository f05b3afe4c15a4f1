"""From statements to a network: `network`, `input`, `repeat`, named `block`s, `train`, and layers.

Elaboration expands every `repeat` and block call into the flat list of layers that run, each
remembering the statement it came from, and checks each statement's arguments against its layer
kind. It does not look at shapes: that is `netspec.checker`'s job.
"""

from __future__ import annotations

from typing import Any

from netspec import layers
from netspec.diagnostics import Diagnostics
from netspec.layers.args import REQUIRED, Arg, bind, did_you_mean, whole
from netspec.layers.base import LayerKind, Shape, Where
from netspec.record import Record
from netspec.source import Span
from netspec.syntax import MAX_NESTING, Statement, Value

KEYWORDS = ("network", "input", "repeat", "block", "train")
MAX_LAYERS = 1_000_000
MAX_REPEAT = 100_000


class LayerInstance(Record):
    """One layer as it runs: its kind, standardized arguments and the statement it came from."""

    __slots__ = ("kind", "values", "label", "statement", "arg_spans")

    def __init__(
        self,
        kind: LayerKind,
        values: dict[str, Any],
        label: str | None,
        statement: Statement,
        arg_spans: dict[str, Span],
    ):
        self.kind = kind
        self.values = values
        self.label = label
        self.statement = statement
        self.arg_spans = arg_spans

    @property
    def line(self) -> int:
        return self.statement.span.line


class Network(Record):
    __slots__ = ("name", "name_span", "input_shape", "input_span", "layers", "train", "broken_at")
    __hash__ = None  # mutable

    def __init__(
        self,
        name: str | None = None,
        name_span: Span | None = None,
        input_shape: Shape | None = None,
        input_span: Span | None = None,
        layers: list[LayerInstance] | None = None,
        train: Statement | None = None,
        broken_at: int | None = None,
    ):
        self.name = name
        self.name_span = name_span
        self.input_shape = input_shape
        self.input_span = input_span
        self.layers = [] if layers is None else layers
        self.train = train
        self.broken_at = broken_at  # where in `layers` the first top-level statement with an error went


class BlockDefinition(Record):
    __slots__ = ("name", "params", "defaults", "body", "statement")

    def __init__(
        self,
        name: str,
        params: tuple[str, ...],
        defaults: dict[str, Value],
        body: tuple[Statement, ...],
        statement: Statement,
    ):
        self.name = name
        self.params = params
        self.defaults = defaults
        self.body = body
        self.statement = statement


class _Elaborator:
    def __init__(self, diagnostics: Diagnostics):
        self.diagnostics = diagnostics
        self.network = Network()
        self.blocks: dict[str, BlockDefinition] = {}
        self.cache: dict[tuple, LayerInstance | None] = {}
        self.too_large = False

    # --- top level -------------------------------------------------------------------------

    def run(self, statements: list[Statement]) -> Network:
        for statement in statements:
            if statement.word.lower() == "block":
                self.define_block(statement)
        self.network.layers = self.expand(statements, env={}, stack=(), top=True, depth=0)
        if self.network.input_shape is None and not self.input_reported:
            self.diagnostics.error(
                "missing-input",
                "the spec has no `input` statement",
                Span.point(1, 1),
                "start the spec with the input size, e.g. `input 1x28x28` (C x H x W) or `input 784`",
            )
        return self.network

    input_reported = False

    def expand(
        self, statements, env: dict[str, Value], stack: tuple[str, ...], top: bool, depth: int
    ) -> list[LayerInstance]:
        """The layers `statements` run, in order. `depth` counts the repeats and block calls around
        them: a chain of blocks calling blocks nests like written blocks do, and as deep at most."""
        out: list[LayerInstance] = []
        for statement in statements:
            if self.too_large:
                break
            reported = len(self.diagnostics.items)
            word = statement.word.lower()
            if word == "network":
                self.set_name(statement, top)
            elif word == "input":
                if out:
                    self.diagnostics.error(
                        "misplaced",
                        "`input` comes after layers",
                        statement.word_span,
                        "move `input` above the first layer: layers are applied to it in order",
                    )
                self.set_input(statement, top)
            elif word == "block":
                if not top:
                    self.diagnostics.error(
                        "misplaced",
                        "blocks are defined at the top level",
                        statement.word_span,
                        "move the definition out",
                    )
            elif word == "train":
                self.set_train(statement, top)
            elif word == "repeat":
                self.repeat(statement, env, stack, out, depth)
            elif word in self.blocks:
                self.call(statement, env, stack, out, depth)
            else:
                instance = self.layer(statement, env)
                if instance is not None:
                    self.append(out, [instance], 1, statement)
            if top and self.network.broken_at is None and self.diagnostics.items[reported:]:
                if any(d.severity == "error" for d in self.diagnostics.items[reported:]):
                    self.network.broken_at = len(out)
        return out

    def append(self, out: list, items: list, times: int, statement: Statement) -> None:
        if len(out) + len(items) * times > MAX_LAYERS:
            self.diagnostics.error(
                "too-large",
                f"the network would have more than {MAX_LAYERS:,} layers",
                statement.span,
                "lower the repeat counts",
            )
            self.too_large = True
            return
        out.extend(items * times)

    # --- statements ----------------------------------------------------------------------------

    def no_body(self, statement: Statement) -> bool:
        if statement.body is not None:
            self.diagnostics.error(
                "unexpected-block",
                f"`{statement.word}` does not take a `{{ }}` block",
                statement.word_span,
                "only `repeat`, `block` and `train` have a body",
            )
            return False
        return True

    def set_name(self, statement: Statement, top: bool) -> None:
        if not self.no_body(statement):
            return
        if not top or self.network.name is not None:
            self.diagnostics.error(
                "duplicate-network" if top else "misplaced",
                "`network` is given once, at the top level",
                statement.word_span,
                "remove this one",
            )
            return
        if len(statement.args) != 1 or statement.options:
            self.diagnostics.error(
                "bad-value", "`network` takes one name", statement.span, 'e.g. `network LeNet5` or `network "My net"`'
            )
            return
        self.network.name = statement.args[0].string
        self.network.name_span = statement.args[0].span

    def set_input(self, statement: Statement, top: bool) -> None:
        if not self.no_body(statement):
            return
        if not top:
            self.diagnostics.error("misplaced", "`input` belongs at the top level", statement.word_span)
            return
        if self.network.input_span is not None or self.input_reported:
            self.diagnostics.error(
                "duplicate-input",
                f"`input` is already given on line {self.network.input_span.line if self.network.input_span else '?'}",
                statement.word_span,
                "a network has one input: remove this line",
            )
            return
        dims = statement.args[0].dims if len(statement.args) == 1 and not statement.options else None
        if dims is None or len(dims) not in (1, 3) or any(d < 1 or d > 2**31 - 1 for d in dims):
            self.input_reported = True
            got = " ".join(v.text for v in statement.args) or "nothing"
            hint = "C x H x W for images, e.g. `input 1x28x28`, or a length for vectors, e.g. `input 784`"
            if dims is not None and len(dims) == 2:
                hint = (
                    f"add the channels: `input 1x{dims[0]}x{dims[1]}` (grey) or `input 3x{dims[0]}x{dims[1]}` (colour)"
                )
            span = statement.args[0].span if statement.args else statement.span
            self.diagnostics.error("bad-input", f"expected the input size CxHxW or N, got {got}", span, hint)
            return
        self.network.input_shape = dims
        self.network.input_span = statement.span

    def set_train(self, statement: Statement, top: bool) -> None:
        if statement.body is None:
            self.diagnostics.error(
                "bad-value",
                "`train` takes a `{ }` block of settings",
                statement.word_span,
                "write `train {`, then one setting per line (`epochs 10`), then `}`",
            )
            return
        if not top or self.network.train is not None:
            self.diagnostics.error("misplaced", "one `train { }` block, at the top level", statement.word_span)
            return
        self.network.train = statement

    def repeat(self, statement: Statement, env, stack, out: list, depth: int) -> None:
        if statement.body is None:
            self.diagnostics.error(
                "bad-value",
                "`repeat` needs a block",
                statement.span,
                "write `repeat 2 {`, then the layers to repeat, one per line, then `}`",
            )
            return
        count_args = (Arg("count", whole(1, MAX_REPEAT), positional=True, help="a count"),)
        bound = bind(_substitute(statement, env), count_args, "repeat", self.diagnostics)
        if bound is None:
            return
        body = self.expand(statement.body, env, stack, top=False, depth=depth + 1)
        self.append(out, body, bound["count"], statement)

    def define_block(self, statement: Statement) -> None:
        if statement.body is None or not statement.args or statement.args[0].kind != "word":
            self.diagnostics.error(
                "bad-block",
                "a block definition is `block NAME PARAM... { ... }`",
                statement.span,
                "e.g. `block stage filters {` ... `}`, used as `stage 64`",
            )
            return
        name = statement.args[0].text.lower()
        params = []
        for value in statement.args[1:]:
            if value.kind != "word":
                self.diagnostics.error("bad-block", f"block parameters are names, got `{value.text}`", value.span)
                return
            params.append(value.text)
        if name in KEYWORDS or layers.lookup(name) is not None or name in self.blocks:
            self.diagnostics.error(
                "bad-block",
                f"`{name}` is already a layer kind, keyword or block",
                statement.args[0].span,
                "choose another name",
            )
            return
        defaults = {option.key: option.value for option in statement.options}
        for option in statement.options:
            if option.key not in params:
                params.append(option.key)
        self.blocks[name] = BlockDefinition(name, tuple(params), defaults, statement.body, statement)

    def call(self, statement: Statement, env, stack, out: list, depth: int) -> None:
        block = self.blocks[statement.word.lower()]
        if block.name in stack:
            self.diagnostics.error("recursive-block", f"block `{block.name}` uses itself", statement.word_span)
            return
        if depth >= MAX_NESTING:
            self.diagnostics.error(
                "nesting",
                f"blocks and repeats are nested more than {MAX_NESTING} deep here: {' → '.join((*stack, block.name))}",
                statement.word_span,
                "call fewer blocks from inside blocks",
            )
            return
        if not self.no_body(statement):
            return
        statement = _substitute(statement, env)
        args = tuple(
            Arg(p, lambda v: v, default=block.defaults.get(p, REQUIRED), positional=True) for p in block.params
        )
        bound = bind(statement, args, block.name, self.diagnostics)
        if bound is None:
            return
        body = self.expand(block.body, bound, (*stack, block.name), top=False, depth=depth + 1)
        if statement.label:
            body = [i.replace(label=f"{statement.label}.{i.label or i.kind.name}") for i in body]
        self.append(out, body, 1, statement)

    def layer(self, statement: Statement, env: dict[str, Value]) -> LayerInstance | None:
        key = (id(statement), tuple((k, v.text) for k, v in env.items() if k in _words(statement)))
        if key in self.cache:
            return self.cache[key]
        instance = self._layer(_substitute(statement, env))
        self.cache[key] = instance
        return instance

    def _layer(self, statement: Statement) -> LayerInstance | None:
        kind = layers.lookup(statement.word)
        if kind is None:
            names = [*layers.BY_NAME, *KEYWORDS, *self.blocks]
            guess = did_you_mean(statement.word, names)
            hint = f"did you mean `{guess}`?" if guess else "run `netspec check --kinds` for the list of layer kinds"
            self.diagnostics.error("unknown-layer", f"unknown layer kind `{statement.word}`", statement.word_span, hint)
            return None
        if not self.no_body(statement):
            return None
        values = bind(statement, kind.args, kind.name, self.diagnostics)
        if values is None:
            return None
        spans = _arg_spans(statement, kind.args)
        if not kind.validate(values, Where(self.diagnostics, statement.span, spans)):
            return None
        return LayerInstance(kind, values, statement.label, statement, spans)


def _words(statement: Statement) -> set[str]:
    return {v.text for v in statement.args if v.kind == "word"} | {
        o.value.text for o in statement.options if o.value.kind == "word"
    }


def _substitute(statement: Statement, env: dict[str, Value]) -> Statement:
    """Replace block parameters used as values by the values the call gave them."""
    if not env:
        return statement
    args = tuple(env.get(v.text, v) if v.kind == "word" else v for v in statement.args)
    options = tuple(
        o.replace(value=env[o.value.text]) if o.value.kind == "word" and o.value.text in env else o
        for o in statement.options
    )
    return statement.replace(args=args, options=options)


def _arg_spans(statement: Statement, args: tuple[Arg, ...]) -> dict[str, Span]:
    spans: dict[str, Span] = {}
    positional = [a.name for a in args if a.positional]
    for name, value in zip(positional, statement.args):
        spans[name] = value.span
    for option in statement.options:
        spans[option.key] = option.key_span.to(option.value.span)
    return spans


def elaborate(statements: list[Statement], diagnostics: Diagnostics) -> Network:
    return _Elaborator(diagnostics).run(statements)

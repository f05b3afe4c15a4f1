"""From statements to a network: `network`, `input`, `repeat`, named `block`s, merges, `train`.

Elaboration expands every `repeat`, block call and merge into the graph of layers that run
(`netspec.graph`: nodes in execution order, each naming the values it reads), each remembering
the statement it came from, computes block-parameter arithmetic (`netspec.expressions`) and checks
each statement's arguments against its layer kind. It does not look at shapes: that is
`netspec.checker`'s job.
"""

from __future__ import annotations

from netspec import expressions, graph, layers
from netspec.cancellation import checkpoint
from netspec.diagnostics import Diagnostics, add_context
from netspec.graph import ENTRY, Fragment, Frame, Merge, Node
from netspec.layers import merge
from netspec.layers.args import REQUIRED, Arg, bind, did_you_mean, whole
from netspec.layers.base import LayerKind, Shape, Where
from netspec.record import Record
from netspec.source import Span
from netspec.syntax import MAX_NESTING, Statement, Value

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms of every start)
if TYPE_CHECKING:
    from typing import Any

KEYWORDS = ("network", "input", "repeat", "block", "train", "residual", "branch", "shortcut")
RESERVED_WORDS = KEYWORDS + tuple(merge.BY_NAME)
# A compiled network of 100,000 layers is a file of about 200,000 lines that Python imports in
# seconds; ten times that took 34 s and 7 GB. Repeats are counted before they are copied.
MAX_LAYERS = 100_000
MAX_REPEAT = 100_000
MAX_TERMS = 64  # names in a hyphenated subtraction `a-b-c`, as syntax.MAX_OPERATORS


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
    __slots__ = ("name", "name_span", "input_shape", "input_span", "nodes", "train", "broken_at")
    __hash__ = None  # mutable

    def __init__(
        self,
        name: str | None = None,
        name_span: Span | None = None,
        input_shape: Shape | None = None,
        input_span: Span | None = None,
        nodes: list[Node] | None = None,
        train: Statement | None = None,
        broken_at: int | None = None,
    ):
        self.name = name
        self.name_span = name_span
        self.input_shape = input_shape
        self.input_span = input_span
        self.nodes = [] if nodes is None else nodes  # in execution order; inputs are node ids
        self.train = train
        self.broken_at = broken_at  # where in `nodes` the walk stops: the first top-level statement with an error

    @property
    def layers(self) -> list[LayerInstance]:
        return [node.instance for node in self.nodes]


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
        self.referenced: dict[int, frozenset[str]] = {}
        self.expansions: dict[tuple, Fragment] = {}
        self.too_large = False
        self.input_reported = False

    # --- top level -------------------------------------------------------------------------

    def run(self, statements: list[Statement]) -> Network:
        for statement in statements:
            if statement.word.lower() == "block":
                self.define_block(statement)
        self.network.nodes = self.expand(statements, env={}, stack=(), top=True, depth=0)
        if self.network.input_shape is None and not self.input_reported:
            self.diagnostics.error(
                "missing-input",
                "the spec has no `input` statement",
                Span.point(1, 1),
                "start the spec with the input size, e.g. `input 1x28x28` (C x H x W) or `input 784`",
            )
        return self.network

    def expand(self, statements, env: dict[str, Value], stack: tuple[str, ...], top: bool, depth: int) -> Fragment:
        """The nodes `statements` run, in order, as a fragment applied to its entry. `depth`
        counts the repeats, block calls and branches around them: a chain of blocks calling blocks
        nests like written blocks do, and as deep at most."""
        out: Fragment = []
        current = ENTRY
        for statement in statements:
            checkpoint()
            if self.too_large:
                break
            reported = len(self.diagnostics.items)
            start = len(out)
            word = statement.word.lower()
            if statement.label and word in ("repeat", "input", "network", "train", "block"):
                self.diagnostics.warning(
                    "unused-label",
                    f"a label on `{word}` names nothing",
                    statement.label_span,
                    "label the layers or block calls inside instead"
                    if word == "repeat"
                    else "remove it: layers, block calls, merges and branches take labels",
                )
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
                current = self.repeat(statement, env, stack, out, current, depth)
            elif word == "residual":
                current = self.residual(statement, env, stack, out, current, depth)
            elif word in merge.BY_NAME and statement.body is not None:
                current = self.merge(statement, merge.BY_NAME[word], env, stack, out, current, depth)
            elif word in ("branch", "shortcut"):
                where = "directly inside `add`, `concat` or `mul`" if word == "branch" else "inside `residual { }`"
                self.diagnostics.error(
                    "misplaced",
                    f"`{word}` belongs {where}",
                    statement.word_span,
                    "e.g. `concat { branch { conv 64 1x1 } branch { conv 64 3x3 pad=1 } }`"
                    if word == "branch"
                    else "e.g. `residual { conv 64 3x3 pad=1; shortcut { conv 64 1x1 } }`",
                )
            elif word in self.blocks:
                current = self.call(statement, env, stack, out, current, depth)
            else:
                instance = self.layer(statement, env)
                if instance is not None:
                    current = self.append(out, [Node(instance, (ENTRY,))], current, 1, statement)
            if top and self.network.broken_at is None and self.diagnostics.items[reported:]:
                if any(d.severity == "error" for d in self.diagnostics.items[reported:]):
                    # the walk stops here; a merge whose branch broke is not computed at all
                    merged = any(node.merge is not None for node in out[start:])
                    self.network.broken_at = start if merged else len(out)
        return out

    def over_limit(self, size: int, statement: Statement) -> bool:
        """True, after reporting it once, when a fragment of `size` nodes is more than a network
        may have: checked before anything that size is built."""
        if size <= MAX_LAYERS and not self.too_large:
            return self.too_large
        if not self.too_large:
            self.diagnostics.error(
                "too-large",
                f"the network would have more than {MAX_LAYERS:,} layers",
                statement.span,
                "lower the repeat counts, or use fewer branches",
            )
        self.too_large = True
        return True

    def append(
        self, out: Fragment, fragment: Fragment, entry: int, times: int, statement: Statement, frame=None, fresh=False
    ) -> int:
        """Append `times` copies of `fragment`, each applied to the result of the one before,
        inside `frame` when given; every copy after the first (and the first too, with `fresh`)
        gets frames of its own."""
        if self.over_limit(len(out) + len(fragment) * times, statement):
            return entry
        prefix = (frame,) if frame is not None else ()
        for copy in range(times):
            if copy & 255 == 0:  # a copy of a one-layer body is ~1 µs
                checkpoint()
            entry = graph.append(out, fragment, entry, fresh_frames=fresh or copy > 0, prefix=prefix)
        return entry

    # --- statements ----------------------------------------------------------------------------

    def no_body(self, statement: Statement) -> bool:
        if statement.body is not None:
            self.diagnostics.error(
                "unexpected-block",
                f"`{statement.word}` does not take a `{{ }}` block",
                statement.word_span,
                "only `repeat`, `block`, `train`, merges (`add`, `concat`, `mul`, `residual`) and their branches have a body",
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
            first = self.network.input_span
            self.diagnostics.error(
                "duplicate-input",
                f"`input` is already given on line {first.line}" if first else "`input` is given twice",
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

    def repeat(self, statement: Statement, env, stack, out: Fragment, current: int, depth: int) -> int:
        if statement.body is None:
            self.diagnostics.error(
                "bad-value",
                "`repeat` needs a block",
                statement.span,
                "write `repeat 2 {`, then the layers to repeat, one per line, then `}`",
            )
            return current
        count_args = (Arg("count", whole(1, MAX_REPEAT), positional=True, help="a count"),)
        substituted = self.substitute(statement, env)
        bound = bind(substituted, count_args, "repeat", self.diagnostics) if substituted else None
        if bound is None:
            return current
        body = self.expand(statement.body, env, stack, top=False, depth=depth + 1)
        return self.append(out, body, current, bound["count"], statement)

    def merge(self, statement: Statement, kind, env, stack, out: Fragment, current: int, depth: int) -> int:
        """`add`/`concat`/`mul { branch { … } … }`: every branch applied to the same value."""
        substituted = self.substitute(statement, env)
        values = bind(substituted, kind.args, kind.name, self.diagnostics) if substituted else None
        branches: list[tuple[Statement, Fragment]] = []
        size = len(out) + 1  # the nodes so far, the branches' and the merge's own: kept as a sum, not
        # re-summed per branch (50,000 branches took 48 s)
        for child in statement.body:
            if child.word.lower() != "branch":
                self.diagnostics.error(
                    "misplaced",
                    f"only `branch {{ … }}` goes directly inside `{statement.word}`, not `{child.word}`",
                    child.word_span,
                    "wrap the layers of each path in `branch { … }`; an empty `branch { }` passes the input on",
                )
                continue
            if child.body is None or child.args or child.options:
                self.diagnostics.error(
                    "bad-value", "`branch` takes only a `{ }` block", child.span, "e.g. `branch { conv 64 1x1; relu }`"
                )
                continue
            fragment = self.expand(child.body, env, stack, top=False, depth=depth + 1)
            branches.append((child, fragment))
            size += len(fragment)
            if self.over_limit(size, statement):
                return current
        if not branches:
            self.diagnostics.error(
                "empty-merge",
                f"`{statement.word}` has no branch",
                statement.word_span,
                f"e.g. `{kind.name} {{ branch {{ }} branch {{ conv 64 3x3 pad=1 }} }}`",
            )
            return current
        if len(branches) == 1:
            self.diagnostics.warning(
                "single-branch",
                f"`{statement.word}` has one branch: it passes that branch's output on unchanged",
                statement.word_span,
                "add the other branch (`branch { }` is the identity), or drop the merge",
            )
        if values is None:
            return current
        spans = _arg_spans(substituted, kind.args)
        if not kind.validate(values, Where(self.diagnostics, statement.span, spans)):
            return current
        instance = LayerInstance(kind, values, statement.label, substituted.replace(body=None), spans)
        frames = [Frame("branch", f"branch{i + 1}", child.label, child) for i, (child, _) in enumerate(branches)]
        return self.append_merge(out, current, instance, [fragment for _, fragment in branches], frames, statement)

    def residual(self, statement: Statement, env, stack, out: Fragment, current: int, depth: int) -> int:
        """`residual { body…; shortcut { … } }`: body(x) + shortcut(x), the shortcut the identity
        unless given."""
        if statement.body is None or statement.args or statement.options:
            self.diagnostics.error(
                "bad-value",
                "`residual` takes only a `{ }` block",
                statement.span,
                "e.g. `residual { conv 64 3x3 pad=1; batchnorm; relu; conv 64 3x3 pad=1; batchnorm }`",
            )
            return current
        shortcuts = [s for s in statement.body if s.word.lower() == "shortcut"]
        for extra in shortcuts[1:]:
            self.diagnostics.error(
                "misplaced", "a residual has one `shortcut`", extra.word_span, "merge the two into one `shortcut { }`"
            )
        shortcut = shortcuts[0] if shortcuts else None
        if shortcut is not None and (shortcut.body is None or shortcut.args or shortcut.options):
            self.diagnostics.error(
                "bad-value",
                "`shortcut` takes only a `{ }` block",
                shortcut.span,
                "e.g. `shortcut { conv 128 1x1 stride=2 }`",
            )
            shortcut = None
        body = [s for s in statement.body if s.word.lower() != "shortcut"]
        main = self.expand(body, env, stack, top=False, depth=depth + 1)
        if self.over_limit(len(out) + len(main) + 1, statement):
            return current
        side = self.expand(shortcut.body, env, stack, top=False, depth=depth + 1) if shortcut else []
        kind = merge.BY_NAME["add"]
        instance = LayerInstance(kind, {"residual": True}, statement.label, statement.replace(body=None), {})
        frames = [None, Frame("shortcut", "shortcut", shortcut.label, shortcut) if shortcut else None]
        return self.append_merge(out, current, instance, [main, side], frames, statement, residual=True)

    def append_merge(self, out, current, instance, fragments, frames, statement, residual=False) -> int:
        combined: Fragment = []
        results, ranges = [], []
        for fragment, frame in zip(fragments, frames):
            start = len(combined)
            results.append(graph.append(combined, fragment, ENTRY, prefix=(frame,) if frame is not None else ()))
            ranges.append((start, len(combined)))
        combined.append(Node(instance, tuple(results), (), Merge(ENTRY, tuple(ranges), residual)))
        return self.append(out, combined, current, 1, statement)

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
        if name in RESERVED_WORDS or layers.lookup(name) is not None or name in self.blocks:
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

    def call(self, statement: Statement, env, stack, out: Fragment, current: int, depth: int) -> int:
        block = self.blocks[statement.word.lower()]
        if block.name in stack:
            self.diagnostics.error("recursive-block", f"block `{block.name}` uses itself", statement.word_span)
            return current
        if depth >= MAX_NESTING:
            self.diagnostics.error(
                "nesting",
                f"blocks and repeats are nested more than {MAX_NESTING} deep here: {' → '.join((*stack, block.name))}",
                statement.word_span,
                "call fewer blocks from inside blocks",
            )
            return current
        if not self.no_body(statement):
            return current
        substituted = self.substitute(statement, env)
        if substituted is None:
            return current
        args = tuple(
            Arg(p, lambda v: v, default=block.defaults.get(p, REQUIRED), positional=True) for p in block.params
        )
        bound = bind(substituted, args, block.name, self.diagnostics)
        if bound is None:
            return current
        before = len(self.diagnostics.items)
        note = f"in the call `{_shown(substituted.text)}`"
        for param, value in bound.items():  # a default may be computed from the other parameters
            if value.kind == "expr":
                others = {k: v for k, v in bound.items() if v.kind != "expr"}
                bound[param] = expressions.evaluate(value, others, self.diagnostics)
                if bound[param] is None:
                    add_context(self.diagnostics, before, note, statement.span)
                    return current
        # One expansion per block and values: a block called again with the same values (a
        # fan-out of calls through merges) is copied, not elaborated again.
        key = (block.name, depth, tuple((k, v.kind, v.text) for k, v in bound.items()))
        body = self.expansions.get(key)
        fresh = body is not None  # frames of its own: each call is its own scope
        if body is None:
            body = self.expand(block.body, bound, (*stack, block.name), top=False, depth=depth + 1)
            add_context(self.diagnostics, before, note, statement.span)
            self.expansions[key] = body
        frame = Frame("call", block.name, statement.label, substituted, bound, block.statement.span.line)
        return self.append(out, body, current, 1, statement, frame=frame, fresh=fresh)

    def layer(self, statement: Statement, env: dict[str, Value]) -> LayerInstance | None:
        referenced = self.referenced.get(id(statement))
        if referenced is None:
            referenced = self.referenced[id(statement)] = frozenset(_names(statement))
        key = (id(statement), tuple((k, env[k].text) for k in referenced if k in env))
        if key in self.cache:
            return self.cache[key]
        substituted = self.substitute(statement, env)
        instance = self._layer(substituted) if substituted is not None else None
        self.cache[key] = instance
        return instance

    def _layer(self, statement: Statement) -> LayerInstance | None:
        kind = layers.lookup(statement.word)
        if kind is None:
            names = [*layers.BY_NAME, *RESERVED_WORDS, *self.blocks]
            guess = did_you_mean(statement.word, names)
            hint = f"did you mean `{guess}`?" if guess else "run `netspec check --kinds` for the list of layer kinds"
            if statement.word.lower() in merge.BY_NAME:
                hint = f"`{statement.word}` merges branches: `{statement.word} {{ branch {{ … }} branch {{ … }} }}`"
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

    def substitute(self, statement: Statement, env: dict[str, Value]) -> Statement | None:
        """The statement with block parameters replaced by the call's values and arithmetic
        computed; None after reporting an error in an expression."""
        values = [*statement.args, *(o.value for o in statement.options)]
        if not any(v.kind == "expr" or (v.kind == "word" and v.text in env) for v in values) and not (
            env and any(v.kind == "word" and "-" in v.text for v in values)
        ):
            return statement
        ok = True

        def resolve(value: Value) -> Value:
            nonlocal ok
            if value.kind == "word":
                if value.text in env:
                    return env[value.text]
                parts = value.text.split("-", MAX_TERMS)
                if 1 < len(parts) <= MAX_TERMS and all(part in env for part in parts):  # `width-base`
                    value = _subtraction(value, parts)
            if value.kind == "expr":
                result = expressions.evaluate(value, env, self.diagnostics)
                if result is None:
                    ok = False
                    return value
                return result
            return value

        args = tuple(resolve(v) for v in statement.args)
        options = tuple(o.replace(value=resolve(o.value)) for o in statement.options)
        return statement.replace(args=args, options=options) if ok else None


def _shown(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


def _subtraction(value: Value, parts: list[str]) -> Value:
    """`a-b-c` as the expression ((a − b) − c), each name spanning its part of the word."""
    column = value.span.column
    operands = []
    for part in parts:
        operands.append(Value("word", part, Span(value.span.line, column, value.span.line, column + len(part))))
        column += len(part) + 1
    expr = operands[0]
    for operand in operands[1:]:
        binary = expressions.Binary("-", expr, operand, Span.point(value.span.line, operand.span.column - 1))
        expr = Value("expr", f"{expr.text}-{operand.text}", expr.span.to(operand.span), binary)
    return expr


def _names(statement: Statement) -> set[str]:
    found: set[str] = set()
    for value in (*statement.args, *(o.value for o in statement.options)):
        found |= expressions.names(value)
        if value.kind == "word" and "-" in value.text:
            found |= set(value.text.split("-", MAX_TERMS))
    return found


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

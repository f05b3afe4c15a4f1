"""The module structure of a compiled graph: a class per block, `nn.Sequential` for plain branches.

The layers of a checked spec sit in scopes (`graph.Frame`): block calls, merge branches, residual
shortcuts. Each scope becomes a submodule named as the checker names it, so the dotted names of
the table (`layer2.bottleneck1.shortcut.conv1`) are the module paths of the compiled network:

- a branch or shortcut that is a plain chain of modules becomes
  `nn.Sequential(OrderedDict(conv1=…, bn1=…))`, written where it is used;
- every other scope becomes an `nn.Module` class with its own `__init__` and `forward`.

Calls of one block share a class when they compile to the same code up to numbers: each number
in a constructor (`nn.Conv2d(256, 64, …)`) is a slot; slots that differ between the calls (and
channel counts that equal a block parameter) become parameters of `__init__`, named after the
block parameter or the input channels they equal (`width`, `width * 4`, `in_channels`), so the
class reads like the block as written. Calls that differ in structure (a repeat count, a SAME
padding that is asymmetric for one input size only) get classes of their own: `Stage`, `Stage2`.
"""

from __future__ import annotations

import ast
import keyword

from netspec.layers.base import CALL, Emission

SCALE_FACTORS = (2, 3, 4, 6, 8, 16)


class Scope:
    """A frame's layers and inner scopes, in execution order (the root is the whole network)."""

    __slots__ = ("frame", "depth", "start", "end", "items", "attr", "key", "sequential", "group", "member")

    def __init__(self, frame, depth: int, start: int, end: int, attr: str):
        self.frame = frame
        self.depth = depth  # how many frames surround its layers
        self.start, self.end = start, end  # its layers: [start, end) in execution order
        self.items: list[int | Scope] = []  # a layer's index, or an inner scope
        self.attr = attr  # the attribute that holds it in its parent
        self.key: int | None = None  # equal for scopes that compile to the same code up to numbers
        self.sequential = False
        self.group: Group | None = None
        self.member = -1  # its position in `group.members`: no `members.index` per use (10,000 calls: 10⁸ steps)


def build(layers, root_frame=None) -> Scope:
    """The scope tree of checked layers (LayerReports with `node.frames`)."""

    def scope(frame, depth: int, start: int, end: int, attr: str) -> Scope:
        node = Scope(frame, depth, start, end, attr)
        index = start
        while index < end:
            frames = layers[index].node.frames
            if len(frames) > depth:
                inner, stop = frames[depth], index
                while stop < end and len(layers[stop].node.frames) > depth and layers[stop].node.frames[depth] is inner:
                    stop += 1
                node.items.append(scope(inner, depth + 1, index, stop, layers[index].name.split(".")[depth]))
                index = stop
            else:
                node.items.append(index)
                index += 1
        return node

    return scope(root_frame, 0, 0, len(layers), "")


# --- templates: constructor code with its numbers taken out -------------------------------------


class Template:
    """A constructor expression with its numbers taken out: `func(part, part, …)`, each part a
    text with `{}` where its numbers go."""

    __slots__ = ("func", "parts", "values")

    def __init__(self, func: str, parts: list[Part], values: list):
        self.func = func
        self.parts = parts
        self.values = values  # the numbers, in the order of the parts' slots

    @property
    def text(self) -> str:
        return self.func + "(" + ", ".join(part.text for part in self.parts) + ")"

    def render(self, expressions: list[str]) -> str:
        """The expression with `expressions` in the slots; a keyword left out at its default in
        the spec is left out again when it is written as that default."""
        out, position = [], 0
        for part in self.parts:
            filled = expressions[position : position + part.count]
            position += part.count
            if part.optional is not None and filled == [repr(part.optional[1])]:
                continue
            out.append(part.text.format(*filled))
        return self.func + "(" + ", ".join(out) + ")"


class Part:
    __slots__ = ("text", "count", "optional", "channel", "hint")

    def __init__(self, text: str, count: int, optional, channel: str | None, hint: str):
        self.text = text
        self.count = count
        self.optional = optional  # (keyword, default) of a keyword the spec left at its default
        # "in" or "out" for a channel count (named after a block parameter when it equals one),
        # else None
        self.channel = channel
        self.hint = hint  # what a parameter for this slot is called when nothing else names it


def leaf_template(emission: Emission, attr: str) -> Template:
    """The template of a layer's constructor (`nn.Conv2d(64, 64, kernel_size=3, padding=1)`), with
    the keywords it leaves at their defaults written in, so that calls that set them and calls
    that do not share one template."""
    call = ast.parse(emission.module, mode="eval").body
    parts, values = [], []

    def add(node, text_prefix: str, channel: str | None, hint: str, optional=None) -> None:
        text, numbers = _numbers(node)
        values.extend(numbers)
        parts.append(Part(text_prefix + text, len(numbers), optional, channel, hint))

    for position, argument in enumerate(call.args):
        # a module's input channels come first in `channels` when it lists two (Conv2d, Linear)
        role = None
        if position in emission.channels:
            role = "in" if len(emission.channels) == 2 and position == emission.channels[0] else "out"
        add(argument, "", role, f"{attr}_arg{position}")
    # Keywords in one order whichever of them the spec set, so that calls that set a stride and
    # calls that leave it at its default share a template: the emission's defaults in their order
    # where they stand, the other keywords around them as written.
    written = {item.arg: item.value for item in call.keywords}
    order = list(written)
    for name in emission.defaults:
        if name not in written:
            order.append(name)
    canonical = ["kernel_size", *emission.defaults]
    written_at = {name: position for position, name in enumerate(order)}
    order.sort(key=lambda name: canonical.index(name) if name in canonical else len(canonical) + written_at[name])
    for name in order:
        if name in written:
            add(written[name], f"{name}=", None, f"{attr}_{name}")
        else:
            default = emission.defaults[name]
            add(ast.Constant(default), f"{name}=", None, f"{attr}_{name}", (name, default))
    return Template(ast.unparse(call.func), parts, values)


def _numbers(node) -> tuple[str, list]:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float) and not isinstance(node.value, bool):
        return "{}", [node.value]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
        if isinstance(node.operand.value, int | float) and not isinstance(node.operand.value, bool):
            return "{}", [-node.operand.value]
    if isinstance(node, ast.Tuple):
        texts, values = [], []
        for element in node.elts:
            text, numbers = _numbers(element)
            texts.append(text)
            values += numbers
        return "(" + ", ".join(texts) + ("," if len(texts) == 1 else "") + ")", values
    if isinstance(node, ast.Constant) and isinstance(node.value, str):  # "bilinear", as ruff writes it
        text = '"' + node.value.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return text.replace("{", "{{").replace("}", "}}"), []
    return ast.unparse(node).replace("{", "{{").replace("}", "}}"), []


class Group:
    """The calls that share a class: one template, and how each slot is written in the class."""

    __slots__ = ("members", "name", "params", "slots", "base", "arguments", "envs")

    def __init__(self, base: str):
        self.base = base  # the class name before numbering
        self.members: list[Scope] = []
        self.name = ""
        self.params: list[str] = []  # __init__'s parameters, in order
        self.slots: list[str | None] = []  # per slot: the expression written (a literal or a parameter)
        self.arguments: list[dict] = []  # per member: parameter → the value its call passes
        self.envs: list[dict] = []  # per member: what its numbers may be named after (`environment`)


def environment(scope: Scope, layers, input_shape, taken: set[str] = frozenset()) -> dict[str, int | float]:
    """What a call's numbers may be named after: its input channels and its whole-number block
    parameters whose names can be Python parameters (identifiers that are not keywords, `self`,
    `x`, or a name of the file in `taken`: `nn`, `torch`, a class, a builtin)."""
    shape = entry_shape(scope, layers, input_shape)
    env = {("in_channels" if len(shape) == 3 else "in_features"): shape[0]}
    if scope.frame is not None and scope.frame.kind == "call":
        for name, value in scope.frame.values.items():
            number = value.number if value is not None else None
            usable = (
                name.isidentifier() and not keyword.iskeyword(name) and name not in taken and name not in ("self", "x")
            )
            if number is not None and usable and name not in env:
                env[name] = number
    return env


def entry_shape(scope: Scope, layers, input_shape) -> tuple[int, ...]:
    """The shape of the value a scope is applied to: what its first node reads (for a merge whose
    branches are all empty, the value the merge starts from)."""
    first = layers[scope.start]
    entry = first.node.merge.entry + 1 if first.is_merge else first.inputs[0]  # report ids: 0 is the input
    return layers[entry - 1].output if entry else input_shape


def name_for(column: list, envs: list[dict], prefer_input: bool = False) -> str | None:
    """A name for numbers that are, in every call, the same parameter or a multiple of it: a
    parameter equal to them outright (`width`), then a multiple (`width * 4`), then the input
    channels; for a module's input channels, `in_channels` first unless a parameter equals them
    in calls where they differ (`cin`). A number the same in every call is named only after what
    it equals outright or a block parameter's multiple: `in_channels // 2` for a constant 4, or a
    padding parameter for 3 input channels, would be coincidences."""
    if not envs:
        return None
    names = [n for n in envs[0] if all(n in env for env in envs)]  # a name every call has
    inputs = [n for n in names if n in ("in_channels", "in_features")]
    params = [n for n in names if n not in inputs]
    varies = len(set(column)) > 1

    def same(name: str) -> str | None:
        return name if all(env[name] == v and type(env[name]) is type(v) for env, v in zip(envs, column)) else None

    def scaled(name: str) -> str | None:
        if not all(isinstance(env[name], int) and isinstance(v, int) for env, v in zip(envs, column)):
            return None
        for factor in SCALE_FACTORS:
            if all(env[name] * factor == v for env, v in zip(envs, column)):
                return f"{name} * {factor}"
            if all(env[name] == v * factor for env, v in zip(envs, column)):
                return f"{name} // {factor}"
        return None

    if prefer_input and not varies:
        attempts = [same(n) for n in inputs] + [same(n) for n in params] + [scaled(n) for n in params]
    elif prefer_input:
        attempts = [same(n) for n in params] + [same(n) for n in inputs] + [scaled(n) for n in params]
    else:
        attempts = [same(n) for n in params] + [scaled(n) for n in params] + [same(n) for n in inputs]
    attempts += [scaled(n) for n in inputs if varies]
    return next((name for name in attempts if name), None)


def is_plain_chain(scope: Scope, emissions) -> bool:
    """A branch or shortcut that `nn.Sequential` can hold: modules called one after the other."""
    if scope.frame is None or scope.frame.kind == "call":
        return False
    for item in scope.items:
        if isinstance(item, int):
            emission = emissions[item]
            if emission is None or len(emission.steps) != 1 or emission.steps[0].code != CALL:
                return False
    return True

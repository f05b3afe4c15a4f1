"""The compiler: a checked spec to the source of a standalone PyTorch module.

Each layer kind emits its own code (`LayerKind.emit`: a constructor expression and the lines of
`forward`, see netspec/layers); this module assembles the file around them: the docstring, the
imports that are used, the helper classes that are used, the `__init__` with one attribute per
layer named as `netspec check` names it, the weight initialization of the `train { init ... }`
setting, and a `forward` whose every line ends with the shape it produces. The lines are
collected in a list and joined once, so the same spec always gives the same bytes.

The file is written the way `ruff format` writes it with its default settings (88 columns), so
`ruff check` and `ruff format --check` pass on it without any configuration.

    from netspec.checker import check_text
    from netspec.codegen import generate
    source = generate(check_text(open("specs/lenet.net").read(), "lenet.net"))
"""

from __future__ import annotations

import builtins
import keyword
import re
from pathlib import Path

from netspec import __version__, modules
from netspec.checker import CheckResult
from netspec.collector import collector_paused
from netspec.diagnostics import Diagnostic
from netspec.initialization import Init
from netspec.layers.base import Emission, Helper, Shape
from netspec.naming import Allocator, AnyOf, first_free
from netspec.pycode import comment_text, literal

LINE_LENGTH = 88  # ruff's (and black's) default
INDENT = "    "
MAX_CLASS_NAME = 40
BATCH = 2  # the random batch of `python model.py`: 2, since batch norm cannot train on 1 sample

# Module-level names of the generated file that a network's class name must not take.
FILE_NAMES = ("torch", "nn", "F", "math", "INPUT_SHAPE", "model", "output")


class CompileError(ValueError):
    """The spec cannot be compiled; `diagnostics` says why, located in the spec."""

    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__("; ".join(d.message for d in diagnostics) or "the spec has errors")
        self.diagnostics = diagnostics


class Namespace:
    """Allocates module-level names: valid ASCII identifiers, never a keyword, a builtin or a name
    already taken (torch.fx's `_Namespace` does the same for graph nodes)."""

    def __init__(self, taken: tuple[str, ...] = ()):
        self.names = Allocator({*taken, *dir(builtins), *keyword.kwlist, *keyword.softkwlist})

    @property
    def taken(self) -> set[str]:
        """Every name given or reserved so far (read it; take names with `names`)."""
        return self.names.taken

    def class_name(self, text: str, fallback: str = "Network") -> str:
        """CamelCase from free text: `lenet-5` → `Lenet5`, `my net` → `MyNet`, `LeNet5` stays."""
        name = camel_case(text)[:MAX_CLASS_NAME] or fallback
        if name[0].isdigit():
            name = fallback + name
        while name in self.taken:  # `None` → `NoneNet`, `Exception` → `ExceptionNet`
            name += "Net"
        self.names.add(name)
        return name


def compile_diagnostics(result: CheckResult) -> Init | None:
    """The Init to compile with, or None when the spec cannot be compiled (`result.ok` is False).

    `check` has already validated the whole `train { }` block, `init` included, into
    `result.diagnostics`; without a block the PyTorch defaults apply."""
    if not result.ok:
        return None
    return result.train_settings.init if result.train_settings is not None else Init()


def generate(result: CheckResult, init: Init | None = None) -> str:
    """The Python source of a standalone PyTorch module for a checked spec.

    `init` overrides the spec's `train { init ... }` setting. Raises CompileError when the check
    found errors or the `init` setting is invalid.
    """
    if not result.ok:
        raise CompileError(result.diagnostics.errors)
    if init is None:
        init = compile_diagnostics(result)
    # The file's objects are dropped at the end, with a handful of cycles (_File ↔ _Blocks) left to
    # a later collection; automatic ones meanwhile rescan them: 16,000 nested layers compiled in
    # 7.5 s instead of 3.4 s (netspec/collector.py)
    with collector_paused():
        return _File(result, init).render()


def class_name(result: CheckResult) -> str:
    """The name of the network's class in the file `generate(result)` writes: chosen, as there,
    before the block classes, from the spec's name and the helpers' names alone, so this does not
    build the file (`netspec compile` asks for it after generating: 40 % of a large compile)."""
    with collector_paused():
        return _namespace(_helpers(_emissions(result))).class_name(result.name)


def shape_comment(shape: Shape) -> str:
    return "(" + ", ".join(["N", *(str(d) for d in shape)]) + ")"


def statement(indent: int, code: str, comment: str = "") -> list[str]:
    """One statement as `ruff format` lays it out: on one line with its trailing comment if that
    fits, else the comment on a line of its own above it and the code split at its last bracket."""
    pad = " " * indent
    trailer = f"  # {comment}" if comment else ""
    if indent + len(code) + len(trailer) <= LINE_LENGTH:
        return [pad + code + trailer]
    return ([f"{pad}# {comment}"] if comment else []) + _split(indent, code)


def _split(indent: int, code: str, trailer: str = "") -> list[str]:
    """`code` split at its last bracket as `ruff format` does, recursively: the inside on one
    line if it fits, else one argument a line with a trailing comma (a lone argument without)."""
    pad, inner = " " * indent, " " * (indent + len(INDENT))
    if indent + len(code) + len(trailer) <= LINE_LENGTH or not code.endswith((")", "]")):
        return [pad + code + trailer]
    depth, opening = 0, -1
    for i in range(len(code) - 1, -1, -1):
        depth += {")": 1, "]": 1, "(": -1, "[": -1}.get(code[i], 0)
        if depth == 0:
            opening = i
            break
    head, body, closing = code[: opening + 1], code[opening + 1 : -1], code[-1]
    target, equals, value = code.partition(" = ")
    if (
        indent + len(head) > LINE_LENGTH
        and equals
        and len(inner) + len(value) <= LINE_LENGTH
        and indent + len(target) + 4 <= LINE_LENGTH
    ):
        return [pad + target + " = (", inner + value, pad + ")" + trailer]  # as ruff parenthesizes it
    if len(inner) + len(body) <= LINE_LENGTH:
        return [pad + head, inner + body, pad + closing + trailer]
    parts = _top_level_parts(body)
    if len(parts) == 1:
        return [pad + head, *_split(indent + len(INDENT), parts[0]), pad + closing + trailer]
    lines = [pad + head]
    for part in parts:
        lines += _split(indent + len(INDENT), part, ",")
    return lines + [pad + closing + trailer]


def _top_level_parts(body: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, char in enumerate(body):
        depth += {"(": 1, "[": 1, ")": -1, "]": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(body[start:i].strip())
            start = i + 1
    parts.append(body[start:].strip())
    return parts


def _emissions(result: CheckResult) -> list[Emission | None]:
    """Each layer's emission; merges have no module: they are a line of `forward` (netspec.layers.merge)."""
    return [
        None if layer.is_merge else layer.instance.kind.emit(layer.instance.values, layer.input, layer.output)
        for layer in result.layers
    ]


def _helpers(emissions: list[Emission | None]) -> list[Helper]:
    """The helper classes the layers use, each once, in the order they are first used."""
    return list({h.name: h for e in emissions if e is not None for h in e.helpers}.values())


def _namespace(helpers: list[Helper]) -> Namespace:
    """The file's module-level names before any class is named: the class name is chosen first."""
    return Namespace(FILE_NAMES + ("OrderedDict",) + tuple(h.name for h in helpers))


class _File:
    """The generated file, assembled as a list of lines."""

    def __init__(self, result: CheckResult, init: Init):
        self.result = result
        self.init = init
        self.emissions = _emissions(result)
        self.attributes = [layer.name.rsplit(".", 1)[-1] for layer in result.layers]
        self.helpers = _helpers(self.emissions)
        namespace = _namespace(self.helpers)
        self.class_name = namespace.class_name(result.name)
        self.blocks = _Blocks(self, namespace)
        self.title = comment_text(result.name, limit=36) or self.class_name
        self.file_name = comment_text(Path(result.source.name).name, limit=30) or "a spec"
        last = result.layers[-1] if result.layers else None
        # a final softmax on the main line is replaced by log_softmax for `log_probs`
        self.softmax_last = last is not None and last.kind == "softmax" and not last.node.frames

    def render(self) -> str:
        lines = self.docstring() + [""] + self.imports() + [""]
        lines += [f"INPUT_SHAPE = {literal(self.result.input_shape)}  # {self.input_comment()}", "", ""]
        for helper in self.helpers:
            lines += helper.source.rstrip("\n").split("\n") + ["", ""]
        for block in self.blocks.classes():
            lines += block + ["", ""]
        lines += self.network_class() + ["", ""] + self.main()
        return "\n".join(lines) + "\n"

    # --- parts of the file ---------------------------------------------------------------------

    def docstring(self) -> list[str]:
        result = self.result
        if self.softmax_last:
            usage = [
                "`model(x)` gives class probabilities. For NLL training, `model(x, log_probs=True)`",
                "(or `model.log_probabilities(x)`) gives log-probabilities instead: log_softmax in",
                "place of the final softmax, so that no softmax is ever applied twice.",
            ]
        else:
            usage = [
                "`model(x)` gives the network's output. For NLL training, `model(x, log_probs=True)`",
                "(or `model.log_probabilities(x)`) gives its log_softmax over dim 1.",
            ]
        return [
            f'"""{self.title}: a PyTorch module compiled by netspec {__version__}.',
            "",
            f"Spec: {self.file_name}. Weights: {self.init.describe()}.",
            f"Parameters: {result.params:,}. MACs: {result.macs:,} per sample (FLOPs = 2 x MACs).",
            f"Input {shape_comment(result.input_shape)} -> output {shape_comment(result.output_shape)}, "
            "N being the batch size.",
            "",
            *usage,
            "",
            "Needs only torch. `python` on this file runs a random batch through the network and",
            "prints the output shape.",
            '"""',
        ]

    def imports(self) -> list[str]:
        standard = sorted({name for e in self.emissions if e is not None for name in e.imports})
        lines = [f"import {name}" for name in standard] + ([""] if standard else [])
        if self.blocks.sequential:  # standard-library imports first, in one sorted group
            lines = [f"import {name}" for name in standard] + ["from collections import OrderedDict", ""]
        return lines + ["import torch", "import torch.nn.functional as F", "from torch import nn"]

    def input_comment(self) -> str:
        return "(C, H, W) of one sample" if len(self.result.input_shape) == 3 else "(features,) of one sample"

    def network_class(self) -> list[str]:
        lines = [
            f"class {self.class_name}(nn.Module):",
            f'    """{self.title}, as specified in {self.file_name}."""',
            "",
            "    def __init__(self) -> None:",
            "        super().__init__()",
        ]
        for attribute, code in self.blocks.root_attributes():
            lines += statement(8, f"self.{attribute} = {code}")
        lines += self.init_weights()
        return lines + [""] + self.forward() + [""] + self.log_probabilities()

    def init_weights(self) -> list[str]:
        weight_code = self.init.weight_code()
        classes = list(dict.fromkeys(e.init for e in self.emissions if e is not None and e.init))
        if weight_code is None or not classes:
            return []
        kinds = classes[0] if len(classes) == 1 else "(" + ", ".join(classes) + ")"
        return [
            "        self._init_weights()",
            "",
            "    def _init_weights(self) -> None:",
            _docstring_line(8, f"`{self.init.statement()}`: {self.init.describe()}.", f"`{self.init.statement()}`."),
            "        for module in self.modules():",
            *statement(12, f"if isinstance(module, {kinds}):"),
            *statement(16, weight_code),
            "                if module.bias is not None:",
            "                    nn.init.zeros_(module.bias)",
        ]

    def forward(self) -> list[str]:
        result = self.result
        lines = [
            "    def forward(self, x: torch.Tensor, log_probs: bool = False) -> torch.Tensor:",
            f'        """{shape_comment(result.input_shape)} -> {shape_comment(result.output_shape)}; '
            'log-probabilities if log_probs."""',
        ]
        body = _Forward(self, self.blocks.root)
        count = len(result.layers) - (1 if self.softmax_last else 0)
        body.run(0, count, "x", "x")
        for code, shape, note in body.lines:
            lines += statement(8, code, shape_comment(shape) + (f": {note}" if note else ""))
        lines += [
            "        if log_probs:",
            *statement(12, "return F.log_softmax(x, dim=1)", shape_comment(result.output_shape)),
        ]
        if self.softmax_last:
            last = len(result.layers) - 1
            lines += self.steps(self.attributes[last], self.emissions[last], "x", "x")
        return lines + ["        return x"]

    def steps(self, attribute: str, emission: Emission, source: str, target: str) -> list[str]:
        """The lines of one layer, reading `source` and writing `target`."""
        lines = []
        for code, shape, note in _steps(attribute, emission, source, target):
            lines += statement(8, code, shape_comment(shape) + (f": {note}" if note else ""))
        return lines

    def log_probabilities(self) -> list[str]:
        return [
            "    @torch.jit.export",
            "    def log_probabilities(self, x: torch.Tensor) -> torch.Tensor:",
            '        """Log-probabilities (log_softmax over dim 1), for NLL training."""',
            "        return self.forward(x, log_probs=True)",
        ]

    def main(self) -> list[str]:
        return [
            'if __name__ == "__main__":',
            f"    model = {self.class_name}().eval()",
            "    with torch.no_grad():",
            f"        output = model(torch.randn({BATCH}, *INPUT_SHAPE))",
            '    print(f"output shape: {tuple(output.shape)}")',
        ]


def _value_shape(result: CheckResult, node: int) -> Shape:
    """The shape of a node's output, by node id (`graph.INPUT_ID` for the network input)."""
    return result.layers[node].output if node >= 0 else result.input_shape


def _docstring_line(indent: int, text: str, short: str) -> str:
    """A one-line docstring, or its `short` form when the line would be too long."""
    line = " " * indent + f'"""{text}"""'
    return line if len(line) <= LINE_LENGTH else " " * indent + f'"""{short}"""'


def _steps(attribute: str, emission: Emission, source: str, target: str) -> list[tuple[str, Shape, str]]:
    """One layer's lines of `forward` as (code, shape, note), reading `source`, writing `target`."""
    out = []
    for step in emission.steps:
        out.append((f"{target} = " + step.code.format(layer=f"self.{attribute}", x=source), step.shape, step.note))
        source = target
    return out


class _Forward:
    """The body of one module's `forward`, written the way a person writes one: a chain reads and
    writes `x`; an inner scope is one call (`x = self.layer1(x)`); a residual keeps
    `identity = x`, runs its body on `x`, its shortcut on `identity`, and adds; the branches of
    `add`/`concat`/`mul` each write a variable of their own (`branch1`, `branch2`, …) from the
    same input, merged in one line (`torch.cat([…], dim=1)`). Lines are (code, shape, note)."""

    def __init__(self, file: _File, scope: modules.Scope):
        self.file = file
        self.layers = file.result.layers
        self.lines: list[tuple[str, Shape, str]] = []
        self.live: set[str] = {"x"}
        self.children = {item.start: item for item in scope.items if isinstance(item, modules.Scope)}
        # the merges of this scope whose first branch starts at a node (nested merges can share one)
        self.starting: dict[int, list[int]] = {}
        for index in scope.items:
            if isinstance(index, int) and self.layers[index].is_merge:
                starts = [start for start, end in self.layers[index].node.merge.branches if start < end]
                self.starting.setdefault(min(starts, default=index), []).append(index)

    def run(self, low: int, high: int, source: str, target: str) -> str:
        """Emit nodes [low, high) applied to `source`, writing `target`; the variable that holds
        the result (`source` when the range is empty)."""
        index = low
        while index < high:
            merges = [m for m in self.starting.get(index, ()) if m < high]
            if merges:
                end = max(merges)  # the outermost merge that starts here
                source = self.merge(end, source, target)
                index = end + 1
                continue
            child = self.children.get(index)
            if child is not None:
                self.lines.append((f"{target} = self.{child.attr}({source})", self.layers[child.end - 1].output, ""))
                index = child.end
            else:
                self.lines += _steps(self.file.attributes[index], self.file.emissions[index], source, target)
                index += 1
            source = target
        return source

    def chain(self, operator: str, operands: list[str], shapes: tuple, target: str) -> None:
        """`a + b + c + …` of many branches as one operation a line, left to right as Python
        evaluates the one-line form: `merged = a + b`, `merged = merged + c`, …, `x = merged + z`."""
        merged = self.fresh("merged")
        shape = shapes[0]
        for index, operand in enumerate(operands[1:], start=1):
            shape = tuple(max(a, b) for a, b in zip(shape, shapes[index]))
            left = operands[0] if index == 1 else merged
            out = target if index == len(operands) - 1 else merged
            self.lines.append((f"{out} = {left} {operator} {operand}", shape, ""))
        self.live.discard(merged)

    def fresh(self, base: str) -> str:
        """A local variable no live one is called: `branch2`, else `branch2_2`, …"""
        name = first_free(base, self.live)
        self.live.add(name)
        return name

    def merge(self, index: int, source: str, target: str) -> str:
        layer = self.layers[index]
        merge = layer.node.merge
        kind, values = layer.instance.kind, layer.instance.values
        shapes = tuple(_value_shape(self.file.result, i - 1) for i in layer.inputs)
        if merge.residual:
            (body_start, body_end), (short_start, short_end) = merge.branches
            identity = self.fresh("identity")
            self.lines.append((f"{identity} = {source}", _value_shape(self.file.result, merge.entry), ""))
            out = self.run(body_start, body_end, source, target)
            side = self.run(short_start, short_end, identity, identity)
            self.lines.append((f"{target} = {out} + {side}", layer.output, "residual"))
            self.live.discard(identity)
            return target
        operands = []
        for number, (start, end) in enumerate(merge.branches, start=1):
            if start == end:
                operands.append(source)
                continue
            variable = self.fresh(f"branch{number}")
            operands.append(self.run(start, end, source, variable))
        line = f"{target} = {kind.combine(values, operands, shapes, layer.output)}"
        if kind.operator and len(line) > LINE_LENGTH - 8 - len(shape_comment(layer.output)) - 4:
            self.chain(kind.operator, operands, shapes, target)  # one operation a line
        else:
            self.lines.append((line, layer.output, ""))
        for operand in operands:
            if operand != source:
                self.live.discard(operand)
        return target


class _Blocks:
    """The classes of a graph's scopes (netspec.modules): which scopes share a class, what each
    class's `__init__` takes, and their source."""

    def __init__(self, file: _File, namespace: Namespace):
        self.file = file
        self.layers = file.result.layers
        self.namespace = namespace
        self.root = modules.build(self.layers)
        self.order: list[modules.Scope] = []  # inner scopes, children before parents
        self._collect(self.root)
        self.groups: dict[int, modules.Group] = {}
        # a scope's key holds its inner scopes' keys as small numbers, one per distinct key: equal
        # keys get equal numbers, so scopes group as by the nested keys, which were hashed again
        # at every level above them
        self.key_ids: dict[tuple, int] = {}
        self.forwards: dict[int, list] = {}
        self.templates: dict[int, modules.Template] = {}
        self.sequential = False
        for scope in self.order:
            scope.sequential = modules.is_plain_chain(scope, file.emissions)
            self.sequential |= scope.sequential
            scope.key = self.key_ids.setdefault(self._key(scope), len(self.key_ids))
            if not scope.sequential:
                group = self.groups.get(scope.key)
                if group is None:
                    frame = scope.frame  # a call's class is named after its block; a branch's after its label
                    group = self.groups[scope.key] = modules.Group(
                        frame.name if frame.kind == "call" else (frame.label or frame.name)
                    )
                scope.member = len(group.members)
                group.members.append(scope)
                scope.group = group
        self.finished: list[modules.Group] = []
        for scope in self.order:
            if scope.group is not None:
                self._finish(scope.group)

    def _collect(self, scope: modules.Scope) -> None:
        for item in scope.items:
            if isinstance(item, modules.Scope):
                self._collect(item)
                self.order.append(item)

    def template(self, index: int) -> modules.Template:
        if index not in self.templates:
            self.templates[index] = modules.leaf_template(self.file.emissions[index], self.file.attributes[index])
        return self.templates[index]

    def forward_of(self, scope: modules.Scope) -> list:
        if id(scope) not in self.forwards:
            body = _Forward(self.file, scope)
            body.run(scope.start, scope.end, "x", "x")
            self.forwards[id(scope)] = body.lines
        return self.forwards[id(scope)]

    def _key(self, scope: modules.Scope) -> tuple:
        parts = []
        for item in scope.items:
            if isinstance(item, modules.Scope):
                parts.append((item.attr, item.key))
            elif not self.layers[item].is_merge:
                parts.append((self.file.attributes[item], self.template(item).text))
        if scope.sequential:
            return ("sequential", tuple(parts))
        codes = tuple((code, note) for code, _, note in self.forward_of(scope))
        return ("class", scope.frame.kind, scope.frame.name, tuple(parts), codes)

    # --- slots and classes ---------------------------------------------------------------------

    def slots(self, scope: modules.Scope) -> list[tuple]:
        """(value, part) for every number of a scope's constructor code, in order."""
        out = []
        for item in scope.items:
            if isinstance(item, modules.Scope):
                if item.sequential:
                    out += self.slots(item)
                else:
                    group = item.group
                    member = item.member
                    for param in group.params:
                        role = "in" if param in ("in_channels", "in_features") else "out"
                        hint = modules.Part("", 1, None, role, f"{item.attr}_{param}")
                        out.append((group.arguments[member][param], hint))
            elif not self.layers[item].is_merge:
                template = self.template(item)
                values = iter(template.values)
                for part in template.parts:
                    for _ in range(part.count):
                        out.append((next(values), part))
        return out

    def _finish(self, group: modules.Group) -> None:
        if group.name:
            return
        for member in group.members:
            for inner in self._inner_groups(member):
                self._finish(inner)
        table = [self.slots(member) for member in group.members]
        envs = group.envs = [self.environment(m) for m in group.members]
        expressions, extras = [], {}
        for position, (_, part) in enumerate(table[0]):
            column = [row[position][0] for row in table]
            constant = all(v == column[0] and type(v) is type(column[0]) for v in column)
            expression = None
            if not constant or (part.channel and isinstance(column[0], int) and column[0] > 1):
                expression = modules.name_for(column, envs, prefer_input=part.channel == "in")
            if expression is None and not constant:
                name = _parameter_name(part.hint, extras, envs[0], AnyOf(self.namespace.taken, FILE_NAMES))
                extras[name] = column
                expression = name
            expressions.append(expression if expression is not None else literal(column[0]))
        used = {e.split(" ")[0] for e in expressions}
        group.params = [name for name in envs[0] if name in used] + list(extras)
        group.slots = expressions
        group.arguments = [
            {p: (env[p] if p in env else extras[p][i]) for p in group.params} for i, env in enumerate(envs)
        ]
        group.name = self._class_name(_class_base(group.base))
        self.finished.append(group)

    def _class_name(self, base: str) -> str:
        """`Bottleneck`, then `Bottleneck2`, … (`Level5_2` after a digit); never a taken name."""
        return self.namespace.names.unique(base, "_" if base[-1].isdigit() else "")

    def environment(self, scope: modules.Scope) -> dict[str, int]:
        taken = AnyOf(self.namespace.taken, ("OrderedDict", *FILE_NAMES))  # a view: no copy per call
        return modules.environment(scope, self.layers, self.file.result.input_shape, taken)

    def _inner_groups(self, scope: modules.Scope):
        for item in scope.items:
            if isinstance(item, modules.Scope):
                if item.sequential:
                    yield from self._inner_groups(item)
                else:
                    yield item.group

    def construct(self, scope: modules.Scope, expressions: list[str]) -> list[tuple[str, str]]:
        """(attribute, constructor code) for a scope's modules, its numbers written as `expressions`."""
        out, position = [], 0
        for item in scope.items:
            if isinstance(item, modules.Scope):
                if item.sequential:
                    count = len(self.slots(item))
                    inner = self.construct(item, expressions[position : position + count])
                    entries = ", ".join(f"{attr}={code}" for attr, code in inner)
                    out.append((item.attr, f"nn.Sequential(OrderedDict({entries}))"))
                else:
                    count = len(item.group.params)
                    arguments = ", ".join(expressions[position : position + count])
                    out.append((item.attr, f"{item.group.name}({arguments})"))
                position += count
            elif not self.layers[item].is_merge:
                template = self.template(item)
                count = len(template.values)
                out.append((self.file.attributes[item], template.render(expressions[position : position + count])))
                position += count
        return out

    def root_attributes(self) -> list[tuple[str, str]]:
        """The network class's modules: layers as they emit themselves, inner scopes constructed."""
        out = []
        for item in self.root.items:
            if isinstance(item, int):
                if not self.layers[item].is_merge:
                    out.append((self.file.attributes[item], self.file.emissions[item].module))
                continue
            values = [literal(value) for value, _ in self.slots(item)] if item.sequential else None
            if item.sequential:
                inner = self.construct(item, values)
                out.append((item.attr, f"nn.Sequential(OrderedDict({', '.join(f'{a}={c}' for a, c in inner)}))"))
            else:
                group = item.group
                member = item.member
                arguments = ", ".join(literal(group.arguments[member][p]) for p in group.params)
                out.append((item.attr, f"{group.name}({arguments})"))
        return out

    def classes(self) -> list[list[str]]:
        return [self._class_source(group) for group in self.finished]

    def _class_source(self, group: modules.Group) -> list[str]:
        first = group.members[0]
        frame = first.frame
        envs = group.envs
        if frame.kind == "call":
            what = f"The block `{comment_text(frame.name, 30)}` (defined on line {frame.defined})"
        else:
            what = f"A {frame.kind} (line {frame.statement.span.line})"
        calls = len(group.members)
        count = f"{calls} instance{'s' * (calls != 1)} in this network."
        doc = f"{what}; {count}"
        if len(doc) + 10 > LINE_LENGTH:  # a summary line, then the rest, as a docstring wraps
            doc = f"{what}.\n\n    {count[0].upper()}{count[1:]}\n    "
        kinds = {p: "int" if all(isinstance(a[p], int) for a in group.arguments) else "float" for p in group.params}
        parameters = ["self", *(f"{p}: {kinds[p]}" for p in group.params)]
        signature = f"    def __init__({', '.join(parameters)}) -> None:"
        if len(signature) > LINE_LENGTH:  # one parameter a line, as ruff formats it
            signature = "\n".join(["    def __init__(", *(f"        {p}," for p in parameters), "    ) -> None:"])
        lines = [f"class {group.name}(nn.Module):", f'    """{doc}"""', "", signature, "        super().__init__()"]
        for attr, code in self.construct(first, group.slots):
            lines += statement(8, f"self.{attr} = {code}")
        lines += ["", "    def forward(self, x: torch.Tensor) -> torch.Tensor:"]
        inputs = [modules.entry_shape(m, self.layers, self.file.result.input_shape) for m in group.members]
        bodies = [self.forward_of(m) for m in group.members]
        for number, (code, _, note) in enumerate(bodies[0]):
            shapes = [body[number][1] for body in bodies]
            comment = _symbolic_shape(shapes, inputs, envs) + (f": {note}" if note else "")
            lines += statement(8, code, comment)
        return lines + ["        return x"]


def _symbolic_shape(shapes: list[Shape], inputs: list[Shape], envs: list[dict]) -> str:
    """A shape comment for a class line: numbers that are the same in every instance stay; a
    channel count that varies is named after a parameter (or C); H and W relative to the input's."""
    dims = ["N"]
    for axis in range(len(shapes[0])):
        column = [shape[axis] for shape in shapes]
        if all(v == column[0] for v in column):
            dims.append(str(column[0]))
        elif axis == 0:
            dims.append(modules.name_for(column, envs) or "C")
        else:
            sizes = [shape[axis] if len(shape) > axis else 0 for shape in inputs]
            dims.append(_relative("HW"[axis - 1], column, sizes))
    return "(" + ", ".join(dims) + ")"


def _relative(letter: str, column: list[int], sizes: list[int]) -> str:
    """A size in terms of the instance's input size: `H`, `H-4`, `2H-8`, `H/2`, else `H'`."""
    for factor in (1, 2, 4):
        offsets = {v - factor * n for v, n in zip(column, sizes)}
        if len(offsets) == 1:
            (offset,) = offsets
            scaled = letter if factor == 1 else f"{factor}{letter}"
            return scaled if offset == 0 else f"{scaled}{offset:+d}"
    for divisor in (2, 3, 4, 8, 16, 32):
        if all(v == -(-n // divisor) for v, n in zip(column, sizes)) or all(
            v == n // divisor for v, n in zip(column, sizes)
        ):
            return f"{letter}/{divisor}"
    return f"{letter}'"


def camel_case(text: str) -> str:
    """The ASCII words of `text`, each capitalized, joined: `bottleneck_down` → `BottleneckDown`."""
    return "".join(word[0].upper() + word[1:] for word in re.findall(r"[A-Za-z0-9]+", text))


def _class_base(name: str) -> str:
    """CamelCase of a block's name: `bottleneck_down` → `BottleneckDown`; `2conv` → `Block2conv`."""
    base = camel_case(name) or "Block"
    if base[0].isdigit():
        base = "Block" + base
    return base[:MAX_CLASS_NAME]


def _parameter_name(hint: str, taken: dict, env: dict, reserved=frozenset()) -> str:
    base = re.sub(r"[^0-9A-Za-z_]", "_", hint).strip("_") or "value"
    if base[0].isdigit() or keyword.iskeyword(base):
        base = f"value_{base}"
    return first_free(base, AnyOf(taken, env, ("self", "x"), reserved))  # a view: no copy of `reserved` per name

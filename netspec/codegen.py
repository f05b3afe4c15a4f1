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

from netspec import __version__
from netspec.checker import CheckResult
from netspec.diagnostics import Diagnostic
from netspec.initialization import Init
from netspec.layers.base import Emission, Helper, Shape
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
        self.taken = set(taken) | set(dir(builtins)) | set(keyword.kwlist) | set(keyword.softkwlist)

    def class_name(self, text: str, fallback: str = "Network") -> str:
        """CamelCase from free text: `lenet-5` → `Lenet5`, `my net` → `MyNet`, `LeNet5` stays."""
        words = re.findall(r"[A-Za-z0-9]+", text)
        name = "".join(word[0].upper() + word[1:] for word in words)[:MAX_CLASS_NAME] or fallback
        if name[0].isdigit():
            name = fallback + name
        while name in self.taken:  # `None` → `NoneNet`, `Exception` → `ExceptionNet`
            name += "Net"
        self.taken.add(name)
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
    return _File(result, init).render()


def class_name(result: CheckResult) -> str:
    """The name of the network's class in the file `generate(result)` writes."""
    return _File(result, Init()).class_name


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


def _split(indent: int, code: str) -> list[str]:
    pad, inner = " " * indent, " " * (indent + len(INDENT))
    if indent + len(code) <= LINE_LENGTH or not code.endswith(")"):
        return [pad + code]
    depth, opening = 0, -1
    for i in range(len(code) - 1, -1, -1):
        depth += {")": 1, "]": 1, "(": -1, "[": -1}.get(code[i], 0)
        if depth == 0:
            opening = i
            break
    head, body = code[: opening + 1], code[opening + 1 : -1]
    if len(inner) + len(body) <= LINE_LENGTH:
        return [pad + head, inner + body, pad + ")"]
    return [pad + head, *(f"{inner}{part}," for part in _top_level_parts(body)), pad + ")"]


def _top_level_parts(body: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, char in enumerate(body):
        depth += {"(": 1, "[": 1, ")": -1, "]": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(body[start:i].strip())
            start = i + 1
    parts.append(body[start:].strip())
    return parts


class _File:
    """The generated file, assembled as a list of lines."""

    def __init__(self, result: CheckResult, init: Init):
        self.result = result
        self.init = init
        # merges have no module: they are a line of `forward` (netspec.layers.merge)
        self.emissions: list[Emission | None] = [
            None if layer.is_merge else layer.instance.kind.emit(layer.instance.values, layer.input, layer.output)
            for layer in result.layers
        ]
        self.attributes = _attribute_names(result.layers)
        self.helpers: list[Helper] = list(
            {h.name: h for e in self.emissions if e is not None for h in e.helpers}.values()
        )
        namespace = Namespace(FILE_NAMES + tuple(h.name for h in self.helpers))
        self.class_name = namespace.class_name(result.name)
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
        for attribute, emission in zip(self.attributes, self.emissions):
            if emission is not None:
                lines += statement(8, f"self.{attribute} = {emission.module}")
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
            f'        """`{self.init.statement()}`: {self.init.describe()}."""',
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
        body = _Forward(self)
        count = len(result.layers) - (1 if self.softmax_last else 0)
        body.run(0, count, "x", "x")
        lines += body.lines
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
        for step in emission.steps:
            code = f"{target} = " + step.code.format(layer=f"self.{attribute}", x=source)
            comment = shape_comment(step.shape) + (f": {step.note}" if step.note else "")
            lines += statement(8, code, comment)
            source = target
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


def _attribute_names(layers) -> list[str]:
    """The module attribute of each layer: its dotted name with `_` for `.` (`layer1.conv1` →
    `layer1_conv1`), made unique; merges get one too, unused."""
    used: set[str] = set()
    names = []
    for layer in layers:
        base = layer.name.replace(".", "_")
        name, n = base, 1
        while name in used:
            n += 1
            name = f"{base}_{n}"
        used.add(name)
        names.append(name)
    return names


class _Forward:
    """The body of `forward` for a graph, written the way a person writes one: a chain reads and
    writes `x`; a residual keeps `identity = x`, runs its body on `x`, its shortcut on `identity`,
    and adds; the branches of `add`/`concat`/`mul` each write a variable of their own
    (`branch1`, `branch2`, …) from the same input, merged in one line (`torch.cat([…], dim=1)`)."""

    def __init__(self, file: _File):
        self.file = file
        self.layers = file.result.layers
        self.lines: list[str] = []
        self.live: set[str] = {"x"}
        # the merges whose first branch starts at a node (nested merges can share a start)
        self.starting: dict[int, list[int]] = {}
        for index, layer in enumerate(self.layers):
            merge = layer.node.merge
            if merge is not None:
                starts = [start for start, end in merge.branches if start < end]
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
            self.lines += self.file.steps(self.file.attributes[index], self.file.emissions[index], source, target)
            source = target
            index += 1
        return source

    def fresh(self, base: str) -> str:
        name, n = base, 1
        while name in self.live:
            n += 1
            name = f"{base}_{n}"
        self.live.add(name)
        return name

    def merge(self, index: int, source: str, target: str) -> str:
        layer = self.layers[index]
        merge = layer.node.merge
        kind, values = layer.instance.kind, layer.instance.values
        shapes = tuple(self.layers[i - 1].output if i else self.file.result.input_shape for i in layer.inputs)
        comment = shape_comment(layer.output)
        if merge.residual:
            (body_start, body_end), (short_start, short_end) = merge.branches
            identity = self.fresh("identity")
            self.lines += statement(8, f"{identity} = {source}", shape_comment(self._entry_shape(index)))
            out = self.run(body_start, body_end, source, target)
            side = self.run(short_start, short_end, identity, identity)
            self.lines += statement(8, f"{target} = {out} + {side}", comment + ": residual")
            self.live.discard(identity)
            return target
        operands = []
        for number, (start, end) in enumerate(merge.branches, start=1):
            if start == end:
                operands.append(source)
                continue
            variable = self.fresh(f"branch{number}")
            operands.append(self.run(start, end, source, variable))
        self.lines += statement(8, f"{target} = {kind.combine(values, operands, shapes, layer.output)}", comment)
        for operand in operands:
            if operand != source:
                self.live.discard(operand)
        return target

    def _entry_shape(self, index: int):
        """The shape of the value a merge starts from."""
        entry = self.layers[index].node.merge.entry
        return self.layers[entry].output if entry >= 0 else self.file.result.input_shape

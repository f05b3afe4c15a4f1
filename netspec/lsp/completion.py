"""Completion from the text before the cursor, so that a document being typed (unparsable, a
`{` not yet closed) still completes.

    |                      layer kinds, merges, keywords, block names (in `train { }`: its settings;
                           directly in `add`/`concat`/`mul`: `branch`; in `residual`: `shortcut` too)
    conv 64 3x3 |          the kind's options not given yet: stride=, pad=, dilation=, groups=, bias=
    conv 64 3 pad=|        the option's words: same, valid
    stage |                the block's parameters not given yet: width=, blocks=

What the words mean comes from the layer registry (`netspec.layers.KINDS`, each kind's `args`),
the merges, the `train` settings and the document's own `block` definitions.
"""

from __future__ import annotations

import re

from lsprotocol import types

from netspec.layers import KINDS
from netspec.layers import lookup as lookup_kind
from netspec.layers.args import REQUIRED, Arg
from netspec.layers.merge import BY_NAME as MERGE_BY_NAME
from netspec.layers.merge import MERGES
from netspec.syntax import Statement
from netspec.train_settings import KEYS as TRAIN_KEYS
from netspec.train_settings import OPTIMIZERS, PRECISIONS, SCHEDULES

KEYWORDS = {
    "network": "network NAME: the network's name (default: the file name)",
    "input": "input CxHxW or input N: the input size",
    "repeat": "repeat N { … }: the body N times",
    "block": "block NAME PARAM… { … }: a reusable block, called as `NAME value…`",
    "residual": "residual { … shortcut { … } }: the body plus the shortcut (the input when there is none)",
    "train": "train { … }: the settings of `netspec train`",
}
BRANCH = "branch { … }: one branch of a merge, applied to the merge's input (empty: the identity)"
SHORTCUT = "shortcut { … }: what the residual adds to its body (default: the input itself)"
TRAIN_VALUES = {"optimizer": OPTIMIZERS, "schedule": SCHEDULES, "precision": PRECISIONS}
MAX_CONTEXT = 4_000_000  # characters scanned for the enclosing blocks; past it, taken as the top level

_LABEL = re.compile(r"\s*[A-Za-z_][A-Za-z0-9_.]*\s*:(?!=)")


def complete(text: str, line: int, column: int, blocks: dict[str, Statement]) -> list[types.CompletionItem]:
    """Completions at 0-based `line`, `column` (in characters) of `text`; `blocks` maps the
    document's block names to their definitions."""
    lines = text.split("\n")
    if not 0 <= line < len(lines):
        return []
    prefix = _code(lines[line][:column])
    if prefix is None:  # in a comment or a string
        return []
    segment = re.split(r"[;{}]", prefix)[-1]
    label = _LABEL.match(segment)
    if label:
        segment = segment[label.end() :]
    words = segment.split()
    typing = "" if not words or segment[-1:].isspace() else words.pop()
    if not words:
        if "=" in typing:
            return []
        return _statement_starts(_enclosing(lines, line, column), blocks)
    head = words[0].lower()
    given = {w.split("=", 1)[0].lower() for w in words[1:] if "=" in w}
    positional = sum(1 for w in words[1:] if "=" not in w)
    if head in TRAIN_VALUES and len(words) == 1 and "=" not in typing:
        return [_item(v, types.CompletionItemKind.EnumMember, f"{head} {v}") for v in TRAIN_VALUES[head]]
    args = _args_of(head, blocks)
    if args is None:
        return []
    if "=" in typing:
        key = typing.split("=", 1)[0].lower()
        arg = next((a for a in args if a.name == key), None)
        words_taken = getattr(arg.convert, "words", ()) if arg is not None else ()
        return [_item(w, types.CompletionItemKind.EnumMember, f"{key}={w}") for w in words_taken]
    open_positional = [a.name for a in args if a.positional][positional:]
    return [
        _item(
            f"{a.name}=",
            types.CompletionItemKind.Property,
            _arg_detail(a),
            sort=f"{0 if a.name in open_positional else 1}{index:03d}",
        )
        for index, a in enumerate(args)
        if a.name not in given and (not a.positional or a.name in open_positional)
    ]


def _code(prefix: str) -> str | None:
    """The line before the cursor with the insides of strings dropped; None when the cursor is in
    a comment or in a string."""
    out: list[str] = []
    in_string = escaped = False
    for ch in prefix:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
                out.append(ch)
            continue
        if ch == "#":
            return None
        in_string = ch == '"'
        out.append(ch)
    return None if in_string else "".join(out)


def _args_of(head: str, blocks: dict[str, Statement]) -> tuple[Arg, ...] | None:
    kind = lookup_kind(head) or MERGE_BY_NAME.get(head)
    if kind is not None:
        return kind.args
    block = blocks.get(head)
    if block is None:
        return None
    params = [v.text for v in block.args[1:] if v.kind == "word"]
    defaults = {o.key: o.value.text for o in block.options}
    params += [key for key in defaults if key not in params]
    return tuple(
        Arg(name, str, default=defaults.get(name, REQUIRED), positional=True, help=f"parameter of block {head}")
        for name in params
    )


def _arg_detail(arg: Arg) -> str:
    default = "required" if arg.default is REQUIRED else f"default {_shown(arg.default)}"
    words = getattr(arg.convert, "words", ())
    choices = f" ({' | '.join(words)})" if words else ""
    return f"{arg.help or arg.name}{choices}; {default}"


def _shown(value) -> str:
    if isinstance(value, tuple) and len(value) == 2 and value[0] == value[1]:
        return str(value[0])
    if isinstance(value, tuple):
        return "x".join(str(v) for v in value)
    if isinstance(value, bool):
        return str(value).lower()
    return "none" if value is None else str(value)


def _enclosing(lines: list[str], line: int, column: int) -> list[str]:
    """The words of the statements whose `{ }` bodies contain the cursor, outermost first."""
    before = "\n".join([*lines[:line], lines[line][:column]])
    if len(before) > MAX_CONTEXT:
        return []
    code = re.sub(r'"(?:[^"\\\n]|\\.)*"|#[^\n]*', '""', before)
    stack: list[str] = []
    for match in re.finditer(r"([^;{}\n]*)([{}])", code):
        if match.group(2) == "{":
            statement = match.group(1)
            label = _LABEL.match(statement)
            words = (statement[label.end() :] if label else statement).split()
            stack.append(words[0].lower() if words else "")
        elif stack:
            stack.pop()
    return stack


def _statement_starts(enclosing: list[str], blocks: dict[str, Statement]) -> list[types.CompletionItem]:
    inner = enclosing[-1] if enclosing else None
    if inner == "train":
        return [_item(key, types.CompletionItemKind.Field, f"train setting `{key}`") for key in TRAIN_KEYS]
    if inner in MERGE_BY_NAME:
        return [_item("branch", types.CompletionItemKind.Keyword, BRANCH)]
    items = [
        _item(kind.name, types.CompletionItemKind.Function, kind.summary, aliases=kind.names[1:], sort=f"1{kind.name}")
        for kind in KINDS
    ]
    items += [
        _item(kind.name, types.CompletionItemKind.Operator, kind.summary, aliases=kind.names[1:], sort=f"2{kind.name}")
        for kind in MERGES
    ]
    top = not enclosing
    for word, summary in KEYWORDS.items():
        if top or word in ("repeat", "residual"):
            items.append(_item(word, types.CompletionItemKind.Keyword, summary, sort=f"3{word}"))
    if inner == "residual":
        items.append(_item("shortcut", types.CompletionItemKind.Keyword, SHORTCUT, sort="0shortcut"))
    for name, block in blocks.items():
        params = " ".join(v.text for v in block.args[1:])
        detail = f"block {block.args[0].text} {params}".rstrip() + f" (line {block.span.line})"
        items.append(_item(name, types.CompletionItemKind.Class, detail, sort=f"0{name}"))
    return items


def _item(label: str, kind, detail: str, aliases=(), sort: str | None = None) -> types.CompletionItem:
    documentation = detail + (f"\n\nalso written: {', '.join(aliases)}" if aliases else "")
    return types.CompletionItem(
        label=label,
        kind=kind,
        detail=detail,
        documentation=types.MarkupContent(kind=types.MarkupKind.PlainText, value=documentation),
        sort_text=sort,
    )

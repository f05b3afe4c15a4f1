"""What the playground's page shows, computed from the text in its editor: the same checker,
memory model, report and compiler as the command line, as JSON-ready dictionaries.

Nothing here runs code from a spec: a spec is parsed and checked; compiling is string generation.
"""

from __future__ import annotations

from netspec.api import training_memory
from netspec.checker import check_source
from netspec.memory import DEVICES, DTYPE_BYTES, OPTIMIZER_SLOTS
from netspec.report import json_report
from netspec.serve.positions import OffsetTable
from netspec.source import SourceFile
from netspec.units import parse_bytes

DEFAULT_MEMORY = "16GiB"
MAX_BATCH = 2**31 - 1  # as `--batch`
MAX_ROWS = 5_000  # layers sent to the page; a table longer than this is unreadable and slow to draw
KEYWORDS = ("input", "network", "block", "repeat", "residual", "shortcut", "branch", "train")


class OptionsError(ValueError):
    """A memory setting the page sent that the estimate cannot use (a 400 answer)."""


class MemoryOptions:
    """The memory panel's settings. `batch`/`optimizer` None: the spec's train block's, else 1/adam."""

    __slots__ = ("batch", "dtype", "optimizer", "device", "limit")

    def __init__(self, batch: int | None, dtype: str, optimizer: str | None, device: str, limit: int):
        self.batch = batch
        self.dtype = dtype
        self.optimizer = optimizer
        self.device = device
        self.limit = limit

    @classmethod
    def from_json(cls, data: dict) -> MemoryOptions:
        """Validate the page's settings; raises OptionsError with a message for the page."""
        for key in ("dtype", "optimizer", "device", "memory"):
            if data.get(key) is not None and not isinstance(data[key], str):
                raise OptionsError(f"{key}: expected a string")
        batch = data.get("batch")
        if batch in (None, ""):
            batch = None
        elif isinstance(batch, bool) or not isinstance(batch, int) or not 1 <= batch <= MAX_BATCH:
            raise OptionsError(f"batch: expected a whole number from 1 to {MAX_BATCH:,}")
        dtype = data.get("dtype") or "fp32"
        if dtype not in DTYPE_BYTES:
            raise OptionsError(f"dtype: expected one of {', '.join(DTYPE_BYTES)}")
        optimizer = data.get("optimizer") or None
        if optimizer is not None and optimizer not in OPTIMIZER_SLOTS:
            raise OptionsError(f"optimizer: expected one of {', '.join(OPTIMIZER_SLOTS)}")
        device = data.get("device") or "cuda"
        if device not in DEVICES:
            raise OptionsError(f"device: expected one of {', '.join(DEVICES)}")
        memory = data.get("memory") or DEFAULT_MEMORY
        if len(memory) > 40:
            raise OptionsError("memory: expected a size such as 16GiB")
        try:
            limit = parse_bytes(memory)
        except ValueError as error:
            raise OptionsError(f"memory: {error}") from None
        return cls(batch, dtype, optimizer, device, limit)


def analyze(text: str, name: str, options: MemoryOptions) -> dict:
    """The check of `text` as `netspec check --json` reports it (schema 2), plus what the page
    needs: each diagnostic's `from`/`to` editor offsets, each layer's `--explain` lines, the layers
    capped at MAX_ROWS (`layers_total` counts them all)."""
    result = check_source(SourceFile(name, text))
    # The defaults `netspec check` uses (batch and optimizer from the train block) and its
    # memory-limit warning.
    memory = training_memory(
        result,
        batch=options.batch,
        dtype=options.dtype,
        optimizer=options.optimizer,
        device=options.device,
        limit=options.limit,
    )
    report = json_report(result, memory, options.limit)
    report["layers_total"] = len(report["layers"])
    report["layers"] = report["layers"][:MAX_ROWS]
    for entry, layer in zip(report["layers"], result.layers):
        entry["explain"] = list(layer.explain)
    table = OffsetTable(result.source)
    for entry in report["diagnostics"]:
        if entry["line"] is None:
            entry["from"] = entry["to"] = 0
        else:
            entry["from"], entry["to"] = table.range(
                entry["line"], entry["column"], entry["end_line"], entry["end_column"]
            )
    return report


def compile_text(text: str, name: str) -> dict:
    """`{"ok": true, "source": model.py}` or `{"ok": false, "errors": [...]}` (the diagnostics that
    stop compilation, as `netspec compile` prints them)."""
    from netspec.codegen import compile_diagnostics, generate
    from netspec.diagnostics import render_all

    result = check_source(SourceFile(name, text))
    init = compile_diagnostics(result)
    if init is None:
        errors = [d for d in result.diagnostics.sorted() if d.severity == "error"]
        return {"ok": False, "errors": render_all(errors, result.source)}
    return {"ok": True, "source": generate(result, init)}


def kinds() -> dict:
    """Every word the editor can complete: layer kinds and their aliases with a summary, merges,
    statement keywords, and each kind's option names."""
    from netspec.layers import KINDS
    from netspec.layers.merge import MERGES

    entries = []
    for kind in (*KINDS, *MERGES):
        options = [arg.name for arg in getattr(kind, "args", ())]
        for alias in kind.names:
            summary = kind.summary if alias == kind.names[0] else f"{kind.summary} (alias of {kind.names[0]})"
            entries.append({"name": alias, "summary": summary, "options": options})
    return {"kinds": entries, "keywords": list(KEYWORDS)}

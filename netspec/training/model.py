"""The model a run trains: the source `netspec compile` emits, written to a file and imported.

Only code that netspec generated is ever imported (never text from a spec: see netspec.pycode).
The generated class takes `log_probs=True` to return log-probabilities — log_softmax in place of a
final softmax — which is what training feeds to the NLL loss, so no softmax is applied twice.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

from torch import nn

from netspec.checker import CheckResult
from netspec.codegen import generate


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that a reader sees the old file or the whole new one, never a part."""
    part = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        with part.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)


def import_file(path: Path) -> ModuleType:
    """Import a generated model file under a name of its own (two runs never share a module)."""
    digest = hashlib.sha256(str(path.resolve()).encode() + path.read_bytes()).hexdigest()[:16]
    name = f"netspec_model_{digest}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def model_class(module: ModuleType) -> type[nn.Module]:
    """The network class of a generated file: the nn.Module defined there with `log_probabilities`
    (helper classes have none)."""
    found = [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, nn.Module)
        and value.__module__ == module.__name__
        and hasattr(value, "log_probabilities")
    ]
    if len(found) != 1:
        raise RuntimeError(f"{module.__file__} defines {len(found)} network classes; expected one")
    return found[0]


def compiled_model_class(result: CheckResult, path: Path) -> type[nn.Module]:
    """Generate the spec's module into `path` (model.py) and return its network class."""
    source = generate(result)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.is_file() or path.read_text(encoding="utf-8") != source:
        write_atomic(path, source.encode("utf-8"))
    return model_class(import_file(path))


def ends_in_softmax(result: CheckResult) -> bool:
    return bool(result.layers) and result.layers[-1].kind == "softmax"

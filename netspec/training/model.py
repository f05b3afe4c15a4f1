"""The model a run trains: the source `netspec compile` emits, written to a file and imported.

Only code that netspec generated is ever imported (never text from a spec: see netspec.pycode).
The generated class takes `log_probs=True` to return log-probabilities — log_softmax in place of a
final softmax — which is what training feeds to the NLL loss, so no softmax is applied twice.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from torch import nn

from netspec.checker import CheckResult
from netspec.codegen import class_name, generate
from netspec.files import write_text_atomically


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


def compiled_model_class(result: CheckResult, path: Path) -> type[nn.Module]:
    """Generate the spec's module into `path` (model.py) and return its network class."""
    source = generate(result)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.is_file() or path.read_text(encoding="utf-8") != source:
        write_text_atomically(path, source)
    return getattr(import_file(path), class_name(result))

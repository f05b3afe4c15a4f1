"""The model a run trains: the source `netspec compile` emits, compiled from memory.

Only code that netspec has just generated is ever executed (never text from a spec: see
netspec.pycode). The text is compiled with `compile()` and run in a fresh module namespace: nothing
is imported from a file, so no `model.py` or `__pycache__/*.pyc` that a run folder holds (a run
folder may come from someone else) is ever read or executed, and no `__pycache__` is written. The
same text is written to the run folder as `model.py`, for the user only, with the run's
preprocessing and a plain-PyTorch snippet added (netspec.training.portable), so that the folder
works without netspec.

The generated class takes `log_probs=True` to return log-probabilities — log_softmax in place of a
final softmax — which is what training feeds to the NLL loss, so no softmax is applied twice.
"""

from __future__ import annotations

import hashlib
import linecache
import sys
from pathlib import Path
from types import ModuleType

import torch
from torch import nn

from netspec.checker import CheckResult
from netspec.codegen import class_name, generate
from netspec.training.portable import Preprocessing, run_model_source
from netspec.training.run_folder import DamagedRun
from netspec.training.run_writes import write_inside


class ModelFileError(DamagedRun):
    """The run folder's `model.py` is something netspec cannot write over (a folder, say)."""


def module_from_source(source: str, label: str) -> ModuleType:
    """Execute generated `source` in a fresh module, registered as `netspec_model_<sha256>` (two
    different sources never share a module; the same source gives the same module). Its text is
    put in `linecache` under a name that is no file, so tracebacks, `inspect.getsource` and
    TorchScript find it without reading any file."""
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]
    name = f"netspec_model_{digest}"
    if name in sys.modules:
        return sys.modules[name]
    filename = f"<netspec generated model {label} {digest}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    code = compile(source, filename, "exec", dont_inherit=True)
    module = ModuleType(name)
    module.__file__ = filename
    sys.modules[name] = module  # while it runs: classes look their module up by name
    try:
        exec(code, module.__dict__)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def write_model_file(path: Path, source: str) -> None:
    """`model.py` for the user to read, written atomically; never read back. A `model.py` that is
    a folder, a link or a device is an error: the run folder is not as netspec left it. Written
    without following a link (netspec.training.run_writes): one swapped in after the check is
    replaced, and what it names is left alone."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise ModelFileError(f"{path} is not a regular file: the run folder is damaged (move it away and retry)")
    try:
        write_inside(path.parent, path.name, source.encode("utf-8"))
    except DamagedRun as error:
        raise ModelFileError(str(error)) from None


def compiled_model_class(
    result: CheckResult, path: Path | None = None, preprocessing: Preprocessing | None = None
) -> type[nn.Module]:
    """The spec's network class, compiled from the generated text in memory; the text is also
    written to `path` (model.py) when one is given, with the run's `preprocessing` added."""
    source = generate(result)
    name = class_name(result)
    if path is not None:
        written = run_model_source(source, name, preprocessing) if preprocessing is not None else source
        write_model_file(Path(path), written)
    return getattr(module_from_source(source, name), name)


def run_preprocessing(
    result: CheckResult,
    sample_shape: tuple[int, ...],
    dtype: torch.dtype,
    mean: list[float] | None,
    std: list[float] | None,
    resize: tuple[int, int] | None,
    data_name: str = "",
) -> Preprocessing:
    """What a run does to its data (`sample_shape` and `dtype` as the data source gives them), for
    the run's model.py. `resize` applies to images only, as in netspec.training.runner.prepare_data."""
    images = len(sample_shape) == 3
    return Preprocessing(
        input_shape=tuple(result.input_shape),
        mean=tuple(mean) if mean is not None else None,
        std=tuple(std) if std is not None else None,
        resize=tuple(resize) if resize is not None and images else None,
        images=images,
        uint8=dtype == torch.uint8,
        data_name=data_name,
    )

"""netspec: a small language, a static checker and a compiler for convolutional networks.

`netspec check` computes every layer's shape, parameters, MACs, receptive field and training
memory without running anything; `netspec compile` emits a standalone PyTorch module that agrees
with it exactly; `netspec train` trains that module.

From Python (docs/api.md)::

    import netspec
    report = netspec.check("lenet.net")   # a Report: the table in a REPL, HTML in Jupyter
    source = netspec.compile("lenet.net")  # the module's source; SpecError if the spec has errors
    model = netspec.build("lenet.net")     # an instance of that class (imports torch)

The API is loaded on first use (module `__getattr__`, PEP 562): `import netspec` and the command
line's start stay as cheap as the package's docstring.
"""

__version__ = "0.1.0"
__all__ = ["Layer", "Report", "SpecError", "build", "check", "compile"]

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from netspec.api import Layer, Report, SpecError, build, check, compile  # noqa: F401


def __getattr__(name: str):
    if name in __all__:
        from netspec import api

        value = getattr(api, name)
        globals()[name] = value  # looked up once
        return value
    raise AttributeError(f"module 'netspec' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})

"""The `init` setting of a spec's `train { }` block: how the compiled module draws its weights.

    init he               He (Kaiming) normal: std = √(2 / fan_in), for ReLU networks
    init xavier           Glorot (Xavier) normal: std = √(2 / (fan_in + fan_out))
    init normal std=0.01  N(0, std²); std defaults to 0.01
    init truncnormal std=0.1   N(0, std²) cut at ±2·std and redrawn (TensorFlow's truncated_normal)
    init default          PyTorch's own initialization (also when there is no `init`)

Every scheme but `default` draws the weights of convolutions and fc layers and sets their biases
to zero; batch normalization keeps PyTorch's γ = 1, β = 0. The fan-ins and formulas are those of
`torch.nn.init` (He et al. 2015, Glorot & Bengio 2010).

`netspec.train_settings` validates the whole train block and hands its `init` statement here;
the compiler emits the `_init_weights` method from the resulting Init.
"""

from __future__ import annotations

from netspec.diagnostics import Diagnostics
from netspec.layers.args import Arg, ArgError, bind, choice, real
from netspec.pycode import Code, call
from netspec.record import Record
from netspec.syntax import Statement, Value

SCHEMES = ("default", "he", "xavier", "normal", "truncnormal")
WITH_STD = ("normal", "truncnormal")
DEFAULT_STD = 0.01


class Init(Record):
    __slots__ = ("scheme", "std")

    def __init__(self, scheme: str = "default", std: float | None = None):
        self.scheme = scheme
        self.std = std  # for `normal` and `truncnormal`

    def weight_code(self) -> str | None:
        """The statement that draws `module.weight` in the generated file; None for `default`."""
        if self.scheme == "he":
            return 'nn.init.kaiming_normal_(module.weight, nonlinearity="relu")'
        if self.scheme == "xavier":
            return "nn.init.xavier_normal_(module.weight)"
        if self.scheme == "normal":
            return call("nn.init.normal_", Code("module.weight"), std=self.std)
        if self.scheme == "truncnormal":  # torch's a and b are absolute: ±2 std as TensorFlow cuts
            return call("nn.init.trunc_normal_", Code("module.weight"), std=self.std, a=-2 * self.std, b=2 * self.std)
        return None

    def describe(self) -> str:
        """A few words for the generated docstrings (written from parsed values only)."""
        return {
            "default": "PyTorch's defaults",
            "he": "He normal, std sqrt(2/fan_in)",
            "xavier": "Xavier normal, std sqrt(2/(fan_in+fan_out))",
            "normal": f"normal, std {self.std!r}",
            "truncnormal": f"normal cut at 2 std, std {self.std!r}",
        }[self.scheme] + ("" if self.scheme == "default" else "; zero biases")

    def statement(self) -> str:
        """The setting as a spec writes it: `init normal std=0.1`."""
        return f"init {self.scheme}" + (f" std={self.std!r}" if self.scheme in WITH_STD else "")


def _positive(value: Value) -> float:
    number = real(minimum=0.0)(value)
    if number == 0:
        raise ArgError(f"expected a number > 0, got `{value.text}`")
    return number


INIT_ARGS = (
    Arg("scheme", choice(*SCHEMES), positional=True, help="a scheme: he, xavier, normal, truncnormal or default"),
    Arg("std", _positive, default=None),
)


def read_init(statement: Statement, diagnostics: Diagnostics) -> Init | None:
    """The `init` statement of a train block as an Init; None after reporting a located error."""
    values = bind(statement, INIT_ARGS, "init", diagnostics)
    if values is None:
        return None
    scheme, std = values["scheme"], values["std"]
    if std is not None and scheme not in WITH_STD:
        option = statement.option("std")
        diagnostics.error(
            "unknown-option",
            f"`init {scheme}` takes no std (it follows from the layer's fan-in)",
            option.key_span if option else statement.span,
            "remove std=, or use `init normal std=...` or `init truncnormal std=...`",
        )
        return None
    if scheme in WITH_STD and std is None:
        std = DEFAULT_STD
    return Init(scheme, std)

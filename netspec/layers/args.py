"""Standardizing a statement's arguments: positional values and `key=value` options.

A layer kind declares its arguments as a tuple of `Arg`; `bind` checks a statement against them and
returns plain Python values. Converters raise `ArgError` with what was expected and what was
received ("expected a whole number ≥ 1, got 0"), in the manner of Keras' argument checks.
"""

from __future__ import annotations

from netspec.diagnostics import Diagnostics
from netspec.record import Record
from netspec.syntax import Statement, Value

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms of every start)
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

MAX_SIZE = 2**31 - 1  # sizes beyond int32 are mistakes, and PyTorch rejects most of them
REQUIRED = object()


class ArgError(ValueError):
    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint


class Arg(Record):
    """One argument of a statement. `positional` ones may also be written as `name=value`."""

    __slots__ = ("name", "convert", "default", "positional", "help")

    def __init__(
        self,
        name: str,
        convert: Callable[[Value], Any],
        default: Any = REQUIRED,
        positional: bool = False,
        help: str = "",
    ):
        self.name = name
        self.convert = convert
        self.default = default
        self.positional = positional
        self.help = help


def did_you_mean(word: str, choices) -> str | None:
    import difflib  # only mistakes need it: not imported at every start

    matches = difflib.get_close_matches(word.lower(), list(choices), n=1, cutoff=0.6)
    return matches[0] if matches else None


def bind(statement: Statement, args: tuple[Arg, ...], what: str, diagnostics: Diagnostics) -> dict | None:
    """Match a statement's values and options to `args`; report every problem; None if any."""
    ok = True
    bound: dict[str, Any] = {}
    given: set[str] = set()
    positional = [a for a in args if a.positional]
    by_name = {a.name: a for a in args}
    for i, value in enumerate(statement.args):
        if i >= len(positional):  # one error for all the extra values of a statement
            count = len(positional)
            takes = (
                "no values"
                if not count
                else f"{count} value{'s' * (count != 1)} ({', '.join(a.name for a in positional)})"
            )
            extra = len(statement.args) - i
            too_many = "is one too many" if extra == 1 else f"and {extra - 1:,} more are too many"
            shown = value.text if len(value.text) <= 40 else value.text[:37] + "..."
            diagnostics.error(
                "extra-arg",
                f"`{what}` takes {takes}; `{shown}` {too_many}",
                value.span.to(statement.args[-1].span),
                _options_hint(args),
            )
            ok = False
            break
        ok &= _convert_into(bound, positional[i], value, what, diagnostics)
        given.add(positional[i].name)
    for option in statement.options:
        arg = by_name.get(option.key)
        if arg is None:
            guess = did_you_mean(option.key, by_name)
            hint = f"did you mean `{guess}=`?" if guess else _options_hint(args)
            diagnostics.error("unknown-option", f"`{what}` has no option `{option.key}`", option.key_span, hint)
            ok = False
            continue
        if arg.name in bound:
            diagnostics.error("duplicate-option", f"`{arg.name}` is given twice", option.key_span, "keep one")
            ok = False
            continue
        ok &= _convert_into(bound, arg, option.value, what, diagnostics)
        given.add(arg.name)
    for arg in args:
        if arg.name not in bound and arg.name not in given:  # a bad given value is reported once
            if arg.default is REQUIRED:
                diagnostics.error(
                    "missing-arg",
                    f"`{what}` needs {arg.help or arg.name}",
                    statement.span,
                    f"e.g. `{_example(what, args)}`",
                )
                ok = False
            else:
                bound[arg.name] = arg.default
    return bound if ok else None


def _convert_into(bound: dict, arg: Arg, value: Value, what: str, diagnostics: Diagnostics) -> bool:
    try:
        bound[arg.name] = arg.convert(value)
        return True
    except ArgError as error:
        hint = error.hint or (f"{arg.name}: {arg.help}" if arg.help else None)
        diagnostics.error("bad-value", f"`{what}` {arg.name}: {error.message}", value.span, hint)
        return False


def _options_hint(args: tuple[Arg, ...]) -> str:
    names = [a.name for a in args if not a.positional]
    return f"options: {', '.join(n + '=' for n in names)}" if names else "it takes no options"


EXAMPLE_VALUES = {"filters": "16", "kernel": "3x3", "units": "10", "p": "0.5", "size": "5"}


def _example(what: str, args: tuple[Arg, ...]) -> str:
    values = [EXAMPLE_VALUES.get(a.name, "1") for a in args if a.positional and a.default is REQUIRED]
    return " ".join([what, *values])


# --- converters --------------------------------------------------------------------------------


def _got(value: Value) -> str:
    text = value.text if len(value.text) <= 40 else value.text[:37] + "..."
    return f"got `{text}`"


def _whole_number(value: Value) -> int | None:
    """The whole number a value writes: `64`, and also `1e3` or `64.0` (a float with no fraction,
    exact below 2**53, far beyond MAX_SIZE); None for anything else."""
    number = value.number
    if isinstance(number, float) and number.is_integer() and abs(number) <= 2**53:
        return int(number)
    return number if isinstance(number, int) else None


def whole(minimum: int = 1, maximum: int = MAX_SIZE) -> Callable[[Value], int]:
    def convert(value: Value) -> int:
        number = _whole_number(value)
        if number is None and isinstance(value.number, float) and value.number.is_integer():
            raise ArgError(f"expected a whole number ≤ {maximum:,}, {_got(value)}")
        if number is None or number < minimum:
            raise ArgError(f"expected a whole number ≥ {minimum}, {_got(value)}")
        if number > maximum:
            raise ArgError(f"expected a whole number ≤ {maximum:,}, {_got(value)}")
        return number

    return convert


def pair(minimum: int = 1, maximum: int = MAX_SIZE) -> Callable[[Value], tuple[int, int]]:
    """`3` → (3, 3); `3x5` → (3, 5) (height x width)."""

    def convert(value: Value) -> tuple[int, int]:
        dims = value.dims
        if dims is None and value.kind == "number" and _whole_number(value) is not None:
            dims = (_whole_number(value),)  # `1e1` is a 10x10 kernel as `10` is
        if dims is None or len(dims) not in (1, 2) or any(d < minimum for d in dims):
            raise ArgError(f"expected N or HxW with whole numbers ≥ {minimum}, {_got(value)}")
        if any(d > maximum for d in dims):
            raise ArgError(f"expected sizes ≤ {maximum:,}, {_got(value)}")
        return (dims[0], dims[0]) if len(dims) == 1 else (dims[0], dims[1])

    return convert


def padding(allow_valid: bool = True) -> Callable[[Value], tuple[int, int] | str]:
    """`P`, `PxP`, `same` or `valid` (= 0)."""
    to_pair = pair(minimum=0)

    def convert(value: Value):
        if value.kind == "word":
            word = value.text.lower()
            if word == "same":
                return "same"
            if word == "valid" and allow_valid:
                return (0, 0)
            words = "same or valid" if allow_valid else "same"
            raise ArgError(f"expected a number, HxW, or {words}, {_got(value)}")
        return to_pair(value)

    convert.words = ("same", "valid") if allow_valid else ("same",)  # the words it takes (editor completion)
    return convert


def boolean(value: Value) -> bool:
    word = value.text.lower()
    if word in ("true", "yes", "on", "1"):
        return True
    if word in ("false", "no", "off", "0"):
        return False
    raise ArgError(f"expected true or false, {_got(value)}")


boolean.words = ("true", "false")  # the words it takes (editor completion)


FLOAT32_MAX = 3.4028234663852886e38  # the largest float32: PyTorch turns a layer's scalar into one
FLOAT32_TINY = 1.1754943508222875e-38  # the smallest normal float32; below it a scalar loses precision or is 0


def real(
    minimum: float | None = None, maximum: float | None = None, below: float | None = None, above: float | None = None
):
    """A finite real number in [minimum, maximum] (or [minimum, below) when `below` is given, (above,
    …] when `above` is), whose size a float32 holds: PyTorch converts a module's scalar (an ELU's
    alpha, a leaky ReLU's slope) to the tensor's float32 and fails with "value cannot be converted to
    type float without overflow" beyond FLOAT32_MAX; a value written non-zero but under FLOAT32_TINY
    (`1e-400`, which Python reads as 0.0) is refused rather than silently made 0."""

    def convert(value: Value) -> float:
        number = value.number
        if number is None:
            raise ArgError(f"expected a number, {_got(value)}")
        if minimum is not None and number < minimum:
            raise ArgError(f"expected a number ≥ {minimum:g}, {_got(value)}")
        if maximum is not None and number > maximum:
            raise ArgError(f"expected a number ≤ {maximum:g}, {_got(value)}")
        if below is not None and number >= below:
            raise ArgError(f"expected a number < {below:g}, {_got(value)}")
        if abs(number) > FLOAT32_MAX:
            raise ArgError(
                f"expected a number a float32 holds (at most {FLOAT32_MAX:.4g}), {_got(value)}",
                "PyTorch turns the value into a float32 when the layer runs, and this one overflows",
            )
        if abs(number) < FLOAT32_TINY and (number != 0 or _written_non_zero(value.text)):
            raise ArgError(
                f"expected 0 or a number a float32 holds (at least {FLOAT32_TINY:.3g}), {_got(value)}",
                "a float32 cannot hold so small a value: it would become 0 or lose its precision",
            )
        if above is not None and number <= above:
            raise ArgError(f"expected a number > {above:g}, {_got(value)}")
        return float(number)

    return convert


def _written_non_zero(text: str) -> bool:
    """Whether a number's text has a non-zero digit before its exponent (`1e-400` does; `0.0e5` does not)."""
    mantissa = text.lower().split("e", 1)[0]
    return any(ch in "123456789" for ch in mantissa)


def choice(*words: str) -> Callable[[Value], str]:
    def convert(value: Value) -> str:
        word = value.string.lower()
        if word not in words:
            guess = did_you_mean(word, words)
            raise ArgError(
                f"expected one of {', '.join(words)}, {_got(value)}", f"did you mean `{guess}`?" if guess else None
            )
        return word

    convert.words = words  # the words it takes (editor completion)
    return convert


def text(value: Value) -> str:
    return value.string

"""Integer arithmetic in values: `width*4`, `blocks-1`, `(a+b)/2`, `64*2`.

An expression is written without spaces (the grammar's operators must touch what they join) and
uses whole numbers and block parameters with `+ − * /` and parentheses, `*` and `/` binding tighter,
left to right otherwise. `/` must divide exactly: a network's sizes are whole numbers, and a
silent floor would hide a mistake. Evaluation happens when a block's body is instantiated with the
values of one call, so the same `conv width*4 1x1` gives 256 in one call and 512 in another.
"""

from __future__ import annotations

from netspec.diagnostics import Diagnostics
from netspec.record import Record
from netspec.source import Span

LIMIT = 2**62  # far above any size netspec accepts; keeps `a*a*a*…` from growing without bound


class Binary(Record):
    """`left op right`; operands are `syntax.Value`s (kind "expr" for nested operations)."""

    __slots__ = ("op", "left", "right", "op_span")

    def __init__(self, op: str, left, right, op_span: Span):
        self.op = op
        self.left = left
        self.right = right
        self.op_span = op_span


class ExpressionError(ValueError):
    def __init__(self, message: str, span: Span, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.span = span
        self.hint = hint


def names(value) -> set[str]:
    """The parameter names an expression (or a plain word) refers to."""
    if value.kind == "word":
        return {value.text}
    if value.kind != "expr":
        return set()
    if isinstance(value.expr, Binary):
        return names(value.expr.left) | names(value.expr.right)
    return names(value.expr)  # a parenthesized value


def evaluate(value, env: dict, diagnostics: Diagnostics):
    """The value with its expression computed in `env` (parameter → Value), as a number Value;
    None after reporting an error at the offending part."""
    from netspec.syntax import Value

    try:
        number = _evaluate(value, env)
    except ExpressionError as error:
        diagnostics.error("bad-expression", error.message, error.span, error.hint)
        return None
    return Value("number", str(number), value.span)


def _evaluate(value, env: dict) -> int:
    if value.kind == "expr":
        if not isinstance(value.expr, Binary):
            return _evaluate(value.expr, env)
        left, right = _evaluate(value.expr.left, env), _evaluate(value.expr.right, env)
        return _apply(value.expr.op, left, right, value)
    if value.kind == "word":
        bound = env.get(value.text)
        if bound is None:
            from netspec.layers.args import did_you_mean

            guess = did_you_mean(value.text, env)
            hint = f"did you mean `{guess}`?" if guess else _names_hint(env)
            raise ExpressionError(f"`{value.text}` is not a block parameter here", value.span, hint)
        number = bound.number if bound.kind != "expr" else None
        if not isinstance(number, int):
            raise ExpressionError(
                f"`{value.text}` is `{bound.text}` here, not a whole number",
                value.span,
                "arithmetic takes whole numbers",
            )
        return number
    number = value.number
    if isinstance(number, int):
        return number
    raise ExpressionError(
        f"`{value.text}` cannot take part in arithmetic",
        value.span,
        "arithmetic takes whole numbers and block parameters",
    )


def _apply(op: str, left: int, right: int, value) -> int:
    if op == "+":
        result = left + right
    elif op == "-":
        result = left - right
    elif op == "*":
        result = left * right
    else:
        if right == 0:
            raise ExpressionError(f"`{value.text}` divides by zero", value.span)
        if left % right:
            raise ExpressionError(
                f"`{value.text}`: {left} / {right} is not a whole number",
                value.span,
                f"sizes are whole numbers: make {left} a multiple of {right}",
            )
        result = left // right
    if abs(result) > LIMIT:
        raise ExpressionError(f"`{value.text}` is too large ({abs(result):.3g})", value.span)
    return result


def _names_hint(env: dict) -> str:
    if not env:
        return "only numbers and the parameters of the enclosing block can be used here"
    return "the parameters here: " + ", ".join(env)

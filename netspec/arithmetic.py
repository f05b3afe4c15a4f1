"""The arithmetic of convolution and pooling layers: pure functions of integers.

Every function works on one spatial axis. Notation follows the PyTorch documentation of
`torch.nn.Conv2d` and `torch.nn.MaxPool2d`: input size `n`, kernel `k`, stride `s`, padding `p`
on each side (or `p_begin`/`p_end`), dilation `d`.
"""

from __future__ import annotations

from netspec.record import Record

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms of every start)
if TYPE_CHECKING:
    from fractions import Fraction


def effective_kernel(k: int, d: int = 1) -> int:
    """A dilated kernel covers `d·(k − 1) + 1` input cells (PyTorch Conv2d docs)."""
    return d * (k - 1) + 1


def exact_output_size(n: int, k: int, s: int, p_begin: int, p_end: int, d: int = 1) -> Fraction:
    """`(n + p_begin + p_end − d·(k − 1) − 1) / s + 1` before rounding (cs231n, PyTorch Conv2d docs)."""
    from fractions import Fraction  # only warnings need it: not imported at every start

    return Fraction(n + p_begin + p_end - effective_kernel(k, d), s) + 1


def decimal_text(value: Fraction) -> str:
    """A fraction written exactly in decimals when it has a short expansion (`54.25`,
    `49999998.5`), else to six decimals (`4.333333…`); never in floating point's `5e+07`."""
    whole, rest = divmod(value.numerator, value.denominator)
    if not rest:
        return str(whole)
    digits = ""
    for _ in range(6):
        rest *= 10
        digit, rest = divmod(rest, value.denominator)
        digits += str(digit)
        if not rest:
            return f"{whole}.{digits}"
    return f"{whole}.{digits}…"


def floor_output_size(n: int, k: int, s: int, p_begin: int, p_end: int, d: int = 1) -> int:
    """`⌊(n + p_begin + p_end − d·(k − 1) − 1) / s⌋ + 1`: what Conv2d and floor-mode pooling give."""
    return (n + p_begin + p_end - effective_kernel(k, d)) // s + 1


def ceil_pool_output_size(n: int, k: int, s: int, p: int, d: int = 1) -> int:
    """Pooling with `ceil_mode=True`: `⌈(n + 2p − d·(k − 1) − 1) / s⌉ + 1`, minus one when the
    last window would start in the right padding (PyTorch `pooling_output_shape`, ATen Pool.h)."""
    span = n + 2 * p - effective_kernel(k, d)
    out = -(-span // s) + 1
    if (out - 1) * s >= n + p:
        out -= 1
    return out


def same_output_size(n: int, s: int) -> int:
    """TensorFlow SAME padding: `⌈n / s⌉` for every kernel size (TF `conv2d` docs)."""
    return -(-n // s)


def same_padding(n: int, k: int, s: int, d: int = 1) -> tuple[int, int]:
    """TensorFlow SAME padding on one axis as (before, after): the total
    `max((⌈n/s⌉ − 1)·s + d·(k − 1) + 1 − n, 0)` split with the odd cell after (bottom/right)."""
    total = max((same_output_size(n, s) - 1) * s + effective_kernel(k, d) - n, 0)
    return total // 2, total - total // 2


def unused_input_cells(n: int, k: int, s: int, p_begin: int, p_end: int, d: int = 1) -> int:
    """Cells at the end (bottom/right) of the padded input that no window covers in floor mode:
    `(n + p_begin + p_end − d·(k − 1) − 1) mod s`. Padding cells count too."""
    return (n + p_begin + p_end - effective_kernel(k, d)) % s


def exact_inputs_near(n: int, k: int, s: int, p: int, d: int = 1) -> tuple[int, int]:
    """The nearest input sizes below and above `n` for which floor mode loses nothing."""
    rest = (n + 2 * p - effective_kernel(k, d)) % s
    below = n - rest
    above = n + (s - rest) % s
    return below, above


def exact_paddings(n: int, k: int, s: int, d: int = 1, limit: int | None = None) -> list[int]:
    """Symmetric paddings `p ≤ limit` (default: the kernel size) for which the kernel fits and
    floor mode loses nothing."""
    k_eff = effective_kernel(k, d)
    limit = k_eff if limit is None else limit
    return [p for p in range(limit + 1) if n + 2 * p >= k_eff and (n + 2 * p - k_eff) % s == 0]


class ReceptiveField(Record):
    """Receptive field size and jump (effective stride, in input pixels) of one feature, per axis.

    Recurrence (Araujo et al., "Computing Receptive Fields of Convolutional Neural Networks",
    Distill 2019): `r_out = r_in + (k_eff − 1)·j_in`, `j_out = j_in·s`. Upsampling and transposed
    convolutions have a stride below 1 (a `Fraction`, 1/S: S outputs per input step), so after
    them the jump, and the receptive field measured in input pixels, may be fractions too; both
    are kept exact and are whole numbers again as soon as they can be.
    """

    __slots__ = ("size", "jump")

    def __init__(self, size, jump):
        self.size = size  # int or Fraction
        self.jump = jump

    def through(self, k_eff, s) -> ReceptiveField:
        return ReceptiveField(_whole(self.size + (k_eff - 1) * self.jump), _whole(self.jump * s))


def _whole(value):
    """A Fraction that is a whole number as an int; anything else as it is."""
    if isinstance(value, int):
        return value
    return int(value) if value.denominator == 1 else value


def conv_params(c_in: int, c_out: int, kh: int, kw: int, groups: int, bias: bool) -> int:
    """Weights `c_out·(c_in/groups)·kh·kw` plus `c_out` biases (shape of Conv2d.weight)."""
    return c_out * (c_in // groups) * kh * kw + (c_out if bias else 0)


def conv_macs(c_in: int, c_out: int, kh: int, kw: int, groups: int, oh: int, ow: int) -> int:
    """One multiply-accumulate per weight per output position: `oh·ow·c_out·(c_in/groups)·kh·kw`
    (fvcore's conv count; bias additions are not counted)."""
    return oh * ow * c_out * (c_in // groups) * kh * kw


def linear_params(n_in: int, n_out: int, bias: bool) -> int:
    """`n_in·n_out` weights plus `n_out` biases (shape of Linear.weight)."""
    return n_in * n_out + (n_out if bias else 0)


def linear_macs(n_in: int, n_out: int) -> int:
    """`n_in·n_out` multiply-accumulates per sample (fvcore's addmm count)."""
    return n_in * n_out

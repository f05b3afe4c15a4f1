"""The arithmetic of layers that resample: transposed convolution, upsampling, adaptive pooling.

Pure functions of integers on one spatial axis, in the notation of `netspec.arithmetic`: input size
`n`, kernel `k`, stride `s`, padding `p` on each side, dilation `d`, output size `out`.

A receptive-field window is `(k_eff, jump)` for the recurrence `r_out = r_in + (k_eff − 1)·j_in`,
`j_out = j_in·jump` (Araujo et al., Distill 2019). Layers that enlarge their input have a
fractional jump (`1/s`), a `fractions.Fraction`; a jump that is a whole number is an `int`, so
that layers which do not resample keep integer jumps. `fractions` is imported only when a fraction
is made (start-up time, as in netspec.arithmetic).
"""

from __future__ import annotations

from math import gcd

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms of every start)
if TYPE_CHECKING:
    from fractions import Fraction


def ratio(numerator: int, denominator: int) -> int | Fraction:
    """`numerator / denominator` exactly: an int when it is whole, else a Fraction."""
    if numerator % denominator == 0:
        return numerator // denominator
    from fractions import Fraction

    return Fraction(numerator, denominator)


# --- transposed convolution (torch.nn.ConvTranspose2d) -----------------------------------------


def transposed_output_size(n: int, k: int, s: int, p: int, outpad: int = 0, d: int = 1) -> int:
    """`(n − 1)·s − 2p + d·(k − 1) + outpad + 1` (PyTorch ConvTranspose2d docs, "Shape"): the size
    of the input of the Conv2d whose gradient this is, plus `outpad` cells at the bottom/right.
    Below 1 when the padding crops more than there is; PyTorch raises "Output size is too small"."""
    return (n - 1) * s - 2 * p + d * (k - 1) + outpad + 1


def output_padding_allowed(outpad: int, s: int, d: int = 1) -> bool:
    """PyTorch accepts an output padding smaller than the stride or than the dilation, axis by axis
    (ATen Convolution.cpp: "output padding must be smaller than either stride or dilation")."""
    return outpad < s or outpad < d


def transposed_window(k: int, s: int, d: int = 1) -> int:
    """The most consecutive input cells one output of a transposed convolution reads.

    Output `o` gets tap `j` (0 ≤ j < k) of input `i` when `i·s − p + j·d = o`, so it reads the
    inputs `i = (o + p − j·d) / s` for the taps where that division is exact. Adding `s` to `o`
    adds 1 to every such `i`: only `r = (o + p) mod s` matters, and the taps that meet residue `r`
    are `j ≡ j₀ (mod s/g)` with `g = gcd(d, s)`; consecutive ones are `d/g` inputs apart. Residue
    0 has tap `j₀ = 0` and so the most taps, `⌊(k − 1)·g / s⌋ + 1`, spanning
    `⌊(k − 1)·g / s⌋·(d/g) + 1` inputs. With `s = 1` that is the dilated kernel `d·(k − 1) + 1`.
    """
    g = gcd(d, s)
    return (k - 1) // (s // g) * (d // g) + 1


def transposed_rf_window(k: int, s: int, d: int = 1) -> tuple[int, int | Fraction]:
    """`(transposed_window, 1/s)`: each input cell spreads over `s` output cells."""
    return transposed_window(k, s, d), ratio(1, s)


def transposed_macs(c_in: int, c_out: int, kh: int, kw: int, groups: int, h: int, w: int) -> int:
    """One multiply-accumulate per weight per *input* position, `h·w·c_in·(c_out/groups)·kh·kw`:
    every input cell is scattered through the whole kernel (torch.utils.flop_counter's
    transposed-convolution count; bias additions are not counted)."""
    return h * w * c_in * (c_out // groups) * kh * kw


def transposed_params(c_in: int, c_out: int, kh: int, kw: int, groups: int, bias: bool) -> int:
    """Weights `c_in·(c_out/groups)·kh·kw` (ConvTranspose2d.weight is in x out/groups x kh x kw)
    plus `c_out` biases."""
    return c_in * (c_out // groups) * kh * kw + (c_out if bias else 0)


# --- upsampling (torch.nn.Upsample, whole scale factors) --------------------------------------


def upsample_window(s: int, mode: str) -> tuple[int, int | Fraction]:
    """The receptive-field window of upsampling by a whole factor `s`.

    nearest: output `o` copies input `⌊o / s⌋`, one cell. bilinear with align_corners=False
    (PyTorch's `area_pixel_compute_source_index`): output `o` reads the source position
    `x = max((o + ½)/s − ½, 0)`, interpolating inputs `⌊x⌋` and `⌊x⌋ + 1`: two cells for `s > 1`;
    at `s = 1`, `x = o` and the output is the input. The jump is `1/s` either way.
    """
    cells = 2 if mode == "bilinear" and s > 1 else 1
    return cells, ratio(1, s)


# --- adaptive pooling (torch.nn.AdaptiveAvgPool2d, AdaptiveMaxPool2d) -------------------------


def adaptive_bin(i: int, n: int, out: int) -> tuple[int, int]:
    """Output cell `i` pools input cells `[⌊i·n/out⌋, ⌈(i + 1)·n/out⌉)` (ATen AdaptivePooling.h,
    `start_index` and `end_index`): bins may overlap when `out` does not divide `n`."""
    return i * n // out, -(-(i + 1) * n // out)


def adaptive_bins(n: int, out: int) -> list[tuple[int, int]]:
    """Every bin `[start, end)` of an axis of `n` cells pooled to `out`."""
    return [adaptive_bin(i, n, out) for i in range(out)]


def adaptive_largest_bin(n: int, out: int) -> int:
    """The largest bin, without listing them all.

    With `n = q·out + rem` and `a = i·n mod out`, bin `i` has `q + ⌈(a + rem) / out⌉` cells; `a`
    takes every multiple of `g = gcd(n, out)` below `out`. So: `q` when `out` divides `n`, else
    `q + 1`, or `q + 2` when `rem > g` (the residue `a = out − g` then carries the bin over two
    boundaries), e.g. 5 → 3 gives bins of 2, 3, 2.
    """
    q, rem = divmod(n, out)
    if rem == 0:
        return q
    return q + 1 + (rem > gcd(n, out))


def adaptive_rf_window(n: int, out: int) -> tuple[int, int | Fraction]:
    """`(largest bin, n/out)`: bins start every `n/out` input cells on average."""
    return adaptive_largest_bin(n, out), ratio(n, out)

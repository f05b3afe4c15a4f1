"""Issue #20: what `check` accepts, the compiled module runs.

`batchnorm eps=0` (or `1e-400`, which Python reads as 0.0), `elu 1e308`, `leakyrelu 3.5e38` were
clean to the checker while PyTorch refused them at run time ("value cannot be converted to type
float without overflow") or divided by zero. A layer's real-valued option is now bounded to what a
float32 holds, `eps` must be > 0, and a whole number may be written `1e3`.

The property below builds each PyTorch module directly (not through netspec) and asserts that
every value the checker accepts runs; the located errors are checked one by one.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import netspec
from netspec.api import SpecError

torch = pytest.importorskip("torch")


def diagnostics(text: str) -> list:
    return netspec.check(text).diagnostics


@pytest.mark.parametrize(
    ("line", "column", "message"),
    [
        ("batchnorm eps=0", 15, "`batchnorm` eps: expected a number > 0, got `0`"),
        ("batchnorm eps=1e-400", 15, "`batchnorm` eps: expected 0 or a number a float32 holds (at least 1.18e-38)"),
        ("elu 1e308", 5, "`elu` alpha: expected a number a float32 holds (at most 3.403e+38), got `1e308`"),
        ("leakyrelu 3.5e38", 11, "`leakyrelu` slope: expected a number a float32 holds"),
        ("leakyrelu 1e-50", 11, "`leakyrelu` slope: expected 0 or a number a float32 holds"),
        ("lrn size=3 k=1e39", 14, "`lrn` k: expected a number a float32 holds"),
    ],
)
def test_a_value_torch_cannot_run_is_a_located_error(line, column, message):
    found = diagnostics(f"input 3x8x8\nconv 4 3\n{line}\nfc 2\n")
    assert len(found) == 1, found
    error = found[0]
    assert error.code == "bad-value" and message in error.message
    assert (error.span.line, error.span.column) == (3, column)
    assert error.hint


def test_the_eps_hint_leads_to_a_network_that_runs():
    """The hint names PyTorch's default; written in, the spec checks clean and its module runs."""
    [error] = diagnostics("input 3x8x8\nconv 4 3\nbatchnorm eps=0\nfc 2\n")
    assert "1e-5" in error.hint
    fixed = "input 3x8x8\nconv 4 3\nbatchnorm eps=1e-5\nfc 2\n"
    assert netspec.check(fixed).ok
    model = netspec.build(fixed)
    out = model(torch.randn(4, 3, 8, 8))
    assert out.shape == (4, 2) and bool(torch.isfinite(out).all())


def test_a_whole_number_may_be_written_with_an_exponent():
    """`conv 1e3 3` said "expected a whole number" (1e3 is one); it now means `conv 1000 3`."""
    written = netspec.check("input 3x8x8\nconv 1e1 3\nconv 16 1e0\nfc 1e2\n")
    plain = netspec.check("input 3x8x8\nconv 10 3\nconv 16 1\nfc 100\n")
    assert written.ok
    assert [layer.output for layer in written.layers] == [layer.output for layer in plain.layers]
    assert written.params == plain.params
    assert "nn.Conv2d(3, 10, kernel_size=3)" in netspec.compile("input 3x8x8\nconv 1e1 3\n")


@pytest.mark.parametrize("written", ["2.5", "1e-1", "1e30"])
def test_a_number_that_is_not_a_whole_one_in_range_is_still_refused(written):
    [error] = diagnostics(f"input 3x8x8\nconv {written} 3\n")
    assert error.code == "bad-value" and "whole number" in error.message


def _torch_runs(module) -> bool:
    """Whether PyTorch runs `module` forward and backward on a small float32 batch (a huge slope
    may overflow to inf: that is arithmetic, not a module that cannot run)."""
    x = torch.randn(4, 3, 6, 6, requires_grad=True)
    try:
        module.train()(x).sum().backward()
    except (RuntimeError, ValueError, OverflowError):
        return False
    return True


MODULES = {
    "elu": lambda v: torch.nn.ELU(alpha=v),
    "leakyrelu": lambda v: torch.nn.LeakyReLU(negative_slope=v),
    "batchnorm eps=": lambda v: torch.nn.BatchNorm2d(3, eps=v),
}
MAGNITUDES = st.builds(
    lambda mantissa, exponent: f"{mantissa}e{exponent}",
    st.sampled_from(["1", "3.5", "9.99"]),
    st.integers(-420, 420),
)


@settings(max_examples=120, deadline=None)
@given(st.sampled_from(sorted(MODULES)), MAGNITUDES)
def test_accepted_scalars_run_in_torch(kind, written):
    """Checker-clean ⇒ PyTorch runs it; the checker never accepts a value PyTorch refuses."""
    separator = "" if kind.endswith("=") else " "
    try:
        accepted = netspec.check(f"input 3x6x6\n{kind}{separator}{written}\n").ok
    except SpecError:
        accepted = False
    value = float(written)
    runs = math.isfinite(value) and _torch_runs(MODULES[kind](value))
    if accepted:
        assert runs, f"{kind}{separator}{written} checks clean but PyTorch fails on it"

"""The exact receptive field of one unit (netspec/draw/footprint.py) against PyTorch's autograd: the
input pixels whose gradient is non-zero for that unit, in networks of random convolutions and
pools (positive weights and inputs, so nothing cancels), and against the checker's RF size."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from netspec import resources
from netspec.checker import check_text
from netspec.draw.footprint import ALL, field, window_input

torch = pytest.importorskip("torch")
from reference_torch import tf_same_pads as same_pads  # noqa: E402  (needs torch)

F = torch.nn.functional


@st.composite
def window_layers(draw):
    kind = draw(st.sampled_from(["conv", "conv", "maxpool", "avgpool", "relu"]))
    if kind == "relu":
        return ("relu", {})
    k = draw(st.integers(1, 5) if kind == "conv" else st.integers(2, 3))
    s = draw(st.integers(1, 3))
    d = draw(st.integers(1, 2)) if kind == "conv" else 1
    same = draw(st.booleans()) and kind == "conv"
    p = draw(st.integers(0, k // 2))
    return (kind, {"k": k, "s": s, "d": d, "p": "same" if same else p})


def spec_text(size: int, layers: list) -> str:
    lines = [f"input 1x{size}x{size}"]
    for kind, o in layers:
        if kind == "relu":
            lines.append("relu")
        elif kind == "conv":
            lines.append(f"conv 1 {o['k']}x{o['k']} stride={o['s']} pad={o['p']} dilation={o['d']}")
        else:
            lines.append(f"{kind} {o['k']} stride={o['s']} pad={o['p']}")
    return "\n".join(lines) + "\n"


def torch_support(size: int, layers: list, unit: tuple[int, int]):
    """First and last rows and columns of the input that output cell `unit` depends on, by
    autograd; None when it depends on none (it reads only padding)."""
    x = (torch.rand(1, 1, size, size, dtype=torch.float64) + 0.1).requires_grad_()
    y = x
    for kind, o in layers:
        if kind == "relu":
            y = F.relu(y)
            continue
        if o["p"] == "same":
            before, after = same_pads(y.shape[-1], o["k"], o["s"], o["d"])
            y = F.pad(y, (before, after, before, after))
            pad = 0
        else:
            pad = o["p"]
        if kind == "conv":
            weight = torch.ones(1, 1, o["k"], o["k"], dtype=torch.float64)
            y = F.conv2d(y, weight, stride=o["s"], padding=pad, dilation=o["d"])
        else:  # the window is what matters: an average pool reads every cell of it (a max pool only one)
            y = F.avg_pool2d(y, o["k"], stride=o["s"], padding=pad)
    y[0, 0, unit[0], unit[1]].backward()
    grad = x.grad[0, 0]
    rows = torch.nonzero(grad.abs().sum(1)).flatten().tolist()
    cols = torch.nonzero(grad.abs().sum(0)).flatten().tolist()
    return ((rows[0], rows[-1]), (cols[0], cols[-1])) if rows else None


@given(st.integers(6, 40), st.lists(window_layers(), min_size=1, max_size=4), st.data())
def test_the_field_of_a_unit_is_what_autograd_says_it_reads(size, layers, data):
    result = check_text(spec_text(size, layers), "f.net")
    assume(result.ok)
    last = result.layers[-1]
    unit = (data.draw(st.integers(0, last.output[1] - 1)), data.draw(st.integers(0, last.output[2] - 1)))
    exact = field(result, last, unit)
    support = torch_support(size, layers, unit)
    if exact is None:  # the unit reads only padding
        assert support is None
        return
    dilated = any(o.get("d", 1) > 1 for _, o in layers)
    if dilated and support is None:  # the taps are padding, the cells between them skipped
        return
    assert support is not None
    rows, cols = support
    if dilated:  # the field is the taps' bounding box: it may hold skipped cells at its edges
        assert exact[0][0] <= rows[0] <= rows[1] <= exact[0][1]
        assert exact[1][0] <= cols[0] <= cols[1] <= exact[1][1]
    else:
        assert (rows, cols) == exact
    # the checker's r counts padding cells too
    assert exact[0][1] - exact[0][0] + 1 <= last.rf[0] and exact[1][1] - exact[1][0] + 1 <= last.rf[1]


@given(
    st.integers(0, 50), st.integers(0, 50), st.integers(1, 7), st.integers(1, 4), st.integers(0, 3), st.integers(1, 3)
)
def test_window_input_formula(a, extra, k, s, p, d):
    b = a + extra
    first, last = window_input(a, b, k, s, p, d)
    # independent: the first tap of window a and the last tap of window b
    assert first == a * s - p and last == b * s - p + (k - 1) * d


def test_shipped_specs_fields_are_at_most_the_checkers_sizes():
    for path in resources.bundled_specs():
        result = check_text(path.read_text(encoding="utf-8"), path.name)
        for report in result.layers:
            if len(report.output) != 3 or report.rf is None:
                continue
            exact = field(result, report, (report.output[1] // 2, report.output[2] // 2))
            if exact is None or exact == ALL:
                continue
            (r0, r1), (c0, c1) = exact
            assert r1 - r0 + 1 <= report.rf[0] and c1 - c0 + 1 <= report.rf[1], (path.name, report.name)
    alexnet = check_text((resources.specs_dir() / "alexnet.net").read_text(encoding="utf-8"), "alexnet.net")
    conv5 = next(r for r in alexnet.layers if r.name == "conv5")
    assert field(alexnet, conv5, (6, 6)) == ((32, 194), (32, 194))  # 163 = the checker's RF: no padding reached
    assert conv5.rf == (163, 163)


def test_a_layer_after_global_pooling_sees_everything_and_upsampling_falls_back():
    result = check_text("input 3x16x16\nconv 4 3x3\nglobalavgpool\nconv 2 1x1\n", "g.net")
    assert field(result, result.layers[-1], (0, 0)) == ALL
    result = check_text("input 3x16x16\nconv 4 3x3\nupsample 2\nconv 2 3x3\n", "u.net")
    assert field(result, result.layers[-1], (3, 3)) is None
    assert not math.isnan(result.layers[-1].rf[0])

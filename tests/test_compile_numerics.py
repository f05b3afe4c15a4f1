"""The compiled layers compute what TensorFlow's SAME padding and L2 pooling mean, checked against
plain numpy references written here from the definitions (loops over windows, float64).

SAME (TensorFlow `tf.nn.conv2d` / `max_pool` docs): the output has ⌈n / s⌉ cells; the total
padding `max((out − 1)·s + d·(k − 1) + 1 − n, 0)` is split with the odd cell after (bottom/right).
Max pooling never picks a padded cell, average pooling divides by the number of real cells in the
window, convolution pads with zeros. L2 pooling is √(Σ x²) over the window (zeros for padding).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from compile_support import compile_text, load_module, network_class
from reference_torch import tf_same_pads as same_pads

RNG = np.random.default_rng(7)


def output_size(n: int, k: int, s: int, before: int, after: int, ceil: bool) -> int:
    span = n + before + after - k
    if not ceil:
        return span // s + 1
    out = -(-span // s) + 1
    return out - 1 if (out - 1) * s >= n + before else out  # PyTorch: no window starts in the padding


def windows(x: np.ndarray, k, s, pads, ceil=False, d=(1, 1)):
    """For each output cell (i, j): the input cells of its window as (values, real) lists, where
    `real` is False for padding cells. x is (N, C, H, W)."""
    _, _, h, w = x.shape
    (top, bottom), (left, right) = pads
    k_eff = (d[0] * (k[0] - 1) + 1, d[1] * (k[1] - 1) + 1)
    oh = output_size(h, k_eff[0], s[0], top, bottom, ceil)
    ow = output_size(w, k_eff[1], s[1], left, right, ceil)
    out = {}
    for i in range(oh):
        for j in range(ow):
            cells = []
            for u in range(k[0]):
                for v in range(k[1]):
                    r, c = i * s[0] - top + u * d[0], j * s[1] - left + v * d[1]
                    if r >= h + bottom or c >= w + right:  # beyond the padded input (ceil mode)
                        continue
                    real = 0 <= r < h and 0 <= c < w
                    cells.append((x[:, :, r, c] if real else np.zeros(x.shape[:2]), real, u, v))
            out[i, j] = cells
    return out, (oh, ow)


def reduce(x, k, s, pads, combine, ceil=False):
    cells_at, (oh, ow) = windows(x, k, s, pads, ceil)
    result = np.zeros((*x.shape[:2], oh, ow))
    for (i, j), cells in cells_at.items():
        result[:, :, i, j] = combine(cells)
    return result


def max_ref(x, k, s, pads, ceil=False):
    return reduce(x, k, s, pads, lambda cells: np.max([v for v, real, *_ in cells if real], axis=0), ceil)


def avg_same_ref(x, k, s, pads):
    return reduce(x, k, s, pads, lambda cells: np.mean([v for v, real, *_ in cells if real], axis=0))


def avg_include_pad_ref(x, k, s, pads):
    return reduce(x, k, s, pads, lambda cells: np.sum([v for v, *_ in cells], axis=0) / (k[0] * k[1]))


def l2_ref(x, k, s, pads, ceil=False):
    return reduce(x, k, s, pads, lambda cells: np.sqrt(np.maximum(sum(v * v for v, *_ in cells), 1e-12)), ceil)


def conv_ref(x, weight, bias, s, pads, d=(1, 1)):
    k = weight.shape[2:]
    cells_at, (oh, ow) = windows(x, k, s, pads, d=d)
    result = np.zeros((x.shape[0], weight.shape[0], oh, ow))
    for (i, j), cells in cells_at.items():
        for value, _, u, v in cells:
            result[:, :, i, j] += value @ weight[:, :, u, v].T
        result[:, :, i, j] += bias
    return result


def compiled(layer: str, shape: tuple[int, int, int], tmp_path):
    text = f"input {'x'.join(map(str, shape))}\n{layer}\n"
    result, source = compile_text(text)
    model = network_class(load_module(source, tmp_path), result)().double().eval()
    return model, result


def run(model, x: np.ndarray) -> np.ndarray:
    with torch.no_grad():
        return model(torch.from_numpy(x)).numpy()


# (kernel, stride, H, W): stride 1 and 2, odd and even kernels, sizes that make padding asymmetric
SAME_CASES = [
    ((3, 3), (2, 2), 8, 7),  # H pads (0, 1), W pads (1, 1)
    ((2, 2), (2, 2), 7, 9),
    ((4, 2), (1, 1), 6, 5),  # even kernels at stride 1: (1, 2) and (0, 1)
    ((3, 3), (1, 1), 5, 5),  # symmetric: the layer's own padding
    ((4, 4), (2, 2), 9, 8),
    ((2, 3), (3, 2), 7, 7),
]


def _dims(pair) -> str:
    return f"{pair[0]}x{pair[1]}"


@pytest.mark.parametrize("kernel,stride,h,w", SAME_CASES)
def test_conv_same_padding_matches_the_reference(kernel, stride, h, w, tmp_path):
    model, result = compiled(f"conv 3 {_dims(kernel)} stride={_dims(stride)} pad=same", (2, h, w), tmp_path)
    weight, bias = RNG.normal(size=(3, 2, *kernel)), RNG.normal(size=3)
    model.conv1.weight.data = torch.from_numpy(weight)
    model.conv1.bias.data = torch.from_numpy(bias)
    x = RNG.normal(size=(2, 2, h, w))
    pads = (same_pads(h, kernel[0], stride[0]), same_pads(w, kernel[1], stride[1]))
    expected = conv_ref(x, weight, bias, stride, pads)
    assert expected.shape[1:] == result.output_shape == (3, -(-h // stride[0]), -(-w // stride[1]))
    np.testing.assert_allclose(run(model, x), expected, rtol=1e-10, atol=1e-12)


def test_dilated_conv_same_padding_matches_the_reference(tmp_path):
    model, _ = compiled("conv 2 3x2 pad=same dilation=2", (1, 7, 6), tmp_path)
    weight, bias = RNG.normal(size=(2, 1, 3, 2)), RNG.normal(size=2)
    model.conv1.weight.data, model.conv1.bias.data = torch.from_numpy(weight), torch.from_numpy(bias)
    x = RNG.normal(size=(2, 1, 7, 6))
    pads = (same_pads(7, 3, 1, 2), same_pads(6, 2, 1, 2))
    np.testing.assert_allclose(run(model, x), conv_ref(x, weight, bias, (1, 1), pads, d=(2, 2)), rtol=1e-10)


@pytest.mark.parametrize("kernel,stride,h,w", SAME_CASES)
def test_maxpool_same_padding_never_picks_a_padded_cell(kernel, stride, h, w, tmp_path):
    model, _ = compiled(f"maxpool {_dims(kernel)} stride={_dims(stride)} pad=same", (2, h, w), tmp_path)
    x = -1 - RNG.random(size=(2, 2, h, w))  # all negative: a zero pad would win every border window
    pads = (same_pads(h, kernel[0], stride[0]), same_pads(w, kernel[1], stride[1]))
    np.testing.assert_array_equal(run(model, x), max_ref(x, kernel, stride, pads))


@pytest.mark.parametrize("kernel,stride,h,w", SAME_CASES)
def test_avgpool_same_padding_does_not_count_padded_cells(kernel, stride, h, w, tmp_path):
    model, _ = compiled(f"avgpool {_dims(kernel)} stride={_dims(stride)} pad=same", (2, h, w), tmp_path)
    x = 1 + RNG.random(size=(2, 2, h, w))
    pads = (same_pads(h, kernel[0], stride[0]), same_pads(w, kernel[1], stride[1]))
    np.testing.assert_allclose(run(model, x), avg_same_ref(x, kernel, stride, pads), rtol=1e-12)


def test_avgpool_same_padding_in_training_mode_and_after_to_float(tmp_path):
    model, _ = compiled("avgpool 2 stride=2 pad=same", (1, 5, 5), tmp_path)
    x = RNG.random(size=(3, 1, 5, 5))
    expected = avg_same_ref(x, (2, 2), (2, 2), ((0, 1), (0, 1)))
    model.train().float()
    out = model(torch.from_numpy(x).float()).detach().numpy()
    np.testing.assert_allclose(out, expected, rtol=1e-6)


def test_avgpool_numeric_padding_counts_padded_cells_as_pytorch_does(tmp_path):
    model, _ = compiled("avgpool 3 stride=2 pad=1", (1, 7, 8), tmp_path)
    x = 1 + RNG.random(size=(2, 1, 7, 8))
    np.testing.assert_allclose(run(model, x), avg_include_pad_ref(x, (3, 3), (2, 2), ((1, 1), (1, 1))), rtol=1e-12)


@pytest.mark.parametrize(
    "layer,shape,kernel,stride,pads,ceil",
    [
        ("l2pool 2 pad=same", (2, 7, 7), (2, 2), (2, 2), ((0, 1), (0, 1)), False),
        ("l2pool 3 stride=1 pad=same", (1, 6, 5), (3, 3), (1, 1), ((1, 1), (1, 1)), False),
        ("l2pool 4x2 stride=1 pad=same", (1, 6, 5), (4, 2), (1, 1), ((1, 2), (0, 1)), False),
        ("l2pool 3 stride=2 pad=1", (2, 7, 8), (3, 3), (2, 2), ((1, 1), (1, 1)), False),
        ("l2pool 2 stride=2 ceil=true", (1, 7, 7), (2, 2), (2, 2), ((0, 0), (0, 0)), True),
        ("l2pool 3 stride=2", (1, 9, 8), (3, 3), (2, 2), ((0, 0), (0, 0)), False),
    ],
)
def test_l2pool_is_the_root_of_the_sum_of_squares(layer, shape, kernel, stride, pads, ceil, tmp_path):
    model, result = compiled(layer, shape, tmp_path)
    x = RNG.normal(size=(2, *shape))
    expected = l2_ref(x, kernel, stride, pads, ceil)
    assert expected.shape[1:] == result.output_shape
    np.testing.assert_allclose(run(model, x), expected, rtol=1e-12)


def test_l2pool_of_zeros_has_a_finite_gradient(tmp_path):
    model, _ = compiled("relu\nl2pool 2 pad=same", (1, 5, 5), tmp_path)
    x = torch.zeros(1, 1, 5, 5, dtype=torch.float64, requires_grad=True)
    out = model(x)
    out.sum().backward()
    assert torch.allclose(out, torch.full_like(out, 1e-6))  # √(clamp_min(0, 1e-12))
    assert torch.isfinite(x.grad).all()

"""netspec.arithmetic, one behaviour per test. Expected values are worked out by hand in the
comments (or taken from PyTorch), never from netspec itself."""

from __future__ import annotations

from fractions import Fraction

import pytest

from netspec import arithmetic as ar

# --- floor mode (Conv2d, pooling without ceil_mode) ---------------------------------------------


def test_floor_output_size_alexnet_first_layer():
    assert ar.floor_output_size(227, 11, 4, 0, 0) == 55  # (227 − 11) / 4 + 1 = 55 exactly


def test_floor_output_size_rounds_down():
    assert ar.floor_output_size(224, 11, 4, 0, 0) == 54  # (224 − 11) / 4 + 1 = 54.25


def test_floor_output_size_with_padding_keeps_size():
    assert ar.floor_output_size(13, 3, 1, 1, 1) == 13  # 3x3, pad 1, stride 1: "same" size


def test_floor_output_size_with_dilation():
    assert ar.floor_output_size(10, 3, 1, 0, 0, d=2) == 6  # dilated kernel covers 5: 10 − 5 + 1


def test_floor_output_size_asymmetric_padding():
    assert ar.floor_output_size(28, 5, 2, 1, 2) == 14  # (28 + 3 − 5) / 2 + 1 = 14


def test_exact_output_size_is_a_fraction():
    assert ar.exact_output_size(224, 11, 4, 0, 0) == Fraction(217, 4)  # 54.25


def test_effective_kernel_of_a_dilated_kernel():
    assert ar.effective_kernel(3, 1) == 3
    assert ar.effective_kernel(3, 2) == 5
    assert ar.effective_kernel(5, 3) == 13


def test_unused_input_cells_of_alexnet_at_224():
    assert ar.unused_input_cells(224, 11, 4, 0, 0) == 1  # 213 mod 4


def test_unused_input_cells_zero_when_exact():
    assert ar.unused_input_cells(227, 11, 4, 0, 0) == 0


# --- ceil mode -----------------------------------------------------------------------------------


def test_ceil_mode_keeps_the_partial_last_window():
    assert ar.ceil_pool_output_size(5, 2, 2, 0) == 3  # windows at 0, 2, 4 (the last one is partial)


def test_ceil_mode_equals_floor_when_exact():
    assert ar.ceil_pool_output_size(6, 2, 2, 0) == 3


def test_ceil_mode_keeps_a_last_window_that_starts_inside_the_input():
    # n=6, k=2, s=2, p=1: ⌈(6 + 2 − 2) / 2⌉ + 1 = 4; the last window starts at padded cell
    # (4 − 1)·2 = 6, i.e. input cell 5: kept.
    assert ar.ceil_pool_output_size(6, 2, 2, 1) == 4


def test_ceil_mode_drops_a_last_window_that_would_start_in_the_padding():
    # n=5, k=2, s=2, p=1: ⌈(5 + 2 − 2) / 2⌉ + 1 = 4; the last window starts at padded cell 6,
    # beyond the input (cells 1..5 in padded coordinates): dropped, as PyTorch does.
    assert ar.ceil_pool_output_size(5, 2, 2, 1) == 3


def test_ceil_mode_window_larger_than_input_gives_one_output():
    assert ar.ceil_pool_output_size(1, 2, 2, 0) == 1  # PyTorch: one window over the single cell


@pytest.mark.parametrize("n", range(1, 14))
@pytest.mark.parametrize("k,s,p", [(2, 2, 0), (3, 2, 0), (3, 2, 1), (2, 2, 1), (3, 3, 1), (4, 3, 2), (1, 3, 0)])
def test_ceil_mode_last_window_rule_matches_torch(n, k, s, p):
    torch = pytest.importorskip("torch")
    try:
        out = torch.nn.functional.max_pool2d(torch.zeros(1, 1, n, n), k, s, p, ceil_mode=True)
    except RuntimeError:  # no window fits at all
        assert ar.ceil_pool_output_size(n, k, s, p) < 1
    else:
        assert ar.ceil_pool_output_size(n, k, s, p) == out.shape[-1]


# --- TensorFlow SAME -----------------------------------------------------------------------------


def test_same_padding_stride_1_odd_kernel_is_symmetric():
    assert ar.same_padding(28, 5, 1) == (2, 2)


def test_same_padding_stride_1_even_kernel_puts_the_extra_cell_after():
    assert ar.same_padding(28, 4, 1) == (1, 2)


def test_same_padding_stride_2_even_input():
    # out = 14; total = (14 − 1)·2 + 3 − 28 = 1: nothing before, one after
    assert ar.same_padding(28, 3, 2) == (0, 1)


def test_same_padding_stride_2_odd_input():
    # out = 4; total = (4 − 1)·2 + 3 − 7 = 2
    assert ar.same_padding(7, 3, 2) == (1, 1)


def test_same_padding_never_negative():
    # stride 3 over 9 cells with a 1x1 kernel: windows at 0, 3, 6 need no padding
    assert ar.same_padding(9, 1, 3) == (0, 0)


def test_same_padding_with_dilation():
    # dilated 3x3 with d=2 covers 5: total = (10 − 1)·1 + 5 − 10 = 4
    assert ar.same_padding(10, 3, 1, d=2) == (2, 2)


def test_same_output_size_is_ceil_of_input_over_stride():
    assert ar.same_output_size(28, 1) == 28
    assert ar.same_output_size(28, 2) == 14
    assert ar.same_output_size(7, 2) == 4
    assert ar.same_output_size(1, 5) == 1


# --- suggestions for inexact sizes ---------------------------------------------------------------


def test_exact_inputs_near_alexnet():
    assert ar.exact_inputs_near(224, 11, 4, 0) == (223, 227)


def test_exact_inputs_near_an_exact_size_is_itself():
    assert ar.exact_inputs_near(227, 11, 4, 0) == (227, 227)


def test_exact_paddings_for_alexnet_at_224():
    # (224 + 2p − 11) divisible by 4 ⇔ 2p ≡ 3 (mod 4): impossible for whole p
    assert ar.exact_paddings(224, 11, 4) == []


def test_exact_paddings_for_an_odd_case():
    # (10 + 2p − 2) = 8 + 2p is divisible by 4 exactly for even p
    assert ar.exact_paddings(10, 2, 4, limit=5) == [0, 2, 4]


def test_exact_paddings_leave_out_paddings_too_small_for_the_kernel():
    # input 1, kernel 5, stride 4: p = 0 gives (1 − 5) mod 4 = 0 but no window fits; p ≥ 2 is needed,
    # and (1 + 2p − 5) is divisible by 4 for p = 2 and p = 4
    assert ar.exact_paddings(1, 5, 4) == [2, 4]


# --- receptive field -----------------------------------------------------------------------------


def test_receptive_field_of_two_3x3_convolutions_is_5():
    rf = ar.ReceptiveField(1, 1).through(3, 1).through(3, 1)
    assert (rf.size, rf.jump) == (5, 1)


def test_receptive_field_grows_by_the_jump_after_a_stride():
    # conv 3 stride 2 (rf 3, jump 2), then conv 3: 3 + 2·2 = 7
    rf = ar.ReceptiveField(1, 1).through(3, 2).through(3, 1)
    assert (rf.size, rf.jump) == (7, 2)


def test_receptive_field_of_alexnet_conv1_and_pool1():
    rf = ar.ReceptiveField(1, 1).through(11, 4).through(3, 2)  # 11, then 11 + 2·4 = 19
    assert (rf.size, rf.jump) == (19, 8)


# --- parameters and MACs -------------------------------------------------------------------------


def test_conv_params_lenet_c1():
    assert ar.conv_params(1, 6, 5, 5, 1, True) == 156  # 6·1·25 + 6


def test_conv_params_with_groups_and_no_bias():
    assert ar.conv_params(8, 16, 3, 3, 4, False) == 16 * 2 * 9


def test_conv_macs_alexnet_conv1():
    assert ar.conv_macs(3, 96, 11, 11, 1, 55, 55) == 55 * 55 * 96 * 3 * 121  # 105,415,200


def test_linear_params_and_macs():
    assert ar.linear_params(9216, 4096, True) == 37_752_832
    assert ar.linear_params(10, 3, False) == 30
    assert ar.linear_macs(9216, 4096) == 37_748_736

"""Which way round 4-D .npz images are, (N, C, H, W) or (N, H, W, C): the rule in netspec.data.layout."""

from __future__ import annotations

import numpy as np
import pytest

from netspec.data import DataError, load
from netspec.data.layout import FIRST, LAST, choose


@pytest.mark.parametrize(
    "shape,channels,image,expected",
    [
        ((5, 28, 28, 4), 4, None, LAST),  # the spec's channels are last
        ((5, 28, 28, 4), 1, None, LAST),  # neither has 1: the square reading
        ((5, 28, 28, 4), None, None, LAST),
        ((5, 4, 28, 28), 4, None, FIRST),
        ((5, 3, 32, 32), 3, (32, 32), FIRST),
        ((5, 32, 32, 3), 3, (32, 32), LAST),
        ((5, 64, 32, 32), None, None, FIRST),  # square images, 64 channels
        ((5, 32, 32, 64), None, None, LAST),
        ((5, 4, 5, 3), None, None, LAST),  # no square reading: the fewer channels
        ((5, 3, 8, 3), 3, (3, 8), LAST),  # both have 3 channels: the spec's size decides
        ((5, 3, 8, 3), 3, (8, 3), FIRST),
        ((5, 3, 3, 3), 3, (3, 3), FIRST),  # cannot tell: torch's order
    ],
)
def test_the_layout_rule(shape, channels, image, expected):
    assert choose(shape, channels, image) == expected


def npz(path, x, **more):
    np.savez(path, x_train=x, y_train=np.arange(len(x)) % 2, **more)
    return str(path)


def test_channels_last_images_with_the_specs_four_channels(tmp_path):
    x = np.random.default_rng(0).integers(0, 256, (3, 28, 28, 4), dtype=np.uint8)
    data = load(npz(tmp_path / "d.npz", x), channels=4)
    assert data.train.x.shape == (3, 4, 28, 28)
    assert np.array_equal(data.train.x, x.transpose(0, 3, 1, 2))


def test_channels_last_four_channels_against_a_grey_spec_read_as_four_channels(tmp_path):
    data = load(npz(tmp_path / "d.npz", np.zeros((3, 28, 28, 4), np.uint8)), channels=1)
    assert data.sample_shape == (4, 28, 28)  # so the runner's error says "change `input` to 4x28x28"


def test_a_spec_whose_channels_neither_reading_has_gets_both_readings(tmp_path):
    path = npz(tmp_path / "d.npz", np.zeros((3, 28, 28, 4), np.uint8))
    with pytest.raises(DataError) as raised:
        load(path, channels=1, input_shape=(1, 28, 28))
    message = str(raised.value)
    for part in ("28 channel(s) of 28x4 read as (N, C, H, W)", "4 channel(s) of 28x28 as (N, H, W, C)"):
        assert part in message, message
    assert "change `input` to 4x28x28" in message and "save x_train with 1 channel(s)" in message


def test_the_specs_whole_shape_settles_a_two_way_reading(tmp_path):
    x = np.arange(2 * 3 * 8 * 3, dtype=np.uint8).reshape(2, 3, 8, 3)
    assert load(npz(tmp_path / "a.npz", x), input_shape=(3, 3, 8)).sample_shape == (3, 3, 8)
    assert load(npz(tmp_path / "b.npz", x), input_shape=(3, 8, 3)).sample_shape == (3, 8, 3)


def test_the_test_images_are_read_the_way_the_training_images_are(tmp_path):
    x = np.random.default_rng(1).integers(0, 256, (2, 8, 8, 3), dtype=np.uint8)
    path = npz(tmp_path / "d.npz", x, x_test=x[:1], y_test=np.array([0]))
    data = load(path, channels=3)
    assert data.test.x.shape == (1, 3, 8, 8) and np.array_equal(data.test.x[0], x[0].transpose(2, 0, 1))


def test_a_vector_spec_takes_channels_last_images_flattened_channels_first(tmp_path):
    x = np.zeros((2, 28, 28, 3), np.uint8)
    assert load(npz(tmp_path / "d.npz", x), channels=1, input_shape=(2352,)).sample_shape == (3, 28, 28)


def test_train_on_channels_last_four_channel_images_names_the_right_input(tmp_path, capsys):
    from netspec.cli import main

    path = npz(tmp_path / "d.npz", np.zeros((4, 28, 28, 4), np.uint8))
    spec = tmp_path / "v.net"
    spec.write_text("input 1x28x28\nfc 10\n")
    assert main(["train", str(spec), "--data", path, "--runs", str(tmp_path / "runs")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("netspec: error: ") and err.count("\n") == 1, err
    assert "4x28x28" in err and "28x28x4" not in err, err

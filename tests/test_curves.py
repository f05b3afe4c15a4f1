"""curves.png as a report figure: whole-number epochs, loss beside test loss, a log axis when the loss
spans orders of magnitude, accuracy from 0 with chance marked, the best epoch, the learning rate, and a
figure for runs that stop early. The figures are built from synthetic rows and their axes inspected."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("matplotlib")

from netspec.training.curves import best_epoch, build_figure, loss_scale, short_reason, write_curves  # noqa: E402


def row(epoch, loss, acc, lr=0.01, val=None, test=None, test_loss=None):
    return {
        "epoch": epoch,
        "loss": loss,
        "train_acc": acc,
        "val_acc": val,
        "test_acc": test,
        "lr": lr,
        "test_loss": test_loss,
    }


def axes_of(figure):
    loss, lr, acc = figure.axes[:3]
    return loss, lr, acc


def whole_ticks_in_range(axes, last):
    low, high = axes.get_xlim()
    ticks = [t for t in axes.get_xticks() if low <= t <= high]
    return ticks and all(float(t).is_integer() for t in ticks) and min(ticks) >= 1 and max(ticks) <= last


def test_one_epoch_is_a_point_in_the_middle_of_a_whole_number_axis():
    figure = build_figure([row(1, 0.9, 0.7, test=0.72)], "net")
    loss, _, acc = axes_of(figure)
    assert loss.get_xlim() == (0.5, 1.5)
    assert [t for t in loss.get_xticks() if 0.5 <= t <= 1.5] == [1.0]
    assert acc.get_ylim() == (0.0, 100.0)


def test_two_epochs_get_ticks_1_and_2_only():
    figure = build_figure([row(1, 0.9, 0.7), row(2, 0.5, 0.8)], "net")
    loss, _, _ = axes_of(figure)
    assert [t for t in loss.get_xticks() if 0.5 <= t <= 2.5] == [1.0, 2.0]


def test_a_diverged_loss_switches_the_loss_axis_to_log():
    rows = [row(1, 2.3, 0.1), row(2, 1.9, 0.3), row(3, 1e28, 0.1)]
    assert loss_scale(rows) == "log"
    loss, _, _ = axes_of(build_figure(rows, "net"))
    assert loss.get_yscale() == "log"
    low, high = loss.get_ylim()
    assert low < 1.9 and high >= 1e28  # both the ordinary losses and the diverged one are on the axis


def test_an_ordinary_loss_stays_linear_from_zero():
    rows = [row(1, 2.3, 0.1), row(2, 1.2, 0.5), row(3, 0.4, 0.9)]
    loss, _, _ = axes_of(build_figure(rows, "net"))
    assert loss.get_yscale() == "linear"
    assert loss.get_ylim()[0] == 0


def test_a_nan_loss_is_marked_and_the_figure_still_drawn(tmp_path):
    rows = [row(1, 2.3, 0.1), row(2, float("nan"), 0.1)]
    figure = build_figure(rows, "net", stopped="the loss became nan in epoch 2")
    loss, _, _ = axes_of(figure)
    labels = [line.get_label() for line in loss.get_lines()]
    assert any("not finite" in label for label in labels)
    assert "stopped early" in figure._suptitle.get_text()
    path = tmp_path / "curves.png"
    assert write_curves(path, rows, "net", stopped="loss nan")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_chance_level_accuracy_is_shown_flat_on_0_to_100_with_chance_marked():
    rows = [row(e, 2.302, 0.1 + 0.001 * (e % 2), test=0.1) for e in range(1, 11)]
    _, _, acc = axes_of(build_figure(rows, "net", chance=0.1))
    assert acc.get_ylim() == (0.0, 100.0)
    chance = [line for line in acc.get_lines() if line.get_label().startswith("chance")]
    assert chance and set(chance[0].get_ydata()) == {10.0}


def test_test_loss_is_drawn_beside_the_train_loss():
    rows = [row(1, 1.0, 0.5, test_loss=1.2), row(2, 0.6, 0.7, test_loss=0.9)]
    loss, _, _ = axes_of(build_figure(rows, "net"))
    assert {"train (during epoch)", "test"} <= {line.get_label() for line in loss.get_lines()}


def test_a_run_with_no_epoch_still_gets_a_figure(tmp_path):
    path = tmp_path / "curves.png"
    assert write_curves(path, [], "net", stopped="interrupted")
    assert path.stat().st_size > 1000


def test_the_learning_rate_panel_goes_log_when_the_rate_spans_decades():
    rows = [row(e, 1.0 / e, 0.5, lr=0.1 * 0.5**e) for e in range(1, 11)]
    _, lr, _ = axes_of(build_figure(rows, "net"))
    assert lr.get_yscale() == "log"
    assert list(lr.get_lines()[0].get_ydata()) == [r["lr"] for r in rows]


def test_a_constant_learning_rate_gets_one_tick_at_its_value():
    rows = [row(e, 1.0 / e, 0.5, lr=0.001) for e in range(1, 4)]
    _, lr, _ = axes_of(build_figure(rows, "net"))
    assert list(lr.get_yticks()) == [0.001]
    assert [t.get_text() for t in lr.get_yticklabels()] == ["0.001"]
    assert lr.get_ylim()[0] < 0.001 < lr.get_ylim()[1]


def test_control_characters_in_a_title_are_escaped_in_the_figure_and_the_png_text(tmp_path):
    from PIL import Image

    title = "Evil\x1b]0;owned\x07\u202eName on data"
    path = tmp_path / "curves.png"
    assert write_curves(path, [row(1, 1.0, 0.5)], title, stopped="data \x1b[2J gone")
    with Image.open(path) as image:
        written = image.text["Title"]
    assert written == "Evil\\x1b]0;owned\\x07\\u202eName on data\nstopped early: data \\x1b[2J gone"
    assert build_figure([], title)._suptitle.get_text() == written.splitlines()[0]


def test_short_reason_keeps_the_first_line_and_cuts_long_ones():
    assert short_reason("loss nan\nhint: lower the lr") == "loss nan"
    assert len(short_reason("x" * 500)) == 110


accuracies = st.one_of(st.none(), st.floats(0, 1))


@given(
    st.lists(
        st.tuples(st.one_of(st.floats(0, 1e30), st.just(float("nan"))), accuracies, accuracies, accuracies),
        min_size=1,
        max_size=30,
    )
)
def test_the_best_epoch_holds_the_highest_accuracy_of_the_preferred_split(data):
    rows = [row(i + 1, loss, train or 0.0, val=val, test=test) for i, (loss, train, val, test) in enumerate(data)]
    epoch, key, value = best_epoch(rows)
    # independent: the preferred split is the first of val, test, train that has any value
    preferred = next(k for k in ("val_acc", "test_acc", "train_acc") if any(r[k] is not None for r in rows))
    assert key == preferred
    scores = [(r[key], r["epoch"]) for r in rows if r[key] is not None]
    assert value == max(s for s, _ in scores)
    assert epoch == min(e for s, e in scores if s == value)


@given(st.lists(st.floats(1e-6, 1e30), min_size=1, max_size=12))
def test_log_scale_exactly_when_the_losses_span_more_than_a_hundredfold(losses):
    rows = [row(i + 1, v, 0.5) for i, v in enumerate(losses)]
    spread = max(losses) / min(losses)
    assert loss_scale(rows) == ("log" if spread > 100 else "linear")
    figure = build_figure(rows, "net")
    loss, _, acc = axes_of(figure)
    assert whole_ticks_in_range(loss, len(losses))
    assert acc.get_ylim() == (0.0, 100.0)
    assert not math.isnan(loss.get_ylim()[1])


def test_a_run_stopped_by_a_diverging_loss_still_leaves_curves_png(tmp_path, capsys):
    pytest.importorskip("torch")
    from train_fixtures import TINY_SPEC, digits_npz, only_run, write_spec

    from netspec.cli import main

    spec = write_spec(tmp_path, TINY_SPEC.replace("optimizer adam lr=0.01", "optimizer sgd lr=1e6"))
    data = digits_npz(tmp_path / "digits.npz")
    runs = tmp_path / "runs"
    assert main(["train", str(spec), "--data", str(data), "--runs", str(runs), "--device", "cpu"]) == 1
    assert "no epoch had finished" in capsys.readouterr().err
    curves = only_run(runs) / "curves.png"
    assert curves.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"  # written although no epoch finished

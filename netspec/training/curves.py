"""curves.png: a run's loss, accuracy and learning rate per epoch, as a figure for a report.

- Epochs are whole numbers: the x axis has integer ticks and a margin of half an epoch, so one
  epoch is one point in the middle, not a dot on an axis from 0.96 to 1.04.
- Loss: train loss, and validation/test loss when the rows carry them (`val_loss`, `test_loss`).
  The axis is logarithmic when the finite losses span more than `LOG_SPAN` (two orders of
  magnitude): a diverging 1e28 no longer flattens the rest. A loss that is NaN or infinite is
  marked with a red × at the top of the axis and named in the legend.
- Accuracy in percent on an axis from 0 to 100 — chance level is then visibly flat — with the chance
  level (`1/classes`) drawn dashed when known; the best epoch (validation accuracy, else test, else
  train) marked with a star and a dotted line through all panels.
- The learning rate per epoch in a small panel under the loss (log scale when it spans more than 10×).
- The figure is written for any rows, none included, with a line saying why a run stopped early;
  the title, that line included, is also the PNG's `Title` text chunk.

matplotlib's Agg backend draws it; `build_figure` returns the Figure so tests can inspect its axes.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

from netspec.training.text import printable

LOG_SPAN = 100.0  # largest / smallest positive finite loss above which the loss axis is logarithmic
LR_LOG_SPAN = 10.0
# Train figures are means over the epoch's steps, while the weights still change; validation and
# test are measured with the weights at the epoch's end — why train loss can sit above test loss.
TRAIN_LABEL = "train (during epoch)"
ACCURACY_KEYS = (("train_acc", TRAIN_LABEL), ("val_acc", "validation"), ("test_acc", "test"))
# One colour per split in both panels, none of them the best epoch's green or the stop's red.
SPLIT_COLORS = {TRAIN_LABEL: "#1f77b4", "validation": "#ff7f0e", "test": "#7e57c2"}
LOSS_KEYS = (("loss", TRAIN_LABEL), ("val_loss", "validation"), ("test_loss", "test"))


def _finite(value) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)


def loss_scale(rows: list[dict]) -> str:
    """ "log" when the positive finite losses span more than LOG_SPAN, else "linear"."""
    values = [r.get(k) for r in rows for k, _ in LOSS_KEYS]
    positive = [v for v in values if _finite(v) and v > 0]
    if len(positive) >= 2 and max(positive) / min(positive) > LOG_SPAN:
        return "log"
    return "linear"


def best_epoch(rows: list[dict]) -> tuple[int, str, float] | None:
    """(epoch, metric key, value) of the highest validation accuracy, else test, else train;
    the first such epoch on a tie. None when no row has an accuracy."""
    for key in ("val_acc", "test_acc", "train_acc"):
        scored = [(r[key], -r["epoch"]) for r in rows if _finite(r.get(key))]
        if scored:
            value, negative_epoch = max(scored)
            return -negative_epoch, key, value
    return None


def short_reason(message: str, limit: int = 110) -> str:
    """The first line of a stop message, cut at `limit` characters."""
    first = message.strip().splitlines()[0] if message.strip() else "unknown reason"
    return first if len(first) <= limit else first[: limit - 1] + "…"


def heading_text(title: str, stopped: str | None = None) -> str:
    """The figure's title, with a second line saying why the run stopped early. The network's and
    the data's names come from files netspec did not write: control characters are escaped, as on
    the terminal (netspec.training.text), since the title is also the PNG's Title text."""
    heading = printable(title)
    return f"{heading}\nstopped early: {printable(short_reason(stopped))}" if stopped else heading


def build_figure(rows: list[dict], title: str, chance: float | None = None, stopped: str | None = None):
    """The matplotlib Figure of curves.png (Agg; nothing is shown or written)."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(10, 4.8), dpi=100)
    grid = figure.add_gridspec(2, 2, height_ratios=(3, 1), hspace=0.08, wspace=0.22)
    loss_axes = figure.add_subplot(grid[0, 0])
    lr_axes = figure.add_subplot(grid[1, 0], sharex=loss_axes)
    acc_axes = figure.add_subplot(grid[:, 1], sharex=loss_axes)
    epochs = [r["epoch"] for r in rows]
    last = max(epochs, default=1)
    for axes in (loss_axes, lr_axes, acc_axes):
        axes.grid(alpha=0.3)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
    loss_axes.set_xlim(0.5, last + 0.5)
    loss_axes.tick_params(labelbottom=False)

    _plot_loss(loss_axes, rows, epochs)
    _plot_lr(lr_axes, rows, epochs)
    _plot_accuracy(acc_axes, rows, epochs, chance)
    best = best_epoch(rows)
    if best is not None:
        epoch, key, value = best
        for axes in (loss_axes, lr_axes, acc_axes):
            axes.axvline(epoch, color="#2e7d32", linestyle=":", linewidth=1)
        label = dict(ACCURACY_KEYS)[key]
        acc_axes.plot(
            [epoch],
            [100 * value],
            marker="*",
            markersize=14,
            color="#2e7d32",
            linestyle="none",
            label=f"best {label.split(' (')[0]}: {100 * value:.2f}% (epoch {epoch})",
        )
    if acc_axes.get_legend_handles_labels()[0]:
        acc_axes.legend(loc="best", fontsize=8)
    if not rows:
        loss_axes.text(0.5, 0.5, "no epoch completed", transform=loss_axes.transAxes, ha="center", va="center")
    heading = heading_text(title, stopped)
    figure.suptitle(heading, fontsize=11, color="#b71c1c" if stopped else "black")
    figure.subplots_adjust(left=0.08, right=0.98, bottom=0.11, top=0.84 if stopped else 0.89)
    return figure


def _plot_loss(axes, rows: list[dict], epochs: list[int]) -> None:
    axes.set_ylabel("loss")
    axes.set_title("loss", fontsize=10)
    scale = loss_scale(rows)
    axes.set_yscale(scale)
    bad_epochs = []
    for key, label in LOSS_KEYS:
        values = [r.get(key) for r in rows]
        if not any(v is not None for v in values):
            continue
        shown = [v if _finite(v) and (scale == "linear" or v > 0) else float("nan") for v in values]
        axes.plot(epochs, shown, marker="o", label=label, color=SPLIT_COLORS[label])
        bad_epochs += [e for e, v in zip(epochs, values) if v is not None and not _finite(v)]
    if bad_epochs:
        axes.plot(
            sorted(set(bad_epochs)),
            [1.0] * len(set(bad_epochs)),
            marker="x",
            markersize=10,
            color="#c62828",
            linestyle="none",
            transform=axes.get_xaxis_transform(),
            clip_on=False,
            label="not finite (NaN or ∞)",
        )
    finite = [r.get(k) for r in rows for k, _ in LOSS_KEYS if _finite(r.get(k))]
    if scale == "linear" and finite and min(finite) >= 0:
        axes.set_ylim(bottom=0, top=max(finite) * 1.08 or 1)  # a loss is ≥ 0: its axis starts there
    if scale == "log":
        axes.text(0.01, 0.02, "log scale", transform=axes.transAxes, fontsize=8, color="#555555")
    if rows:
        axes.legend(loc="best", fontsize=8)


def _plot_lr(axes, rows: list[dict], epochs: list[int]) -> None:
    axes.set_xlabel("epoch")
    axes.set_ylabel("learning rate", fontsize=8)
    values = [r.get("lr") for r in rows]
    positive = [v for v in values if _finite(v) and v > 0]
    if positive and max(positive) / min(positive) > LR_LOG_SPAN:
        axes.set_yscale("log")
    if positive:
        axes.plot(epochs, [v if _finite(v) else float("nan") for v in values], marker=".", color="#455a64")
    if positive and max(positive) == min(positive):  # one tick at the value, not ±5% of it
        axes.set_yticks([positive[0]], labels=[f"{positive[0]:g}"])
        axes.set_ylim(0.5 * positive[0], 1.5 * positive[0])
        axes.text(0.01, 0.08, "constant", transform=axes.transAxes, fontsize=7, color="#555555")
    axes.tick_params(axis="y", labelsize=7)


def _plot_accuracy(axes, rows: list[dict], epochs: list[int], chance: float | None) -> None:
    axes.set_xlabel("epoch")
    axes.set_ylabel("accuracy (%)")
    axes.set_title("accuracy", fontsize=10)
    axes.set_ylim(0, 100)
    for key, label in ACCURACY_KEYS:
        values = [r.get(key) for r in rows]
        if any(_finite(v) for v in values):
            shown = [100 * v if _finite(v) else float("nan") for v in values]
            axes.plot(epochs, shown, marker="o", label=label, color=SPLIT_COLORS[label])
    if chance is not None and 0 < chance < 1:
        axes.axhline(100 * chance, color="#757575", linestyle="--", linewidth=1, label=f"chance ({100 * chance:.3g}%)")


def write_curves(
    path: Path, rows: list[dict], title: str, chance: float | None = None, stopped: str | None = None
) -> bool:
    """Write curves.png (see the module docstring); False when matplotlib is missing. A link at
    `path` is replaced, never written through (netspec.training.run_writes)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
    except ImportError:
        return False
    from netspec.training.run_writes import write_inside

    figure = build_figure(rows, title, chance, stopped)
    buffer = io.BytesIO()
    # The title is also the PNG's Title text chunk: what a script (or a test) can read without OCR.
    figure.savefig(buffer, format="png", metadata={"Title": heading_text(title, stopped)})
    write_inside(Path(path).parent, Path(path).name, buffer.getvalue())
    return True

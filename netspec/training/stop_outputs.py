"""What a run that stops early leaves behind: metrics.csv and curves.png of its finished epochs.

Every way a run can end early comes here: a loss that became NaN or diverged, a CUDA
out-of-memory error, Ctrl-C (SIGINT) and SIGTERM. The rows are those of the epochs whose
checkpoint was written (an epoch counts as done then, as `--resume` counts it), so the plot, the
table and the checkpoint always agree; curves.png's title says why the run stopped
(netspec.training.curves). A second Ctrl-C while the plot is drawn leaves the files as they were:
the run still ends as interrupted.
"""

from __future__ import annotations

import signal
from pathlib import Path

from netspec.training import outputs


def interrupt_reason(signal_number: int, completed: int) -> str:
    """`interrupted by Ctrl-C after epoch 3` (or `by SIGTERM`, `before epoch 1 ended`)."""
    by = "Ctrl-C" if signal_number == signal.SIGINT else signal.Signals(signal_number).name
    after = f"after epoch {completed}" if completed else "before epoch 1 ended"
    return f"interrupted by {by} {after}"


def write(run_dir: Path, rows: list[dict], title: str, chance: float | None, stopped: str) -> str | None:
    """metrics.csv (when there are rows) and curves.png for a run that stopped; a note for the
    user when they could not be written (the stop itself is what the run reports)."""
    try:
        if rows:
            outputs.write_metrics(run_dir / "metrics.csv", rows)
        outputs.write_curves(run_dir / "curves.png", rows, title=title, chance=chance, stopped=stopped)
    except KeyboardInterrupt:  # Ctrl-C again, or SIGTERM, while drawing: stop now
        return None
    except OSError as error:
        return f"netspec: note: could not write curves.png or metrics.csv in {run_dir}: {error.strerror or error}"
    return None

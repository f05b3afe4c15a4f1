"""The training loop of `netspec train`. The loss and the scores of a split are in scoring.py, the
memory estimate and the out-of-memory answer in memory_report.py, what a stop leaves in
stop_outputs.py.

One step, for a batch of B samples (B/N in each of N processes):

    x, y   = the batch, gathered on the device from uint8 tensors (netspec.data.device)
    logp   = model(x, log_probs=True)        # log_softmax in place of a final softmax
    loss   = Σ NLL(logp, y) / B              # with label smoothing: (1−ε)·NLL + ε·mean(−logp)
    loss.backward(); optimizer.step()        # the lr set from the schedule first

Cross-entropy on logits is NLL on their log_softmax, so one path serves both kinds of spec, and a
spec that ends in softmax never has cross-entropy computed on top of its probabilities.

Reproducibility: the model is drawn after `torch.manual_seed(seed)`; each epoch re-seeds the global
generator (dropout) and draws its order and augmentations from a generator seeded by
(seed, epoch); the schedule is a function of the step. A run resumed after its last complete
epoch therefore continues exactly as the uninterrupted run would have (on the same device).
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import os
import signal
import sys
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

import numpy as np
import torch
from torch import nn

from netspec.checker import CheckResult
from netspec.data import DataError, DataSet, Split
from netspec.data import load as load_data
from netspec.data.device import DeviceSplit, epoch_generator, epoch_seed
from netspec.layers.base import fmt_shape
from netspec.loading import UsageError
from netspec.progress import Bar, is_terminal
from netspec.train_settings import TrainSettings
from netspec.training import checkpoint as ckpt
from netspec.training import distributed, limits, outputs, stop_outputs
from netspec.training.batching import check_steps, class_has_batch_norm, epoch_steps
from netspec.training.memory_report import is_out_of_memory, out_of_memory_message, peak_memory_report, step_estimate
from netspec.training.model import compiled_model_class, run_preprocessing
from netspec.training.optim import build_optimizer, learning_rate, set_lr, uses_foreach
from netspec.training.run_folder import DamagedRun
from netspec.training.run_lock import RunLock
from netspec.training.run_writes import check_writable, remove_leftovers
from netspec.training.scoring import CHANNELS_LAST, forward_loss, score
from netspec.training.text import printable
from netspec.training.timing import EpochClock
from netspec.units import fmt_bytes

# A mean loss per sample above this has diverged, even while still finite: a classifier's NLL starts
# near ln(classes) (2.3 for ten), and a log-probability of −1e6 needs logits 1e6 apart.
DIVERGED_LOSS = 1e6


class TrainingStopped(Exception):
    """The run cannot go on (a NaN loss, out of memory); the message says why and what to do."""


class Interrupted(Exception):
    """Ctrl-C or SIGTERM during a run: run.json says `interrupted`; `run_dir` can be resumed."""

    def __init__(self, run_dir: Path | None, epoch: int, signal_number: int):
        super().__init__("interrupted")
        self.run_dir, self.epoch, self.signal_number = run_dir, epoch, signal_number


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread like Ctrl-C's KeyboardInterrupt."""


@dataclass
class RunOptions:
    device: str | None = None  # auto: CUDA, then MPS, then CPU
    compile: bool = False  # torch.compile the model
    quiet: bool = False
    runs: Path = Path("runs")
    resume: Path | None = None
    spec_path: str = ""
    out: TextIO = field(default_factory=lambda: sys.stdout)


@dataclass
class RunResult:
    run_dir: Path | None
    rows: list[dict]
    weights: Path | None

    @property
    def test_acc(self) -> float | None:
        return self.rows[-1].get("test_acc") if self.rows else None


# --- devices and precision ---------------------------------------------------------------------


def pick_device(flag: str | None, world: distributed.World) -> torch.device:
    flag = (flag or "auto").lower()
    if flag == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda", world.local_rank % torch.cuda.device_count())
        mps = getattr(torch.backends, "mps", None)
        if mps is not None and mps.is_available() and not world.active:
            return torch.device("mps")
        return torch.device("cpu")
    try:
        device = torch.device(flag)
    except RuntimeError:
        raise UsageError(f"--device {flag}: expected cuda, cuda:N, mps or cpu") from None
    if device.type == "cuda":
        if not torch.cuda.is_available():
            raise UsageError(f"--device {flag}: this PyTorch ({torch.__version__}) sees no CUDA device")
        if device.index is None:
            device = torch.device("cuda", world.local_rank % torch.cuda.device_count())
    elif device.type == "mps":
        mps = getattr(torch.backends, "mps", None)
        if mps is None or not mps.is_available():
            raise UsageError(f"--device {flag}: MPS is not available here")
    elif device.type != "cpu":
        raise UsageError(f"--device {flag}: expected cuda, cuda:N, mps or cpu")
    return device


def resolve_precision(precision: str, device: torch.device) -> str:
    if precision == "auto":
        return "bf16" if device.type == "cuda" and torch.cuda.is_bf16_supported() else "fp32"
    if precision == "fp16" and device.type != "cuda":
        raise UsageError(f"--precision fp16 needs CUDA (the device is {device.type}); use bf16 or fp32")
    if precision == "bf16" and device.type == "mps":
        raise UsageError("--precision bf16 is not supported on MPS here; use fp32")
    return precision


# --- data ----------------------------------------------------------------------------------------


@dataclass
class Prepared:
    dataset: DataSet
    train: DeviceSplit
    val: DeviceSplit | None
    test: DeviceSplit | None
    mean: list[float] | None
    std: list[float] | None


def sample_shape_after(dataset: DataSet, resize: tuple[int, int] | None) -> tuple[int, ...]:
    shape = dataset.sample_shape
    if resize is not None and len(shape) == 3:
        return (shape[0], *resize)
    return shape


def check_data_fits(result: CheckResult, dataset: DataSet, settings: TrainSettings) -> None:
    """A clear error when the data's samples or classes do not fit the spec, naming the fix."""
    want = tuple(result.input_shape)
    have = sample_shape_after(dataset, settings.resize)
    name = result.name
    where = f"the data `{dataset.name}` ({dataset.where})"
    if len(want) == 1:
        if math.prod(have) != want[0]:
            raise DataError(
                f"{where} has samples of {fmt_shape(have)} = {math.prod(have):,} values, but {name}'s input is "
                f"{want[0]:,} values: change `input` to {fmt_shape(have)} (or {math.prod(have)}), or use other data"
            )
    elif len(have) != 3 or have[0] != want[0]:
        got = f"{have[0]} channel(s)" if len(have) == 3 else f"vectors of {fmt_shape(have)}"
        raise DataError(
            f"{where} has {got} ({fmt_shape(have)}), but {name}'s input is {fmt_shape(want)}: "
            f"the channels must match; change `input` to {fmt_shape(have)} or use other data"
        )
    elif have[1:] != want[1:]:
        size = str(want[1]) if want[1] == want[2] else f"{want[1]}x{want[2]}"
        raise DataError(
            f"{where} has images of {fmt_shape(have)}, but {name}'s input is {fmt_shape(want)}: "
            f"add `resize {size}` to the train block (or pass --resize {size}), or change `input` to {fmt_shape(have)}"
        )
    outputs_count = result.output_shape[0] if result.output_shape and len(result.output_shape) == 1 else None
    if outputs_count is None:
        raise DataError(f"{name} ends with a {fmt_shape(result.output_shape)} output; a classifier ends with a vector")
    if dataset.classes > outputs_count:
        raise DataError(
            f"{where} has {dataset.classes} classes (labels 0 to {dataset.classes - 1}), but {name} ends with "
            f"{outputs_count} outputs: make the last layer `fc {dataset.classes}`"
        )


def one_class_warning(data: Prepared) -> str | None:
    """A warning when the training split (after the validation hold-out) holds one class only: the
    run would only learn to answer that class, and its accuracy is that class's share of the test
    split. Data with fewer classes than the spec's outputs is fine (check_data_fits refuses more)."""
    labels = torch.unique(data.train.y).tolist()
    if len(labels) != 1:
        return None
    dataset = data.dataset
    return (
        f"netspec: warning: the training split of `{dataset.name}` ({dataset.where}) holds samples of one class "
        f"only (label {labels[0]}, {len(data.train):,} samples): the network can learn nothing but to answer "
        f"{labels[0]}; check the labels (y_train) or use other data"
    )


def split_validation(train: Split, val: float, seed: int) -> tuple[Split, Split | None]:
    if not val:
        return train, None
    count = int(round(val * len(train))) if val < 1 else int(val)
    if not 0 < count < len(train):
        raise DataError(f"val {val:g} holds out {count} of {len(train)} training samples; it must leave some of each")
    order = np.random.default_rng(seed).permutation(len(train))
    return train.take(np.sort(order[count:])), train.take(np.sort(order[:count]))


def prepare_data(
    result: CheckResult,
    settings: TrainSettings,
    device: torch.device,
    quiet: bool,
    named: str | None = None,
    normalization: dict | None = None,
) -> Prepared:
    channels = result.input_shape[0] if len(result.input_shape) == 3 else 1
    dataset = load_data(settings.data, channels=channels, size=settings.resize, quiet=quiet, named=named)
    check_data_fits(result, dataset, settings)
    train, val = split_validation(dataset.train, settings.val, settings.seed)
    resize = settings.resize if len(dataset.sample_shape) == 3 else None

    def on_device(split: Split | None) -> DeviceSplit | None:
        if split is None:
            return None
        return DeviceSplit(split, device, resize, flatten=len(result.input_shape) == 1)

    where = f"the data `{dataset.name}` ({dataset.where})"
    for label, split in (("training", train), ("test", dataset.test)):
        if split is not None and len(split) == 0:
            raise DataError(f"{where} has a {label} split with no samples")
    check_resize_fits(dataset, settings.resize, resize, device)
    try:
        splits = [on_device(s) for s in (train, val, dataset.test)]
    except RuntimeError as error:  # an allocation the estimate let through
        if "alloc" not in str(error).lower() and not is_out_of_memory(error):
            raise
        raise DataError(f"{where} does not fit in the memory of {device}: {str(error).splitlines()[0]}") from None
    for label, split in zip(("training", "validation", "test"), splits, strict=True):
        if split is not None and split.x.is_floating_point() and not bool(torch.isfinite(split.x).all()):
            raise DataError(f"{where} has NaN or infinite values in its {label} samples: netspec cannot train on them")
    mean = std = None
    if normalization is not None:
        mean, std = normalization.get("mean"), normalization.get("std")
        channels_now = splits[0].x.shape[1] if splits[0].x.dim() == 4 else 1
        if len(mean) != channels_now or len(std) != channels_now:
            raise DataError(
                f"the run's normalization has {len(mean)} mean(s) and {len(std)} std(s), but {where} has "
                f"{channels_now} channel(s): the run folder or weights belong to other data"
            )
    elif settings.normalize:
        mean, std = splits[0].statistics()
    for split in splits:
        if split is not None:
            split.set_normalization(mean, std)
    return Prepared(dataset, splits[0], splits[1], splits[2], mean, std)


def available_memory(device: torch.device) -> int | None:
    """Bytes free for new tensors on `device` (CUDA: mem_get_info; CPU: MemAvailable), or None."""
    if device.type == "cuda":
        return torch.cuda.mem_get_info(device)[0]
    if device.type == "cpu":
        try:
            with open("/proc/meminfo", encoding="ascii") as meminfo:
                for line in meminfo:
                    if line.startswith("MemAvailable:"):
                        return int(line.split()[1]) * 1024
        except (OSError, ValueError, IndexError):
            pass
        try:
            return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        except (ValueError, OSError, AttributeError):
            return None
    return None


def check_resize_fits(
    dataset: DataSet, size: tuple[int, int] | None, applied: tuple[int, int] | None, device: torch.device
) -> None:
    """A clear error, before allocating, when the resized images cannot be held on `device`: every
    split (stored as it is read, uint8 or float32) plus one float32 chunk being resized."""
    if applied is None:
        return
    channels = dataset.sample_shape[0]
    count = len(dataset.train) + (len(dataset.test) if dataset.test is not None else 0)
    itemsize = dataset.train.x.dtype.itemsize
    needed = (
        count * channels * applied[0] * applied[1] * itemsize
        + 4 * min(count, 2048) * channels * applied[0] * applied[1]
    )
    free = available_memory(device)
    if free is not None and needed > free:
        raise DataError(
            f"resize {applied[0]}x{applied[1]} makes the {count:,} images of `{dataset.name}` take {fmt_bytes(needed)} "
            f"on {device}, which has {fmt_bytes(free)} free: use a smaller resize"
        )


# --- stops ----------------------------------------------------------------------


def nonfinite_message(value: float, epoch: int, step: int, lr: float, kept: int | None = None) -> str:
    """Why the run stopped: a loss that is NaN or infinite, or finite but past DIVERGED_LOSS. The data
    was checked for NaN and infinities when it was loaded, so the learning rate is the suspect.
    `kept`: the epoch whose checkpoint is kept (None: no epoch finished, nothing was saved)."""
    became = f"became {value}" if not math.isfinite(value) else f"reached {value:.3g} per sample (it diverged)"
    checkpoint = (
        f"the checkpoint of epoch {kept} is kept" if kept else "no epoch had finished, so no checkpoint was saved"
    )
    return (
        f"the loss {became} at epoch {epoch} (step {step:,}, lr {lr:.3g}); training stopped. "
        f"The learning rate is probably too high: try --lr {lr / 10:.3g}, or a lower lr= in the spec's "
        f"`optimizer` setting ({checkpoint})."
    )


# --- the run ---------------------------------------------------------------------------------------


def seed_everything(seed: int) -> None:
    torch.manual_seed(seed % (2**63))
    np.random.seed(seed % (2**32))


def spec_sha256(result: CheckResult) -> str:
    return hashlib.sha256(result.source.text.encode("utf-8")).hexdigest()


def train(result: CheckResult, settings: TrainSettings, options: RunOptions, named: str | None = None) -> RunResult:
    """Train a checked spec; returns the run folder and its metrics. Raises TrainingStopped,
    DataError, DamagedRun, SettingsError or UsageError with a message for the user, and
    Interrupted after Ctrl-C or SIGTERM (the run folder then says `interrupted`)."""
    limits.check_usable(settings)
    world = distributed.requested()
    if settings.batch < world.size:
        raise UsageError(
            f"batch {settings.batch} cannot be split between {world.size} processes: each takes a slice of every "
            f"global batch; use --batch {world.size} or more"
        )
    if world.main and options.resume is None:
        outputs.check_runs_folder(options.runs)
    device = pick_device(options.device, world)
    precision = resolve_precision(settings.precision, device)
    with _sigterm_as_interrupt():
        distributed.start(world, device)
        try:
            return _Run(result, settings, options, world, device, precision, named).run()
        finally:
            distributed.stop(world)


@contextlib.contextmanager
def _sigterm_as_interrupt():
    """SIGTERM raises Terminated (a KeyboardInterrupt) in the main thread, so that a run that is
    told to stop marks its run.json `interrupted` as Ctrl-C does; the old handler comes back after."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGTERM"):
        yield
        return

    def terminate(number, frame):
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class _Run:
    def __init__(self, result, settings, options, world, device, precision, named):
        self.result: CheckResult = result
        self.settings: TrainSettings = settings
        self.options: RunOptions = options
        self.world: distributed.World = world
        self.device: torch.device = device
        self.precision: str = precision
        self.named = named
        self.out = options.out
        self.talk = world.main and not options.quiet
        self.run_dir: Path | None = None
        self.info: dict | None = None
        self.completed = 0  # the last epoch whose checkpoint is written
        self.rows: list[dict] = []  # a row of metrics per epoch (a resumed run's start with its history)
        self.compiling = options.compile  # torch.compile compiles at the first step of this process
        self.lock = RunLock()  # the run folder's, held by process 0 for the whole run
        self.batch_norm = False  # the model has batch norm: a batch slice of one sample is left out

    def say(self, text: str) -> None:
        """Print a line of the run's report, with any control characters from the spec or data escaped."""
        if self.talk:
            print(printable(text), file=self.out, flush=True)

    # The parts of a run, in order.

    def run(self) -> RunResult:
        if self.world.main:
            self.run_dir = self.options.resume
            if self.run_dir is not None:  # before anything in it is read: another run may be writing it
                self.lock.take(self.run_dir)
                self.note(self.lock.note)
        try:
            return self.start_and_train()
        except KeyboardInterrupt as interrupt:
            self.write_run_json("interrupted")
            number = signal.SIGTERM if isinstance(interrupt, Terminated) else signal.SIGINT
            self.record_stop(stop_outputs.interrupt_reason(int(number), self.completed), always=False)
            raise Interrupted(self.run_dir, self.completed, int(number)) from None
        except Exception as error:
            self.record_failure(error)
            raise
        finally:
            self.lock.release()

    def note(self, text: str | None) -> None:
        """A `netspec: note:` or `netspec: warning:` line on stderr (with --quiet too)."""
        if text and self.world.main:
            print(printable(text), file=sys.stderr, flush=True)

    def record_failure(self, error: Exception) -> None:
        """run.json says `failed`, with the error, when the run ends on one that no stop recorded
        (a damaged folder found mid-run, a full disk, a bug): a run that is over never says
        `starting` or `running`. A run.json that cannot be written then leaves the error as it is."""
        if self.info is None or self.info.get("status") not in ("starting", "running"):
            return
        known = (DataError, DamagedRun, UsageError, limits.SettingsError)
        reason = str(error) if isinstance(error, known) else f"{type(error).__name__}: {error}"
        with contextlib.suppress(OSError, DamagedRun):
            self.write_run_json("failed", reason=reason)

    def start_and_train(self) -> RunResult:
        s = self.settings
        if s.deterministic:
            torch.use_deterministic_algorithms(True, warn_only=True)
        if self.device.type == "cuda":
            torch.cuda.set_device(self.device)
            torch.backends.cudnn.benchmark = not s.deterministic
            torch.set_float32_matmul_precision("high")
            torch.cuda.reset_peak_memory_stats(self.device)
        resume = self.options.resume
        if self.world.main and resume is not None:
            check_writable(resume)
            remove_leftovers(resume)
        record = ckpt.load_record(resume) if resume else None
        normalization = (record.get("weights_metadata") or {}).get("normalize") if record else None
        if record is not None:
            self.completed = record["epoch"]
        self.data = prepare_data(self.result, s, self.device, self.options.quiet, self.named, normalization)
        self.note(one_class_warning(self.data))
        # Before the run folder is made: a batch that batch norm cannot take is refused first.
        self.batch_norm = class_has_batch_norm(compiled_model_class(self.result))
        check_steps(self.data.train, s.batch, self.world.size, self.batch_norm)
        if self.world.main and resume is None:
            self.info = self.first_info()
            self.run_dir = outputs.new_run_dir(
                self.options.runs,
                self.result.name,
                files={"run.json": outputs.run_json_bytes(self.info), "spec.net": self.result.source.text.encode()},
                lock=self.lock,
            )
            self.note(self.lock.note)
        # The model's code is generated and compiled in memory; model.py is only written for the user.
        d = self.data
        preprocessing = run_preprocessing(
            self.result, d.dataset.sample_shape, d.train.x.dtype, d.mean, d.std, s.resize, d.dataset.name
        )
        model_file = self.run_dir / "model.py" if self.world.main else None
        network_class = compiled_model_class(self.result, model_file, preprocessing)
        seed_everything(s.seed)
        model = network_class().to(self.device)
        if self.device.type in CHANNELS_LAST and len(self.result.input_shape) == 3:
            model = model.to(memory_format=torch.channels_last)
        optimizer = build_optimizer(model.parameters(), s.optimizer, s.weight_decay, self.device)
        scaler = _grad_scaler() if self.precision == "fp16" else None
        step, start_epoch = 0, 1
        resumed = None
        if record is not None:
            resumed = self.read_checkpoint(resume, record, model, optimizer, scaler)
            self.rows = list(record["history"])
            step, start_epoch = record["step"], record["epoch"] + 1
        rows = self.rows
        self.model, self.optimizer, self.scaler = model, optimizer, scaler
        self.info = self.run_info(resumed)
        self.write_run_json("running")
        self.describe(start_epoch)
        net = model
        if self.world.active:
            device_ids = [self.device.index] if self.device.type == "cuda" else None
            net = nn.parallel.DistributedDataParallel(model, device_ids=device_ids)
        if self.options.compile:
            net = torch.compile(net)
        try:
            for epoch in range(start_epoch, s.epochs + 1):
                step = self.epoch(net, epoch, step, rows)
        except TrainingStopped as stop:
            self.write_run_json("stopped", reason=str(stop))
            self.record_stop(str(stop))
            raise
        except Exception as error:
            if is_out_of_memory(error):
                message = out_of_memory_message(
                    self.result,
                    max(1, s.batch // self.world.size),
                    self.precision,
                    s.optimizer,
                    torch.cuda.get_device_properties(self.device).total_memory if self.device.type == "cuda" else None,
                    s.weight_decay,
                    uses_foreach(self.device),
                )
                self.write_run_json("stopped", reason="out of memory")
                self.record_stop(message)
                raise TrainingStopped(message) from None
            raise
        return self.finish(rows)

    def read_checkpoint(self, run_dir: Path, record: dict, model, optimizer, scaler) -> ckpt.Checkpoint:
        """The checkpoint's tensors, checked against the model and optimizer, loaded into them."""
        s = self.settings
        state_bytes = sum(t.numel() * t.element_size() for t in model.state_dict().values())
        probe = ckpt.optimizer_probe(lambda ps: build_optimizer(ps, s.optimizer, s.weight_decay, torch.device("cpu")))
        # The file holds the model's state and up to one copy of it per optimizer slot, plus a header.
        limit = state_bytes * (2 + len(probe)) + 16 * 2**20
        checkpoint = ckpt.Checkpoint(record, ckpt.load_checkpoint_tensors(run_dir, record, limit))
        ckpt.check_tensors(checkpoint, model, probe)
        model.load_state_dict(checkpoint.model_state())
        ckpt.restore_optimizer(optimizer, checkpoint)
        saved_scaler = record.get("scaler")
        if scaler is not None and saved_scaler:
            if set(saved_scaler) != set(scaler.state_dict()):
                raise ckpt.CheckpointError(
                    f"{run_dir / ckpt.RECORD}: scaler: not a grad scaler's state; the run folder is damaged"
                )
            scaler.load_state_dict(saved_scaler)
        return checkpoint

    def first_info(self) -> dict:
        """run.json as it is written with the run folder, before anything else: enough to resume."""
        return {
            "network": self.result.name,
            "spec": {"path": self.options.spec_path, "sha256": spec_sha256(self.result)},
            "settings": self.settings.to_json(),
            "status": "starting",
            "started": _now(),
        }

    def describe(self, start_epoch: int) -> None:
        s, d = self.settings, self.data
        val = f", {len(d.val):,} val" if d.val is not None else ""
        test = f", {len(d.test):,} test" if d.test is not None else ", no test split"
        self.say(
            f"{self.result.name}: {self.result.params:,} parameters | data {d.dataset.name} ({len(d.train):,} train{val}{test}) "
            f"| {self.device} {self.precision}" + (f" x{self.world.size} processes" if self.world.active else "")
        )
        lr = f"lr {s.optimizer.lr:g}" + (f", {s.schedule.name} schedule" if s.schedule.name != "constant" else "")
        epochs = f"{s.epochs} epoch{'s' * (s.epochs != 1)}"
        self.say(f"{s.optimizer.name} {lr} | batch {s.batch} | {epochs} | run folder {self.run_dir}")
        if start_epoch > 1:
            self.say(f"resuming after epoch {start_epoch - 1}")

    def epoch(self, net: nn.Module, epoch: int, step: int, rows: list[dict]) -> int:
        s, world, device = self.settings, self.world, self.device
        train = self.data.train
        steps_per_epoch = epoch_steps(train, s.batch, world.size, self.batch_norm)
        seed_everything(epoch_seed(s.seed, epoch, world.rank))  # dropout masks of this epoch
        generator = epoch_generator(s.seed, epoch)
        bar = Bar(
            f"epoch {epoch}/{s.epochs}",
            steps_per_epoch,
            stream=self.out,
            enabled=self.talk and is_terminal(self.out),
        )
        net.train()
        totals = torch.zeros(3, dtype=torch.float64, device=device)  # loss sum, correct, samples
        worst = torch.zeros((), dtype=torch.float32, device=device)  # the largest mean loss of a batch (NaN sticks)
        # A NaN check costs a sync: every step on CPU, every 100 on a GPU, at the epoch's end when
        # distributed (all processes must stop together, so they decide on the summed flag).
        check_every = 0 if world.active else (1 if device.type == "cpu" else 100)
        timer = EpochClock(warmup=self.compiling, sync=lambda: _synchronize(device))
        if self.compiling:
            self.say("compiling the model (torch.compile)…")
        lr = s.optimizer.lr
        for i, (x, y, global_size) in enumerate(train.batches(s.batch, generator, s.augment, world.rank, world.size)):
            if i == steps_per_epoch:  # a last batch left out: one sample for a process, and batch norm
                break
            lr = learning_rate(s.optimizer.lr, s.schedule, step, steps_per_epoch, s.epochs)
            set_lr(self.optimizer, lr)
            if x.dim() == 4 and device.type in CHANNELS_LAST:
                x = x.contiguous(memory_format=torch.channels_last)
            timer.begin_step(len(y))
            loss_sum, log_probs = forward_loss(net, x, y, s.label_smoothing, device, self.precision)
            loss = loss_sum * (world.size / global_size)  # DDP averages over processes: the global mean
            self.optimizer.zero_grad(set_to_none=True)
            if self.scaler is not None:
                self.scaler.scale(loss).backward()
                self.scaler.step(self.optimizer)
                self.scaler.update()
            else:
                loss.backward()
                self.optimizer.step()
            step += 1
            timer.end_step(len(y))
            with torch.no_grad():
                totals[0] += loss_sum.detach()
                totals[1] += (log_probs.argmax(dim=1) == y).sum()
                totals[2] += len(y)
                worst = torch.maximum(worst, loss_sum.detach().float() / len(y))  # NaN propagates
            if check_every and step % check_every == 0 and _diverged(worst):
                bar.close()
                raise TrainingStopped(nonfinite_message(float(worst), epoch, step, lr, epoch - 1))
            if bar.due():
                loss_mean, correct, seen = totals.tolist()
                bar.update(
                    i + 1,
                    f"loss {loss_mean / max(seen, 1):.4f} acc {correct / max(seen, 1):.2%} "
                    f"{timer.rate(seen * world.size) or 0:,.0f} samples/s",
                )
        _synchronize(device)
        ended = timer.clock()
        seconds = ended - timer.started
        self.compiling = False
        distributed.all_sum(world, totals)
        bad_any = distributed.all_sum(world, (~(worst <= DIVERGED_LOSS)).to(torch.int32))
        loss_total, correct, seen = totals.tolist()
        if bool(bad_any) or not math.isfinite(loss_total):
            bar.close()
            value = float(worst) if _diverged(worst) else loss_total / max(seen, 1)
            raise TrainingStopped(nonfinite_message(value, epoch, step, lr, epoch - 1))
        eval_batch = max(s.batch, 2 * s.batch // world.size)
        val, test = (
            score(self.model, split, eval_batch, device, self.precision, s.label_smoothing, world)
            if split is not None
            else None
            for split in (self.data.val, self.data.test)
        )
        row = {
            "epoch": epoch,
            "loss": loss_total / seen,
            "train_acc": correct / seen,
            "val_acc": val.accuracy if val is not None else None,
            "test_acc": test.accuracy if test is not None else None,
            "val_loss": val.loss if val is not None else None,
            "test_loss": test.loss if test is not None else None,
            "lr": lr,
            "seconds": seconds,
            "samples_per_s": timer.rate(seen, now=ended),
        }
        if timer.warmup_seconds is not None:
            row["warmup_seconds"] = timer.warmup_seconds  # the steps in which torch.compile compiled
        rows.append(row)
        bar.close(self.epoch_line(row) if self.talk else None)
        if world.main:
            self.save(epoch, step, rows)
        self.completed = epoch
        return step

    def epoch_line(self, row: dict) -> str:
        width = len(str(self.settings.epochs))
        parts = [
            f"epoch {row['epoch']:>{width}}/{self.settings.epochs}",
            f"loss {row['loss']:.4f}",
            f"train {row['train_acc']:.2%}",
        ]
        if row["val_acc"] is not None:
            parts.append(f"val {row['val_acc']:.2%}")
        if row["test_acc"] is not None:
            parts.append(f"test {row['test_acc']:.2%}")
        parts += [f"lr {row['lr']:.3g}", f"{row['seconds']:.1f}s", f"{row['samples_per_s'] or 0:,.0f} samples/s"]
        if row.get("warmup_seconds") is not None:
            parts[-1] += f" (not counting {row['warmup_seconds']:.1f}s of steps that compiled)"
        return "  ".join(parts)

    # Files.

    def weights_metadata(self) -> dict:
        d = self.data
        return {
            "network": self.result.name,
            "spec_sha256": spec_sha256(self.result),
            "input_shape": list(self.result.input_shape),
            "normalize": {"mean": d.mean, "std": d.std} if d.mean is not None else None,
            "resize": list(self.settings.resize) if self.settings.resize else None,
            "data": d.dataset.name,
        }

    def save(self, epoch: int, step: int, rows: list[dict]) -> None:
        extra = {
            "step": step,
            "history": rows,
            "scaler": self.scaler.state_dict() if self.scaler is not None else None,
            "weights_metadata": self.weights_metadata(),
        }
        try:
            ckpt.save_checkpoint(self.run_dir, epoch, self.model, self.optimizer, extra)
        except KeyboardInterrupt:  # Ctrl-C or SIGTERM after checkpoint.json was replaced: epoch saved
            if self._saved_epoch() == epoch:
                self.completed = epoch
            raise
        self.completed = epoch  # checkpoint.json names this epoch from here on
        outputs.write_metrics(self.run_dir / "metrics.csv", rows)
        outputs.write_curves(self.run_dir / "curves.png", rows, **self.curves_options())

    def record_stop(self, reason: str, always: bool = True) -> None:
        """metrics.csv and curves.png of the epochs whose checkpoint is written, the plot titled with
        why the run stopped (netspec.training.stop_outputs); `always`: even with no epoch done."""
        if not self.world.main or self.run_dir is None:
            return
        done = [row for row in self.rows if row["epoch"] <= self.completed]
        if done or always:
            note = stop_outputs.write(self.run_dir, done, **self.curves_options(reason))
            if note:
                print(printable(note), file=sys.stderr, flush=True)

    def curves_options(self, stopped: str | None = None) -> dict:
        classes = self.data.dataset.classes
        chance = 1 / classes if classes and classes > 1 else None
        return {"title": f"{self.result.name} on {self.data.dataset.name}", "chance": chance, "stopped": stopped}

    def _saved_epoch(self) -> int | None:
        try:
            record = ckpt.load_record(self.run_dir)
        except (ckpt.CheckpointError, OSError):
            return None
        return record["epoch"] if record else None

    def run_info(self, resumed) -> dict:
        d = self.data
        return {
            "network": self.result.name,
            "spec": {"path": self.options.spec_path, "sha256": spec_sha256(self.result)},
            "settings": self.settings.to_json(),
            "data": {
                "name": d.dataset.name,
                "where": d.dataset.where,
                "train": len(d.train),
                "val": len(d.val) if d.val is not None else 0,
                "test": len(d.test) if d.test is not None else 0,
                "sample_shape": list(d.train.sample_shape),
                "classes": d.dataset.classes,
                "normalize": {"mean": d.mean, "std": d.std} if d.mean is not None else None,
            },
            "device": str(self.device),
            "device_name": torch.cuda.get_device_name(self.device) if self.device.type == "cuda" else None,
            "precision": self.precision,
            "compile": self.options.compile,
            "processes": self.world.size,
            "parameters": self.result.params,
            "versions": outputs.versions(),
            "started": _now(),
            "resumed_after_epoch": resumed.epoch if resumed is not None else None,
        }

    def write_run_json(self, status: str, **more) -> None:
        if not self.world.main or self.run_dir is None or self.info is None:
            return
        self.info.update(status=status, updated=_now(), **more)
        outputs.write_run_json(self.run_dir / "run.json", self.info)

    def finish(self, rows: list[dict]) -> RunResult:
        weights = None
        if self.world.main:
            weights = self.run_dir / "weights.safetensors"
            ckpt.save_weights(weights, self.model, self.weights_metadata())
            final = dict(rows[-1]) if rows else {}
            peak = self.peak_memory()
            self.write_run_json("finished", final=final, **({"memory": peak} if peak else {}))
            if rows and rows[-1].get("test_acc") is not None:
                done = rows[-1]["epoch"]
                self.say(f"test accuracy {rows[-1]['test_acc']:.2%} after {done} epoch{'s' * (done != 1)}")
            self.say(f"run folder: {self.run_dir}")
        distributed.barrier(self.world)
        return RunResult(self.run_dir, rows, weights)

    def peak_memory(self) -> dict | None:
        """On CUDA: torch's measured peak next to the checker's estimate for the same step."""
        if self.device.type != "cuda":
            return None
        s = self.settings
        measured = torch.cuda.max_memory_allocated(self.device)
        batch = max(1, s.batch // self.world.size)
        estimate = step_estimate(self.result, batch, s.optimizer, s.weight_decay, uses_foreach(self.device))
        line, record = peak_memory_report(measured, estimate, s.optimizer.name, self.precision, self.data_bytes())
        self.say(line)
        return record

    def data_bytes(self) -> int:
        return sum(
            split.x.numel() * split.x.element_size() + split.y.numel() * split.y.element_size()
            for split in (self.data.train, self.data.val, self.data.test)
            if split is not None
        )


def _grad_scaler():
    """Loss scaling for fp16 (torch.amp.GradScaler; torch.cuda.amp's before torch 2.3)."""
    amp = getattr(torch, "amp", None)
    if amp is not None and hasattr(amp, "GradScaler"):
        return amp.GradScaler("cuda")
    return torch.cuda.amp.GradScaler()  # pragma: no cover - older torch


def _synchronize(device: torch.device) -> None:
    """Wait for the device's queued work (CUDA), so that a clock read after it counts that work."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def _diverged(worst: torch.Tensor) -> bool:
    """The largest batch loss is NaN, infinite, or past DIVERGED_LOSS (one sync)."""
    return not bool(worst <= DIVERGED_LOSS)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")

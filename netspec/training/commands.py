"""`netspec train` and `netspec eval`: their flags, and the glue from flags to the runner.

    netspec train specs/lenet.net                        # the train block's settings
    netspec train specs/deep.net --epochs 1 --batch 256 --lr 0.01 --device cpu
    netspec train specs/lenet.net --data digits-offline  # no network needed
    netspec train --resume runs/LeNet5-20250101-120000   # after the last complete epoch
    torchrun --nproc_per_node=2 -m netspec train specs/deep.net
    netspec eval runs/LeNet5-20250101-120000              # the run folder holds its spec and weights
    netspec eval specs/lenet.net --weights runs/LeNet5-20250101-120000/weights.safetensors

Exit codes: 0 done, 1 the spec has errors or the run stopped (bad data, NaN loss, out of memory),
2 usage errors. This module imports torch only when a command runs, never at import.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import shlex
import sys
from pathlib import Path

from netspec.cli import _positive
from netspec.loading import UsageError, load_spec
from netspec.source import SourceFile
from netspec.train_settings import PRECISIONS, TrainSettings, with_overrides
from netspec.training.text import printable

EXIT_OK, EXIT_FAILED = 0, 1
RESUMABLE_FLAGS = ("epochs", "data", "device", "precision", "compile", "quiet")


def _seed(text: str) -> int:
    if not re.fullmatch(r"\s*[0-9]+\s*", text):
        raise argparse.ArgumentTypeError(f"expected a whole number ≥ 0, got {text!r}")
    return int(text)


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a number > 0, got {text!r}")
    return value


def _size(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*([0-9]+)(?:[xX×]([0-9]+))?\s*", text)
    if not match or int(match.group(1)) < 1 or (match.group(2) and int(match.group(2)) < 1):
        raise argparse.ArgumentTypeError(f"expected N or HxW, got {text!r}")
    height = int(match.group(1))
    return (height, int(match.group(2)) if match.group(2) else height)


def add_parsers(commands) -> None:
    """Add `train` and `eval` to the `netspec` sub-command parsers."""
    train = commands.add_parser("train", help="train a spec's compiled model (needs torch)")
    train.add_argument("spec", nargs="?", help="a .net file (or a bundled spec); optional with --resume")
    group = train.add_argument_group("settings (over the spec's train block)")
    group.add_argument("--epochs", type=_positive, help="number of epochs")
    group.add_argument("--batch", type=_positive, help="global batch size")
    group.add_argument("--lr", type=_positive_float, help="learning rate")
    group.add_argument("--seed", type=_seed, help="random seed")
    group.add_argument("--data", help="a data set name (mnist, fashion-mnist, cifar10, digits-offline), folder or .npz")
    group.add_argument("--resize", type=_size, metavar="N|HxW", help="resize the images (bilinear)")
    group.add_argument("--precision", choices=PRECISIONS, help="autocast precision (auto: bf16 on CUDA, else fp32)")
    run = train.add_argument_group("the run")
    run.add_argument("--device", help="cuda, cuda:N, mps or cpu (default: the first available)")
    run.add_argument("--compile", action="store_true", help="torch.compile the model")
    run.add_argument("--quiet", action="store_true", help="print only the result")
    run.add_argument("--resume", metavar="RUN_DIR", help="continue a run after its last complete epoch")
    run.add_argument("--runs", metavar="DIR", default="runs", help="where run folders are made (default runs/)")

    evaluate = commands.add_parser("eval", help="test accuracy of trained weights (needs torch)")
    evaluate.add_argument("spec", metavar="SPEC|RUN_DIR", help="a run folder, or a .net file (or a bundled spec)")
    evaluate.add_argument(
        "--weights",
        metavar="FILE",
        help="a .safetensors file, or a run folder (its final weights); default with RUN_DIR: its own",
    )
    evaluate.add_argument("--data", help="the data set (default: the train block's)")
    evaluate.add_argument("--resize", type=_size, metavar="N|HxW", help="resize the images (default: as trained)")
    evaluate.add_argument("--batch", type=_positive, help="evaluation batch size")
    evaluate.add_argument("--device", help="cuda, cuda:N, mps or cpu (default: the first available)")
    evaluate.add_argument("--quiet", action="store_true", help="print only the accuracy figure (95.90%%)")


def _import_runner():
    try:
        from netspec.training import runner
    except ImportError as error:
        raise UsageError(
            f"training needs PyTorch, numpy and safetensors ({error.name or error} is missing): "
            "pip install 'netspec[torch]'"
        ) from None
    return runner


def _print_diagnostics(items, source: SourceFile) -> None:
    from netspec.diagnostics import render_all

    if items:
        print(render_all(items, source), file=sys.stderr)


def checked(source: SourceFile):
    """The check result and train settings of a spec; (None, None) after printing its errors.

    The checker has already read the train block (`result.train_settings`, its errors among
    `result.diagnostics`); a spec without one trains with the defaults."""
    from netspec.checker import check_source
    from netspec.diagnostics import summary

    result = check_source(source)
    shown = result.diagnostics.sorted()
    errors = [d for d in shown if d.severity == "error"]
    _print_diagnostics(shown if errors else [d for d in shown if d.severity == "warning"], source)
    settings = result.train_settings
    if settings is None and result.network is not None and result.network.train is None:
        settings = TrainSettings()
    if errors or not result.ok or settings is None:
        print(f"{summary(shown)}: nothing trained", file=sys.stderr)
        return None, None
    return result, settings


def _error(message: object) -> None:
    """`netspec: error: …` on stderr, with control characters from specs, data or run folders escaped."""
    print(f"netspec: error: {printable(str(message), newlines=True)}", file=sys.stderr)


def run_train(args) -> int:
    """`netspec train`. Under torchrun every process reads the same spec and data, so every
    process would say the same thing: process 0 alone speaks (its stderr), the others stay
    silent and end with the same exit code (torchrun names a process that failed)."""
    if not _speaks():
        with contextlib.redirect_stderr(io.StringIO()):
            return _run_train(args)
    return _run_train(args)


def _speaks() -> bool:
    """Whether this process prints: not started by torchrun, or its process 0 (RANK unset or 0)."""
    return os.environ.get("RANK", "0").strip() in ("", "0")


def _run_train(args) -> int:
    runner = _import_runner()
    from netspec.data import DataError
    from netspec.training.limits import SettingsError
    from netspec.training.run_folder import DamagedRun

    try:
        return _train(args, runner)
    except (DataError, DamagedRun, SettingsError) as error:
        _error(error)
        return EXIT_FAILED
    except runner.TrainingStopped as stop:
        print(f"netspec: stopped: {printable(str(stop), newlines=True)}", file=sys.stderr)
        return EXIT_FAILED
    except runner.Interrupted as interrupted:
        done = f" after epoch {interrupted.epoch}" if interrupted.epoch else " before its first epoch ended"
        if interrupted.run_dir is not None:
            print(
                f"netspec: interrupted{done}; resume with: netspec train --resume "
                f"{printable(shlex.quote(str(interrupted.run_dir)))}",
                file=sys.stderr,
            )
        else:
            print("netspec: interrupted", file=sys.stderr)
        return 128 + interrupted.signal_number
    except KeyboardInterrupt:
        print("netspec: interrupted before the run started", file=sys.stderr)
        return 130


def _train(args, runner) -> int:
    resume = Path(args.resume) if args.resume else None
    if resume is not None:
        source, settings = _resumed(args, resume)
    else:
        if not args.spec:
            raise UsageError("train needs a spec file: netspec train FILE.net (or --resume RUN_DIR)")
        source, note = load_spec(args.spec)
        if note and not args.quiet:
            print(note, file=sys.stderr)
        settings = None
    result, block_settings = checked(source)
    if result is None:
        return EXIT_FAILED
    named = block_settings.data
    if settings is None:
        settings = with_overrides(
            block_settings,
            data=args.data,
            epochs=args.epochs,
            batch=args.batch,
            lr=args.lr,
            seed=args.seed,
            resize=args.resize,
            precision=args.precision,
        )
    options = runner.RunOptions(
        device=args.device,
        compile=args.compile,
        quiet=args.quiet,
        runs=Path(args.runs),
        resume=resume,
        spec_path=args.spec or "",
    )
    outcome = runner.train(result, settings, options, named=named)
    if args.quiet and outcome.run_dir is not None:
        accuracy = outcome.test_acc
        shown = f"test accuracy {accuracy:.2%}  " if accuracy is not None else ""
        print(printable(f"{shown}run folder {outcome.run_dir}"))
    return EXIT_OK


def _resumed(args, run_dir: Path) -> tuple[SourceFile, TrainSettings]:
    """The spec and settings of the run in `run_dir`, with the flags that may change on resuming."""
    source, settings = read_run(run_dir, "--resume")
    fixed = [flag for flag in ("batch", "lr", "seed", "resize") if getattr(args, flag) is not None]
    if fixed:
        raise UsageError(
            f"--resume continues a run with its own settings; --{fixed[0]} cannot change them "
            f"(flags allowed with --resume: {', '.join('--' + f for f in RESUMABLE_FLAGS)})"
        )
    if args.spec:
        given, _ = load_spec(args.spec)
        if given.text != source.text:
            raise UsageError(f"{args.spec} differs from the spec {run_dir} was trained on ({run_dir / 'spec.net'})")
        source = given
    settings = with_overrides(settings, data=args.data, epochs=args.epochs, precision=args.precision)
    return source, settings


def read_run(run_dir: Path, flag: str) -> tuple[SourceFile, TrainSettings]:
    """The spec (spec.net, checked against the SHA-256 run.json records) and the settings of the
    run folder `run_dir`, read as data (netspec.training.run_folder). `flag` names the argument in
    the errors; a folder without run.json is a usage error, a damaged one DamagedRun."""
    import hashlib

    from netspec.training.outputs import read_run_json
    from netspec.training.run_folder import SPEC_LIMIT, DamagedRun, read_inside

    if not run_dir.is_dir():
        raise UsageError(f"{flag} {run_dir}: no such folder; give the folder of a netspec run")
    try:
        info = read_run_json(run_dir)
    except FileNotFoundError:
        raise UsageError(f"{flag} {run_dir}: no run.json there; give the folder of a netspec run") from None
    settings = TrainSettings.from_json(info["settings"])  # every field checked by read_run_json
    try:
        spec_bytes = read_inside(run_dir, "spec.net", SPEC_LIMIT)
    except FileNotFoundError:
        raise DamagedRun(f"{run_dir / 'spec.net'} is missing; the run folder is damaged") from None
    try:
        saved = spec_bytes.decode("utf-8")
    except UnicodeDecodeError:
        raise DamagedRun(f"{run_dir / 'spec.net'} is not UTF-8 text; the run folder is damaged") from None
    recorded = info.get("spec", {}).get("sha256")
    if recorded and hashlib.sha256(spec_bytes).hexdigest() != recorded:
        raise DamagedRun(
            f"{run_dir / 'spec.net'} is not the spec run.json records (its SHA-256 differs); the run folder is damaged"
        )
    name = printable(info.get("spec", {}).get("path") or str(run_dir / "spec.net"))
    return SourceFile(name, saved), settings


def run_eval(args) -> int:
    runner = _import_runner()
    from netspec.data import DataError
    from netspec.training.limits import SettingsError
    from netspec.training.run_folder import DamagedRun

    try:
        return _evaluate(args, runner)
    except (DataError, DamagedRun, SettingsError) as error:
        _error(error)
        return EXIT_FAILED


def _evaluate(args, runner) -> int:
    """`netspec eval RUN_DIR` (the run's spec, settings and weights) or `netspec eval SPEC --weights …`."""
    given = Path(args.spec)
    run_settings = None
    if given.is_dir():
        source, run_settings = read_run(given, "eval")
        weights = Path(args.weights) if args.weights else given
    else:
        if not args.weights:
            raise UsageError(
                f"eval {args.spec}: give the weights (--weights FILE|RUN_DIR), or a run folder instead of the spec "
                "(netspec eval RUN_DIR)"
            )
        source, note = load_spec(args.spec)
        if note and not args.quiet:
            print(note, file=sys.stderr)
        weights = Path(args.weights)
    result, settings = checked(source)
    if result is None:
        return EXIT_FAILED
    named = settings.data
    settings = with_overrides(run_settings or settings, data=args.data, resize=args.resize)
    if not weights.exists():
        raise UsageError(f"--weights {weights}: no such file or folder")
    from netspec.training.evaluation import evaluate_weights

    accuracy, count, dataset, notes = evaluate_weights(
        result, settings, weights, args.device, args.batch, named, args.quiet
    )
    for line in notes:
        print(line, file=sys.stderr)
    if args.quiet:
        print(f"{accuracy:.2%}")
        return EXIT_OK
    correct = round(accuracy * count)
    print(printable(f"test accuracy {accuracy:.2%} ({correct:,} / {count:,}) on {dataset.name}"))
    return EXIT_OK


__all__ = ["add_parsers", "read_run", "run_eval", "run_train"]

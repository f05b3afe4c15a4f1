"""The `train { }` block: every setting, its default, and located diagnostics for bad ones.

    train {
      data mnist                 # a bundled name, a folder or an .npz file (docs/train.md)
      optimizer adam lr=0.001    # sgd | momentum | nesterov | adagrad | rmsprop | adam | adamw
      epochs 20
      batch 100
      init he                    # he | xavier | normal std=0.1 | default
      weight_decay 0             # L2 penalty, added to the gradient (decoupled for adamw)
      schedule cosine            # constant | step | cosine | onecycle
      seed 0
    }

Every key has a default, so an empty (or missing) block trains too. Values are checked with the
same converters as layer arguments (`netspec.layers.args`), so an unknown key or option gets a
`file:line:col` diagnostic with a did-you-mean hint, exactly like `netspec check`.

Pure Python, no torch. `init` is read by `netspec.initialization` (the compiler's parser), here too.
"""

from __future__ import annotations

from netspec.diagnostics import Diagnostics
from netspec.initialization import Init, read_init
from netspec.layers.args import REQUIRED, Arg, ArgError, bind, boolean, choice, did_you_mean, pair, real, text, whole
from netspec.record import Record
from netspec.syntax import Statement, Value

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms of every start)
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

OPTIMIZERS = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw")
SCHEDULES = ("constant", "step", "cosine", "onecycle")
PRECISIONS = ("auto", "fp32", "bf16", "fp16")


class OptimizerSettings(Record):
    __slots__ = ("name", "lr", "momentum", "beta1", "beta2", "eps", "alpha", "amsgrad")

    def __init__(
        self,
        name: str = "adam",
        lr: float = 0.001,
        momentum: float = 0.0,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
        alpha: float = 0.99,
        amsgrad: bool = False,
    ):
        self.name = name
        self.lr = lr
        self.momentum = momentum  # momentum / nesterov (0.9 unless given), rmsprop (0 unless given)
        self.beta1 = beta1  # adam / adamw
        self.beta2 = beta2
        self.eps = eps  # adam / adamw / rmsprop / adagrad (1e-10 for adagrad unless given)
        self.alpha = alpha  # rmsprop's smoothing constant
        self.amsgrad = amsgrad


class ScheduleSettings(Record):
    __slots__ = ("name", "every", "gamma", "warmup", "min_lr", "pct", "div", "final_div")

    def __init__(
        self,
        name: str = "constant",
        every: int = 0,
        gamma: float = 0.1,
        warmup: float = 0.0,
        min_lr: float = 0.0,
        pct: float = 0.3,
        div: float = 25.0,
        final_div: float = 1e4,
    ):
        self.name = name
        self.every = every  # step: epochs between decays (0: a third of the epochs)
        self.gamma = gamma  # step: the factor at each decay
        self.warmup = warmup  # cosine: epochs of linear warm-up from 0
        self.min_lr = min_lr  # cosine: the learning rate at the end
        self.pct = pct  # onecycle: the fraction of steps spent rising
        self.div = div  # onecycle: starts at lr / div
        self.final_div = final_div  # onecycle: ends at lr / (div · final_div)


class AugmentSettings(Record):
    __slots__ = ("shift", "flip")

    def __init__(self, shift: int = 0, flip: bool = False):
        self.shift = shift  # random translation by up to this many pixels (zero fill), each axis
        self.flip = flip  # random horizontal flip (images without a handedness: CIFAR, not digits)

    @property
    def active(self) -> bool:
        return self.shift > 0 or self.flip


class TrainSettings(Record):
    """The resolved settings of one run: the train block, then the command-line flags over it."""

    __slots__ = (
        "data",
        "optimizer",
        "epochs",
        "batch",
        "init",
        "weight_decay",
        "schedule",
        "seed",
        "resize",
        "label_smoothing",
        "augment",
        "val",
        "normalize",
        "precision",
        "deterministic",
    )

    def __init__(
        self,
        data: str = "mnist",
        optimizer: OptimizerSettings | None = None,
        epochs: int = 10,
        batch: int = 64,
        init: Init | None = None,
        weight_decay: float = 0.0,
        schedule: ScheduleSettings | None = None,
        seed: int = 0,
        resize: tuple[int, int] | None = None,
        label_smoothing: float = 0.0,
        augment: AugmentSettings | None = None,
        val: float = 0.0,
        normalize: bool = True,
        precision: str = "auto",
        deterministic: bool = False,
    ):
        self.data = data  # a bundled data set name, a folder or an .npz file
        self.optimizer = OptimizerSettings() if optimizer is None else optimizer
        self.epochs = epochs
        self.batch = batch  # the global batch: split across processes when distributed
        self.init = Init() if init is None else init  # netspec.initialization: the compiled module applies it
        self.weight_decay = weight_decay
        self.schedule = ScheduleSettings() if schedule is None else schedule
        self.seed = seed
        self.resize = resize  # (H, W) the images are resized to (bilinear), once
        self.label_smoothing = label_smoothing
        self.augment = AugmentSettings() if augment is None else augment
        self.val = val  # held out of the training set: a fraction (< 1) or a count (≥ 1)
        self.normalize = normalize  # per-channel mean/std of the training images
        self.precision = precision  # auto: bf16 autocast on CUDA where supported, else fp32
        self.deterministic = deterministic  # torch.use_deterministic_algorithms, no cudnn.benchmark

    def to_json(self) -> dict:
        data = {name: getattr(self, name) for name in self._fields}
        for key in ("optimizer", "init", "schedule", "augment"):
            data[key] = {name: getattr(data[key], name) for name in data[key]._fields}
        data["resize"] = list(self.resize) if self.resize else None
        return data

    @classmethod
    def from_json(cls, data: dict) -> TrainSettings:
        nested = {
            "optimizer": OptimizerSettings,
            "init": Init,
            "schedule": ScheduleSettings,
            "augment": AugmentSettings,
        }
        known = set(cls._fields)
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                continue
            if key in nested:
                inner = set(nested[key]._fields)
                value = nested[key](**{k: v for k, v in value.items() if k in inner})
            elif key == "resize" and value is not None:
                value = (int(value[0]), int(value[1]))
            values[key] = value
        return cls(**values)


# --- the per-key parsers ---------------------------------------------------------------------

_LR = Arg("lr", real(minimum=0.0), help="a learning rate")
_EPS = Arg("eps", real(minimum=0.0))
_OPTIMIZER_ARGS: dict[str, tuple[Arg, ...]] = {
    "sgd": (_LR.replace(default=0.01),),
    "momentum": (_LR.replace(default=0.01), Arg("momentum", real(0.0, below=1.0), default=0.9)),
    "nesterov": (_LR.replace(default=0.01), Arg("momentum", real(0.0, below=1.0), default=0.9)),
    "adagrad": (_LR.replace(default=0.01), _EPS.replace(default=1e-10)),
    "rmsprop": (
        _LR.replace(default=0.001),
        Arg("alpha", real(0.0, below=1.0), default=0.99),
        Arg("momentum", real(0.0, below=1.0), default=0.0),
        _EPS.replace(default=1e-8),
    ),
    "adam": (
        _LR.replace(default=0.001),
        Arg("beta1", real(0.0, below=1.0), default=0.9),
        Arg("beta2", real(0.0, below=1.0), default=0.999),
        _EPS.replace(default=1e-8),
        Arg("amsgrad", boolean, default=False),
    ),
}
_OPTIMIZER_ARGS["adamw"] = _OPTIMIZER_ARGS["adam"]

_SCHEDULE_ARGS: dict[str, tuple[Arg, ...]] = {
    "constant": (),
    "step": (Arg("every", whole(1), default=0), Arg("gamma", real(minimum=0.0), default=0.1)),
    "cosine": (Arg("warmup", real(minimum=0.0), default=0.0), Arg("min", real(minimum=0.0), default=0.0)),
    "onecycle": (
        Arg("pct", real(minimum=0.0, below=1.0), default=0.3),
        Arg("div", real(minimum=1.0), default=25.0),
        Arg("final_div", real(minimum=1.0), default=1e4),
    ),
}


def _named(
    statement: Statement, key: str, table: dict[str, tuple[Arg, ...]], diagnostics: Diagnostics, default: str | None
) -> tuple[str, dict] | None:
    """`key NAME opt=value...` where NAME picks which options are allowed."""
    if not statement.args:
        if default is None:
            diagnostics.error(
                "missing-arg",
                f"`{key}` needs one of {', '.join(table)}",
                statement.span,
                f"e.g. `{key} {next(iter(table))}`",
            )
            return None
        name = default
        rest = statement
    else:
        try:
            name = choice(*table)(statement.args[0])
        except ArgError as error:
            diagnostics.error("bad-value", f"{key}: {error.message}", statement.args[0].span, error.hint)
            return None
        rest = statement.replace(args=statement.args[1:])
    values = bind(rest, table[name], f"{key} {name}", diagnostics)
    if values is None:
        return None
    return name, values


def _optimizer(statement: Statement, diagnostics: Diagnostics) -> OptimizerSettings | None:
    if statement.args and statement.args[0].text.lower() == "sgd" and statement.option("momentum"):
        diagnostics.error(
            "unknown-option",
            "`optimizer sgd` has no option `momentum`",
            statement.option("momentum").key_span,
            "write `optimizer momentum lr=... momentum=0.9` (or `optimizer nesterov ...`)",
        )
        return None
    named = _named(statement, "optimizer", _OPTIMIZER_ARGS, diagnostics, default=None)
    if named is None:
        return None
    name, v = named
    return OptimizerSettings(name=name, **v)


def _init(statement: Statement, diagnostics: Diagnostics) -> Init | None:
    """`init he | xavier | normal std=0.1 | default`, read by the compiler's own parser
    (netspec.initialization) so that the two can never disagree."""
    return read_init(statement, diagnostics)


def _schedule(statement: Statement, diagnostics: Diagnostics) -> ScheduleSettings | None:
    named = _named(statement, "schedule", _SCHEDULE_ARGS, diagnostics, default=None)
    if named is None:
        return None
    name, v = named
    if "min" in v:
        v["min_lr"] = v.pop("min")
    return ScheduleSettings(name=name, **v)


def _augment(statement: Statement, diagnostics: Diagnostics) -> AugmentSettings | None:
    args = (
        Arg("mode", choice("none"), default="on", positional=True),
        Arg("shift", whole(0, 64), default=0),
        Arg("flip", boolean, default=False),
    )
    v = bind(statement, args, "augment", diagnostics)
    if v is None:
        return None
    if v["mode"] == "none":
        if statement.options:
            diagnostics.error("bad-value", "`augment none` takes no options", statement.options[0].key_span)
            return None
        return AugmentSettings()
    if not statement.options:
        diagnostics.error(
            "missing-arg",
            "`augment` needs shift=N and/or flip=true",
            statement.span,
            "e.g. `augment shift=4 flip=true`",
        )
        return None
    return AugmentSettings(shift=v["shift"], flip=v["flip"])


def _val(value: Value) -> float:
    number = value.number
    if number is None or number < 0 or (isinstance(number, float) and number >= 1 and not number.is_integer()):
        raise ArgError(
            f"expected a fraction in [0, 1) or a whole count, got `{value.text}`", "e.g. `val 0.1` or `val 5000`"
        )
    return float(number)


def _data(value: Value) -> str:
    name = text(value).strip()
    if not name:
        raise ArgError("expected a data set name, a folder or an .npz file, got an empty string")
    return name


def _single(
    convert: Callable[[Value], Any], help: str, example: str, default: Any = REQUIRED
) -> Callable[[Statement, Diagnostics], Any]:
    """`key VALUE`: one value, no options (`key` alone for a setting with a default, like booleans)."""

    def parse(statement: Statement, diagnostics: Diagnostics):
        key = statement.word.lower()
        if statement.options:
            option = statement.options[0]
            diagnostics.error(
                "unknown-option", f"`{key}` has no options", option.key_span, f"write `{key} {option.value.text}`"
            )
            return None
        if len(statement.args) > 1:
            diagnostics.error(
                "extra-arg",
                f"`{key}` takes one value; `{statement.args[1].text}` is one too many",
                statement.args[1].span,
            )
            return None
        if not statement.args:
            if default is REQUIRED:
                diagnostics.error("missing-arg", f"`{key}` needs {help}", statement.span, f"e.g. `{example}`")
                return None
            return default
        try:
            return convert(statement.args[0])
        except ArgError as error:
            diagnostics.error("bad-value", f"`{key}`: {error.message}", statement.args[0].span, error.hint)
            return None

    return parse


KEYS: dict[str, Callable[[Statement, Diagnostics], Any]] = {
    "data": _single(_data, "a data set: a name, a folder or an .npz file", "data mnist"),
    "optimizer": _optimizer,
    "epochs": _single(whole(1, 1_000_000), "a number of epochs", "epochs 10"),
    "batch": _single(whole(1, 2**24), "a batch size", "batch 64"),
    "init": _init,
    "weight_decay": _single(real(minimum=0.0), "a number", "weight_decay 0.0005"),
    "schedule": _schedule,
    "seed": _single(whole(0, 2**63 - 1), "a seed", "seed 0"),
    "resize": _single(pair(1, 8192), "a size: N or HxW", "resize 32"),
    "label_smoothing": _single(real(0.0, below=1.0), "a number in [0, 1)", "label_smoothing 0.1"),
    "augment": _augment,
    "val": _single(_val, "a fraction or a count", "val 0.1"),
    "normalize": _single(boolean, "true or false", "normalize false", default=True),
    "precision": _single(choice(*PRECISIONS), f"one of {', '.join(PRECISIONS)}", "precision bf16"),
    "deterministic": _single(boolean, "true or false", "deterministic true", default=True),
}


def parse_train(train: Statement | None, diagnostics: Diagnostics) -> TrainSettings | None:
    """The settings of a `train { }` block (defaults where it says nothing); None if any is wrong.

    Every problem is reported into `diagnostics`, each at its position in the spec."""
    if train is None or not train.body:
        return TrainSettings()
    values: dict[str, Any] = {}
    seen: dict[str, Statement] = {}
    ok = True
    for statement in train.body:
        key = statement.word.lower()
        parse = KEYS.get(key)
        if parse is None:
            guess = did_you_mean(key, KEYS)
            hint = f"did you mean `{guess}`?" if guess else f"settings: {', '.join(KEYS)}"
            diagnostics.error("unknown-setting", f"unknown train setting `{statement.word}`", statement.word_span, hint)
            ok = False
            continue
        if statement.body is not None:
            diagnostics.error("unexpected-block", f"`{key}` does not take a `{{ }}` block", statement.word_span)
            ok = False
            continue
        if statement.label is not None:
            diagnostics.error(
                "misplaced", "train settings have no labels", statement.label_span, f"write `{key} ...` alone"
            )
            ok = False
            continue
        if key in seen:
            diagnostics.error(
                "duplicate-setting",
                f"`{key}` is already set on line {seen[key].span.line}",
                statement.word_span,
                "keep one",
            )
            ok = False
            continue
        seen[key] = statement
        value = parse(statement, diagnostics)
        if value is None:
            ok = False
            continue
        values[key] = value
    if not ok:
        return None
    return TrainSettings(**values)


def with_overrides(settings: TrainSettings, **flags: Any) -> TrainSettings:
    """The settings with the command-line flags that were given (not None) put over them.

    Flags: data, epochs, batch, lr, seed, resize (an int or (H, W)), precision."""
    changes: dict[str, Any] = {}
    for key in ("data", "epochs", "batch", "seed", "precision"):
        if flags.get(key) is not None:
            changes[key] = flags[key]
    if flags.get("lr") is not None:
        changes["optimizer"] = settings.optimizer.replace(lr=float(flags["lr"]))
    resize = flags.get("resize")
    if resize is not None:
        changes["resize"] = (resize, resize) if isinstance(resize, int) else tuple(resize)
    return settings.replace(**changes)


__all__ = [
    "OPTIMIZERS",
    "PRECISIONS",
    "SCHEDULES",
    "AugmentSettings",
    "OptimizerSettings",
    "ScheduleSettings",
    "TrainSettings",
    "parse_train",
    "with_overrides",
]

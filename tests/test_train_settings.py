"""The train block: defaults, every key, located diagnostics, and the command-line flags over it."""

from __future__ import annotations

import pytest

from netspec import resources
from netspec.checker import check_text
from netspec.diagnostics import Diagnostics, render_all
from netspec.loading import load_spec
from netspec.train_settings import TrainSettings, parse_train, with_overrides


def settings_of(body: str) -> tuple[TrainSettings | None, Diagnostics, object]:
    result = check_text(f"input 1x28x28\nfc 10\ntrain {{\n{body}\n}}\n", "t.net")
    diagnostics = Diagnostics()
    return parse_train(result.network.train, diagnostics), diagnostics, result


def only_error(body: str):
    settings, diagnostics, result = settings_of(body)
    assert settings is None
    assert len(diagnostics.errors) == 1, [d.message for d in diagnostics.items]
    return diagnostics.errors[0], render_all(diagnostics.items, result.source)


def test_no_train_block_gives_every_default():
    result = check_text("input 4\nfc 2\n", "t.net")
    assert parse_train(result.network.train, Diagnostics()) == TrainSettings()


def test_an_empty_block_gives_every_default():
    settings, diagnostics, _ = settings_of("")
    assert settings == TrainSettings() and not diagnostics.items


@pytest.mark.parametrize("path", resources.bundled_specs(), ids=lambda p: p.name)
def test_every_shipped_train_block_is_valid(path):
    source, _ = load_spec(str(path))
    result = check_text(source.text, source.name)
    diagnostics = Diagnostics()
    assert parse_train(result.network.train, diagnostics) is not None, [d.message for d in diagnostics.items]


def test_deep_net_carries_the_books_settings():
    source, _ = load_spec(str(resources.specs_dir() / "deep.net"))
    settings = parse_train(check_text(source.text).network.train, Diagnostics())
    assert (settings.optimizer.name, settings.optimizer.lr, settings.batch, settings.epochs) == ("adam", 0.001, 100, 20)
    assert settings.init.scheme == "he" and settings.data == "mnist"


def test_every_key_is_read():
    settings, diagnostics, _ = settings_of(
        """  data ./my-digits.npz
  optimizer nesterov lr=0.05 momentum=0.8
  epochs 3
  batch 128
  init normal std=0.02
  weight_decay 0.0005
  schedule step every=2 gamma=0.5
  seed 7
  resize 32x30
  label_smoothing 0.1
  augment shift=2 flip=true
  val 0.1
  normalize false
  precision bf16
  deterministic"""
    )
    assert not diagnostics.items
    assert settings.data == "./my-digits.npz"
    assert (settings.optimizer.name, settings.optimizer.lr, settings.optimizer.momentum) == ("nesterov", 0.05, 0.8)
    assert (settings.epochs, settings.batch, settings.seed) == (3, 128, 7)
    assert (settings.init.scheme, settings.init.std) == ("normal", 0.02)
    assert settings.weight_decay == 0.0005
    assert (settings.schedule.name, settings.schedule.every, settings.schedule.gamma) == ("step", 2, 0.5)
    assert settings.resize == (32, 30) and settings.label_smoothing == 0.1
    assert (settings.augment.shift, settings.augment.flip) == (2, True)
    assert settings.val == 0.1 and settings.normalize is False
    assert settings.precision == "bf16" and settings.deterministic is True


def test_optimizer_defaults_follow_the_name():
    momentum, _, _ = settings_of("  optimizer momentum")
    adagrad, _, _ = settings_of("  optimizer adagrad")
    adamw, _, _ = settings_of("  optimizer adamw beta2=0.98 eps=1e-6")
    assert (momentum.optimizer.lr, momentum.optimizer.momentum) == (0.01, 0.9)
    assert adagrad.optimizer.eps == 1e-10
    assert (adamw.optimizer.beta2, adamw.optimizer.eps) == (0.98, 1e-6)


def test_an_unknown_key_is_located_with_a_suggestion():
    error, text = only_error("  epoch 3")
    assert error.code == "unknown-setting"
    assert (error.span.line, error.span.column) == (4, 3)
    assert "t.net:4:3: error: unknown train setting `epoch`" in text
    assert "did you mean `epochs`?" in text


def test_an_unknown_optimizer_option_suggests_the_right_one():
    error, text = only_error("  optimizer adam lr=0.001 bta1=0.9")
    assert error.code == "unknown-option" and error.span.column == 27
    assert "did you mean `beta1=`?" in text


def test_sgd_with_momentum_points_to_the_momentum_optimizer():
    error, _ = only_error("  optimizer sgd lr=0.1 momentum=0.9")
    assert "optimizer momentum" in error.hint


def test_an_unknown_optimizer_suggests_one():
    error, _ = only_error("  optimizer adma")
    assert error.code == "bad-value" and "did you mean `adam`?" in error.hint


@pytest.mark.parametrize(
    "body,column",
    [
        ("  epochs 0", 10),
        ("  batch 2.5", 9),
        ("  weight_decay -1", 16),
        ("  label_smoothing 1", 19),
        ("  val 1.5", 7),
        ("  seed -1", 8),
        ("  precision fp8", 13),
        ("  schedule cosine warmup=-1", 26),
        ("  augment shift=100", 17),
        ("  normalize maybe", 13),
    ],
)
def test_a_bad_value_is_reported_once_at_the_value(body, column):
    error, _ = only_error(body)
    assert error.code == "bad-value"
    assert (error.span.line, error.span.column) == (4, column)


def test_init_uses_the_compilers_parser():
    error, _ = only_error("  init he std=0.1")
    assert "takes no std" in error.message


def test_a_repeated_key_is_an_error_at_the_second():
    settings, diagnostics, _ = settings_of("  epochs 2\n  epochs 3")
    assert settings is None
    assert [(d.code, d.span.line) for d in diagnostics.errors] == [("duplicate-setting", 5)]


def test_every_problem_of_a_block_is_reported_at_once():
    settings, diagnostics, _ = settings_of("  epoch 2\n  batch 0\n  optimizer adam lr=x")
    assert settings is None
    assert [d.span.line for d in diagnostics.errors] == [4, 5, 6]


def test_a_missing_value_says_what_is_expected():
    error, text = only_error("  batch")
    assert error.code == "missing-arg" and "e.g. `batch 64`" in text


def test_flags_override_the_block():
    settings, _, _ = settings_of("  optimizer adam lr=0.001 beta1=0.8\n  epochs 20\n  batch 100")
    changed = with_overrides(settings, epochs=1, batch=256, lr=0.01, data="digits-offline", resize=32, seed=None)
    assert (changed.epochs, changed.batch, changed.data, changed.resize) == (1, 256, "digits-offline", (32, 32))
    assert (changed.optimizer.lr, changed.optimizer.beta1) == (0.01, 0.8)
    assert changed.seed == settings.seed


def test_settings_survive_json():
    settings, _, _ = settings_of("  optimizer rmsprop alpha=0.9\n  resize 32\n  augment flip=true\n  init xavier")
    assert TrainSettings.from_json(settings.to_json()) == settings

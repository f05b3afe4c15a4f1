"""`netspec compile`: the generated module runs, and agrees with the checker layer by layer.

For every shipped spec and for random stacks, the generated file is imported and run on a batch in
training and in evaluation mode; a forward hook on each named layer compares its output shape with
the checker's, and the parameter and buffer counts must equal the checker's totals.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys

import pytest
import torch
from compile_support import compile_text, load_module, network_class, random_spec, valid_spec
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from reference_torch import saved_bytes
from torch import nn

from netspec import resources
from netspec.checker import CheckResult, check_source, check_text
from netspec.codegen import CompileError, Namespace, generate, statement
from netspec.loading import load_spec
from netspec.memory import estimate
from netspec.naming import RESERVED

SHIPPED = resources.bundled_specs()


def build(result: CheckResult, source: str, folder):
    module = load_module(source, folder)
    return module, network_class(module, result)()


def assert_agrees(result: CheckResult, model: nn.Module, batch: int = 2) -> None:
    """Per-layer output shapes (forward hooks), parameters and buffers as the checker says. Each
    layer is the attribute its dotted name gives (`layer1.conv1` → `layer1_conv1`); merges are
    lines of `forward`, not modules."""
    layers = [layer for layer in result.layers if not layer.is_merge]
    names = [layer.name for layer in layers]  # a block call's layers are inside its module
    tops = list(dict.fromkeys(name.split(".")[0] for name in names))
    assert [name for name, _ in model.named_children()] == tops
    assert sum(p.numel() for p in model.parameters()) == result.params
    state = model.state_dict()
    parameters = {name for name, _ in model.named_parameters()}
    assert sum(t.numel() for name, t in state.items() if name not in parameters) == result.buffers
    for mode in ("train", "eval"):
        getattr(model, mode)()
        seen: dict[str, tuple[int, ...]] = {}
        hooks = [
            model.get_submodule(name).register_forward_hook(
                lambda _m, _i, out, name=name, seen=seen: seen.__setitem__(name, tuple(out.shape))
            )
            for name in names
        ]
        try:
            with torch.no_grad():
                out = model(torch.randn(batch, *result.input_shape))
        finally:
            for hook in hooks:
                hook.remove()
        assert seen == {name: (batch, *layer.output) for name, layer in zip(names, layers)}, mode
        assert tuple(out.shape) == (batch, *result.output_shape)
        assert torch.isfinite(out).all()


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_spec_compiles_to_a_module_that_agrees_with_check(path, tmp_path):
    result = check_source(load_spec(str(path))[0])
    source = generate(result)
    module, model = build(result, source, tmp_path)
    assert module.INPUT_SHAPE == result.input_shape
    assert_agrees(result, model)
    if result.params < 5_000_000:  # AlexNet and VGG-16 are slow on CPU; random stacks cover every kind
        assert saved_bytes(model, result.input_shape, 2) == estimate(result, batch=2, device="cpu").saved


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.randoms(use_true_random=False))
def test_random_stacks_compile_to_modules_that_agree_with_check(tmp_path, rng):
    text = valid_spec(random_spec(rng))
    assume(text is not None)
    result, source = compile_text(text)
    _, model = build(result, source, tmp_path)
    assert_agrees(result, model, batch=3)
    # the compiled ops keep exactly the tensors the memory model counts
    assert saved_bytes(model, result.input_shape, 3) == estimate(result, batch=3, device="cpu").saved
    model.train()
    x = torch.randn(3, *result.input_shape, requires_grad=True)
    model(x, log_probs=True).sum().backward()  # every layer's backward runs too, with finite gradients
    assert torch.isfinite(x.grad).all()
    assert all(p.grad is not None and torch.isfinite(p.grad).all() for p in model.parameters())


def test_generated_code_is_byte_identical_across_runs_and_hash_seeds():
    script = (
        "import sys; from netspec.checker import check_source; from netspec.loading import load_spec; "
        "from netspec.codegen import generate; sys.stdout.write(generate(check_source(load_spec(sys.argv[1])[0])))"
    )
    path = str(resources.specs_dir() / "vgg16.net")
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script, path],
            capture_output=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            timeout=120,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(outputs) == 1
    assert outputs.pop().decode() == generate(check_source(load_spec(path)[0]))


# --- what the file looks like ------------------------------------------------------------------


def test_alexnet_reads_as_the_issue_shows(tmp_path):
    source = generate(check_source(load_spec(str(resources.specs_dir() / "alexnet.net"))[0]))
    assert "class AlexNet(nn.Module):" in source
    assert "INPUT_SHAPE = (3, 227, 227)" in source
    assert "        x = self.conv1(x)  # (N, 96, 55, 55)\n" in source
    assert "        self.conv1 = nn.Conv2d(3, 96, kernel_size=11, stride=4)\n" in source
    assert "        self.lrn1 = nn.LocalResponseNorm(5, alpha=0.0001, beta=0.75, k=2.0)\n" in source
    assert "        x = torch.flatten(x, 1)  # (N, 9216)\n" in source
    docstring = source.split('"""')[1]
    for fact in ("netspec 0.1.0", "alexnet.net", "62,378,344", "1,135,256,096"):
        assert fact in docstring
    imports = [line for line in source.splitlines() if line.startswith(("import ", "from "))]
    assert imports == ["import torch", "import torch.nn.functional as F", "from torch import nn"]
    assert "class SameAvgPool2d" not in source and "class L2Pool2d" not in source  # only when used


def test_running_the_file_prints_the_output_shape(tmp_path):
    path = tmp_path / "lenet_model.py"
    path.write_text(generate(check_source(load_spec(str(resources.specs_dir() / "lenet.net"))[0])))
    run = subprocess.run(
        [sys.executable, str(path)], capture_output=True, text=True, check=True, cwd=tmp_path, timeout=120
    )
    assert run.stdout == "output shape: (2, 10)\n"


def test_helpers_and_imports_appear_only_when_used():
    _, plain = compile_text("input 1x8x8\nmaxpool 2 pad=same\navgpool 2 pad=same\n")  # 8 = 2·4: no padding
    assert "import math" not in plain and plain.count("(nn.Module):") == 1
    _, padded = compile_text("input 1x9x9\nmaxpool 2 pad=same\navgpool 2 stride=2 pad=same\nl2pool 2\n")
    assert "import math\n" in padded
    assert padded.count("class SameAvgPool2d(nn.Module):") == 1 and padded.count("class L2Pool2d(nn.Module):") == 1


def test_same_padding_is_native_when_symmetric_and_explicit_when_not():
    _, symmetric = compile_text(
        "input 1x9x9\nconv 4 3 pad=same\navgpool 3 stride=1 pad=same\nmaxpool 3 stride=1 pad=same\n"
    )
    assert "nn.Conv2d(1, 4, kernel_size=3, padding=1)" in symmetric
    assert "nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)" in symmetric
    assert "nn.MaxPool2d(3, stride=1, padding=1)" in symmetric
    assert "F.pad" not in symmetric.split("class ", 1)[1].split("def forward", 1)[1]
    _, asymmetric = compile_text("input 1x9x9\nconv 4 2 stride=2 pad=same\nmaxpool 2 pad=same\n")
    assert "x = F.pad(x, (0, 1, 0, 1))  # (N, 1, 10, 10): SAME padding" in asymmetric
    assert "x = F.pad(x, (0, 1, 0, 1), value=-math.inf)  # (N, 4, 6, 6): SAME padding" in asymmetric
    assert "nn.Conv2d(1, 4, kernel_size=2, stride=2)\n" in asymmetric


def test_numeric_pad_on_avgpool_keeps_pytorch_default_count_include_pad():
    _, source = compile_text("input 1x8x8\navgpool 3 stride=1 pad=1\n")
    assert "nn.AvgPool2d(3, stride=1, padding=1)\n" in source


def test_batchnorm_follows_the_input_rank():
    _, source = compile_text("input 3x4x4\nbatchnorm\nfc 5\nbn eps=0.001 momentum=0.2\n")
    assert "nn.BatchNorm2d(3)" in source and "nn.BatchNorm1d(5, eps=0.001, momentum=0.2)" in source


def test_class_name_is_camel_case_and_never_shadows_a_builtin_or_module_name():
    namespace = Namespace(("torch", "nn", "F", "INPUT_SHAPE"))
    assert namespace.class_name("LeNet5") == "LeNet5"
    assert Namespace().class_name("my little net") == "MyLittleNet"
    assert Namespace().class_name("lenet-5 (tutorial)") == "Lenet5Tutorial"
    assert Namespace().class_name("3 layers") == "Network3Layers"
    assert Namespace().class_name("None") == "NoneNet"
    assert Namespace().class_name("exception") == "ExceptionNet"
    assert Namespace().class_name("") == "Network"
    assert Namespace().class_name("¿") == "Network"
    _, source = compile_text('network "print"\ninput 4\nfc 2\n', "whatever.net")
    assert "class Print(nn.Module):" in source
    _, source = compile_text("input 4\nfc 2\n", "mnist-cnn.net")
    assert "class MnistCnn(nn.Module):" in source


def test_reserved_names_cover_every_public_attribute_of_nn_module():
    public = {name.lower() for name in dir(nn.Module) if not name.startswith("_")} - {"t_destination"}
    assert public <= RESERVED


def test_labels_that_collide_with_module_attributes_get_other_names(tmp_path):
    text = "input 2x6x6\nforward: conv 2 3\nadd_module: relu\nx: maxpool 2\nlog_probabilities: fc 3\n"
    result, source = compile_text(text)
    assert [layer.name for layer in result.layers] == ["forward_", "add_module_", "x_", "log_probabilities_"]
    _, model = build(result, source, tmp_path)
    assert_agrees(result, model)


def test_long_lines_are_split_as_ruff_formats_them():
    assert statement(8, "x = self.conv1(x)", "(N, 1)") == ["        x = self.conv1(x)  # (N, 1)"]
    name = "a" * 70
    assert statement(8, f"x = self.{name}(x)", "(N, 96, 55, 55)") == [
        "        # (N, 96, 55, 55)",
        f"        x = self.{name}(",
        "            x",
        "        )",
    ]
    call = f"self.{name[:40]} = nn.Conv2d(3, 96, kernel_size=(11, 3), stride=(4, 1))"
    assert statement(8, call) == [
        f"        self.{name[:40]} = nn.Conv2d(",
        "            3, 96, kernel_size=(11, 3), stride=(4, 1)",
        "        )",
    ]
    call = (
        f"self.{name[:40]} = nn.Conv2d(3, 96, kernel_size=(11, 3), stride=(4, 1), padding=(2, 1), groups=3, bias=False)"
    )
    assert statement(8, call) == [
        f"        self.{name[:40]} = nn.Conv2d(",
        "            3,",
        "            96,",
        "            kernel_size=(11, 3),",
        "            stride=(4, 1),",
        "            padding=(2, 1),",
        "            groups=3,",
        "            bias=False,",
        "        )",
    ]


def test_an_empty_network_compiles_to_the_identity(tmp_path):
    result, source = compile_text("input 3x4x4\n")
    _, model = build(result, source, tmp_path)
    x = torch.randn(2, 3, 4, 4)
    assert torch.equal(model(x), x)


def test_generate_refuses_a_spec_with_errors():
    with pytest.raises(CompileError) as error:
        generate(check_text("input 1x4x4\nconv 3 9\n"))
    assert error.value.diagnostics[0].code == "kernel-too-large"


# --- log-probabilities -------------------------------------------------------------------------


def test_log_probabilities_replace_a_final_softmax(tmp_path):
    result, source = compile_text("input 6\nfc 4\nsoftmax\n")
    _, model = build(result, source, tmp_path)
    calls = []
    model.softmax1.register_forward_hook(lambda *_: calls.append(1))
    x = torch.randn(5, 6) * 30  # large scores: log(softmax) would underflow to -inf
    log_probs = model(x, log_probs=True)
    assert calls == []  # the softmax never ran
    assert torch.allclose(log_probs, torch.log_softmax(model.fc1(x), dim=1))
    assert torch.isfinite(log_probs).all()
    assert torch.allclose(model.log_probabilities(x), log_probs)
    x = torch.randn(5, 6)
    assert torch.allclose(model(x).log(), model(x, log_probs=True), atol=1e-5)


def test_log_probabilities_without_a_final_softmax_are_the_log_softmax_of_the_output(tmp_path):
    result, source = compile_text("input 6\nfc 4\ndropout 0.5\n")
    _, model = build(result, source, tmp_path)
    model.eval()
    x = torch.randn(5, 6)
    assert torch.allclose(model.log_probabilities(x), torch.log_softmax(model(x), dim=1))


# --- weight initialization ---------------------------------------------------------------------


def _init_model(tmp_path, setting: str):
    text = (
        f"input 16x8x8\nconv 64 3\nfc 400\ntrain {{\n  {setting}\n}}\n"
        if setting
        else "input 16x8x8\nconv 64 3\nfc 400\n"
    )
    result, source = compile_text(text)
    torch.manual_seed(0)
    return build(result, source, tmp_path)[1]


@pytest.mark.parametrize(
    "setting,conv_std,fc_std",
    [
        ("init he", (2 / 144) ** 0.5, (2 / 2304) ** 0.5),
        ("init xavier", (2 / (144 + 576)) ** 0.5, (2 / (2304 + 400)) ** 0.5),
        ("init normal std=0.05", 0.05, 0.05),
        ("init normal", 0.01, 0.01),
    ],
)
def test_init_draws_weights_with_the_scheme_std_and_zero_biases(tmp_path, setting, conv_std, fc_std):
    model = _init_model(tmp_path, setting)
    assert model.conv1.weight.std().item() == pytest.approx(conv_std, rel=0.05)
    assert model.fc1.weight.std().item() == pytest.approx(fc_std, rel=0.05)
    assert not model.conv1.bias.any() and not model.fc1.bias.any()


def test_truncnormal_draws_within_two_std_like_tensorflows_truncated_normal(tmp_path):
    """N(0, 0.05²) cut at ±0.1: every weight inside, and the std of a normal truncated at 2σ,
    0.05 · 0.8796 (the variance factor 1 − 2·2·φ(2)/(Φ(2) − Φ(−2)) = 0.7737)."""
    model = _init_model(tmp_path, "init truncnormal std=0.05")
    weights = torch.cat([model.conv1.weight.flatten(), model.fc1.weight.flatten()])
    assert weights.abs().max().item() <= 0.1
    assert weights.std().item() == pytest.approx(0.05 * 0.7737**0.5, rel=0.02)
    assert not model.conv1.bias.any() and not model.fc1.bias.any()


@pytest.mark.parametrize("setting", ["", "init default"])
def test_without_init_pytorch_defaults_stay(tmp_path, setting):
    model = _init_model(tmp_path, setting)
    assert model.conv1.bias.any()  # PyTorch draws biases uniformly; an init scheme zeroes them
    assert not hasattr(model, "_init_weights")


@pytest.mark.parametrize(
    "setting,code,column,message",
    [
        ("init hee", "bad-value", 8, "expected one of default, he, xavier, normal"),
        ("init normal std=0", "bad-value", 19, "expected a number > 0"),
        ("init normal std=-1", "bad-value", 19, "expected a number ≥ 0"),
        ("init he std=0.1", "unknown-option", 11, "takes no std"),
        ("init normal mean=0", "unknown-option", 15, "has no option `mean`"),
        ("init", "missing-arg", 3, "needs a scheme"),
    ],
)
def test_a_bad_init_setting_is_a_located_error(setting, code, column, message):
    from netspec.codegen import compile_diagnostics

    result = check_text(f"input 4\nfc 2\ntrain {{\n  {setting}\n}}\n")
    assert compile_diagnostics(result) is None
    (error,) = result.diagnostics.errors
    assert (error.code, error.span.line, error.span.column) == (code, 4, column)
    assert message in error.message
    with pytest.raises(CompileError):
        generate(check_text(f"input 4\nfc 2\ntrain {{\n  {setting}\n}}\n"))


def test_init_given_twice_is_an_error():
    from netspec.codegen import compile_diagnostics

    result = check_text("input 4\nfc 2\ntrain {\n  init he\n  init xavier\n}\n")
    assert compile_diagnostics(result) is None
    assert [(d.code, d.span.line) for d in result.diagnostics.errors] == [("duplicate-setting", 5)]


# --- golden files ------------------------------------------------------------------------------

GOLDEN = resources.PACKAGE.parent / "tests" / "golden" / "compile"


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_generated_code_matches_the_golden_file(path, update_golden):
    source = generate(check_source(load_spec(str(path))[0]))
    golden = GOLDEN / f"{path.stem}.py"
    if update_golden:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(source, encoding="utf-8")
    assert golden.exists(), f"{golden} is missing: run pytest --update-golden"
    assert source == golden.read_text(encoding="utf-8"), "generated code changed: review, then --update-golden"


# --- ruff --------------------------------------------------------------------------------------


def _ruff(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ruff", *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_generated_files_pass_ruff_check_and_format_without_configuration(tmp_path):
    files = {path.stem: generate(check_source(load_spec(str(path))[0])) for path in SHIPPED}
    rng = random.Random(20240601)
    while len(files) < len(SHIPPED) + 40:
        text = valid_spec(random_spec(rng))
        if text is not None:
            files[f"random_{len(files)}"] = compile_text(text)[1]
    files["every_kind"] = compile_text(EVERY_KIND)[1]
    for stem, source in files.items():
        (tmp_path / f"{stem}.py").write_text(source, encoding="utf-8")
    check = _ruff("check", "--isolated", "--select", "E,F,W,I,B,UP", "--target-version", "py311", ".", cwd=tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr
    fmt = _ruff("format", "--isolated", "--check", "--diff", ".", cwd=tmp_path)
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


def test_long_labels_are_formatted_as_ruff_would(tmp_path):
    label = "a_really_long_label_that_goes_on_and_on_" * 2
    text = f"network LongNames\ninput 3x9x9\n{label}: conv 8 3x2 stride=2x1 pad=same dilation=2 bias=false\n"
    text += f"{label}x: maxpool 2 pad=same\n{label}y: avgpool 2 pad=same\n{label}z: fc 10\n"
    (tmp_path / "long.py").write_text(compile_text(text)[1], encoding="utf-8")
    fmt = _ruff("format", "--isolated", "--check", "--diff", ".", cwd=tmp_path)
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr
    check = _ruff("check", "--isolated", ".", cwd=tmp_path)
    assert check.returncode == 0, check.stdout


EVERY_KIND = """\
network "every kind"
input 3x17x15
conv 8 4x3 stride=2 pad=same
batchnorm
relu
leakyrelu 0.2
maxpool 3 stride=2 pad=same
c2: conv 8 3 pad=same dilation=2 groups=2 bias=false
elu alpha=0.5
avgpool 2 stride=2 pad=same
l2pool 2 stride=1 pad=same
lrn 3
avgpool 3 stride=1 pad=1 ceil=true
l2pool 2 stride=2 ceil=true
gelu
maxpool 2 pad=1 ceil=true
deconv 4 3 stride=2 pad=1 outpad=1
relu6
upsample 2 mode=bilinear
hardswish
adaptivemaxpool 3
hardsigmoid
adaptiveavgpool 2x3
silu
identity
residual {
  conv 4 3x3 pad=1
  shortcut { conv 4 1x1 }
}
concat crop=center {
  branch { }
  branch { conv 2 1x1 }
}
mul {
  branch { }
  branch { globalavgpool; conv 6 1x1; sigmoid }
}
add {
  branch { relu }
  branch { }
}
globalavgpool
globalmaxpool
flatten
fc 7 bias=false
bn
sigmoid
dropout 0.0
fc 5
tanh
softmax
train {
  init xavier
}
"""


def test_every_layer_kind_compiles(tmp_path):
    from netspec.layers import KINDS
    from netspec.layers.merge import MERGES

    result, source = compile_text(EVERY_KIND)
    assert {layer.kind for layer in result.layers} == {kind.name for kind in (*KINDS, *MERGES)}
    _, model = build(result, source, tmp_path)
    assert_agrees(result, model)

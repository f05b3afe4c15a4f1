"""The Python API (`import netspec`: check, compile, build, SpecError, Report): what it returns
agrees with the command line, how a spec argument is read, and how mistakes are raised."""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from random_graphs import graphs
from random_graphs import render as render_graph
from random_stacks import render as render_stack
from random_stacks import stacks

import netspec
from netspec import resources
from netspec.cli import main
from netspec.diagnostics import render_all, summary
from netspec.memory import DTYPE_BYTES, OPTIMIZER_SLOTS, estimate

BUNDLED = [path.name for path in resources.bundled_specs()]
LENET = resources.specs_dir() / "lenet.net"

KERNEL_TOO_LARGE = "input 1x28x28\nconv 6 5x5\nmaxpool 2\nconv 16 5x5\nmaxpool 2\nconv 120 5x5\nfc 10\n"
TRAIN_BLOCK = "input 1x28x28\nconv 8 3x3\nrelu\nfc 10\ntrain {\n  batch 100\n  optimizer rmsprop momentum=0.9\n}\n"


def as_arguments(cli_text: str) -> str:
    """The CLI's text as `netspec.check` words it: the memory-limit warning names `check`'s
    arguments (`batch=64`, `memory=`) where the command line names its flags."""
    return cli_text.replace("`--batch ", "`batch=").replace("--memory", "memory=")


def cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# --- what check returns agrees with `netspec check` -------------------------------------------


@pytest.mark.parametrize("name", BUNDLED)
def test_check_is_the_cli_json_and_text(capsys, name):
    path = str(resources.specs_dir() / name)
    report = netspec.check(Path(path))
    code, out, _ = cli(capsys, "check", path, "--json")
    assert report.to_dict() == json.loads(as_arguments(out))
    assert code == (0 if report.ok else 1)
    _, text, _ = cli(capsys, "check", path)
    assert str(report) + "\n" == as_arguments(text)
    assert repr(report) == str(report)


@pytest.mark.parametrize("name", ["lenet.net", "resnet18.net", "googlenet.net"])
def test_layers_and_totals_are_the_checkers(name):
    report = netspec.check(name)
    rows = report.to_dict()["layers"]
    assert len(report.layers) == len(rows) > 0
    for layer, row in zip(report.layers, rows):
        assert (layer.index, layer.name, layer.kind, layer.text, layer.line) == (
            row["index"], row["name"], row["kind"], row["text"], row["line"],
        )  # fmt: skip
        assert list(layer.input) == row["input"] and list(layer.output) == row["output"]
        assert (layer.params, layer.macs, list(layer.inputs)) == (row["params"], row["macs"], row["inputs"])
    assert report.params == sum(layer.params for layer in report.layers) == report.to_dict()["totals"]["params"]
    assert report.macs == sum(layer.macs for layer in report.layers)
    assert report.flops == 2 * report.macs
    assert report.output_shape == report.layers[-1].output
    assert report.ok and report.errors == [] and report.memory is not None


def test_layer_rf_of_lenet_by_hand():
    """LeNet's receptive fields, from RF_l = RF_(l-1) + (K_l - 1) * jump_(l-1): 5, 6, 14, 16, 32."""
    by_name = {layer.name: layer for layer in netspec.check("lenet").layers}
    assert [by_name[n].rf for n in ("conv1", "pool1", "conv2", "pool2", "conv3")] == [
        (5, 5), (6, 6), (14, 14), (16, 16), (32, 32),
    ]  # fmt: skip
    assert by_name["pool2"].jump == (4, 4)


@given(
    batch=st.one_of(st.none(), st.integers(1, 4096)),
    dtype=st.sampled_from(sorted(DTYPE_BYTES)),
    optimizer=st.one_of(st.none(), st.sampled_from(sorted(OPTIMIZER_SLOTS))),
    device=st.sampled_from(["cuda", "cpu"]),
    gib=st.integers(1, 64),
)
def test_memory_arguments_mean_what_the_cli_flags_mean(batch, dtype, optimizer, device, gib):
    """For any settings, `netspec.check(…)` reports what `netspec check --json` with the same
    flags reports: the same defaults (the train block's batch and optimizer with its options),
    the same estimate and the same memory-limit warning."""
    report = netspec.check(
        TRAIN_BLOCK, batch=batch, dtype=dtype, optimizer=optimizer, device=device, memory=f"{gib}GiB", name="<stdin>"
    )
    argv = ["check", "-", "--json", "--dtype", dtype, "--device", device, "--memory", f"{gib}GiB"]
    argv += ["--batch", str(batch)] if batch else []
    argv += ["--optimizer", optimizer] if optimizer else []
    expected = _cli_json_from_stdin(argv, TRAIN_BLOCK)
    got = report.to_dict()
    assert got == json.loads(as_arguments(json.dumps(expected)))
    assert report.memory.batch == (batch or 100)
    assert report.memory.optimizer == (optimizer or "rmsprop")


def _cli_json_from_stdin(argv: list[str], text: str) -> dict:
    import contextlib
    import io

    stdin, out = sys.stdin, io.StringIO()
    sys.stdin = io.TextIOWrapper(io.BytesIO(text.encode()), encoding="utf-8")
    try:
        with contextlib.redirect_stdout(out):
            main(argv)
    finally:
        sys.stdin = stdin
    return json.loads(out.getvalue())


def test_memory_defaults_come_from_the_train_block():
    """The block says batch 100 and rmsprop with momentum 0.9: rmsprop keeps its square average
    and, with momentum > 0, a momentum buffer (2 slots); sgd given instead keeps none."""
    report = netspec.check(TRAIN_BLOCK)
    assert (report.memory.batch, report.memory.optimizer) == (100, "rmsprop")
    assert report.memory.optimizer_state == report.params * 4 * 2
    assert report.memory == estimate(report.result, batch=100, optimizer="rmsprop", slots=2)
    assert netspec.check(TRAIN_BLOCK, optimizer="sgd").memory.optimizer_state == 0
    given_ = netspec.check(TRAIN_BLOCK, batch=7, dtype="fp16", device="cpu").memory
    assert given_ == estimate(report.result, batch=7, dtype="fp16", optimizer="rmsprop", device="cpu", slots=2)
    plain = netspec.check("input 1x28x28\nconv 8 3x3\nrelu\nfc 10\n").memory  # no block: batch 1, adam
    assert (plain.batch, plain.optimizer, plain.optimizer_state) == (1, "adam", report.params * 4 * 2)


def test_memory_limit_warns_with_the_largest_batch():
    report = netspec.check("lenet", batch=100_000, memory="1GiB")
    assert report.ok
    [warning] = report.warnings
    assert warning.code == "memory-limit"
    largest = report.memory.max_batch(2**30)
    assert f"{largest:,}" in warning.hint and report.memory_limit == 2**30
    assert netspec.check("lenet", batch=100_000, memory=2**40).warnings == []


@given(st.data())
def test_random_stacks_and_graphs_total_their_layers(data):
    shape, items = data.draw(st.one_of(stacks().map(lambda s: ("stack", s)), graphs().map(lambda g: ("graph", g))))
    kind, (shape, items) = shape, items
    text = (render_stack if kind == "stack" else render_graph)(shape, items)[0]
    report = netspec.check(text)
    assert report.params == sum(layer.params for layer in report.layers)
    assert report.macs == sum(layer.macs for layer in report.layers)
    assert report.ok == (report.errors == [] and report.result.complete)
    assert (report.memory is None) == (not report.ok)
    str(report), report._repr_html_(), json.dumps(report.to_dict())  # every view renders


# --- what a spec argument is ----------------------------------------------------------------


def test_a_path_is_a_file(tmp_path):
    spec = tmp_path / "tiny.net"
    spec.write_text("input 784\nfc 10\n")
    report = netspec.check(spec)
    assert report.source.name == str(spec) and report.name == "tiny" and report.params == 7850


def test_a_path_named_dash_is_that_file_not_stdin(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("-").write_text("input 4\nfc 2\n")
    monkeypatch.setattr(sys, "stdin", None)  # reading stdin would fail
    assert netspec.check(Path("-")).params == 10


def test_text_with_a_line_break_is_text():
    report = netspec.check("input 784\nfc 10")
    assert report.source.name == "<spec>" and report.params == 7850 and report.note is None


def test_one_line_without_net_is_text():
    assert netspec.check("input 784; fc 10").params == 7850


def test_name_names_text():
    report = netspec.check("input 8x4x4\nconv 4 5x5\n", name="mine.net")
    assert report.source.name == "mine.net"
    assert str(report).splitlines()[0].startswith("mine.net:2:")


@pytest.mark.parametrize("spelling", ["lenet", "lenet.net", "specs/lenet.net"])
def test_a_bundled_spec_by_name(spelling, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no such file here: the bundled one
    report = netspec.check(spelling)
    assert report.params == 61706 and report.source.name == str(LENET)
    assert "bundled" in report.note


def test_a_file_ending_in_net_here_wins_over_the_bundled_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("lenet.net").write_text("input 10\nfc 1\n")
    assert netspec.check("lenet.net").params == 11


def test_a_one_line_name_of_an_existing_file_is_ambiguous(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("model.txt").write_text("input 10\nfc 1\n")
    with pytest.raises(ValueError, match=r"ambiguous.*pathlib\.Path\('model\.txt'\)"):
        netspec.check("model.txt")
    assert netspec.check(Path("model.txt")).params == 11
    assert netspec.check("model.txt\n").errors[0].code == "unknown-layer"  # text, as asked


def test_a_missing_file_is_a_spec_error_naming_the_bundled_specs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(netspec.SpecError) as caught:
        netspec.check("nothere.net")
    error = caught.value
    assert [d.code for d in error.diagnostics] == ["unreadable"]
    assert str(error).startswith("nothere.net: error: no such file: nothere.net (bundled specs: alexnet.net")
    assert str(error).endswith("1 error, 0 warnings")
    with pytest.raises(netspec.SpecError, match="spec text needs a line break"):
        netspec.check("input 784 # see my.net")


@pytest.mark.parametrize("text", ["", "   ", "x" * 5000, "a\x00b", "lenet "])
def test_odd_one_liners_are_text(text):
    report = netspec.check(text)
    assert not report.ok and report.source.name == "<spec>" and report.errors


def test_a_folder_is_a_spec_error(tmp_path):
    with pytest.raises(netspec.SpecError, match="is a folder"):
        netspec.check(tmp_path)


@pytest.mark.parametrize("spec", [b"input 784\n", None, 42, ["input 784"]])
def test_other_types_are_a_type_error(spec):
    with pytest.raises(TypeError, match=r"spec must be spec text \(a str\), a path"):
        netspec.check(spec)


def test_name_is_for_text_only():
    with pytest.raises(ValueError, match="name= is for spec text"):
        netspec.check(LENET, name="x.net")
    with pytest.raises(TypeError, match="name must be a str"):
        netspec.check("input 4\n", name=3)


# --- wrong arguments ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"batch": 0}, ValueError, "batch must be between 1 and 2,147,483,647, got 0"),
        ({"batch": 2**40}, ValueError, "batch must be between 1"),
        ({"batch": 1.5}, TypeError, "batch must be a whole number"),
        ({"batch": True}, TypeError, "batch must be a whole number"),
        ({"batch": "64"}, TypeError, "batch must be a whole number"),
        ({"dtype": "fp33"}, ValueError, "unknown dtype 'fp33'.*did you mean 'fp32'"),
        ({"dtype": None}, TypeError, "dtype must be a str"),
        ({"optimizer": "adm"}, ValueError, "unknown optimizer 'adm'.*did you mean 'adam'"),
        ({"optimizer": "zzz"}, ValueError, r"unknown optimizer 'zzz': expected one of adagrad.*sgd$"),
        ({"device": "gpu"}, ValueError, "unknown device 'gpu': expected one of cpu, cuda"),
        ({"memory": "8"}, ValueError, "memory: 8 has no unit"),
        ({"memory": 0}, ValueError, "memory must be at least one byte"),
        ({"memory": 1.5}, TypeError, "memory must be bytes"),
    ],
)
def test_wrong_arguments_say_what_is_expected(arguments, error, message):
    with pytest.raises(error, match=message):
        netspec.check("lenet", **arguments)


def test_arguments_are_checked_before_the_spec_is_read(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match="dtype"):
        netspec.check("nothere.net", dtype="fp33")


# --- errors: check shows them, compile and build raise them ----------------------------------


def test_check_returns_errors_instead_of_raising():
    report = netspec.check(KERNEL_TOO_LARGE)
    assert not report.ok and report.memory is None
    assert [d.code for d in report.errors] == ["kernel-too-large"]
    assert report.errors[0].span.line == 6
    with pytest.raises(netspec.SpecError):
        report.raise_for_errors()
    netspec.check("lenet").raise_for_errors()  # no errors: nothing raised


def test_compile_raises_what_the_cli_prints(capsys, tmp_path):
    path = tmp_path / "broken.net"
    path.write_text(KERNEL_TOO_LARGE)
    with pytest.raises(netspec.SpecError) as caught:
        netspec.compile(path)
    code, out, err = cli(capsys, "compile", str(path))
    assert code == 1 and out == ""
    assert str(caught.value) + "\n" == err
    error = caught.value
    assert isinstance(error, ValueError) and error.source.name == str(path)
    assert [d.code for d in error.diagnostics] == ["kernel-too-large"]
    assert str(error) == render_all(error.diagnostics, error.source) + "\n" + summary(error.diagnostics)
    assert "    conv 120 5x5\n             ^~~" in str(error)


def test_compile_and_build_raise_for_a_syntax_error():
    for function in (netspec.compile, netspec.build):
        with pytest.raises(netspec.SpecError, match=r"<spec>:2:\d+: error: .*\[syntax\]"):
            function("input 4\nfc 3 {{\n")


@pytest.mark.parametrize("name", BUNDLED)
def test_compile_is_the_cli_output(capsys, name):
    path = str(resources.specs_dir() / name)
    code, out, _ = cli(capsys, "compile", path)
    assert code == 0
    assert netspec.compile(Path(path)) == out


def test_compile_with_warnings_does_not_raise():
    assert netspec.check("squeezenet").warnings
    assert "class SqueezeNet11(nn.Module)" in netspec.compile("squeezenet")


# --- build -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["lenet.net", "resnet18.net"])
def test_build_is_an_instance_of_exactly_the_compiled_class(name):
    torch = pytest.importorskip("torch")
    source = netspec.compile(name)
    model = netspec.build(name)
    module = sys.modules[type(model).__module__]
    assert inspect.getsource(module) == source
    assert f"class {type(model).__name__}(nn.Module)" in source
    report = netspec.check(name)
    assert sum(p.numel() for p in model.parameters()) == report.params
    model.eval()
    with torch.no_grad():
        out = model(torch.randn(2, *report.input_shape))
    assert tuple(out.shape) == (2, *report.output_shape)


@settings(max_examples=15)
@given(stacks())
def test_built_models_have_the_checked_params_and_output_shape(stack):
    """Against torch's own counts: a random stack that checks builds into a module with the
    report's parameters and output shape (and one that does not check raises SpecError)."""
    torch = pytest.importorskip("torch")
    text = render_stack(*stack)[0]
    report = netspec.check(text)
    if not report.ok:
        with pytest.raises(netspec.SpecError):
            netspec.build(text)
        return
    model = netspec.build(text).eval()
    assert sum(p.numel() for p in model.parameters()) == report.params
    with torch.no_grad():
        assert tuple(model(torch.randn(2, *report.input_shape)).shape) == (2, *report.output_shape)


def test_build_applies_the_train_blocks_init():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    model = netspec.build("input 4\nfc 3\ntrain {\n  init normal std=0.01\n}\n")
    assert "std=0.01" in netspec.compile("input 4\nfc 3\ntrain {\n  init normal std=0.01\n}\n")
    with torch.no_grad():
        assert float(model.fc1.weight.std()) < 0.05 and float(model.fc1.bias.abs().max()) == 0.0


# --- import cost -----------------------------------------------------------------------------


def _python(code: str) -> str:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout


def test_import_netspec_loads_neither_the_api_nor_torch():
    out = _python(
        "import sys, netspec; print(sorted(m for m in sys.modules if m.startswith('netspec')), 'torch' in sys.modules)"
    )
    assert out.split() == ["['netspec']", "False"]


def test_check_and_compile_do_not_import_torch():
    out = _python(
        "import sys, netspec; r = netspec.check('lenet'); r._repr_html_(); netspec.compile('lenet');"
        " print(r.params, 'torch' in sys.modules)"
    )
    assert out.split() == ["61706", "False"]


def test_the_api_names_are_attributes_of_the_package():
    for name in netspec.__all__:
        assert name in dir(netspec)
        assert getattr(netspec, name) is getattr(__import__("netspec.api").api, name)
    with pytest.raises(AttributeError, match="has no attribute 'chek'"):
        netspec.chek  # noqa: B018

"""The `netspec` command line: exit codes, `--json`, `--explain`, `--strict`, bundled specs."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from netspec import resources
from netspec.cli import main

SPECS = resources.specs_dir()
STABLE_TOP = {"schema", "file", "network", "input", "ok", "layers", "totals", "memory", "diagnostics"}
STABLE_LAYER = {
    "id",
    "index",
    "inputs",
    "scope",
    "line",
    "call_lines",
    "kind",
    "name",
    "output",
    "params",
    "macs",
    "rf",
    "jump",
}
STABLE_TOTALS = {"params", "trainable_params", "macs"}
STABLE_DIAGNOSTIC = {"severity", "code", "line", "column", "message", "hint"}


def netspec(*args: str, cwd=None) -> subprocess.CompletedProcess:
    """`python -m netspec ...` as a separate process."""
    return subprocess.run([sys.executable, "-m", "netspec", *args], capture_output=True, text=True, cwd=cwd, timeout=60)


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def spec(tmp_path):
    def write(text: str, name: str = "t.net"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write


def test_exit_0_for_a_clean_spec(capsys):
    code, out, err = run(capsys, "check", str(SPECS / "lenet.net"))
    assert code == 0
    assert "LeNet5" in out
    assert "61,706" in out


def test_exit_1_for_a_spec_with_errors(capsys, spec):
    code, out, _ = run(capsys, "check", spec("input 1x8x8\nconvv 3\n"))
    assert code == 1
    assert "t.net:2:1: error:" in out
    assert "1 error, 0 warnings" in out


def test_warnings_exit_0_but_1_under_strict(capsys, spec):
    path = spec("input 1x9x9\nconv 2 2x2 stride=2\n")
    code, out, _ = run(capsys, "check", path)
    assert code == 0
    assert "warning:" in out and "[inexact-size]" in out
    assert run(capsys, "check", path, "--strict")[0] == 1


@pytest.mark.parametrize(
    "text,strict,code",
    [
        ("input 1x8x8\nconv 2 3x3\n", False, 0),
        ("input 1x9x9\nconv 2 2x2 stride=2\n", False, 0),  # a warning
        ("input 1x9x9\nconv 2 2x2 stride=2\n", True, 1),
        ("input 1x8x8\nconv 2 9x9\n", False, 1),
        ("input 1x8x8\nconvv 2 3x3\n", False, 1),
    ],
)
def test_exit_codes_of_python_m_netspec(tmp_path, text, strict, code):
    (tmp_path / "t.net").write_text(text, encoding="utf-8")
    result = netspec("check", "t.net", *(["--strict"] if strict else []), cwd=tmp_path)
    assert result.returncode == code, result.stdout + result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["check", "no-such-spec.net"],
        ["check"],
        ["check", "lenet.net", "--batch", "0"],
        ["check", "lenet.net", "--dtype", "fp7"],
        ["check", "lenet.net", "--memory", "lots"],
        ["check", "lenet.net", "--no-such-flag"],
        ["frobnicate"],
        [],
    ],
)
def test_usage_errors_exit_2_without_a_traceback(args, tmp_path):
    result = netspec(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout


def test_missing_file_says_so_and_lists_bundled_specs(tmp_path):
    result = netspec("check", "nothing-here.net", cwd=tmp_path)
    assert result.returncode == 2
    assert "no such file: nothing-here.net" in result.stderr
    assert "lenet.net" in result.stderr


def test_folder_and_non_utf8_file_are_usage_errors(tmp_path):
    (tmp_path / "binary.net").write_bytes(b"input 1x8x8\n\xff\xfe\x00conv\n")
    assert netspec("check", str(tmp_path)).returncode == 2
    result = netspec("check", str(tmp_path / "binary.net"))
    assert result.returncode == 2
    assert "UTF-8" in result.stderr and "Traceback" not in result.stderr


def test_bundled_spec_is_used_when_no_such_file_exists_here(tmp_path):
    result = netspec("check", "lenet.net", cwd=tmp_path)
    assert result.returncode == 0
    assert "note:" in result.stderr and "bundled" in result.stderr
    assert "LeNet5" in result.stdout


def test_a_file_in_the_current_folder_wins_over_the_bundled_spec(tmp_path):
    (tmp_path / "lenet.net").write_text("network Mine\ninput 10\nfc 2\n", encoding="utf-8")
    result = netspec("check", "lenet.net", cwd=tmp_path)
    assert result.returncode == 0
    assert "Mine" in result.stdout and "note:" not in result.stderr


def test_specs_lists_every_bundled_spec(capsys):
    code, out, _ = run(capsys, "specs")
    assert code == 0
    for path in resources.bundled_specs():
        assert path.name in out


def test_kinds_lists_every_layer_kind(capsys):
    code, out, _ = run(capsys, "check", "--kinds")
    assert code == 0
    from netspec.layers import KINDS
    from netspec.layers.merge import MERGES

    for kind in (*KINDS, *MERGES):
        assert f"\n{kind.name} " in "\n" + out
    assert "\nresidual " in out


def test_explain_prints_the_arithmetic_of_every_layer(capsys):
    code, out, _ = run(capsys, "check", str(SPECS / "alexnet.net"), "--explain")
    assert code == 0
    assert "OH = ⌊(227 + 2·0 − 11) / 4⌋ + 1 = 55" in out
    assert "OW = ⌊(227 + 2·0 − 11) / 4⌋ + 1 = 55" in out
    assert "OH = ⌊(27 + 2·2 − 5) / 1⌋ + 1 = 27" in out


def test_explain_shows_ceil_and_same_arithmetic(capsys, spec):
    path = spec("input 1x7x7\nconv 2 3x3 stride=2 pad=same\nmaxpool 2 ceil=true\n")
    code, out, _ = run(capsys, "check", path, "--explain")
    assert "OH = ⌈7 / 2⌉ = 4" in out
    assert "OH = ⌈(4 + 2·0 − 2) / 2⌉ + 1 = 2  (ceil mode)" in out


def _json(capsys, *args) -> tuple[int, dict]:
    code, out, _ = run(capsys, *args, "--json")
    return code, json.loads(out)  # one object and nothing else


@pytest.mark.parametrize("path", resources.bundled_specs(), ids=lambda p: p.name)
def test_json_has_the_stable_fields(capsys, path):
    code, data = _json(capsys, "check", str(path))
    assert code == 0
    assert STABLE_TOP <= data.keys()
    assert data["schema"] == 2 and data["ok"] is True
    assert len(data["input"]) in (1, 3)
    assert STABLE_TOTALS <= data["totals"].keys()
    for layer in data["layers"]:
        assert STABLE_LAYER <= layer.keys()
    assert [layer["index"] for layer in data["layers"]] == list(range(1, len(data["layers"]) + 1))
    assert [layer["id"] for layer in data["layers"]] == [layer["index"] for layer in data["layers"]]
    # every layer reads layers listed before it (0: the input); a chain reads the one before
    for layer in data["layers"]:
        assert layer["inputs"] and all(0 <= i < layer["id"] for i in layer["inputs"])
        assert len(layer["scope"]) == layer["name"].count(".")
    # the per-layer columns add up to the totals
    assert sum(layer["params"] for layer in data["layers"]) == data["totals"]["params"]
    assert sum(layer["macs"] for layer in data["layers"]) == data["totals"]["macs"]
    assert data["memory"]["bytes"]["total"] == sum(v for k, v in data["memory"]["bytes"].items() if k != "total")


@pytest.mark.parametrize(
    "text",
    ["input 1x8x8\nconvv 3\nconv 4 (3\n", "", "\x00\x01", "conv 3 3x3\n", "input 1x4x4\nconv 2 5x5\n", "repeat {"],
)
def test_json_is_one_object_also_on_errors(capsys, spec, text):
    code, data = _json(capsys, "check", spec(text))
    assert code == 1
    assert STABLE_TOP <= data.keys()
    assert data["ok"] is False and data["memory"] is None
    assert data["diagnostics"]
    for diagnostic in data["diagnostics"]:
        assert STABLE_DIAGNOSTIC <= diagnostic.keys()
        assert isinstance(diagnostic["line"], int) and isinstance(diagnostic["column"], int)
    assert any(d["severity"] == "error" for d in data["diagnostics"])


def test_json_repeat_expands_to_one_entry_per_executed_layer(capsys):
    _, data = _json(capsys, "check", str(SPECS / "vgg16.net"))
    convs = [layer for layer in data["layers"] if layer["kind"] == "conv"]
    assert len(convs) == 13
    text = (SPECS / "vgg16.net").read_text(encoding="utf-8").splitlines()
    assert {text[layer["line"] - 1].strip() for layer in convs} == {"conv filters 3x3 pad=1"}
    assert data["totals"]["params"] == 138_357_544


def test_batch_comes_from_the_train_block_unless_given(capsys):
    _, data = _json(capsys, "check", str(SPECS / "lenet.net"))
    assert data["memory"]["batch"] == 64
    _, data = _json(capsys, "check", str(SPECS / "lenet.net"), "--batch", "3", "--optimizer", "sgd")
    assert data["memory"]["batch"] == 3
    assert data["memory"]["bytes"]["optimizer_state"] == 0


def test_memory_limit_gives_the_largest_batch(capsys):
    _, data = _json(capsys, "check", str(SPECS / "lenet.net"), "--memory", "1GiB")
    memory = data["memory"]
    assert memory["limit"] == 2**30
    largest = memory["max_batch"]
    # the step's peak is not affine in the batch (docs/memory.md): ask for the two batches around it
    _, fits = _json(capsys, "check", str(SPECS / "lenet.net"), "--batch", str(largest))
    _, over = _json(capsys, "check", str(SPECS / "lenet.net"), "--batch", str(largest + 1))
    assert fits["memory"]["bytes"]["total"] <= 2**30 < over["memory"]["bytes"]["total"]


def test_dtype_halves_the_weights(capsys):
    _, fp32 = _json(capsys, "check", str(SPECS / "lenet.net"))
    _, fp16 = _json(capsys, "check", str(SPECS / "lenet.net"), "--dtype", "fp16")
    assert fp16["memory"]["bytes"]["weights"] * 2 == fp32["memory"]["bytes"]["weights"]


def test_console_script_and_module_agree(tmp_path):
    import shutil

    script = shutil.which("netspec")
    if script is None:
        pytest.skip("the console script is not installed")
    spec = str(SPECS / "deep.net")
    by_script = subprocess.run([script, "check", spec, "--json"], capture_output=True, text=True, timeout=60)
    assert by_script.returncode == 0
    assert json.loads(by_script.stdout) == json.loads(netspec("check", spec, "--json").stdout)


def test_check_does_not_import_torch():
    code = "import sys; from netspec.cli import main; main(['check', 'lenet.net']); print('torch' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip().endswith("False")


def test_a_batch_over_the_memory_limit_warns_with_the_largest_batch_that_fits(capsys):
    """VGG-16's own batch of 256 needs 19.1 GiB: over the default 16 GiB, a warning at its train
    block that names the batch that fits (and --strict fails); at batch 64 nothing is said."""
    assert main(["check", "vgg16.net"]) == 0
    out = capsys.readouterr().out
    assert "warning: one training step at batch 256 needs 19.1 GiB, more than the 16 GiB" in out
    assert "[memory-limit]" in out and "the largest batch that fits is 211" in out
    assert main(["check", "vgg16.net", "--strict"]) == 1
    capsys.readouterr()
    assert main(["check", "vgg16.net", "--batch", "64"]) == 0
    assert "memory-limit" not in capsys.readouterr().out


def test_a_model_whose_weights_alone_overflow_the_memory_says_so(spec, capsys):
    assert main(["check", spec("input 1x4x4\nfc 2147483647\nfc 2147483647\n")]) == 0
    out = capsys.readouterr().out
    assert "not even batch 1 fits: the weights, gradients and optimizer state alone take" in out

"""The Python API and the drawing's housekeeping, audited as a confused user would call them:
each test is a finding that was wrong once (a numpy batch size refused, spec text of any size
parsed, the garbage collector left off)."""

from __future__ import annotations

import gc
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

import netspec
from netspec.checker import check_text
from netspec.draw import DrawError, draw_svg
from netspec.loading import MAX_BYTES

np = pytest.importorskip("numpy")

SMALL = "network Small\ninput 3x16x16\nconv 8 3x3\nrelu\nfc 10\n"


@given(st.integers(1, 4096), st.sampled_from(["int8", "int16", "int32", "int64", "uint16", "uint64"]))
def test_a_numpy_integer_batch_is_that_batch(batch, dtype):
    value = np.array(batch).astype(dtype)[()]
    if int(value) != batch:  # int8 cannot hold it
        return
    assert netspec.check(SMALL, batch=value).memory.batch == batch == netspec.check(SMALL, batch=batch).memory.batch


def test_a_numpy_integer_memory_limit_is_bytes():
    report = netspec.check(SMALL, memory=np.int64(2**30))
    assert report.memory_limit == 2**30 and type(report.memory_limit) is int


@pytest.mark.parametrize("batch", [True, np.bool_(True), 4.0, np.float64(4.0), "4", [4]])
def test_what_is_not_a_whole_number_stays_a_type_error(batch):
    with pytest.raises(TypeError, match="batch must be a whole number"):
        netspec.check(SMALL, batch=batch)


def test_a_numpy_batch_out_of_range_is_a_value_error():
    with pytest.raises(ValueError, match="batch must be between 1 and"):
        netspec.check(SMALL, batch=np.int64(0))


def test_spec_text_larger_than_a_spec_file_may_be_is_refused_before_parsing():
    text = "input 3x8x8\n" + "#" * MAX_BYTES + "\n"
    with pytest.raises(netspec.SpecError) as caught:
        netspec.check(text, name="huge.net")
    message = str(caught.value)
    assert message.startswith(f"huge.net: error: spec text of {len(text):,} characters")
    assert message.rstrip().endswith("1 error, 0 warnings") and "[unreadable]" in message


def test_spec_text_just_under_the_limit_is_checked():
    text = "input 3x8x8\nconv 4 3x3\n" + "#" * (MAX_BYTES - 100) + "\n"
    assert len(text) <= MAX_BYTES
    assert netspec.check(text).ok


def test_compile_of_a_spec_with_errors_says_what_the_cli_says(tmp_path):
    path = tmp_path / "bad.net"
    path.write_text("network Bad\ninput 3x8x8\nconv 8 9x9\n", encoding="utf-8")
    with pytest.raises(netspec.SpecError) as caught:
        netspec.compile(path)
    cli = subprocess.run(
        [sys.executable, "-m", "netspec", "compile", str(path)], capture_output=True, text=True, timeout=60
    )
    assert cli.returncode == 1
    assert str(caught.value).strip() == cli.stderr.strip()


# --- draw leaves the garbage collector as it found it ----------------------------------------------


def test_draw_leaves_the_collector_on_after_a_drawing_and_after_an_error():
    result = check_text(SMALL, "small.net")
    assert gc.isenabled()
    draw_svg(result)
    assert gc.isenabled()
    with pytest.raises(DrawError):
        draw_svg(result, highlight="nope")
    assert gc.isenabled()


def test_draw_leaves_a_disabled_collector_disabled():
    result = check_text(SMALL, "small.net")
    gc.disable()
    try:
        draw_svg(result)
        assert not gc.isenabled()
    finally:
        gc.enable()


# --- build without torch ---------------------------------------------------------------------------

BLOCK_TORCH = """
import sys, importlib.abc
class NoTorch(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] == "torch":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, NoTorch())
import netspec
print(netspec.check("lenet").params)
print(len(netspec.compile("lenet")) > 0)
try:
    netspec.build("lenet")
except ImportError as error:
    print(type(error).__name__, error.name, error)
"""


def test_build_without_torch_says_what_to_install_and_check_still_works():
    done = subprocess.run([sys.executable, "-c", BLOCK_TORCH], capture_output=True, text=True, timeout=120)
    lines = done.stdout.splitlines()
    assert done.returncode == 0, done.stderr
    assert lines[0] == str(netspec.check("lenet").params) and lines[1] == "True"
    assert lines[2].startswith("ImportError torch netspec.build needs PyTorch")
    assert "pip install 'netspec[torch]'" in lines[2] and "Traceback" not in done.stderr


# --- did-you-mean for PyTorch's own spellings --------------------------------------------------------


@pytest.mark.parametrize(
    ("argument", "value", "guess"),
    [
        ("dtype", "float", "fp32"),  # torch.float is float32: spelling alone guessed float64
        ("dtype", "half", "fp16"),
        ("dtype", "double", "fp64"),
        ("dtype", "torch.float32", "float32"),
        ("dtype", "FP32", "fp32"),
        ("device", "gpu", "cuda"),  # spelling alone guessed cpu
        ("device", "GPU", "cuda"),
        ("device", "cuda:0", "cuda"),
        ("optimizer", "Adam", "adam"),
    ],
)
def test_a_wrong_choice_suggests_what_pytorch_users_mean(argument, value, guess):
    with pytest.raises(ValueError) as caught:
        netspec.check(SMALL, **{argument: value})
    assert str(caught.value).endswith(f"did you mean {guess!r}?")


def test_a_pytorch_spelling_is_not_suggested_for_another_argument():
    with pytest.raises(ValueError) as caught:
        netspec.check(SMALL, optimizer="float")
    assert "fp32" not in str(caught.value)


def test_a_folder_named_as_a_string_says_it_is_a_folder_and_how_to_check_its_specs(tmp_path, monkeypatch):
    (tmp_path / "nets").mkdir()
    (tmp_path / "nets" / "a.net").write_text(SMALL, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for spelling in ("nets", "nets/"):
        with pytest.raises(ValueError) as caught:
            netspec.check(spelling)
        message = str(caught.value)
        assert message.startswith(f"{spelling!r} is a folder") and "glob('*.net')" in message
        assert "ambiguous" not in message
    with pytest.raises(ValueError, match="is ambiguous"):  # a file of that name still is
        (tmp_path / "notes").write_text("x", encoding="utf-8")
        netspec.check("notes")

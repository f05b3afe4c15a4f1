"""A finished run works outside netspec: its model.py carries the run's preprocessing, and the five
lines in its docstring, run in a fresh interpreter that cannot import netspec, give the run's test
accuracy from weights.safetensors alone.

The fresh interpreter is `python -I -S -B`: no site processing, so no editable-install hook, and a
sys.path of the standard library plus a folder of links to everything in site-packages except
netspec. The script proves `import netspec` fails there before it runs the snippet.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from train_fixtures import digits_npz, netspec_env, only_run, write_spec

from netspec.cli import main
from netspec.data import load as load_data
from netspec.data.device import DeviceSplit
from netspec.data.formats import Split
from netspec.training.portable import Preprocessing, preprocess_code, snippet

# The bundled digits, shrunk to 20x20 (the antialiased path), normalized; 1 epoch on 4,000 digits.
IMAGE_SPEC = """network Small
input 1x20x20
conv 8 5x5 stride=3
relu
fc 10
train {
  data digits-offline
  optimizer adam lr=0.01
  epochs 1
  batch 64
  resize 20
  seed 1
}
"""

# A vector input on float images in [0, 1]: the flattened path, one mean and std over all values.
VECTOR_SPEC = """network Flat
input 784
fc 32
relu
fc 10
train {
  optimizer adam lr=0.01
  epochs 2
  batch 32
}
"""

SCRIPT = r"""
import json, os, sys
farm, folder, data = sys.argv[1:4]
sys.path.append(farm)
try:
    import netspec  # noqa: F401
except ModuleNotFoundError as error:
    netspec_error = str(error)
else:
    sys.exit("netspec can be imported here, so this proves nothing")
os.chdir(folder)
sys.path.insert(0, folder)
import numpy as np
with np.load(data, allow_pickle=False) as arrays:
    images, labels = arrays["x"], arrays["y"]
# --- the snippet ---
{snippet}
# ---
correct = int((predictions.numpy() == labels).sum())
loaded = sorted(m for m in sys.modules if m.split(".")[0] == "netspec")
print(json.dumps({"correct": correct, "count": len(labels), "netspec_error": netspec_error, "loaded": loaded}))
"""


def site_without_netspec(folder: Path) -> Path:
    """A folder of links to everything in this interpreter's site-packages except netspec."""
    folder.mkdir()
    roots = {Path(sysconfig.get_paths()[key]) for key in ("purelib", "platlib")}
    for root in roots:
        for entry in root.iterdir():
            lowered = entry.name.lower()
            if "netspec" in lowered or lowered.startswith("__editable__") or (folder / entry.name).exists():
                continue
            (folder / entry.name).symlink_to(entry)
    return folder


def docstring_snippet(model_py: str) -> str:
    """The indented five lines of model.py's docstring that use the model in plain PyTorch."""
    docstring = model_py.split('"""')[1]
    start = docstring.index("    import torch, safetensors.torch")
    block = docstring[start:].split("\n\n")[0]
    return textwrap.dedent(block)


def run_elsewhere(run_dir: Path, images: np.ndarray, labels: np.ndarray, tmp_path: Path) -> dict:
    """model.py and weights.safetensors copied to a new folder, used there by the snippet alone."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for name in ("model.py", "weights.safetensors"):
        shutil.copy(run_dir / name, elsewhere / name)
    data = tmp_path / "test_split.npz"
    np.savez(data, x=images, y=labels)
    lines = docstring_snippet((elsewhere / "model.py").read_text())
    assert len(lines.strip().splitlines()) == 5
    script = tmp_path / "use_it.py"
    script.write_text(SCRIPT.replace("{snippet}", lines))
    farm = site_without_netspec(tmp_path / "site")
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-B", str(script), str(farm), str(elsewhere), str(data)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env=netspec_env(),
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def final_test_acc(run_dir: Path) -> float:
    return json.loads((run_dir / "run.json").read_text())["final"]["test_acc"]


def test_the_snippet_gives_the_runs_accuracy_without_netspec(tmp_path, capsys):
    spec = write_spec(tmp_path, IMAGE_SPEC, "small.net")
    runs = tmp_path / "runs"
    assert main(["train", str(spec), "--runs", str(runs), "--device", "cpu", "--quiet"]) == 0
    run_dir = only_run(runs)
    capsys.readouterr()
    assert main(["eval", str(run_dir), "--device", "cpu", "--quiet"]) == 0
    reported = capsys.readouterr().out.strip()
    accuracy = final_test_acc(run_dir)
    assert reported == f"{accuracy:.2%}"

    test = load_data("digits-offline").test  # as the data source gives it: uint8, (N, 1, 28, 28)
    assert test.x.dtype == np.uint8 and test.x.shape[2:] == (28, 28)
    outcome = run_elsewhere(run_dir, test.x, test.y, tmp_path)
    assert "netspec" in outcome["netspec_error"] and outcome["loaded"] == []
    assert outcome["count"] == len(test.y)
    assert abs(outcome["correct"] - round(accuracy * len(test.y))) <= 1, (outcome, accuracy)
    # Raw pixels, as in the issue, are not what the network was trained on: preprocess matters.
    assert "Never feed the network raw pixels" in (run_dir / "model.py").read_text()


def test_a_vector_input_on_float_images_works_outside_netspec_too(tmp_path):
    source = digits_npz(tmp_path / "digits8.npz", train=512, test=200)
    with np.load(source) as arrays:
        floats = {k: (arrays[k].astype(np.float32) / 255 if k.startswith("x") else arrays[k]) for k in arrays.files}
    data = tmp_path / "digits_float.npz"
    np.savez(data, **floats)
    spec = write_spec(tmp_path, VECTOR_SPEC, "flat.net")
    runs = tmp_path / "runs"
    assert main(["train", str(spec), "--data", str(data), "--runs", str(runs), "--device", "cpu", "--quiet"]) == 0
    run_dir = only_run(runs)
    model_py = (run_dir / "model.py").read_text()
    assert "RESIZE_TO = None" in model_py and "x.reshape(len(x), -1)" in model_py
    test = load_data(str(data)).test
    assert test.x.dtype == np.float32 and float(test.x.max()) <= 1.0
    outcome = run_elsewhere(run_dir, test.x, test.y, tmp_path)
    accuracy = final_test_acc(run_dir)
    assert abs(outcome["correct"] - round(accuracy * len(test.y))) <= 1, (outcome, accuracy)
    assert outcome["correct"] > 0.5 * len(test.y)  # it learned something: the check is not vacuous


def test_the_snippet_is_five_plain_lines_naming_the_class():
    lines = snippet("LeNet5")
    assert len(lines) == 5
    assert "from model import LeNet5, preprocess" in lines
    assert not any("netspec" in line for line in lines)


# --- preprocess() against the training path (netspec.data.device), which is the reference ---------


def preprocess_function(prep: Preprocessing):
    namespace: dict = {}
    exec(compile("import torch\n" + "\n".join(preprocess_code(prep)), "<preprocess>", "exec"), namespace)
    return namespace["preprocess"]


def training_batch(x: np.ndarray, prep: Preprocessing) -> torch.Tensor:
    """What the runner feeds the network for these samples: DeviceSplit's resize, flatten and
    normalization, as prepare_data sets them up."""
    split = DeviceSplit(
        Split(x, np.zeros(len(x), dtype=np.int64)),
        torch.device("cpu"),
        prep.resize if prep.images else None,
        flatten=len(prep.input_shape) == 1,
    )
    split.set_normalization(list(prep.mean) if prep.mean else None, list(prep.std) if prep.std else None)
    return split.prepare(split.x)


@st.composite
def preprocessings(draw):
    channels = draw(st.sampled_from([1, 3]))
    height, width = draw(st.integers(4, 12)), draw(st.integers(4, 12))
    resize = draw(st.none() | st.tuples(st.integers(3, 16), st.integers(3, 16)))
    uint8 = draw(st.booleans())
    vector = draw(st.booleans())
    normalize = draw(st.booleans())
    size = resize or (height, width)
    mean_count = 1 if vector else channels
    means = st.floats(0.0, 1.0, allow_nan=False)
    stds = st.floats(0.05, 2.0, allow_nan=False)
    prep = Preprocessing(
        input_shape=(channels * size[0] * size[1],) if vector else (channels, *size),
        mean=tuple(draw(st.lists(means, min_size=mean_count, max_size=mean_count))) if normalize else None,
        std=tuple(draw(st.lists(stds, min_size=mean_count, max_size=mean_count))) if normalize else None,
        resize=resize,
        images=True,
        uint8=uint8,
    )
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    count = draw(st.integers(1, 5))
    if uint8:
        x = rng.integers(0, 256, (count, channels, height, width), dtype=np.uint8)
    else:
        x = rng.random((count, channels, height, width), dtype=np.float32)
    return prep, x


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(preprocessings())
def test_preprocess_does_what_the_training_path_does(case):
    prep, x = case
    expected = training_batch(x, prep)
    got = preprocess_function(prep)(x)
    assert got.dtype == torch.float32
    assert tuple(got.shape) == (len(x), *prep.input_shape) == tuple(expected.shape)
    torch.testing.assert_close(got, expected, rtol=1e-5, atol=1e-5)


def test_preprocess_takes_one_channel_images_without_their_channel_axis():
    prep = Preprocessing((1, 6, 6), (0.5,), (0.25,), None, images=True, uint8=True)
    x = np.arange(2 * 36, dtype=np.uint8).reshape(2, 6, 6)
    function = preprocess_function(prep)
    torch.testing.assert_close(function(x), function(x[:, None]))
    torch.testing.assert_close(function(x)[0, 0, 0, 1], torch.tensor((1 / 255 - 0.5) / 0.25))


@pytest.mark.parametrize("name", ['x"""; import os', "a\nb", "data\\set"])
def test_a_data_name_never_breaks_out_of_the_docstring(name):
    from netspec.training.portable import run_model_source

    generated = '"""Net."""\n\nimport torch\n\n\nclass Net:\n    pass\n\n\nif __name__ == "__main__":\n    pass\n'
    prep = Preprocessing((1, 4, 4), None, None, None, images=True, uint8=True, data_name=name)
    text = run_model_source(generated, "Net", prep)
    compile(text, "model.py", "exec")
    assert text.count('"""') == generated.count('"""') + 2  # the module's and preprocess's
    assert text.index("def preprocess(") < text.index('if __name__ == "__main__":')

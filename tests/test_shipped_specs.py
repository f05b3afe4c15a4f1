"""The shipped specs check cleanly and have the parameter counts their sources publish."""

import pytest

from netspec import resources
from netspec.checker import check_source
from netspec.loading import load_spec

PUBLISHED_PARAMS = {
    "alexnet.net": 62_378_344,  # single-tower AlexNet at 227x227
    "deep.net": 123_552,  # Deep Learning from Scratch, DeepConvNet
    "lenet.net": 61_706,  # LeNet-5 as the PyTorch tutorials write it
    "vgg16.net": 138_357_544,  # torchvision vgg16
}


@pytest.mark.parametrize("path", resources.bundled_specs(), ids=lambda p: p.name)
def test_shipped_spec_checks_without_errors(path):
    source, _ = load_spec(str(path))
    result = check_source(source)
    assert result.ok, [d.message for d in result.diagnostics.errors]
    assert result.layers, "a shipped spec has layers"


@pytest.mark.parametrize("name,params", sorted(PUBLISHED_PARAMS.items()))
def test_published_parameter_counts(name, params):
    source, _ = load_spec(str(resources.specs_dir() / name))
    assert check_source(source).params == params


def test_every_shipped_spec_names_its_source_in_a_header_comment():
    for path in resources.bundled_specs():
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# ") and len(first) > 20, path.name

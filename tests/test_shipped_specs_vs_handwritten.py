"""The shipped specs against the networks as their sources write them in PyTorch, by hand.

The reference modules below are written from the papers and tutorials named in each spec's header,
not from netspec's elaborated values, so a mistake in elaboration, a default or a shape rule would
show here as a mismatch: every layer's output shape (in order) and the parameter count must equal
the checker's.
"""

import pytest

from netspec import resources
from netspec.checker import check_source
from netspec.loading import load_spec

torch = pytest.importorskip("torch")
nn = torch.nn


def lenet():
    return [
        nn.Conv2d(1, 6, 5), nn.Tanh(), nn.AvgPool2d(2),
        nn.Conv2d(6, 16, 5), nn.Tanh(), nn.AvgPool2d(2),
        nn.Conv2d(16, 120, 5), nn.Tanh(),
        nn.Flatten(), nn.Linear(120, 84), nn.Tanh(), nn.Linear(84, 10),
    ]  # fmt: skip


def deep():
    def conv(c_in, c_out, pad):
        return [nn.Conv2d(c_in, c_out, 3, padding=pad), nn.ReLU()]

    return [
        *conv(1, 16, 1), *conv(16, 16, 1), nn.MaxPool2d(2),
        *conv(16, 32, 1), *conv(32, 32, 2), nn.MaxPool2d(2),
        *conv(32, 64, 1), *conv(64, 64, 1), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 4 * 4, 50), nn.ReLU(), nn.Dropout(0.5), nn.Linear(50, 10), nn.Dropout(0.5),
    ]  # fmt: skip


def mnist_cnn():
    # SAME with stride 1 and a 5x5 kernel pads 2 on every side
    return [
        nn.Conv2d(1, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(7 * 7 * 64, 1024), nn.ReLU(), nn.Dropout(0.5), nn.Linear(1024, 10),
    ]  # fmt: skip


def network3():
    return [
        nn.Conv2d(1, 20, 5), nn.MaxPool2d(2), nn.ReLU(),
        nn.Conv2d(20, 40, 5), nn.MaxPool2d(2), nn.ReLU(),
        nn.Dropout(0.5), nn.Flatten(), nn.Linear(40 * 4 * 4, 1000), nn.ReLU(),
        nn.Dropout(0.5), nn.Linear(1000, 1000), nn.ReLU(),
        nn.Dropout(0.5), nn.Linear(1000, 10), nn.Softmax(dim=1),
    ]  # fmt: skip


def alexnet():
    return [
        nn.Conv2d(3, 96, 11, stride=4), nn.ReLU(), nn.LocalResponseNorm(5, 1e-4, 0.75, 2.0), nn.MaxPool2d(3, 2),
        nn.Conv2d(96, 256, 5, padding=2), nn.ReLU(), nn.LocalResponseNorm(5, 1e-4, 0.75, 2.0), nn.MaxPool2d(3, 2),
        nn.Conv2d(256, 384, 3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 384, 3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.Flatten(), nn.Linear(256 * 6 * 6, 4096), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(0.5), nn.Linear(4096, 1000), nn.Softmax(dim=1),
    ]  # fmt: skip


def vgg16():
    layers, c_in = [], 3
    for filters, convs in ((64, 2), (128, 2), (256, 3), (512, 3), (512, 3)):
        for _ in range(convs):
            layers += [nn.Conv2d(c_in, filters, 3, padding=1), nn.ReLU()]
            c_in = filters
        layers.append(nn.MaxPool2d(2))
    return layers + [
        nn.Flatten(), nn.Linear(512 * 7 * 7, 4096), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(0.5), nn.Linear(4096, 1000), nn.Softmax(dim=1),
    ]  # fmt: skip


HANDWRITTEN = {
    "lenet.net": (lenet, (1, 32, 32)),
    "deep.net": (deep, (1, 28, 28)),
    "mnist_cnn.net": (mnist_cnn, (1, 28, 28)),
    "network3.net": (network3, (1, 28, 28)),
    "alexnet.net": (alexnet, (3, 227, 227)),
    "vgg16.net": (vgg16, (3, 224, 224)),
}


def test_every_shipped_spec_has_a_handwritten_reference():
    """Straight stacks here; graphs in tests/test_graph_specs_vs_handwritten.py."""
    from reference_nets import REFERENCES

    graphs = {f"{name}.net" if not name.endswith(".net") else name for name in REFERENCES}
    assert {path.name for path in resources.bundled_specs()} == set(HANDWRITTEN) | graphs


@pytest.mark.parametrize("name", sorted(HANDWRITTEN))
def test_shapes_and_parameters_equal_the_handwritten_network(name):
    build, input_shape = HANDWRITTEN[name]
    result = check_source(load_spec(str(resources.specs_dir() / name))[0])
    assert result.ok
    assert result.input_shape == input_shape
    layers = build()
    shapes = []
    with torch.no_grad():
        # meta tensors: shapes without arithmetic, so VGG-16 at 224x224 costs nothing
        x = torch.empty(1, *input_shape, device="meta")
        for layer in layers:
            x = layer.to("meta")(x)
            if not isinstance(layer, nn.Flatten):  # netspec's fc flattens by itself
                shapes.append(tuple(x.shape[1:]))
    assert shapes == [layer.output for layer in result.layers]
    assert sum(p.numel() for layer in layers for p in layer.parameters()) == result.params

"""The generated modules work with TorchScript, torch.export, torch.compile and ONNX export.

Small specs only: LeNet, the MNIST nets, and one spec with every layer kind (SAME padding on both
sides and on one side, both pooling helpers, batch norm in both ranks, a final softmax). ONNX is
checked by running the exported graph with onnx's reference evaluator, since onnxruntime is not a
dependency: both exporters (`dynamo=True`, the default in torch 2.13, and the TorchScript-based
`dynamo=False`) must give the same numbers as PyTorch.
"""

from __future__ import annotations

import io
import warnings

import numpy as np
import pytest
import torch
from compile_support import compile_text, load_module, network_class
from test_compile import EVERY_KIND

from netspec import resources
from netspec.checker import check_source
from netspec.codegen import generate
from netspec.loading import load_spec

SMALL = ["lenet", "deep", "mnist_cnn", "network3"]
# ONNX has no operator for adaptive pooling to a size other than 1x1 (bins of unequal sizes): the
# exporters refuse it, so those two lines are left out of the ONNX test (docs/compile.md).
ONNX_KINDS = EVERY_KIND.replace("adaptivemaxpool 3\n", "").replace("adaptiveavgpool 2x3\n", "")

# torch 2.13 deprecates TorchScript (it still works) and the exporters warn about their own internals
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning", "ignore::UserWarning")


# a class per block, shared by two calls; a branch that is a class of its own; nn.Sequential shortcuts
BLOCKS = """network Blocks
input 3x20x20
block basic width stride=1 {
  residual {
    conv width 3x3 stride=stride pad=1 bias=false
    batchnorm
    relu
    shortcut { conv width 1x1 stride=stride bias=false; batchnorm }
  }
  relu
}
basic 4
basic 8 stride=2
basic 8
concat crop=center {
  branch { }
  deep: branch { conv 4 3x3; mul { branch { } branch { globalavgpool; conv 4 1x1; sigmoid } } }
}
globalavgpool
fc 5
softmax
"""


def _model(text_or_stem: str, tmp_path):
    if text_or_stem in SMALL:
        result = check_source(load_spec(str(resources.specs_dir() / f"{text_or_stem}.net"))[0])
        source = generate(result)
    else:
        result, source = compile_text(text_or_stem)
    torch.manual_seed(0)
    model = network_class(load_module(source, tmp_path), result)().eval()
    return model, torch.randn(3, *result.input_shape)


@pytest.mark.parametrize("spec", [*SMALL, EVERY_KIND, BLOCKS], ids=[*SMALL, "every_kind", "blocks"])
def test_torch_jit_script(spec, tmp_path):
    model, x = _model(spec, tmp_path)
    scripted = torch.jit.script(model)
    torch.testing.assert_close(scripted(x), model(x))
    torch.testing.assert_close(scripted.log_probabilities(x), model.log_probabilities(x))
    torch.testing.assert_close(scripted(x, log_probs=True), model(x, log_probs=True))


@pytest.mark.parametrize("spec", ["lenet", EVERY_KIND, BLOCKS], ids=["lenet", "every_kind", "blocks"])
def test_torch_export(spec, tmp_path):
    model, x = _model(spec, tmp_path)
    program = torch.export.export(model, (x,))
    torch.testing.assert_close(program.module()(x), model(x))
    log_program = torch.export.export(model, (x,), {"log_probs": True})
    torch.testing.assert_close(log_program.module()(x, log_probs=True), model.log_probabilities(x))


def test_torch_compile_on_cpu(tmp_path):
    model, x = _model(EVERY_KIND, tmp_path)
    compiled = torch.compile(model, fullgraph=True)  # one graph: no breaks anywhere in forward
    torch.testing.assert_close(compiled(x), model(x))


@pytest.mark.parametrize("dynamo", [True, False], ids=["dynamo", "torchscript"])
@pytest.mark.parametrize("spec", ["lenet", ONNX_KINDS, BLOCKS], ids=["lenet", "every_kind", "blocks"])
def test_torch_onnx_export_computes_the_same_numbers(spec, dynamo, tmp_path):
    import onnx
    from onnx.reference import ReferenceEvaluator

    model, x = _model(spec, tmp_path)
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, (x,), buffer, dynamo=dynamo, verbose=False)
    proto = onnx.load_from_string(buffer.getvalue())
    onnx.checker.check_model(proto)
    (output,) = ReferenceEvaluator(proto).run(None, {proto.graph.input[0].name: x.numpy()})
    np.testing.assert_allclose(output, model(x).detach().numpy(), rtol=1e-4, atol=1e-6)

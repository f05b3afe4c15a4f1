"""Hostile review of `netspec compile`'s class per block: edge cases of shared classes.

Every instance of a shared class must build, module by module, what its call in the spec says:
each compiled submodule (`model.get_submodule(layer.name)`) is compared with the module the
layer's own emission builds when nothing is shared (`repr` and the shapes of its state), and the
network's output with the same network written without blocks, given the same weights. The
generated file must import, run, script and pass ruff (E, F, W, I, B, UP; `ruff format`).

The tests that fail document bugs (see the docstring of each); the others pin what works.
"""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest
import torch
from compile_support import compile_text, load_module, network_class
from torch import nn

from netspec import resources
from netspec.checker import CheckResult
from netspec.codegen import _File
from netspec.initialization import Init
from netspec.loading import load_spec

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning")


def ruff(folder, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args], capture_output=True, text=True, cwd=folder, timeout=120
    )


def assert_ruff_clean(source: str, folder) -> None:
    (folder / "generated.py").write_text(source, encoding="utf-8")
    check = ruff(folder, "check", "--isolated", "--select", "E,F,W,I,B,UP", "--target-version", "py311", ".")
    assert check.returncode == 0, check.stdout + check.stderr
    fmt = ruff(folder, "format", "--isolated", "--check", "--diff", ".")
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


def flat_modules(result: CheckResult, module) -> dict[str, nn.Module]:
    """Each layer's module as its own emission builds it, nothing shared (numbers written out)."""
    emissions = _File(result, Init()).emissions
    namespace = dict(vars(module))
    return {
        layer.name: eval(emission.module, namespace)  # noqa: S307 - code the compiler wrote
        for layer, emission in zip(result.layers, emissions)
        if emission is not None
    }


def assert_instances_follow_their_calls(result: CheckResult, source: str, folder) -> nn.Module:
    """Module by module, shapes layer by layer, totals, TorchScript: the compiled network is the spec."""
    module = load_module(source, folder)
    model = network_class(module, result)()
    flat = flat_modules(result, module)
    for layer in result.layers:
        if layer.is_merge:
            continue
        compiled = model.get_submodule(layer.name)
        assert repr(compiled) == repr(flat[layer.name]), layer.name
        assert [tuple(t.shape) for t in compiled.state_dict().values()] == [
            tuple(t.shape) for t in flat[layer.name].state_dict().values()
        ], layer.name
        assert sum(p.numel() for p in compiled.parameters()) == layer.params, layer.name
    assert sum(p.numel() for p in model.parameters()) == result.params
    seen: dict[str, tuple[int, ...]] = {}
    hooks = [
        model.get_submodule(layer.name).register_forward_hook(
            lambda _m, _i, out, name=layer.name: seen.__setitem__(name, tuple(out.shape[1:]))
        )
        for layer in result.layers
        if not layer.is_merge
    ]
    model.eval()
    x = torch.randn(2, *result.input_shape)
    with torch.no_grad():
        out = model(x)
    for hook in hooks:
        hook.remove()
    assert seen == {layer.name: layer.output for layer in result.layers if not layer.is_merge}
    assert tuple(out.shape[1:]) == result.output_shape
    scripted = torch.jit.script(model)
    with torch.no_grad():
        assert torch.allclose(scripted(x), out, atol=1e-6)
    return model


def compiled_classes(source: str) -> dict[str, ast.ClassDef]:
    return {node.name: node for node in ast.parse(source).body if isinstance(node, ast.ClassDef)}


def init_parameters(cls: ast.ClassDef) -> dict[str, str]:
    init = next(f for f in cls.body if isinstance(f, ast.FunctionDef) and f.name == "__init__")
    return {a.arg: ast.unparse(a.annotation) for a in init.args.args[1:]}


# --- bugs ----------------------------------------------------------------------------------------


def test_a_block_called_on_a_feature_map_and_then_on_a_vector_compiles(tmp_path):
    """`flatten; fc n` called first on 16x4x4 (256 features = 16 * 16 input channels) and then on a
    vector: `modules.name_for` tries `scaled("in_channels")` with `env[name]` on an environment
    that has `in_features` instead, and `netspec compile` dies with `internal error: KeyError:
    'in_channels'` on a spec that `netspec check` accepts."""
    text = "input 16x4x4\nblock hidden n {\n  flatten\n  fc n\n  relu\n}\nhidden 128\nhidden 10\n"
    result, source = compile_text(text)
    assert_instances_follow_their_calls(result, source, tmp_path)


def test_a_parameter_that_is_whole_in_one_call_and_fractional_in_another_compiles(tmp_path):
    """The same crash from the other side: `leakyrelu k` with k = 2 in one call and 0.5 in the
    other. `k` is in the first call's environment only (whole numbers), `scaled("k")` finds
    2 * 2 == 4 for the first call's conv and indexes the second call's environment:
    `internal error: KeyError: 'k'`."""
    text = "input 4x8x8\nblock b w k {\n  conv w 1x1\n  leakyrelu k\n}\nb 4 2\nb 8 0.5\n"
    result, source = compile_text(text)
    assert_instances_follow_their_calls(result, source, tmp_path)


@pytest.mark.parametrize(
    "text",
    [
        "input 4x8x8\nblock _2conv w {\n  conv w 1x1\n}\n_2conv 4\n",
        "input 4x8x8\nconcat {\n  _3way: branch { conv 4 1x1; add { branch { } branch { relu } } }\n  branch { }\n}\n",
    ],
    ids=["block", "branch-label"],
)
def test_a_class_named_after_a_name_with_a_leading_digit_is_a_valid_identifier(text, tmp_path):
    """`_class_base("_2conv")` drops the underscore and gives `class 2conv(nn.Module):`: the file
    does not even parse (SyntaxError: invalid decimal literal)."""
    result, source = compile_text(text)
    for name in compiled_classes(source):
        assert name.isidentifier()
    assert_instances_follow_their_calls(result, source, tmp_path)


@pytest.mark.parametrize(
    "text",
    [
        "input 4x8x8\nblock up w s {\n  deconv w 3 stride=s pad=1 outpad=1\n  upsample s\n}\nup 4 2\nup 8 2\n",
        "input 4x8x8\nblock u {\n  upsample 2 mode=bilinear\n}\nu\n",
        "input 4x8x8\nconcat {\n  branch { upsample 2; conv 4 3x3 stride=2 pad=1 }\n  branch { }\n}\n",
    ],
    ids=["shared-class", "one-call", "sequential-branch"],
)
def test_upsample_inside_a_class_or_a_sequential_passes_ruff_format(text, tmp_path):
    """Constructors inside classes and `nn.Sequential` are re-rendered from `ast.unparse`
    (`modules.leaf_template`), which quotes strings with single quotes:
    `nn.Upsample(scale_factor=s, mode='nearest')`; `ruff format --check` wants double quotes.
    (The default `mode='nearest'` is also written out although the spec left it out: the
    `optional` part is skipped only when its numbers equal the default, and a string has none.)"""
    result, source = compile_text(text)
    assert "mode='" not in source
    assert_ruff_clean(source, tmp_path)
    assert_instances_follow_their_calls(result, source, tmp_path)


def test_a_long_block_name_is_laid_out_as_ruff_formats_it(tmp_path):
    """`self.inverted_residual_with_squeeze_excitation1 = InvertedResidualWithSqueezeExcitation(4, 8)`
    is split at the call's bracket (`...Excitation(` still 96 columns); ruff wraps the right-hand
    side in parentheses instead, so `ruff check` (E501) and `ruff format --check` both fail."""
    name = "inverted_residual_with_squeeze_excitation"
    text = f"input 4x8x8\nblock {name} w {{\n  conv w 1x1\n}}\n{name} 4\n{name} 8\n"
    result, source = compile_text(text)
    assert_ruff_clean(source, tmp_path)
    assert_instances_follow_their_calls(result, source, tmp_path)


def test_a_very_long_block_name_gives_a_class_line_that_fits(tmp_path):
    """The network's class name is cut at MAX_CLASS_NAME, a block's is not:
    `class <80 letters>(nn.Module):` is 98 columns (E501), and ruff format would split it."""
    block = "residual_bottleneck_" * 4
    text = f"input 4x8x8\nblock {block} w {{\n  conv w 1x1\n}}\na: {block} 4\nb: {block} 8\n"
    result, source = compile_text(text)
    assert all(len(line) <= 88 for line in source.splitlines() if line.startswith("class "))
    assert_ruff_clean(source, tmp_path)


@pytest.mark.parametrize("keyword", ["stride=s", "groups=s"])
def test_a_keyword_set_in_one_call_and_left_at_its_default_in_another_does_not_split_the_class(keyword, tmp_path):
    """docs/compile.md: "a stride written in one call and not in another is not such a difference
    (`stride=` is written out at its default where the class needs it)". It is: the keywords an
    emission leaves out are appended after those it writes (`leaf_template`), so
    `kernel_size, stride, padding` and `kernel_size, padding, …, stride` are different templates,
    and `b 8` and `b 8 s=2` get classes `B` and `B2` (ResNet-50's BottleneckDown/BottleneckDown2,
    GoogLeNet's three Basicconv classes)."""
    text = f"input 8x16x16\nblock b w s=1 {{\n  conv w 3x3 {keyword} pad=1\n}}\nb 8\nb 8 s=2\nb 8 s=2\n"
    result, source = compile_text(text)
    assert set(compiled_classes(source)) == {"B", "Spec"}
    assert_instances_follow_their_calls(result, source, tmp_path)


def test_a_block_parameter_is_not_replaced_by_a_multiple_of_another():
    """`two 4 8` and `two 8 16`: conv2 has `b` filters, which is also `a * 2` in both calls, and
    `name_for` tries `scaled(a)` before `same(b)`: the class becomes `Two(a)` with
    `nn.Conv2d(a, a * 2, …)`: the parameter `b` of the block is gone (single calls: `cc 4 8` gives
    `Cc(4)`). A parameter that equals the number outright should name it first."""
    text = "input 4x8x8\nblock two a b {\n  conv a 3x3 pad=1\n  conv b 1x1\n}\ntwo 4 8\ntwo 8 16\n"
    _, source = compile_text(text)
    assert "b" in init_parameters(compiled_classes(source)["Two"])
    assert "a * 2" not in source


def test_googlenet_input_channels_are_not_named_after_the_padding_parameter():
    """GoogLeNet's stem `basicconv 64 7x7 stride=2 pad=3` has 3 input channels, so its
    single-instance class reads `nn.Conv2d(pad, filters, kernel_size=7, stride=2, padding=3)` and
    is built as `Basicconv(64, 3)`: the padding parameter names the input channels (and the
    padding itself is the literal 3). `prefer_input` tries every block parameter before the input
    channels, so any coincidence of values in a one-call class wins."""
    path = next(p for p in resources.bundled_specs() if p.stem == "googlenet")
    result, source = compile_text(load_spec(str(path))[0].text, "googlenet.net")
    assert "nn.Conv2d(pad," not in source
    assert "nn.Conv2d(\n            pad," not in source


def test_float_parameters_are_not_annotated_int():
    """A dropout rate that differs between calls becomes `dropout1_arg0: int`, passed 0.5 and 0.25
    (`_class_source` annotates every parameter `int`); the block's own parameter `p` is not used
    as the name because only whole numbers are (`modules.environment`)."""
    text = "input 4x8x8\nblock b w p {\n  conv w 1x1\n  dropout p\n}\nb 4 0.5\nb 8 0.25\n"
    _, source = compile_text(text)
    parameters = init_parameters(compiled_classes(source)["B"])
    calls = [
        node
        for node in ast.walk(compiled_classes(source)["Spec"])
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "B"
    ]
    for call in calls:
        for (name, annotation), argument in zip(parameters.items(), call.args):
            value = ast.literal_eval(argument)
            assert annotation == type(value).__name__, (name, annotation, value)


# --- what works ------------------------------------------------------------------------------------

COINCIDENCES = {
    # a parameter that equals the input channels in one call and not in another
    "in-channels": "input 8x16x16\nblock b w {\n  conv w 3x3 pad=1\n  relu\n}\nb 8\nb 16\nb 16\nb 4\n",
    # two parameters equal in one call, different in the others
    "equal-params": "input 8x16x16\nblock b a c {\n  conv a 3x3 pad=1\n  conv c 1x1\n}\nb 8 8\nb 4 16\nb 16 4\n",
    # a channel count that is a multiple of a parameter
    "multiples": "input 4x16x16\nblock b w {\n  conv w 1x1\n  conv w*2 1x1\n  conv w 1x1\n}\nb 4\nb 8\nb 2\n",
    # groups and dilation as parameters, a call with groups equal to the channels
    "groups": "input 8x16x16\nblock b w g {\n  conv w 3x3 pad=1 groups=g\n  conv w 3x3 pad=2 dilation=2 bias=false\n}\n"
    "b 8 2\nb 16 4\nb 16 16\nb 8 1\n",
    # SAME padding at different sizes and strides
    "same": "input 4x17x17\nblock b w s=1 {\n  conv w 3x3 stride=s pad=same\n  relu\n}\nb 4\nb 8 s=2\nb 8 s=2\nb 8\n",
    "dropout-eps": "input 4x16x16\nblock b w p=0.5 {\n  conv w 1x1\n  dropout p\n  batchnorm eps=0.001\n}\n"
    "b 4 0.5\nb 8 0.25\nb 8 0\n",
    # blocks calling blocks with merges in between
    "nested": """input 4x8x8
block b w {
  residual { conv w 3x3 pad=1; relu; conv w 3x3 pad=1 }
  relu
}
block stage w n {
  conv w 1x1
  b w
  concat { branch { conv w 1x1 } branch { b w } }
  conv w 1x1
  repeat n { b w }
}
stage 4 2
stage 8 2
stage 4 3
stage 6 2
""",
    "squeeze-excite": """input 4x8x8
block se w r {
  mul {
    branch { }
    branch { globalavgpool; conv w/r 1x1; relu; conv w 1x1; sigmoid }
  }
}
block mb w r {
  conv w 1x1
  se w r
  residual { conv w 3x3 pad=1 groups=w; se w r }
}
mb 8 2
mb 16 4
mb 16 2
mb 8 4
""",
    "vector": "input 784\nblock mlp h {\n  fc h\n  relu\n  dropout 0.1\n}\nblock head n {\n  fc n\n  softmax\n}\n"
    "mlp 256\nmlp 128\nmlp 256\nhead 10\n",
    "transposed": "input 4x16x16\nblock up w s o {\n  deconv w 3 stride=s pad=1 outpad=o\n}\nup 4 2 1\nup 8 2 0\nup 4 3 2\n",
    "empty-and-merge-only": "input 4x8x8\nblock e w {\n}\nblock m w {\n  add { branch { } branch { } }\n}\n"
    "e 4\nm 4\nconv 4 1x1\nm 2\n",
    "labels": "input 3x8x8\nblock self x {\n  conv x 1x1\n}\nself: self 4\nx: self 4\nnn: self 8\ntorch: self 8\n"
    "F: self 4\nOrderedDict: self 4\nSelf: self 2\nin_channels: self 3\n",
    "keyword-params": "input 3x8x8\nblock b in_channels self x nn torch int class lambda print out_channels {\n"
    "  conv in_channels 1x1\n  conv self 1x1\n  conv x 1x1\n  conv nn 1x1\n  conv torch 1x1\n  conv int 1x1\n"
    "  conv print 1x1\n  conv out_channels 1x1\n}\nb 3 4 5 6 7 8 9 10 11 12\nb 4 5 6 7 8 9 10 11 12 13\n",
}


@pytest.mark.parametrize("name", sorted(COINCIDENCES))
def test_every_instance_of_a_shared_class_builds_what_its_call_says(name, tmp_path):
    result, source = compile_text(COINCIDENCES[name])
    assert_instances_follow_their_calls(result, source, tmp_path)


def test_block_specs_pass_ruff(tmp_path):
    for name in ("in-channels", "equal-params", "groups", "same", "nested", "squeeze-excite", "labels"):
        (tmp_path / f"{name.replace('-', '_')}.py").write_text(compile_text(COINCIDENCES[name])[1], encoding="utf-8")
    check = ruff(tmp_path, "check", "--isolated", "--select", "E,F,W,I,B,UP", "--target-version", "py311", ".")
    assert check.returncode == 0, check.stdout + check.stderr
    fmt = ruff(tmp_path, "format", "--isolated", "--check", "--diff", ".")
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


BLOCKS = """input 4x8x8
block unit w {
  residual {
    conv w 3x3 pad=1
    batchnorm
    relu
    conv w 3x3 pad=1
    shortcut { conv w 1x1 }
  }
  relu
  concat { branch { conv w 1x1 } branch { maxpool 3 stride=1 pad=1 } }
}
unit 4
unit 8
unit 8
unit 4
"""


def _inline(w: int) -> str:
    return f"""residual {{
  conv {w} 3x3 pad=1
  batchnorm
  relu
  conv {w} 3x3 pad=1
  shortcut {{ conv {w} 1x1 }}
}}
relu
concat {{ branch {{ conv {w} 1x1 }} branch {{ maxpool 3 stride=1 pad=1 }} }}
"""


def test_shared_classes_compute_what_the_same_network_without_blocks_computes(tmp_path):
    """`unit 4; unit 8; unit 8; unit 4`: the input channels are 4, 8, 16, 16 (the concat doubles
    them), so `w` equals them in the first call only; the weights of the inlined network load
    one by one (both register parameters in node order) and the outputs agree."""
    result, source = compile_text(BLOCKS)
    model = assert_instances_follow_their_calls(result, source, tmp_path)
    flat_text = "input 4x8x8\n" + "".join(_inline(w) for w in (4, 8, 8, 4))
    flat_result, flat_source = compile_text(flat_text)
    flat = network_class(load_module(flat_source, tmp_path), flat_result)()
    assert [p.shape for p in model.parameters()] == [p.shape for p in flat.parameters()]
    assert [b.shape for b in model.buffers()] == [b.shape for b in flat.buffers()]
    with torch.no_grad():
        for target, value in zip(flat.parameters(), model.parameters()):
            target.copy_(value)
        for target, value in zip(flat.buffers(), model.buffers()):
            target.copy_(value)
        model.eval()
        flat.eval()
        x = torch.randn(2, 4, 8, 8)
        assert torch.allclose(model(x), flat(x), atol=1e-5)
    assert source.count("class Unit") == 1  # one class for the four calls


def test_two_hundred_calls_share_one_class(tmp_path):
    widths = [4, 8, 16, 6, 12] * 40
    text = "input 4x8x8\nblock b w {\n  conv w 1x1\n  relu\n}\n" + "".join(f"b {w}\n" for w in widths)
    result, source = compile_text(text)
    assert set(compiled_classes(source)) == {"B", "Spec"}
    model = network_class(load_module(source, tmp_path), result)()
    for number, w in enumerate(widths, start=1):
        assert model.get_submodule(f"b{number}.conv1").out_channels == w
    assert sum(p.numel() for p in model.parameters()) == result.params

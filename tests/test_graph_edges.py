"""Hostile review of graph networks (issue #8): merges, residuals, block-parameter arithmetic,
hierarchical names and compile of graphs, attacked as a careless or malicious user would.

Tests named `test_bug_…` pin a defect found in review and assert the correct behaviour; the others
pin behaviour that already works and matters. Slow failures run in a subprocess with a time limit,
so that the file stays fast while a bug is still there.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
import tracemalloc

import pytest

from netspec.checker import check_text
from netspec.codegen import generate


def _codes(result) -> list[str]:
    return [d.code for d in result.diagnostics.sorted()]


def _errors(result):
    return [d for d in result.diagnostics.sorted() if d.severity == "error"]


# Speed is measured in bench/check_speed.py; these limits only catch a blow-up (before the fix:
# 22-40 s and gigabytes), far above what the checks take on a loaded 2-core machine (1-3 s).
HANG = 20


def _check_within(text: str, seconds: float) -> list[str] | None:
    """The diagnostic codes of checking `text` in a fresh interpreter, or None when it ran out of
    time (or crashed)."""
    program = textwrap.dedent(
        """
        import sys
        from netspec.checker import check_text
        result = check_text(sys.stdin.read())
        print(" ".join(d.code for d in result.diagnostics.sorted()) or "-")
        """
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", program], input=text, capture_output=True, text=True, timeout=seconds
        )
    except subprocess.TimeoutExpired:
        return None
    if done.returncode != 0:
        return None
    return done.stdout.split()


def _fan_out(levels: int, ways: int = 4) -> str:
    """Block b<k> merges `ways` calls of b<k-1>: ways**levels relus from a spec of levels+3 lines."""
    lines = ["input 3x8x8", "block b0 { relu }"]
    for i in range(levels):
        branches = " ".join(f"branch {{ b{i} }}" for _ in range(ways))
        lines.append(f"block b{i + 1} {{ add {{ {branches} }} }}")
    lines.append(f"b{levels}")
    return "\n".join(lines) + "\n"


# --- crashes: expressions deep enough to overflow Python's stack ---------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "+".join(["1"] * 1500),  # a long sum at the top level
        "(" * 1200 + "4" + ")" * 1200,  # deep parentheses
    ],
    ids=["long-sum", "deep-parentheses"],
)
def test_bug_a_long_or_deep_expression_is_a_diagnostic_not_a_recursion_error(value):
    result = check_text(f"input 3x8x8\nconv {value} 1x1\n")  # RecursionError in syntax._value
    assert result.ok or any(d.span is not None and d.span.line == 2 for d in _errors(result))


def test_bug_a_long_hyphenated_subtraction_is_neither_a_crash_nor_quadratic_in_memory():
    # `a-a-a-…` with both sides block parameters is a subtraction (elaborate._subtraction): each
    # partial expression copies the text before it (O(n²) memory: 200,000 terms, a 1.2 MB line,
    # took 23 GB before the OOM killer), and evaluating it recurses once per term.
    terms = 20_000
    text = "input 3x8x8\nblock b a {\n  conv " + "-".join(["a"] * terms) + " 1x1\n}\nb 4\n"
    tracemalloc.start()
    try:
        result = check_text(text)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert _errors(result), "4 - 4·19,999 filters is not a valid convolution"
    assert _errors(result)[0].span.line == 3
    assert peak < 100 * 2**20, f"{peak / 2**20:.0f} MiB for a {len(text):,}-byte spec"


# --- performance: merges of big or exponentially many branches -----------------------------------


def test_bug_a_merge_of_huge_branches_is_refused_before_it_is_built():
    # 8 branches of ~100,000 layers: 800,000 nodes are built (4 s; 60 branches: 40 s and 2.4 GB)
    # before append() sees that the network is too large; merge() should stop at the first
    # branch that goes over MAX_LAYERS.
    text = "input 3x8x8\nblock b { repeat 99990 { relu } }\nadd { " + "branch { b } " * 8 + "}\n"
    assert _check_within(text, HANG) == ["too-large"]


def test_bug_exponential_block_fan_out_through_merges_is_refused_quickly():
    # 12 lines; 4**9 = 262,144 layers. Every call re-expands its block and every level copies all
    # nodes again (graph._shift via in_frame/append): 22 s and 0.5 GB to say `too-large`.
    assert _check_within(_fan_out(9), HANG) == ["too-large"]


def test_bug_a_valid_fan_out_network_of_87k_layers_checks_without_blowing_up():
    # 4**8 = 65,536 relus and 21,845 adds (87,381 layers, within MAX_LAYERS): 7 s, where a
    # `repeat 87381 { relu }` takes 0.7 s.
    assert _check_within(_fan_out(8), HANG) == ["-"]  # no diagnostics


# --- wrong numbers ----------------------------------------------------------------------------------


def test_bug_a_merge_of_vectors_keeps_the_receptive_field():
    # After fc every feature sees the whole input (RF 4 here, as in a plain `fc 5; fc 2`); the add of
    # two such vectors and the fc after it lost the RF (None, shown `-`): checker._merge only
    # computes it for C x H x W outputs.
    result = check_text("input 3x4x4\nconv 3 3x3\nadd { branch { fc 5 } branch { fc 5 } }\nfc 2\n")
    assert result.ok
    plain = check_text("input 3x4x4\nconv 3 3x3\nfc 5\nfc 2\n")
    assert plain.layers[-1].rf == (4, 4)
    assert [layer.rf for layer in result.layers] == [(3, 3), (4, 4), (4, 4), (4, 4), (4, 4)]


def test_concat_of_vectors_after_fc_joins_features():
    result = check_text("input 3x4x4\nconcat { branch { fc 5 } branch { fc 7 } }\nfc 2\n")
    assert result.ok
    assert [layer.output for layer in result.layers] == [(5,), (7,), (12,), (2,)]
    assert result.params == (48 * 5 + 5) + (48 * 7 + 7) + (12 * 2 + 2)


@pytest.mark.parametrize("order", ["gate-first", "gate-last"])
def test_mul_broadcasts_c11_with_chw_in_either_order(order):
    gate, identity = "branch { globalavgpool; conv 4 1x1; sigmoid }", "branch { }"
    branches = f"{gate} {identity}" if order == "gate-first" else f"{identity} {gate}"
    result = check_text(f"input 4x6x6\nmul {{ {branches} }}\n")
    assert result.ok
    assert result.layers[-1].output == (4, 6, 6)


def test_mul_refuses_shapes_that_do_not_broadcast():
    result = check_text("input 4x6x6\nmul { branch { } branch { globalavgpool; conv 2 1x1 } }\n")
    assert _codes(result) == ["merge-shape"]
    assert _errors(result)[0].span.line == 2 and _errors(result)[0].span.column == 1


@pytest.mark.parametrize("size", [7, 8, 9])
def test_centre_crop_offsets_are_floor_of_half_the_difference(size):
    result = check_text(f"input 2x{size}x{size}\nconcat crop=center {{ branch {{ }} branch {{ maxpool 2 }} }}\n")
    assert result.ok
    small = size // 2
    offset = (size - small) // 2
    merge = result.layers[-1]
    assert merge.output == (4, small, small)
    assert f"crop {size}x{size} → {small}x{small} at offset ({offset}, {offset})" in merge.explain


def test_a_residual_whose_identity_is_the_network_input_checks():
    result = check_text("input 3x8x8\nresidual { conv 3 3x3 pad=1 }\n")
    assert result.ok
    assert [layer.inputs for layer in result.layers] == [(0,), (1, 0)]


# --- misleading hints ---------------------------------------------------------------------------------


def _hinted_shortcut(result) -> str | None:
    (error,) = _errors(result)
    assert error.code == "merge-shape"
    found = re.search(r"`(shortcut \{ conv [^`]*\})`", error.hint or "")  # not the generic `shortcut { … }`
    return found.group(1) if found else None


@pytest.mark.parametrize(
    ("written", "template"),
    [
        # asymmetric stride: the hint says `stride=2`, which gives 8x4x3, not 8x4x6
        (
            "input 3x8x6\nresidual { conv 8 3x3 stride=2x1 pad=1 }\n",
            "input 3x8x6\nresidual {{ conv 8 3x3 stride=2x1 pad=1; {shortcut} }}\n",
        ),
        # a shortcut that already downsamples: the hint is computed from the shortcut's output
        # (3x4x4), not from the residual's input (3x8x8), and drops the stride
        (
            "input 3x8x8\nresidual { conv 8 3x3 stride=2 pad=1; shortcut { maxpool 2 } }\n",
            "input 3x8x8\nresidual {{ conv 8 3x3 stride=2 pad=1; {shortcut} }}\n",
        ),
    ],
    ids=["asymmetric-stride", "existing-shortcut"],
)
def test_bug_the_residual_projection_hint_when_followed_makes_the_spec_check(written, template):
    suggestion = _hinted_shortcut(check_text(written))
    if suggestion is None:
        return  # no concrete projection offered: not misleading
    fixed = check_text(template.format(shortcut=suggestion))
    assert fixed.ok, (suggestion, [e.message for e in _errors(fixed)])


def test_bug_the_residual_projection_hint_is_offered_when_a_strided_1x1_conv_fits():
    # 9x9 → stride-2 conv with pad=1 → 5x5; a 1x1 stride-2 conv on 9x9 also gives 5x5, but the
    # hint tests `9 % 5 == 0` and falls back to the generic text.
    result = check_text("input 3x9x9\nresidual { conv 8 3x3 stride=2 pad=1 }\n")
    suggestion = _hinted_shortcut(result)
    assert suggestion is not None and "stride=2" in suggestion
    assert check_text(f"input 3x9x9\nresidual {{ conv 8 3x3 stride=2 pad=1; {suggestion} }}\n").ok


def test_the_residual_projection_hint_for_a_resnet_downsampling_block_works():
    result = check_text("input 3x8x8\nresidual { conv 8 3x3 stride=2 pad=1 }\n")
    suggestion = _hinted_shortcut(result)
    assert suggestion == "shortcut { conv 8 1x1 stride=2 bias=false; batchnorm }"
    assert check_text(f"input 3x8x8\nresidual {{ conv 8 3x3 stride=2 pad=1; {suggestion} }}\n").ok


@pytest.mark.parametrize(
    "branch",
    ["maxpool 2", "conv 3 3x3 stride=2 pad=1"],
    ids=["pooling", "strided-conv"],
)
def test_bug_the_concat_hint_does_not_offer_padding_for_a_downsampling_branch(branch):
    # "2 more padding on each side of the 4x4 branch's convolution": a pooling branch has no
    # convolution, and pad=3 on a stride-2 3x3 conv gives 6x6, not 8x8.
    result = check_text(f"input 3x8x8\nconcat {{ branch {{ }} branch {{ {branch} }} }}\n")
    (error,) = _errors(result)
    assert error.code == "merge-shape"
    assert "more padding" not in error.hint


def test_the_concat_hint_offers_padding_for_a_stride_1_convolution():
    result = check_text("input 3x8x8\nconcat { branch { conv 3 3x3 } branch { } }\n")
    (error,) = _errors(result)
    assert "1 more padding" in error.hint
    assert check_text("input 3x8x8\nconcat { branch { conv 3 3x3 pad=1 } branch { } }\n").ok


def test_bug_spaced_arithmetic_gets_a_hint_about_spaces():
    # `width * 4` is the first thing a beginner writes; the hint repeats the statement shape
    result = check_text("input 3x8x8\nblock b width { conv width * 4 1x1 }\nb 4\n")
    (error,) = _errors(result)
    assert error.code == "syntax" and (error.span.line, error.span.column) == (2, 28)
    assert "space" in error.hint.lower()


# --- diagnostics: where and what ---------------------------------------------------------------------


def test_bug_an_error_in_a_computed_default_names_the_call():
    # Errors in a block body get "in the call `b 4`"; errors in a default computed for one call
    # (elaborate.call evaluates defaults before it records where the call's diagnostics start) do not.
    result = check_text("input 3x8x8\nblock b a c=a/3 {\n  conv c 1x1\n}\nb 6\nb 4\n")
    (error,) = _errors(result)
    assert error.code == "bad-expression" and error.span.line == 2
    assert [(message, span.line) for message, span in error.notes] == [("in the call `b 4`", 6)]


def test_bug_a_label_on_repeat_is_not_silently_dropped():
    result = check_text("input 3x8x8\nstage1: repeat 2 { conv 3 1x1 }\n")
    names = [layer.name for layer in result.layers]
    reported = [d for d in result.diagnostics.sorted() if d.span is not None and d.span.line == 2]
    assert reported or any(name.startswith("stage1") for name in names), names


def test_misplaced_branch_and_shortcut_are_located_errors():
    result = check_text("input 3x8x8\nbranch { relu }\nshortcut { relu }\n")
    assert [(d.code, d.span.line, d.span.column) for d in _errors(result)] == [
        ("misplaced", 2, 1),
        ("misplaced", 3, 1),
    ]


def test_a_second_shortcut_is_reported_where_it_is_written():
    result = check_text("input 3x8x8\nresidual { relu; shortcut { }; shortcut { relu } }\n")
    assert [(d.code, d.span.column) for d in _errors(result)] == [("misplaced", 32)]


def test_recursion_through_branches_and_residuals_is_reported_not_followed():
    result = check_text(
        "input 3x8x8\nblock a w { residual { c w } }\nblock c w { concat { branch { a w } branch { } } }\na 3\n"
    )
    assert "recursive-block" in _codes(result)


def test_merges_nested_past_the_limit_are_a_nesting_error():
    text = "input 3x8x8\n" + "add { branch { " * 40 + "relu" + " } branch { } }" * 40 + "\n"
    result = check_text(text)
    assert "nesting" in _codes(result)
    assert not result.ok


@pytest.mark.parametrize(
    ("body", "code", "column"),
    [
        ("conv a/0 1x1", "bad-expression", 8),
        ("conv a/(b-4) 1x1", "bad-expression", 8),
        ("conv a/3 1x1", "bad-expression", 8),
        ("conv " + "*".join(["a"] * 40) + " 1x1", "bad-expression", 8),
        ("conv a*1.5 1x1", "bad-expression", 10),
        ("repeat a-4 { relu }", "bad-value", 10),
    ],
    ids=["div-zero", "div-zero-computed", "not-whole", "too-large", "float", "zero-repeat"],
)
def test_bad_arithmetic_is_a_located_error(body, code, column):
    result = check_text(f"input 3x8x8\nblock k a b=4 {{\n  {body}\n}}\nk 4\n")
    (error,) = _errors(result)
    assert (error.code, error.span.line, error.span.column) == (code, 3, column)


def test_arithmetic_works_in_options_calls_and_defaults():
    result = check_text(
        "input 3x16x16\n"
        "block down w s=1 half=w/2 { conv w*2 3x3 stride=s*2 pad=s groups=half/half; conv half 1x1 }\n"
        "block pair w { down w+2 s=(w-2)/2 }\n"
        "pair 4\n"
    )
    assert result.ok, [e.message for e in _errors(result)]
    assert [layer.output for layer in result.layers] == [(12, 8, 8), (3, 8, 8)]


def test_hyphenated_words_stay_words_outside_block_parameters():
    result = check_text("input 1x28x28\nfc 10\ntrain {\n  data digits-offline\n}\n")
    assert result.ok and result.train_settings is not None
    assert "digits-offline" in str(result.train_settings.data)


# --- names ----------------------------------------------------------------------------------------------


def test_merges_inside_repeats_inside_blocks_get_distinct_names():
    result = check_text(
        "input 3x8x8\nblock b w { repeat 2 { add { branch { conv w 3x3 pad=1 } branch { } } } }\nb 3\nb 3\n"
    )
    assert result.ok
    names = [layer.name for layer in result.layers]
    assert len(set(names)) == len(names) == 8


# --- compile ---------------------------------------------------------------------------------------------


def test_bug_a_sum_of_many_branches_compiles_to_importable_python():
    # `x + x + … + x` with 3,000 operands: the generated file raises "RecursionError: maximum
    # recursion depth exceeded during compilation" when Python compiles it.
    result = check_text("input 3x4x4\nconv 3 1x1\nadd { " + "branch { } " * 3000 + "}\n")
    assert result.ok
    compile(generate(result), "generated.py", "exec")


@pytest.mark.parametrize("kind", ["add", "mul", "concat"])
def test_bug_a_merge_of_many_branches_is_formatted_as_ruff_formats_it(kind, tmp_path):
    # `x = a + b + …` longer than 88 columns stays on one line; ruff format splits it
    ruff = pytest.importorskip("ruff")
    del ruff
    result = check_text(f"input 3x4x4\nconv 3 1x1\n{kind} {{ " + "branch { } " * 50 + "}\n")
    (tmp_path / "generated.py").write_text(generate(result), encoding="utf-8")
    fmt = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--isolated", "--check", "--diff", "."],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert fmt.returncode == 0, fmt.stdout[:2000]


def test_compiled_parameter_names_follow_the_table_even_when_flattened_names_collide(tmp_path):
    torch = pytest.importorskip("torch")
    from compile_support import load_module, network_class

    text = (
        "input 3x8x8\nadd { a_b: branch { conv 3 1x1 } a: branch { b_conv1: conv 3 3x3 pad=1 } }\na_conv1: conv 3 1x1\n"
    )
    result = check_text(text)
    model = network_class(load_module(generate(result), tmp_path), result)()
    with_params = [layer.name for layer in result.layers if layer.params]
    assert [name for name, _ in model.named_parameters()] == [
        f"{n}.{p}" for n in with_params for p in ("weight", "bias")
    ]
    assert model(torch.zeros(1, 3, 8, 8)).shape == (1, 3, 8, 8)


def test_compiled_centre_crop_and_broadcast_product_compute_what_torch_does(tmp_path):
    torch = pytest.importorskip("torch")
    from compile_support import load_module, network_class

    text = "input 2x9x9\nmul { branch { } branch { globalavgpool } }\nconcat crop=center { branch { } branch { maxpool 2 } }\n"
    result = check_text(text)
    model = network_class(load_module(generate(result), tmp_path), result)().eval()
    x = torch.randn(3, 2, 9, 9)
    gated = x * x.mean(dim=(2, 3), keepdim=True)
    small = torch.nn.functional.max_pool2d(gated, 2)
    expected = torch.cat([gated[:, :, 2:6, 2:6], small], dim=1)
    with torch.no_grad():
        assert torch.allclose(model(x), expected, atol=1e-6)
    assert result.layers[-1].output == tuple(expected.shape[1:])


def test_saved_for_backward_of_graphs_matches_autograd(tmp_path):
    pytest.importorskip("torch")
    from compile_support import load_module, network_class
    from reference_torch import saved_bytes

    from netspec.memory import estimate

    for text in (
        "input 4x6x6\nmul { branch { globalavgpool; conv 4 1x1; sigmoid } branch { } }\n",
        "input 4x6x6\nconv 4 1x1\nmul { branch { avgpool 6x1 stride=1 } branch { avgpool 1x6 stride=1 } branch { } }\n",
        "input 4x6x6\nresidual { conv 4 3x3 pad=1 }\nrelu\n",
        "input 4x6x6\nconv 4 1x1\nconcat { branch { dropout 0.5 } branch { } }\nrelu\n",
        "input 3x4x4\nconcat { branch { fc 5; relu } branch { fc 7; sigmoid } }\nfc 2\n",
    ):
        result = check_text(text)
        model = network_class(load_module(generate(result), tmp_path), result)()
        for batch in (1, 3):
            assert estimate(result, batch=batch, device="cpu").saved == saved_bytes(model, result.input_shape, batch), (
                text
            )

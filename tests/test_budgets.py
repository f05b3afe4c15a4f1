"""`netspec check --budget`: limits on params, MACs, FLOPs and training memory as located
`over-budget` warnings (exit 0, or 1 with --strict); bad budgets are usage errors (exit 2)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netspec.api import training_memory
from netspec.budgets import largest_contributors, parse_budgets, parse_count, percent
from netspec.checker import check_source, check_text
from netspec.cli import main
from netspec.loading import load_spec
from netspec.units import fmt_bytes, fmt_count

SMALL = """network Small
input 3x16x16
conv 8 3x3 pad=1
relu
conv 8 3x3 pad=1
relu
fc 10
"""


def checked(name: str):
    source, _ = load_spec(name)
    return check_source(source)


def run_check(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["check", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def small(tmp_path):
    path = tmp_path / "small.net"
    path.write_text(SMALL, encoding="utf-8")
    return str(path)


# --- reading budgets ------------------------------------------------------------------------------


@given(st.integers(1, 10**15), st.sampled_from([("", 1), ("K", 10**3), ("M", 10**6), ("G", 10**9), ("k", 10**3)]))
def test_a_whole_count_with_a_suffix_is_multiplied(number, suffix):
    text, factor = suffix
    if number * factor <= 10**18:
        assert parse_count(f"{number}{text}") == number * factor


@given(st.integers(1, 10**12))
def test_a_decimal_count_is_read_exactly(value):
    """`12.345K` is 12,345: written back from the integer with the decimal point moved by hand."""
    whole, thousandths = divmod(value, 1000)
    assert parse_count(f"{whole}.{thousandths:03d}K") == value
    assert parse_count(f"{value}e0") == value
    assert parse_count(f"{value * 10}e-1") == value


@pytest.mark.parametrize(
    ("text", "expected"),
    [("5M", 5_000_000), ("1.5G", 1_500_000_000), ("5e6", 5_000_000), ("61_706", 61_706), (" 250K ", 250_000)],
)
def test_counts_as_people_write_them(text, expected):
    assert parse_count(text) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("5X", "expected a count such as 5M"),
        ("1.2345K", "is not a whole number"),
        ("0", "can never be met"),
        ("1e30", "more than 10^18"),
        ("9" * 5000, "more than 10^18"),
        ("", "expected a count"),
        ("-5M", "expected a count"),
    ],
)
def test_a_bad_count_says_why(text, says):
    with pytest.raises(ValueError, match=says.replace("^", r"\^")):
        parse_count(text)


def test_a_budget_list_is_read_in_order_with_sizes_for_memory():
    budgets = parse_budgets("params=5M, MACS=1G,memory=8GiB,flops=2e9")
    assert [(b.key, b.limit) for b in budgets] == [
        ("params", 5_000_000),
        ("macs", 10**9),
        ("memory", 8 * 2**30),
        ("flops", 2 * 10**9),
    ]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("parms=5M", "did you mean 'params'?"),
        ("mem=8GiB", "did you mean 'memory'?"),
        ("speed=5", "the keys are params, macs, flops, memory"),
        ("params", "needs a limit"),
        ("params=", "needs a limit"),
        ("params=5M,,macs=1G", "an empty budget"),
        ("params=5M,params=6M", "params is given twice"),
        ("memory=8", "8 has no unit"),
        ("params=" + "1" * 2000, "too long"),
    ],
)
def test_a_bad_budget_list_says_why(text, says):
    with pytest.raises(ValueError, match=says.replace("?", r"\?").replace("(", r"\(")):
        parse_budgets(text)


@pytest.mark.parametrize(
    ("budget", "says"),
    [("parms=5M", "did you mean 'params'?"), ("memory=8", "8 has no unit"), ("macs=lots", "expected a count")],
)
def test_a_bad_budget_is_a_usage_error_not_a_traceback(capsys, small, budget, says):
    code, out, err = run_check(capsys, small, "--budget", budget)
    assert code == 2
    assert "netspec: error: argument --budget:" in err and says in err
    assert "Traceback" not in err and out == ""


# --- checking them -------------------------------------------------------------------------------


def test_a_network_over_its_params_budget_warns_at_the_network_line_and_names_the_big_layers(capsys, small):
    result = check_text(SMALL, "small.net")
    limit = result.params - 1
    code, out, _ = run_check(capsys, small, "--budget", f"params={limit}")
    assert code == 0  # a warning
    assert f"small.net:1:9: warning: {result.params:,} parameters" in out
    assert f"exceed the budget of {limit / 1000:.3g} K (params={limit})  [over-budget]" in out
    biggest = max(result.layers, key=lambda layer: layer.params)
    assert f"small.net:{biggest.line}:1: note: {biggest.name} holds" in out
    assert f"({percent(biggest.params, result.params)} %)" in out
    assert run_check(capsys, small, "--budget", f"params={limit}", "--strict")[0] == 1


def test_within_every_budget_nothing_is_said_and_json_lists_the_budgets(capsys, small):
    result = check_text(SMALL, "small.net")
    budgets = f"params={result.params},macs={result.macs},flops={2 * result.macs},memory=1GiB"
    code, out, _ = run_check(capsys, small, "--budget", budgets, "--strict", "--json")
    assert code == 0
    report = json.loads(out)
    assert [d["code"] for d in report["diagnostics"]] == []
    assert report["budgets"] == [
        {"key": "params", "limit": result.params, "value": result.params, "within": True},
        {"key": "macs", "limit": result.macs, "value": result.macs, "within": True},
        {"key": "flops", "limit": 2 * result.macs, "value": 2 * result.macs, "within": True},
        {"key": "memory", "limit": 2**30, "value": report["memory"]["bytes"]["total"], "within": True},
    ]


def test_flops_are_twice_the_macs(capsys, small):
    """A limit between the MACs and twice the MACs is met as `macs=` and exceeded as `flops=`."""
    result = check_text(SMALL, "small.net")
    between = result.macs + 1
    code, out, _ = run_check(capsys, small, "--budget", f"macs={between},flops={between}", "--json")
    report = json.loads(out)
    assert [row["within"] for row in report["budgets"]] == [True, False]
    (diagnostic,) = [d for d in report["diagnostics"] if d["code"] == "over-budget"]
    assert diagnostic["severity"] == "warning" and diagnostic["line"] == 1
    assert diagnostic["message"].startswith(f"{2 * result.macs:,} FLOPs per sample")
    assert diagnostic["notes"] and all(note["line"] in (3, 5, 7) for note in diagnostic["notes"])
    total = fmt_count(2 * result.macs)
    assert all(f"of the {total} FLOPs" in note["message"] for note in diagnostic["notes"])  # FLOPs, not MACs


def test_a_spec_without_a_network_line_is_warned_at_its_input(capsys, tmp_path):
    path = tmp_path / "plain.net"
    path.write_text("# no name\ninput 1x8x8\nconv 4 3x3\nfc 2\n", encoding="utf-8")
    code, out, _ = run_check(capsys, str(path), "--budget", "macs=10")
    assert code == 0 and "plain.net:2:1: warning:" in out and "[over-budget]" in out


def test_vgg16_over_a_memory_budget_is_told_the_largest_batch_within_it(capsys):
    """The batch in the hint fits the budget and one more does not, by the memory model itself."""
    result = checked("vgg16.net")
    limit = 8 * 2**30
    step = training_memory(result)  # at the train block's batch of 256
    assert step.batch == 256 and step.total > limit
    code, out, _ = run_check(capsys, "vgg16.net", "--budget", "memory=8GiB")
    assert code == 0
    needs = f"needs {fmt_bytes(step.total)}, over the budget of 8 GiB (memory=8GiB)  [over-budget]"
    assert f"vgg16.net:28:1: warning: one training step at batch 256 {needs}" in out
    hint = next(line for line in out.splitlines() if "largest batch within it" in line)
    largest = int(hint.split("is ")[1].split(" ")[0].replace(",", ""))

    def total(batch):
        return training_memory(result, batch=batch).total  # as check estimates it at that batch

    assert total(largest) <= limit < total(largest + 1)


def test_vgg16_over_its_macs_budget_names_the_line_that_does_most_of_them(capsys):
    """VGG-16's 13 convolutions are one line of its `stage` block: that line is named with their sum."""
    result = checked("vgg16.net")
    code, out, _ = run_check(capsys, "vgg16.net", "--budget", "macs=10G")
    convs = [layer for layer in result.layers if layer.kind == "conv"]
    share = sum(layer.macs for layer in convs)
    line = convs[0].line
    assert f"note: {convs[0].name} and the {len(convs) - 1} other layers of this line do" in out
    assert f"vgg16.net:{line}:" in out and f"({percent(share, result.macs)} %)" in out


def test_a_spec_with_errors_checks_no_budget(capsys, tmp_path):
    path = tmp_path / "broken.net"
    path.write_text("input 1x4x4\nconv 4 9x9\n", encoding="utf-8")
    code, out, _ = run_check(capsys, str(path), "--budget", "params=1", "--json")
    report = json.loads(out)
    assert code == 1 and report["budgets"] == []
    assert "over-budget" not in {d["code"] for d in report["diagnostics"]}


def test_a_model_too_big_for_the_budget_at_any_batch_says_so(capsys, tmp_path):
    path = tmp_path / "wide.net"
    path.write_text("input 1000\nfc 100000\n", encoding="utf-8")  # 400 MB of fp32 weights alone
    code, out, _ = run_check(capsys, str(path), "--budget", "memory=100MiB")
    assert "not even batch 1 fits" in out and "[over-budget]" in out


@given(st.lists(st.integers(0, 10**6), min_size=1, max_size=12))
def test_the_named_layers_are_the_largest_and_cover_half_or_are_three(amounts):
    rows = [(f"layer{i}", amount) for i, amount in enumerate(amounts)]
    chosen = largest_contributors(rows)
    total = sum(amounts)
    assert all(amount > 0 for _, amount in chosen)
    assert len(chosen) <= 3
    picked = [amount for _, amount in chosen]
    assert picked == sorted(picked, reverse=True)
    rest = sorted(amounts, reverse=True)[len(chosen) :]
    assert all(amount <= min(picked) for amount in rest) if picked else total == 0
    assert 2 * sum(picked) >= total or len(chosen) == 3


@given(st.integers(0, 10**9), st.integers(1, 10**9))
def test_percent_rounds_half_up(part, total):
    exact = 100 * part / total
    assert abs(percent(part, total) - exact) <= 0.5 + 1e-9


def test_an_fc_that_flattens_a_map_is_told_what_global_pooling_would_leave(capsys):
    """VGG-16's fc1 flattens 512x7x7: after a global average pool it would hold 512·4096 + 4096
    parameters — computed here from the layer's shapes, then checked by checking that network."""
    result = checked("vgg16.net")
    fc1 = max(result.layers, key=lambda layer: layer.params)
    channels, h, w = fc1.input
    pooled = check_text(f"input {channels}x{h}x{w}\nglobalavgpool\nfc {fc1.output[0]}\n").params
    assert pooled == channels * fc1.output[0] + fc1.output[0]
    code, out, _ = run_check(capsys, "vgg16.net", "--budget", "params=100M")
    hint = next(line for line in out.splitlines() if line.startswith("  hint:") and "globalavgpool" in line)
    assert f"{fc1.name} flattens {channels}x{h}x{w} = {channels * h * w:,} inputs" in hint
    assert f"would hold {fmt_count(pooled)} params, not {fmt_count(fc1.params)}" in hint


def test_no_pooling_hint_when_the_largest_layer_is_no_flattening_fc(capsys, small):
    code, out, _ = run_check(capsys, small, "--budget", "params=100")  # fc on 8x16x16: hinted
    assert "globalavgpool" in out
    code, out, _ = run_check(capsys, "resnet18.net", "--budget", "params=1M")  # a conv is largest
    assert "[over-budget]" in out and "globalavgpool" not in out.split("hint:")[1].split("\n")[0]


# --- audit findings ------------------------------------------------------------------------------


def test_budgets_of_several_flags_all_count(small, capsys):
    code, out, _ = run_check(capsys, small, "--budget", "params=1", "--budget", "macs=1", "--json")
    assert [row["key"] for row in json.loads(out)["budgets"]] == ["params", "macs"]
    assert code == 0


def test_a_key_in_two_budget_flags_is_a_usage_error(small, capsys):
    code, out, err = run_check(capsys, small, "--budget", "params=1", "--budget", "macs=1,params=2")
    assert code == 2 and out == ""
    assert "netspec: error: --budget: params is given twice (params=1 and params=2)" in err


def test_an_unknown_key_without_a_guess_reads_cleanly():
    with pytest.raises(ValueError) as caught:
        parse_budgets("speed=5")
    assert str(caught.value) == "unknown budget 'speed' (the keys are params, macs, flops, memory)"

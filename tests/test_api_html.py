"""`Report._repr_html_`, read back with Python's HTML parser: well-formed, every piece of spec
text escaped, and the numbers it shows are the report's."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st
from random_graphs import graphs
from random_graphs import render as render_graph
from random_stacks import render as render_stack
from random_stacks import stacks

import netspec
from netspec import html_report
from netspec.diagnostics import SHOWN_PER_CODE, render
from netspec.layers.base import fmt_shape
from netspec.units import fmt_bytes

KERNEL_TOO_LARGE = "input 1x28x28\nconv 6 5x5\nmaxpool 2\nconv 16 5x5\nmaxpool 2\nconv 120 5x5\nfc 10\n"
ALLOWED_TAGS = {"div", "span", "b", "table", "thead", "tbody", "tr", "th", "td", "pre"}


class Page(HTMLParser):
    """The tree of an HTML fragment, checked while it is read: every tag closed, in order, none
    outside ALLOWED_TAGS, no event-handler attribute; tables read into rows of cell texts."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.tables: dict[str, list[list[str]]] = {}
        self.pres: list[tuple[dict, str]] = []
        self.text: list[str] = []
        self._table: str | None = None
        self._cell: list[str] | None = None
        self._pre: tuple[dict, list[str]] | None = None
        self.feed(text)
        self.close()
        if self.stack:
            self.problems.append(f"unclosed: {self.stack}")

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        self.problems += [f"attribute {name}" for name in attributes if name.startswith("on")]
        self.stack.append(tag)
        if tag == "table":
            self._table = attributes.get("data-netspec", "?")
            self.tables[self._table] = []
        elif tag == "tr":
            self.tables[self._table].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "pre":
            self._pre = (attributes, [])

    def handle_startendtag(self, tag, attrs):
        self.problems.append(f"self-closing <{tag}/>")

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()
        if tag in ("td", "th"):
            self.tables[self._table][-1].append("".join(self._cell))
            self._cell = None
        elif tag == "pre":
            self.pres.append((self._pre[0], "".join(self._pre[1])))
            self._pre = None

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)
        if self._pre is not None:
            self._pre[1].append(data)


def page(report) -> Page:
    parsed = Page(report._repr_html_())
    assert parsed.problems == []
    return parsed


@pytest.mark.parametrize("name", ["lenet.net", "resnet18.net", "unet.net", "squeezenet.net", "mobilenet_v2.net"])
def test_numbers_are_the_reports(name):
    report = netspec.check(name, batch=8)
    parsed = page(report)
    header, input_row, *rows = parsed.tables["layers"]
    assert header == ["#", "line", "layer", "name", "output", "params", "MACs", "RF", "jump"]
    assert input_row[0] == "0" and input_row[4] == fmt_shape(report.input_shape)
    assert len(rows) == len(report.layers)
    for row, layer in zip(rows, report.layers):
        assert row[0] == str(layer.index) and row[2] == layer.text and row[3] == layer.name
        assert row[4] == fmt_shape(layer.output)
        assert int(row[5].replace(",", "")) == layer.params
        assert int(row[6].replace(",", "")) == layer.macs
    assert sum(int(row[5].replace(",", "")) for row in rows) == report.params
    totals = {row[0]: row[1:] for row in parsed.tables["totals"] if row[0]}
    assert int(totals["params"][0].replace(",", "")) == report.params
    assert int(totals["MACs"][0].replace(",", "")) == report.macs
    assert totals["memory"][0] == fmt_bytes(report.memory.total)
    assert totals["memory"][1].startswith("one training step at batch 8, fp32, adam")
    limit = report.memory_limit
    assert int(totals["largest batch"][0].replace(",", "")) == report.memory.max_batch(limit)
    breakdown = [row[1] for row in parsed.tables["totals"] if row[0] == ""]
    memory = report.memory
    parts = (memory.weights, memory.gradients, memory.optimizer_state, memory.activations, memory.input)
    assert breakdown == [fmt_bytes(part) for part in (*parts, memory.workspace)]
    assert sum(parts) + memory.workspace == memory.total


def test_buffers_are_shown_when_there_are_some():
    report = netspec.check("resnet18")
    totals = {row[0]: row[1] for row in page(report).tables["totals"]}
    assert report.buffers > 0 and int(totals["buffers"].replace(",", "")) == report.buffers
    assert "buffers" not in {row[0] for row in page(netspec.check("lenet")).tables["totals"]}


HOSTILE = [
    "<script>alert(1)</script>",
    "a & b &amp; c",
    'it\'s \\"quoted\\"',
    "<img src=x onerror=alert(1)>",
    "]]><!--",
    "\x1b[31mred",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_network_names_are_shown_not_interpreted(name):
    report = netspec.check(f'network "{name}"\ninput 1x8x8\nconv 4 3x3\n')
    raw = report._repr_html_()
    parsed = page(report)
    shown = report.name
    if "\x1b" in shown:
        assert "\x1b" not in raw and "\\x1b[31mred" in "".join(parsed.text)
    else:
        assert shown in "".join(parsed.text)  # read back as the very text
    for dangerous in ("<script", "<img", "<!--", "]]>"):
        assert dangerous not in raw
    assert "&" not in raw.replace("&amp;", "").replace("&lt;", "").replace("&gt;", "").replace("&quot;", "").replace(
        "&#x27;", ""
    )


@pytest.mark.parametrize("name", ["<b onmouseover=x>.net", "a\"b'c&d.net", "x\u202eevil.net"])
def test_hostile_file_names_are_escaped(name):
    report = netspec.check(KERNEL_TOO_LARGE, name=name)
    raw = report._repr_html_()
    parsed = page(report)
    assert "<b " not in raw and "\u202e" not in raw
    [(attributes, text)] = parsed.pres
    assert attributes["data-severity"] == "error"
    assert text == render(report.errors[0], report.source)  # the CLI's rendering, read back


def test_a_hostile_option_value_in_a_diagnostic_is_escaped():
    report = netspec.check('input 3x8x8\nupsample 2 mode="<script>x</script>"\n')
    assert not report.ok
    raw = report._repr_html_()
    assert "<script" not in raw and "&lt;script&gt;" in raw
    [(_, text)] = page(report).pres
    assert text == render(report.errors[0], report.source)


def test_a_diagnostic_shows_the_source_line_and_a_caret_under_the_span():
    report = netspec.check(KERNEL_TOO_LARGE)
    parsed = page(report)
    [(attributes, text)] = parsed.pres
    lines = text.split("\n")
    assert lines[0].startswith("<spec>:6:10: error: ") and lines[0].endswith("[kernel-too-large]")
    assert lines[1] == "    conv 120 5x5"
    span = report.errors[0].span
    assert lines[2] == " " * (4 + span.column - 1) + "^" + "~" * (span.end_column - span.column - 1)
    assert lines[3].startswith("  hint: ")
    # the layers before the error are shown, no totals (there are none without the whole network)
    assert len(parsed.tables["layers"]) == 1 + 1 + 4 and "totals" not in parsed.tables


def test_tabs_keep_the_caret_aligned():
    report = netspec.check("input 1x4x4\n\tconv 2 5x5\n")
    [(_, text)] = page(report).pres
    assert text.split("\n")[1:3] == ["    \tconv 2 5x5", "    \t       ^~~"]


def test_a_spec_that_does_not_parse_shows_only_its_diagnostics():
    report = netspec.check("input 4\nfc 3 {{\n")
    parsed = page(report)
    assert parsed.tables == {} and len(parsed.pres) == len(report.diagnostics) >= 1


def test_a_huge_network_shows_its_ends_and_counts_the_rest():
    report = netspec.check("input 4\nrepeat 1000 {\n  fc 4\n  relu\n}\n")
    raw = report._repr_html_()
    rows = Page(raw).tables["layers"]
    shown = html_report.HEAD_ROWS + html_report.TAIL_ROWS
    assert len(rows) == 1 + 1 + shown + 1
    assert rows[1 + 1 + html_report.HEAD_ROWS] == [
        f"… {2000 - shown:,} layers not shown (Report.layers lists them all) …"
    ]
    assert rows[-1][0] == "2000" and rows[-1][3] == report.layers[-1].name
    assert len(raw) < 200_000  # bounded, whatever the number of layers


def test_diagnostics_are_capped_per_code_as_on_a_terminal():
    text = "input 1x8x8\n" + "".join(f'upsample 2 mode="m{i}"\n' for i in range(SHOWN_PER_CODE + 7))
    report = netspec.check(text)
    assert len(report.errors) == SHOWN_PER_CODE + 7
    parsed = page(report)
    assert len(parsed.pres) == SHOWN_PER_CODE
    assert "… 7 more errors [" in "".join(parsed.text)


def test_no_styles_or_scripts_only_inline_style():
    raw = netspec.check("squeezenet")._repr_html_()
    assert "<style" not in raw and "<script" not in raw and "class=" not in raw
    assert page(netspec.check("squeezenet")).pres[0][0]["data-severity"] == "warning"


@given(st.data())
def test_random_networks_render_well_formed_with_their_numbers(data):
    kind, (shape, items) = data.draw(
        st.one_of(stacks().map(lambda s: ("stack", s)), graphs().map(lambda g: ("graph", g)))
    )
    text = (render_stack if kind == "stack" else render_graph)(shape, items)[0]
    report = netspec.check(text)
    parsed = page(report)
    if "layers" in parsed.tables:
        rows = parsed.tables["layers"][2:]
        assert [row[3] for row in rows] == [layer.name for layer in report.layers]
        assert [int(row[5].replace(",", "")) for row in rows] == [layer.params for layer in report.layers]
        assert [int(row[6].replace(",", "")) for row in rows] == [layer.macs for layer in report.layers]
    assert len(parsed.pres) == len(report.diagnostics)


@given(st.text(alphabet=st.sampled_from(list("<>&\"'=;{}:#x \n\t\x1bconvfcrelu0123456789")), max_size=120))
def test_any_text_renders_well_formed(text):
    report = netspec.check("input 1x8x8\n" + text)
    raw = report._repr_html_()
    assert Page(raw).problems == []
    assert "\x1b" not in raw and "<script" not in raw

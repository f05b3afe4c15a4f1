"""`netspec lsp` end to end: a real LSP client (pytest-lsp) talking to `python -m netspec lsp` over
stdio, as VS Code (UTF-16 positions) and as Neovim 0.11 (UTF-8 positions)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

pytest.importorskip("pygls")
pytest_lsp = pytest.importorskip("pytest_lsp")

from lsprotocol import types  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities  # noqa: E402

from netspec.checker import check_text  # noqa: E402

SPECS = Path(__file__).resolve().parent.parent / "specs"
SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "netspec", "lsp"])
SERVER_STDIO_FLAG = ClientServerConfig(
    server_command=[sys.executable, "-m", "netspec", "lsp", "--stdio"]
)  # as clients naming the transport start it
WAIT_S = 20

BROKEN = """\
network Broken
input 3x32x32
conv 16 3x3 pad=1
convv 32 3x3
"""

BLOCKS = """\
input 3x32x32
block stage width {
  conv width 3x3 pad=1
  relu
  conv width 40x40
}
stage 8
stage 16
"""

# Non-ASCII text before the error on its line: é (two UTF-8 bytes, one UTF-16 unit) and 😀 (four
# UTF-8 bytes, two UTF-16 units: a surrogate pair).
UNICODE = 'input 3x32x32\nnetwork "é😀"; convv 4 3x3   # ça\n'
UNICODE_LAYERS = 'network "café😀"; input 3x32x32; conv 8 3x3; maxpool 2\n'


@pytest_lsp.fixture(scope="module", config=SERVER)
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(types.InitializeParams(capabilities=client_capabilities("visual-studio-code")))
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(scope="module", config=SERVER_STDIO_FLAG)
async def utf8_client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(types.InitializeParams(capabilities=client_capabilities("neovim@v0.11.0")))
    yield
    await lsp_client.shutdown_session()


_opened = 0


async def open_document(client: LanguageClient, text: str, name: str = "doc") -> str:
    """Open a new document and wait for its first diagnostics."""
    global _opened
    _opened += 1
    uri = f"file:///work/{name}{_opened}.net"
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="netspec", version=1, text=text)
        )
    )
    await diagnostics_of(client, uri)
    return uri


async def diagnostics_of(client: LanguageClient, uri: str) -> list[types.Diagnostic]:
    async def arrived():
        while uri not in client.diagnostics:
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        return client.diagnostics[uri]

    return await asyncio.wait_for(arrived(), WAIT_S)


def at(uri: str, line: int, character: int) -> dict:
    return {
        "text_document": types.TextDocumentIdentifier(uri=uri),
        "position": types.Position(line=line, character=character),
    }


def span_of(diagnostic: types.Diagnostic) -> tuple[int, int, int, int]:
    r = diagnostic.range
    return r.start.line, r.start.character, r.end.line, r.end.character


# --- diagnostics ---------------------------------------------------------------------------------


@pytest.mark.asyncio(loop_scope="module")
async def test_a_misspelt_kind_is_an_error_on_the_word_with_its_code_and_a_did_you_mean(client):
    uri = await open_document(client, BROKEN)
    [diagnostic] = client.diagnostics[uri]
    assert span_of(diagnostic) == (3, 0, 3, 5)
    assert diagnostic.severity == types.DiagnosticSeverity.Error
    assert diagnostic.code == "unknown-layer"
    assert diagnostic.source == "netspec"
    assert "`convv`" in diagnostic.message and "did you mean `conv`?" in diagnostic.message


@pytest.mark.asyncio(loop_scope="module")
async def test_an_error_in_a_block_body_names_each_call_as_related_information(client):
    uri = await open_document(client, BLOCKS)
    [diagnostic] = [d for d in client.diagnostics[uri] if d.code == "kernel-too-large"]
    assert span_of(diagnostic) == (4, 13, 4, 18)  # `40x40`
    related = diagnostic.related_information
    assert [r.message for r in related] == ["in the call `stage 8`"]
    assert related[0].location.uri == uri
    assert related[0].location.range.start == types.Position(line=6, character=0)


@pytest.mark.asyncio(loop_scope="module")
async def test_a_change_is_checked_again_and_a_fixed_document_has_no_diagnostics(client):
    uri = await open_document(client, BROKEN)
    assert client.diagnostics[uri]
    fixed = BROKEN.replace("convv", "conv")
    client.diagnostics.pop(uri)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=fixed)],
        )
    )
    assert list(await diagnostics_of(client, uri)) == []


@pytest.mark.asyncio(loop_scope="module")
async def test_utf16_columns_count_astral_characters_as_two_units(client):
    uri = await open_document(client, UNICODE)
    [diagnostic] = client.diagnostics[uri]
    line = UNICODE.split("\n")[1]
    start = line.index("convv")
    units = len(line[:start].encode("utf-16-le")) // 2
    assert units == start + 1  # 😀 is a surrogate pair
    assert span_of(diagnostic) == (1, units, 1, units + 5)


@pytest.mark.asyncio(loop_scope="module")
async def test_utf8_is_negotiated_when_the_client_prefers_it_and_columns_count_bytes(utf8_client):
    uri = await open_document(utf8_client, UNICODE)
    [diagnostic] = utf8_client.diagnostics[uri]
    line = UNICODE.split("\n")[1]
    start = len(line[: line.index("convv")].encode("utf-8"))
    assert span_of(diagnostic) == (1, start, 1, start + 5)


@pytest.mark.asyncio(loop_scope="module")
async def test_utf8_positions_of_requests_are_read_as_bytes(utf8_client):
    uri = await open_document(utf8_client, UNICODE_LAYERS)
    maxpool = len(UNICODE_LAYERS[: UNICODE_LAYERS.index("maxpool")].encode("utf-8"))
    hover = await utf8_client.text_document_hover_async(types.HoverParams(**at(uri, 0, maxpool + 2)))
    assert "input   8×30×30\noutput  8×15×15" in hover.contents.value
    # the last character of `conv 8 3x3`: read as characters, not bytes, this would be maxpool's `m`
    last = len(UNICODE_LAYERS[: UNICODE_LAYERS.index("3x3;") + 2].encode("utf-8"))
    hover = await utf8_client.text_document_hover_async(types.HoverParams(**at(uri, 0, last)))
    assert "input   3×32×32\noutput  8×30×30" in hover.contents.value


# --- hover, inlay hints ------------------------------------------------------------------------------


@pytest.mark.asyncio(loop_scope="module")
async def test_hover_on_a_layer_shows_its_shapes_counts_and_arithmetic(client):
    text = (SPECS / "alexnet.net").read_text(encoding="utf-8")
    uri = await open_document(client, text, "alexnet")
    line = next(i for i, t in enumerate(text.split("\n")) if "conv 96 11x11" in t)
    hover = await client.text_document_hover_async(types.HoverParams(**at(uri, line, 2)))
    value = hover.contents.value
    first = check_text(text).layers[0]
    assert first.instance.statement.text.startswith("conv 96 11x11")
    assert "3×227×227" in value and "96×55×55" in value
    assert f"{first.params:,}" in value and f"{first.macs:,}" in value
    assert "OH = ⌊(227 + 2·0 − 11) / 4⌋ + 1 = 55" in value
    assert value.startswith("```") and value.endswith("```")


@pytest.mark.asyncio(loop_scope="module")
async def test_hover_on_a_line_of_a_block_body_lists_every_call(client):
    uri = await open_document(client, BLOCKS.replace("40x40", "1x1"))
    hover = await client.text_document_hover_async(types.HoverParams(**at(uri, 2, 4)))
    value = hover.contents.value
    assert "runs 2 times" in value
    assert "3×32×32 → 8×32×32" in value and "8×32×32 → 16×32×32" in value
    call = await client.text_document_hover_async(types.HoverParams(**at(uri, 7, 1)))
    assert "block stage, defined on line 2" in call.contents.value
    assert "8×32×32 → 16×32×32: 3 layers" in call.contents.value


@pytest.mark.asyncio(loop_scope="module")
async def test_inlay_hints_give_each_line_its_output_shape_at_its_end(client):
    text = "input 1x28x28\nconv 6 5x5   # a comment\nmaxpool 2\nfc 10\n"
    uri = await open_document(client, text)
    hints = await client.text_document_inlay_hint_async(
        types.InlayHintParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=4, character=0)),
        )
    )
    got = [(h.position.line, h.position.character, h.label) for h in hints]
    assert got == [(1, 10, "→ 6×24×24"), (2, 9, "→ 6×12×12"), (3, 5, "→ 10")]


@pytest.mark.asyncio(loop_scope="module")
async def test_inlay_hints_of_a_block_body_show_the_distinct_shapes_of_its_calls(client):
    uri = await open_document(client, BLOCKS.replace("40x40", "1x1"))
    hints = await client.text_document_inlay_hint_async(
        types.InlayHintParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(start=types.Position(line=2, character=0), end=types.Position(line=2, character=99)),
        )
    )
    assert [h.label for h in hints] == ["→ 8×32×32 | 16×32×32"]


# --- completion ------------------------------------------------------------------------------------


async def completions(client: LanguageClient, uri: str, line: int, character: int) -> list[str]:
    result = await client.text_document_completion_async(types.CompletionParams(**at(uri, line, character)))
    items = result.items if isinstance(result, types.CompletionList) else result
    return [item.label for item in items]


@pytest.mark.asyncio(loop_scope="module")
async def test_completion_after_a_conv_offers_its_options_and_after_pad_its_words(client):
    text = "input 3x32x32\nconv 64 3x3 \nconv 64 3x3 stride=2 pad=\n"
    uri = await open_document(client, text)
    labels = await completions(client, uri, 1, len("conv 64 3x3 "))
    assert labels == ["stride=", "pad=", "dilation=", "groups=", "bias="]
    labels = await completions(client, uri, 2, len("conv 64 3x3 stride=2 pad="))
    assert labels == ["same", "valid"]


@pytest.mark.asyncio(loop_scope="module")
async def test_completion_in_an_unfinished_document_offers_kinds_and_its_blocks(client):
    text = "input 3x32x32\nblock stage width blocks=2 {\n  conv width 3x3\n  \n"  # `{` never closed
    uri = await open_document(client, text)
    labels = await completions(client, uri, 3, 2)
    assert {"conv", "maxpool", "relu", "add", "residual", "repeat", "stage"} <= set(labels)
    assert "network" not in labels  # only at the top level
    text_call = "input 3x32x32\nblock stage width blocks=2 { conv width 3x3 }\nstage 16 "
    uri = await open_document(client, text_call)
    assert await completions(client, uri, 2, len("stage 16 ")) == ["blocks="]


# --- navigation ------------------------------------------------------------------------------------


@pytest.mark.asyncio(loop_scope="module")
async def test_definition_of_a_block_call_is_its_block_line(client):
    text = (SPECS / "resnet18.net").read_text(encoding="utf-8")
    uri = await open_document(client, text, "resnet18")
    lines = text.split("\n")
    call = next(i for i, t in enumerate(lines) if t.startswith("layer2: stage"))
    target = await client.text_document_definition_async(types.DefinitionParams(**at(uri, call, len("layer2: st"))))
    location = target[0] if isinstance(target, list) else target
    assert location.uri == uri
    assert lines[location.range.start.line].startswith("block stage width blocks")


@pytest.mark.asyncio(loop_scope="module")
async def test_document_symbols_are_the_network_its_labels_and_the_blocks(client):
    text = (SPECS / "resnet18.net").read_text(encoding="utf-8")
    uri = await open_document(client, text, "resnet18")
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    names = [s.name for s in symbols]
    assert names == ["ResNet18", "basic", "basic_down", "stage"]
    assert [c.name for c in symbols[0].children] == ["conv1", "layer2", "layer3", "layer4"]
    lines = text.split("\n")
    stage = symbols[3]
    assert lines[stage.range.start.line].startswith("block stage")
    assert lines[stage.range.end.line].strip() == "}"


@pytest.mark.asyncio(loop_scope="module")
async def test_the_server_survives_garbage_and_still_answers(client):
    uri = await open_document(client, "}\x00{{ conv =\n" * 50 + "😀" * 1000)
    assert client.diagnostics[uri]
    hover = await client.text_document_hover_async(types.HoverParams(**at(uri, 3, 4)))
    assert hover is None or hover.contents
    labels = await completions(client, uri, 2, 3)
    assert isinstance(labels, list)
    again = await open_document(client, BROKEN)
    assert client.diagnostics[again][0].code == "unknown-layer"


@pytest.mark.asyncio(loop_scope="module")
async def test_quick_changes_end_in_the_diagnostics_of_the_last_text(client):
    uri = await open_document(client, BROKEN)
    texts = [BROKEN.replace("convv", word) for word in ("c", "co", "con", "conv", "conv2d", "convz")]
    for version, text in enumerate(texts, start=2):
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )

    async def last():
        while True:
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
            diagnostics = client.diagnostics[uri]
            if diagnostics and "`convz`" in diagnostics[0].message:
                return diagnostics

    [diagnostic] = await asyncio.wait_for(last(), WAIT_S)
    assert diagnostic.code == "unknown-layer" and span_of(diagnostic) == (3, 0, 3, 5)


@pytest.mark.asyncio(loop_scope="module")
async def test_definition_of_a_parameter_in_a_block_body_is_the_parameter_in_its_block_line(client):
    uri = await open_document(client, BLOCKS)
    target = await client.text_document_definition_async(types.DefinitionParams(**at(uri, 2, len("  conv wi"))))
    location = target[0] if isinstance(target, list) else target
    assert (location.range.start.line, location.range.start.character) == (1, len("block stage "))
    assert location.range.end.character == len("block stage width")


@pytest.mark.asyncio(loop_scope="module")
async def test_a_document_that_is_not_open_is_not_read_from_disk(client):
    uri = (SPECS / "lenet.net").as_uri()
    hover = await client.text_document_hover_async(types.HoverParams(**at(uri, 4, 1)))
    assert hover is None
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert symbols in ([], None)
    assert not [m for m in client.log_messages if m.type == types.MessageType.Error]

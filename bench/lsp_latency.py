"""How quickly `netspec lsp` answers an editor, measured over stdio with pygls' own client.

    python bench/lsp_latency.py             # 21 rounds per request (medians)
    python bench/lsp_latency.py --runs 7    # quicker, noisier

One server (`python -m netspec lsp`, this interpreter) for the whole run. Figures, each the median
of the rounds, wall-clock on this machine, client and server on the same cores:

(a) start: from spawning the process to the `initialize` answer;
(b) open → diagnostics: `didOpen` until its `publishDiagnostics` arrives (the check of the whole
    document in the server's worker thread, no debounce on open), for LeNet, ResNet-50 (174 layers)
    and two pathological documents: 100,000 lines of `relu` after one `fc` (100,000 layers, 99,999
    double-activation warnings of which 200 are sent) and a 10,000-line document of misspelt kinds;
(c) hover, inlay hints (the whole document), completion and document symbols on ResNet-50, the
    document already checked (the round trip: JSON-RPC, position conversion, the feature);
(d) hovers on ResNet-50 (already checked) while the 100,000-line document's check runs in the
    server's worker thread: the server keeps answering.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

SPECS = Path(__file__).resolve().parent.parent / "specs"


def documents() -> dict[str, str]:
    return {
        "lenet.net": (SPECS / "lenet.net").read_text(encoding="utf-8"),
        "resnet50.net": (SPECS / "resnet50.net").read_text(encoding="utf-8"),
        "100,000 relu lines": "input 784\nfc 10\n" + "relu\n" * 100_000,
        "10,000 misspelt lines": "input 3x32x32\n" + "convv 8 3x3\n" * 10_000,
    }


async def main(runs: int) -> None:
    client = LanguageClient("bench", "1")
    published: dict[str, asyncio.Future] = {}

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
        future = published.get(params.uri)
        if future is not None and not future.done():
            future.set_result(len(params.diagnostics))

    start = time.perf_counter()
    await client.start_io(sys.executable, "-m", "netspec", "lsp")
    await client.initialize_async(types.InitializeParams(capabilities=types.ClientCapabilities()))
    client.initialized(types.InitializedParams())
    print(f"(a) start → initialized: {1000 * (time.perf_counter() - start):.0f} ms")

    print("(b) didOpen → publishDiagnostics (median ms, diagnostics sent):")
    serial = 0
    for name, text in documents().items():
        times, count = [], 0
        for _ in range(runs if len(text) < 100_000 else max(3, runs // 4)):
            serial += 1
            uri = f"file:///bench/{serial}.net"
            published[uri] = asyncio.get_running_loop().create_future()
            begin = time.perf_counter()
            client.text_document_did_open(
                types.DidOpenTextDocumentParams(
                    text_document=types.TextDocumentItem(uri=uri, language_id="netspec", version=1, text=text)
                )
            )
            count = await asyncio.wait_for(published[uri], 120)
            times.append(time.perf_counter() - begin)
            client.text_document_did_close(
                types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
            )
        print(f"    {name:<24} {1000 * statistics.median(times):8.1f} ms  ({count} diagnostics)")

    text = documents()["resnet50.net"]
    uri = "file:///bench/resnet50.net"
    published[uri] = asyncio.get_running_loop().create_future()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="netspec", version=1, text=text)
        )
    )
    await published[uri]
    lines = text.split("\n")
    conv = next(i for i, t in enumerate(lines) if t.strip().startswith("conv width 1x1"))
    document = types.TextDocumentIdentifier(uri=uri)
    whole = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=len(lines), character=0))
    requests = {
        "hover (a block-body conv, 16 runs)": lambda: client.text_document_hover_async(
            types.HoverParams(text_document=document, position=types.Position(line=conv, character=4))
        ),
        "inlay hints (whole document)": lambda: client.text_document_inlay_hint_async(
            types.InlayHintParams(text_document=document, range=whole)
        ),
        "completion (`conv width 1x1 b|`)": lambda: client.text_document_completion_async(
            types.CompletionParams(text_document=document, position=types.Position(line=conv, character=20))
        ),
        "document symbols": lambda: client.text_document_document_symbol_async(
            types.DocumentSymbolParams(text_document=document)
        ),
    }
    print("(c) requests on ResNet-50 (median ms):")
    for name, request in requests.items():
        times = []
        for _ in range(runs):
            begin = time.perf_counter()
            await request()
            times.append(time.perf_counter() - begin)
        print(f"    {name:<36} {1000 * statistics.median(times):6.1f} ms")

    big = "file:///bench/big-while-hovering.net"
    published[big] = asyncio.get_running_loop().create_future()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=big, language_id="netspec", version=1, text=documents()["100,000 relu lines"]
            )
        )
    )
    times = []
    while not published[big].done() and len(times) < runs:
        begin = time.perf_counter()
        await requests["hover (a block-body conv, 16 runs)"]()
        times.append(time.perf_counter() - begin)
        await asyncio.sleep(0.2)
    pending = "still running" if not published[big].done() else "done before the last hover"
    print(f"(d) hover during the 100,000-line check: median {1000 * statistics.median(times):.1f} ms, ", end="")
    print(f"max {1000 * max(times):.1f} ms over {len(times)} hovers (the check {pending})")
    await published[big]

    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=21)
    asyncio.run(main(parser.parse_args().runs))

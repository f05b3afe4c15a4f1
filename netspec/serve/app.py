"""The playground's web application: the page, its bundled script and style, and a JSON API.

    GET  /?token=T              the page (the token is then in a <meta> the script reads)
    GET  /static/app.js|app.css the bundled front end (built by tools/build_frontend.py)
    GET  /api/session           the spec opened: name, text, digest, whether it can be saved
    GET  /api/examples          the bundled specs; GET /api/examples/NAME one of them
    GET  /api/kinds             layer kinds, aliases, options and keywords for completion
    POST /api/check             {text, batch, dtype, optimizer, device, memory, page} → the check (JSON report)
    POST /api/compile           {text, page} → model.py, or the errors that stop it
    POST /api/draw              {text, page} → the diagram as SVG (when netspec.draw provides draw_svg)
    POST /api/save              {text, digest} → writes the file given on the command line, or 409 + diff

Checks, compiles and drawings run on a few worker threads (worker.py), so a spec that takes long
holds up neither other pages nor this page's other requests. One that runs past the time limit
(`--check-timeout`) is stopped and answered 503 with a message saying so; one whose page went away
(closed, reloaded) is stopped. `page` (optional, any string up to 100 characters naming one page
load) makes a newer request of the same route and page supersede an older one still running,
which is stopped and answered 409 with `"superseded": true`.

In front, `guard.Guard` checks Host, Origin and size, then `guard.RequireToken` the per-run token
that every request but the bundle's script and style carries (header `X-Netspec-Token`, or
`?token=` for the page). Nothing a request sends is
executed, and no request names a path: saves go to the session's one file.
"""

from __future__ import annotations

import asyncio
import html
import json
import secrets
import threading
from importlib import resources

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from netspec.diagnostics import terminal_text
from netspec.serve import analysis
from netspec.serve.command import DEFAULT_CHECK_TIMEOUT_S
from netspec.serve.guard import Guard, RequireToken, content_security_policy
from netspec.serve.session import SaveConflict, SaveRefused, Session, example, examples
from netspec.serve.worker import DaemonWorker, Superseded, TooLong

MAX_BODY = 2**20  # 1 MiB: a spec, its settings and their JSON quoting
MAX_PAGE = 100  # characters of a `page` name
STATIC_TYPES = {"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8"}


def static_file(name: str) -> bytes:
    """A file of the bundled front end, from inside the package (works from a wheel too)."""
    return resources.files("netspec.serve").joinpath("static", name).read_bytes()


def create_app(
    session: Session, hosts: set[str], max_body: int = MAX_BODY, check_timeout_s: float | None = DEFAULT_CHECK_TIMEOUT_S
):
    """The ASGI application for one session, answering only to `hosts` (see `guard.own_hosts`)."""
    # A few checks at a time, on threads that Ctrl-C does not wait for (see worker.py): a long one
    # does not keep the others waiting, and a burst of large specs cannot all be in memory at
    # once. Saves have their own lock, and are always finished.
    work = DaemonWorker("netspec-serve-check", deadline_s=check_timeout_s)
    saving = threading.Lock()

    async def run(request: Request, route: str, body: dict, job) -> Response:
        return await _on(work, request, (route, body.get("page", object())), job, session.name)

    def page(request: Request) -> Response:
        nonce = secrets.token_urlsafe(18)  # a new one per page load, for the editor's <style> elements
        text = static_file("index.html").decode("utf-8")
        text = text.replace("__TOKEN__", html.escape(session.token)).replace("__STYLE_NONCE__", nonce)
        policy = content_security_policy(style_nonce=nonce).decode("ascii")
        return Response(text, media_type="text/html; charset=utf-8", headers={"Content-Security-Policy": policy})

    def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC_TYPES:
            return JSONResponse({"error": "not found"}, 404)
        return Response(static_file(name), media_type=STATIC_TYPES[name])

    def session_info(request: Request) -> Response:
        return JSONResponse({**session.to_json(), "draw": _draw_function() is not None})

    def example_list(request: Request) -> Response:
        return JSONResponse({"examples": examples()})

    def example_text(request: Request) -> Response:
        found = example(request.path_params["name"])
        return JSONResponse(found) if found else JSONResponse({"error": "no such example"}, 404)

    def kinds(request: Request) -> Response:
        return JSONResponse(analysis.kinds())

    async def check(request: Request) -> Response:
        body = await _json_body(request)
        if isinstance(body, Response):
            return body
        try:
            options = analysis.MemoryOptions.from_json(body)
        except analysis.OptionsError as error:
            return JSONResponse({"error": str(error)}, 400)
        return await run(
            request, "check", body, lambda: JSONResponse(analysis.analyze(body["text"], session.name, options))
        )

    async def compile_(request: Request) -> Response:
        body = await _json_body(request)
        if isinstance(body, Response):
            return body
        return await run(
            request, "compile", body, lambda: JSONResponse(analysis.compile_text(body["text"], session.name))
        )

    async def draw(request: Request) -> Response:
        body = await _json_body(request)
        if isinstance(body, Response):
            return body
        draw_svg = _draw_function()
        if draw_svg is None:
            return JSONResponse({"error": "this netspec cannot draw yet"}, 404)
        return await run(request, "draw", body, lambda: JSONResponse(_drawing(draw_svg, body["text"], session.name)))

    async def save(request: Request) -> Response:
        body = await _json_body(request)
        if isinstance(body, Response):
            return body
        base = body.get("digest")
        if not isinstance(base, str):
            return JSONResponse({"error": "digest: expected the digest of the version the page loaded"}, 400)
        try:
            new_digest = await _in_thread(saving, lambda: session.save(body["text"], base))
        except SaveConflict as conflict:
            return JSONResponse(
                {
                    "error": "the file changed on disk since it was loaded",
                    "diff": conflict.diff,
                    "digest": conflict.digest,
                },
                409,
            )
        except SaveRefused as error:
            return JSONResponse({"error": str(error)}, 409)
        return JSONResponse({"saved": session.name, "digest": new_digest})

    routes = [
        Route("/", page),
        Route("/static/{name}", static),
        Route("/api/session", session_info),
        Route("/api/examples", example_list),
        Route("/api/examples/{name}", example_text),
        Route("/api/kinds", kinds),
        Route("/api/check", check, methods=["POST"]),
        Route("/api/compile", compile_, methods=["POST"]),
        Route("/api/draw", draw, methods=["POST"]),
        Route("/api/save", save, methods=["POST"]),
    ]
    app = Starlette(routes=routes, exception_handlers={Exception: _internal_error})
    return Guard(RequireToken(app, session.token), hosts, max_body)


def _internal_error(request: Request, error: Exception) -> Response:
    """A bug in netspec: a JSON answer the page can show (the server logs the traceback)."""
    return JSONResponse({"error": f"internal error in netspec: {type(error).__name__}; please report this"}, 500)


async def _json_body(request: Request) -> dict | Response:
    """The request's JSON object with a string `text`, or the error answer to send instead."""
    try:
        body = json.loads(await request.body())
    except (ValueError, UnicodeDecodeError):
        return JSONResponse({"error": "the request is not JSON"}, 400)
    except RecursionError:  # `[[[[…` nested deeper than the decoder's recursion limit
        return JSONResponse({"error": "the request's JSON is nested too deeply"}, 400)
    if not isinstance(body, dict) or not isinstance(body.get("text"), str):
        return JSONResponse({"error": "expected a JSON object with the spec as `text`"}, 400)
    try:
        body["text"].encode("utf-8")
    except UnicodeEncodeError:  # JSON can carry a lone surrogate (`"\ud800"`), which no file can hold
        return JSONResponse({"error": "the text is not valid Unicode (a lone surrogate)"}, 400)
    page = body.get("page")
    if page is not None and not (isinstance(page, str) and len(page) <= MAX_PAGE):
        return JSONResponse({"error": f"page: expected a string of up to {MAX_PAGE} characters"}, 400)
    return body


async def _on(worker: DaemonWorker, request: Request, key, job, name: str) -> Response:
    """Run CPU-bound `job` on one of `worker`'s threads (the event loop keeps answering meanwhile),
    superseding the job of the same `key`; stopped when the client goes away first, or the
    server stops."""
    future = worker.submit(job, key=key)
    answer = asyncio.wrap_future(future)
    gone = asyncio.ensure_future(_disconnected(request))
    left = True  # until the answer is there
    try:
        await asyncio.wait({answer, gone}, return_when=asyncio.FIRST_COMPLETED)
        left = not answer.done()
    finally:
        gone.cancel()
        if left:  # the client went away, or this request was cancelled (the server is stopping)
            worker.stop(key, future)
            answer.add_done_callback(_seen)
    if left:
        return JSONResponse({"error": "the page went away; its request was stopped"}, 499)
    try:
        return answer.result()
    except TooLong as error:
        return JSONResponse({"error": too_long_message(name, error.seconds)}, 503)
    except (Superseded, asyncio.CancelledError):  # stopped while it ran, or dropped before it started
        return JSONResponse({"error": "a newer request of this page replaced this one", "superseded": True}, 409)


def _seen(future: asyncio.Future) -> None:
    """Mark the outcome of a job nobody waits for as seen (asyncio logs an unseen exception)."""
    if not future.cancelled():
        future.exception()


async def _disconnected(request: Request) -> None:
    """Return when the client closes the connection (its body has been read: nothing else comes)."""
    while (await request.receive())["type"] != "http.disconnect":
        pass


def too_long_message(name: str, seconds: float) -> str:
    """Why a check was stopped, and how to get it done anyway."""
    return (
        f"this spec took over {seconds:g} s to check, so the playground stopped checking it; "
        f"`netspec check {terminal_text(name)}` checks it without a time limit, and "
        "`netspec serve --check-timeout SECONDS` raises the limit"
    )


async def _in_thread(lock: threading.Lock, job):
    """Run blocking `job` in a worker thread (the event loop keeps answering), one at a time."""
    from starlette.concurrency import run_in_threadpool

    def locked():
        with lock:
            return job()

    return await run_in_threadpool(locked)


def _draw_function():
    """netspec.draw's `draw_svg(check_result) -> str`, when the drawing module provides it."""
    try:
        from netspec import draw
    except ImportError:
        return None
    return getattr(draw, "draw_svg", None)


def _drawing(draw_svg, text: str, name: str) -> dict:
    from netspec.checker import check_source
    from netspec.source import SourceFile

    result = check_source(SourceFile(name, text))
    if not result.ok:
        return {"ok": False, "error": "the spec has errors; fix them to see the diagram"}
    try:
        return {"ok": True, "svg": draw_svg(result)}
    except ValueError as error:  # netspec.draw.DrawError: a network it cannot draw
        return {"ok": False, "error": str(error)}

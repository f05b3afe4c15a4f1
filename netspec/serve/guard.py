"""The playground's outer wall, as ASGI middleware in front of every route.

- DNS rebinding: a page on `evil.example` whose name is re-pointed at 127.0.0.1 reaches this server
  with `Host: evil.example:PORT`; any request whose Host is not one of this server's own names is
  refused (403), as is any request whose Origin (sent by browsers on cross-origin requests and on
  every POST) is not this server's own origin: another local site on another port included.
- Size: a request body larger than `max_body` bytes is refused (413) before any route sees it.
- Every answer carries a strict Content-Security-Policy (scripts and styles only from this server,
  no inline script, no frames, no plugins), `nosniff`, no referrer and no caching.

`RequireToken` then asks every request but the bundle's script and style for the per-run token.
"""

from __future__ import annotations

import hmac
import json
from urllib.parse import parse_qs


def content_security_policy(style_nonce: str | None = None) -> bytes:
    """Scripts only from this server (never inline), styles from this server and, for the page,
    the `<style>` elements the editor adds, which carry the page's nonce; no frames, no plugins."""
    styles = "'self'" + (f" 'nonce-{style_nonce}'" if style_nonce else "")
    return (
        f"default-src 'none'; script-src 'self'; style-src {styles}; img-src 'self' data:; connect-src 'self'; "
        "font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ).encode("ascii")


SECURITY_HEADERS = [
    (b"content-security-policy", content_security_policy()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-store"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]


WILDCARDS = ("0.0.0.0", "::", "")


class OwnHosts:
    """The Host values (`name:port`) that name this server: the loopback names, the host it was
    bound to, and, when bound to every interface (`--host 0.0.0.0`), any IP address at its port,
    since it cannot know which of its addresses a client used. An IP address cannot be rebound
    to another site; only names (`evil.example`) can, and no name but `localhost` is accepted."""

    def __init__(self, host: str, port: int):
        self.port = port
        self.any_ip = host in WILDCARDS
        names = {"127.0.0.1", "localhost", "[::1]"}
        if not self.any_ip:
            names.add(f"[{host}]" if ":" in host and not host.startswith("[") else host)
        self.exact = {f"{name.lower()}:{port}" for name in names}

    def __contains__(self, authority: str) -> bool:
        authority = self._with_port(authority)
        if authority in self.exact:
            return True
        if not self.any_ip:
            return False
        name, _, port = authority.rpartition(":")
        if port != str(self.port):
            return False
        import ipaddress

        try:
            ipaddress.ip_address(name[1:-1] if name.startswith("[") and name.endswith("]") else name)
        except ValueError:
            return False
        return ":" not in name or name.startswith("[")

    def _with_port(self, authority: str) -> str:
        """`authority` with its port; browsers leave out the default one (`Host: 127.0.0.1` for
        port 80), which is then this server's only when it listens on port 80 (RFC 9110 §7.2)."""
        bare = authority.endswith("]") or ":" not in authority
        return f"{authority}:80" if bare and self.port == 80 and authority else authority


def own_hosts(host: str, port: int) -> OwnHosts:
    """The Host values that name a server bound to `host`:`port` (see OwnHosts)."""
    return OwnHosts(host, port)


class Guard:
    """Refuse requests that are not this server's own (Host, Origin) or too large; add headers.

    `hosts` holds the authorities (`127.0.0.1:8765`) accepted in Host (an `OwnHosts`, or a set);
    Origin, when sent, must be the origin of the page the request is for, `http://` + its Host:
    a page at `http://localhost:PORT` is another origin than `http://127.0.0.1:PORT` (RFC 6454 §5),
    and with `--host 0.0.0.0` another machine's address at the same port is another site. WebSocket connections are refused: the
    playground has none."""

    def __init__(self, app, hosts, max_body: int):
        self.app = app
        self.hosts = hosts
        self.max_body = max_body

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {}
        for key, value in scope["headers"]:
            headers.setdefault(key.decode("latin-1").lower(), value.decode("latin-1"))
        host = headers.get("host", "").lower()
        origin = headers.get("origin")
        if host not in self.hosts:
            await _refuse(send, 403, "this server answers only to its own address (the Host header names another)")
            return
        if origin is not None and origin.lower() != f"http://{host}":
            await _refuse(send, 403, "requests from other sites are refused (the Origin header names another)")
            return
        declared = headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body):
            await _refuse(send, 413, f"the request is larger than {self.max_body:,} bytes")
            return
        body, too_large = await _read_body(receive, self.max_body) if scope["method"] != "GET" else (b"", False)
        if too_large:
            await _refuse(send, 413, f"the request is larger than {self.max_body:,} bytes")
            return

        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                present = {key.lower() for key, _ in message.get("headers", [])}
                extra = [(key, value) for key, value in SECURITY_HEADERS if key not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, replay if scope["method"] != "GET" else receive, send_with_headers)


async def _read_body(receive, limit: int) -> tuple[bytes, bool]:
    """The whole request body, or (partial, True) as soon as it passes `limit` bytes."""
    parts, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"", True
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return b"", True
        parts.append(chunk)
        if not message.get("more_body", False):
            return b"".join(parts), False


async def _refuse(send, status: int, message: str) -> None:
    body = json.dumps({"error": message}).encode("utf-8")
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": [*headers, *SECURITY_HEADERS]})
    await send({"type": "http.response.body", "body": body})


TOKEN_HEADER = "x-netspec-token"
PUBLIC_PATHS = ("/static/app.js", "/static/app.css")  # the bundle: the same for everyone, no data


class RequireToken:
    """Every request needs the session's token, but the bundle's script and style: the page as
    `/?token=T` (the address `netspec serve` prints), everything else in the `X-Netspec-Token`
    header, which the page's script sends. Another site cannot read the page, so it cannot learn
    the token: it can neither read the spec nor write the file."""

    def __init__(self, app, token: str):
        self.app = app
        self.token = token.encode("utf-8")

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["path"] in PUBLIC_PATHS:
            await self.app(scope, receive, send)
            return
        if scope["path"] == "/":
            query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            given = query.get("token", [""])[0]
            message = "this playground needs the address with its token, as netspec serve printed it"
        else:
            given = next((v.decode("latin-1") for k, v in scope["headers"] if k.lower() == b"x-netspec-token"), "")
            message = "missing or wrong token: open the address netspec serve printed"
        if not hmac.compare_digest(given.encode("utf-8", "replace"), self.token):
            await _refuse(send, 403, message)
            return
        await self.app(scope, receive, send)

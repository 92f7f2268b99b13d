"""ASGI middleware in front of both the API and the mounted chat: the Host allow-list (DNS
rebinding), security headers on every response, a request body size limit and the optional bearer
token. Pure ASGI (not BaseHTTPMiddleware) so streaming chat responses pass untouched."""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlencode

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

COOKIE = "rag_token"
# Names a browser may use for a server on this machine; others come from the allowed_hosts setting.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
# Sent with every response, the chat's included: no framing by other sites (clickjacking), no MIME
# sniffing, no referrer leaking the token-bearing URL.
SECURITY_HEADERS = (
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
)


async def send_json(send: Send, status: int, detail: str, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = json.dumps({"detail": detail}).encode()
    head = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *(headers or [])]
    await send({"type": "http.response.start", "status": status, "headers": head})
    await send({"type": "http.response.body", "body": body})


def host_name(header: str) -> str:
    """The host part of a Host header, lower case, without port or IPv6 brackets."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


class HostGuard:
    """421 for a Host header that names another site: a page whose domain was re-pointed at
    127.0.0.1 (DNS rebinding) must not read the corpus through a visitor's browser."""

    def __init__(self, app: ASGIApp, allowed: tuple[str, ...]) -> None:
        self.app = app
        self.allowed = {host_name(h) for h in (*LOOPBACK_HOSTS, *allowed) if h}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        host = host_name(dict(scope["headers"]).get(b"host", b"").decode("latin-1"))
        if host in self.allowed:
            await self.app(scope, receive, send)
        elif scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
        else:
            shown = host[:60] or "(none)"
            await send_json(
                send, 421, f"this server does not answer for host {shown!r}: use http://127.0.0.1 or set allowed_hosts"
            )


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, with_headers)


class HeadAsGet:
    """HEAD works wherever GET does: answered as GET with the body left out (headers, length included)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)


class BodyLimit:
    """413 for bodies over the limit: API bodies are small JSON, chat bodies carry the conversation."""

    def __init__(self, app: ASGIApp, api_bytes: int, other_bytes: int) -> None:
        self.app, self.api_bytes, self.other_bytes = app, api_bytes, other_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.api_bytes if scope["path"].startswith("/api/") else self.other_bytes
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await self._too_large(send, limit)
            return
        # No trustworthy length (chunked upload): read up to the limit, then replay what was read.
        chunks: list[bytes] = []
        size, more = 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, replay(chunks, message, receive), send)
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            more = message.get("more_body", False)
            if size > limit:
                await self._too_large(send, limit)
                return
        await self.app(scope, replay(chunks, None, receive), send)

    @staticmethod
    async def _too_large(send: Send, limit: int) -> None:
        await send_json(send, 413, f"request body is larger than {limit} bytes: send a shorter question or history")


def replay(chunks: list[bytes], pending: Message | None, receive: Receive) -> Receive:
    body = b"".join(chunks)
    sent = False

    async def replay() -> Message:
        nonlocal sent, pending
        if not sent:
            sent = True
            if pending is None:
                return {"type": "http.request", "body": body, "more_body": False}
        if pending is not None:
            message, pending = pending, None
            return message
        return await receive()

    return replay


class TokenGuard:
    """When a token is set, every request needs `Authorization: Bearer <token>` or the cookie that
    opening `/?token=<token>` once in a browser sets (a browser cannot send the header by itself)."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app, self.token = app, token.encode()

    def _matches(self, candidate: str) -> bool:
        return hmac.compare_digest(candidate.encode(), self.token)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        auth = headers.get(b"authorization", b"").decode("latin-1")
        cookies = SimpleCookie(headers.get(b"cookie", b"").decode("latin-1"))
        cookie = cookies[COOKIE].value if COOKIE in cookies else ""
        scheme, _, credentials = auth.partition(" ")
        bearer = scheme.lower() == "bearer" and self._matches(credentials.strip())  # the scheme is case-insensitive
        if bearer or (cookie and self._matches(cookie)):
            await self.app(scope, receive, send)
            return
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"))
        offered = dict(query).get("token", "")
        if scope["type"] == "http" and scope["method"] == "GET" and offered and self._matches(offered):
            await self._set_cookie_and_redirect(scope, query, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        await send_json(
            send,
            401,
            "this server requires a token: send the header 'Authorization: Bearer <token>' "
            "(in a browser, open /?token=<token> once)",
            [(b"www-authenticate", b"Bearer")],
        )

    async def _set_cookie_and_redirect(self, scope: Scope, query: list[tuple[str, str]], send: Send) -> None:
        rest = urlencode([(k, v) for k, v in query if k != "token"])
        # One leading slash only: "//evil.example/x" would send the browser to another site.
        location = "/" + scope["path"].lstrip("/\\") + (f"?{rest}" if rest else "")
        cookie = f"{COOKIE}={self.token.decode()}; Path=/; HttpOnly; SameSite=Strict"
        await send(
            {
                "type": "http.response.start",
                "status": 303,
                "headers": [
                    (b"location", location.encode()),
                    (b"set-cookie", cookie.encode()),
                    (b"content-length", b"0"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": b""})

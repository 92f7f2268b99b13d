"""Gradio's own routes answer a call to a function that does not exist (an unknown api name or
fn_index) with a bare 500 and a traceback in the log: refuse those up front with a one-line 404."""

from __future__ import annotations

import json
import re

from rag.http.guard import ASGIApp, Receive, Scope, Send, replay, send_json

_NAMED = re.compile(r"^/gradio_api/(?:call|run|api)/([^/]+)/?$")
_EVENT = re.compile(r"^/gradio_api/call/([^/]+)/[^/]+/?$")
_JOIN = "/gradio_api/queue/join"
MAX_JOIN_BYTES = 2 * 1024 * 1024


class GradioRequestGuard:
    def __init__(self, app: ASGIApp, api_names: frozenset[str], fn_ids: frozenset[int]) -> None:
        self.app, self.api_names, self.fn_ids = app, api_names, fn_ids

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        named = _NAMED.match(path) or _EVENT.match(path)
        if named and named.group(1) not in self.api_names:
            await send_json(send, 404, f"no chat endpoint named {named.group(1)[:60]!r}: see /gradio_api/info")
            return
        if path == _JOIN and scope["method"] == "POST":
            await self._join(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _join(self, scope: Scope, receive: Receive, send: Send) -> None:
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            more = message.get("more_body", False) and size <= MAX_JOIN_BYTES
        try:
            body = json.loads(b"".join(chunks) or b"{}")
        except ValueError:
            body = {}  # Gradio answers malformed bodies with a 422 of its own
        fn = body.get("fn_index") if isinstance(body, dict) else None
        if isinstance(fn, int) and not isinstance(fn, bool) and fn not in self.fn_ids:
            await send_json(send, 404, f"no chat function with fn_index {fn}: see /config")
            return
        await self.app(scope, replay(chunks, None, receive), send)

"""`create_app(assistant)`: the JSON API under /api plus the web chat mounted at `/`.

Errors become JSON `{"detail": ...}` bodies that say what to fix; tracebacks and server paths stay in
the server log."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import anyio
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

from rag.assistant import Assistant
from rag.errors import QuestionError, RagError
from rag.http.guard import BodyLimit, HeadAsGet, HostGuard, SecurityHeaders, TokenGuard
from rag.http.models import AskRequest, DocumentDetail, DocumentSummary, ErrorBody, Health
from rag.http.shared import SharedAssistant
from rag.types import Answer, Document, Turn
from rag.version import __version__

log = logging.getLogger("rag.http")

API_BODY_BYTES = 64 * 1024
CHAT_BODY_BYTES = 2 * 1024 * 1024  # the chat posts the whole conversation with every question
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "a token is set on the server and this request lacks it"},
    413: {"model": ErrorBody, "description": "request body too large"},
    422: {"model": ErrorBody, "description": "invalid request: the detail names the field and the fix"},
}


def answer_slots(workers: int = 1, threads: int = 1) -> int:
    """Questions one of `workers` server processes answers at once, one per core of its share
    (`threads`: cores one question uses, Config.query_thread_count); the others wait in the event
    loop, not in threads crowding the cores. Under 20 clients on 2 cores, `--workers 2` reached
    1.4-1.8x one client's requests/s with 40 answering threads each and 2.1x with one each
    (eval/bench/loadtest-workers.json)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, cores // max(1, workers) // max(1, threads))


# Mounts a web chat at `/` beside the API (e.g. ui.app.mount); the engine never imports a UI itself.
ChatMount = Callable[[FastAPI, SharedAssistant], None]


def create_app(
    assistant: Assistant,
    token: str | None = None,
    *,
    chat: ChatMount | None = None,
    allowed_hosts: Sequence[str] = (),
    slots: int = 0,
) -> FastAPI:
    """The API (and, given a `chat` mount, the web chat at `/`) over one loaded assistant. Requests
    must name this machine in their Host header (127.0.0.1, localhost, [::1]) or one of `allowed_hosts`.
    `slots`: questions the API answers at once (0: answer_slots())."""
    shared = SharedAssistant(assistant)
    app = FastAPI(
        title=f"Grounded Q&A over {shared.collection.name}",
        version=__version__,
        description="Answers quoted verbatim from the source documents, each sentence cited to an exact span.",
        docs_url=None,  # Swagger UI and ReDoc load scripts from a CDN: nothing may leave 127.0.0.1
        redoc_url=None,
    )
    _add_error_handlers(app)
    _add_routes(app, shared, anyio.CapacityLimiter(slots or answer_slots()))
    if chat is not None:
        chat(app, shared)
    app.add_middleware(BodyLimit, api_bytes=API_BODY_BYTES, other_bytes=CHAT_BODY_BYTES)
    if token:
        app.add_middleware(TokenGuard, token=token)
    app.add_middleware(HeadAsGet)
    app.add_middleware(HostGuard, allowed=tuple(allowed_hosts))
    app.add_middleware(SecurityHeaders)  # outermost: refusals carry the headers too
    return app


def _add_routes(app: FastAPI, shared: SharedAssistant, slots: anyio.CapacityLimiter) -> None:
    @app.post("/api/ask", response_model=Answer, responses=ERRORS, tags=["answers"])
    async def ask(body: AskRequest) -> Answer:
        """Answer from the documents only; on weak evidence `abstained` is true and `passages` are
        related reading."""
        history = [Turn(t.question, t.answer) for t in body.history]
        answer = partial(shared.ask, body.question, history, k=body.k, mode=body.mode, max_sentences=body.max_sentences)
        return await anyio.to_thread.run_sync(answer, limiter=slots)

    @app.get("/api/documents", response_model=list[DocumentSummary], responses=ERRORS, tags=["documents"])
    def documents() -> list[DocumentSummary]:
        return [DocumentSummary(**_summary(d)) for d in shared.documents.values()]

    @app.get(
        "/api/documents/{doc_id}",
        response_model=DocumentDetail,
        responses={**ERRORS, 404: {"model": ErrorBody, "description": "no such document"}},
        tags=["documents"],
    )
    def document(doc_id: str) -> DocumentDetail | JSONResponse:
        """The text that citation offsets index, with its metadata."""
        doc = shared.documents.get(doc_id)
        if doc is None:
            shown = doc_id if len(doc_id) <= 80 else doc_id[:80] + "…"
            return _error(404, f"no document with id {shown!r}: list the ids with GET /api/documents")
        return DocumentDetail(**_summary(doc), text=doc.text)

    @app.get("/api/health", response_model=Health, responses=ERRORS, tags=["service"])
    def health() -> Health:
        a = shared.assistant
        return Health(
            status="ok", version=__version__, model=a.model_id, documents=len(a.documents), chunks=len(a.data.chunks)
        )

    _add_fallback(app)


def _add_fallback(app: FastAPI) -> None:
    @app.api_route("/api/{rest:path}", methods=[*ALL_METHODS], include_in_schema=False)
    def unknown(rest: str, request: Request) -> JSONResponse:
        # Without this the chat mounted at `/` would answer unknown API paths with its HTML page.
        allowed = _methods_for(app, request)
        if allowed:
            names = ", ".join(sorted(allowed))
            return JSONResponse(
                {"detail": f"{request.method} is not allowed here: use {names}"},
                status_code=405,
                headers={"allow": names},
            )
        return _error(404, "no such API endpoint: see /openapi.json for the endpoints")


ALL_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _methods_for(app: FastAPI, request: Request) -> set[str]:
    """The methods the API's own routes accept at this path ('' when no route has the path)."""
    from starlette.routing import Match

    scope = {**request.scope, "method": "__none__"}
    found: set[str] = set()
    for route in app.routes:
        if isinstance(route, APIRoute) and "{rest:path}" not in route.path and route.matches(scope)[0] != Match.NONE:
            found |= set(route.methods or ())
    return found


def _summary(doc: Document) -> dict[str, Any]:
    m = doc.meta
    return {
        "doc_id": doc.doc_id,
        "title": m.title,
        "author": m.author,
        "outlet": m.outlet,
        "date": m.date,
        "kind": m.kind,
        "url": m.url,
        "source": doc.source,
        "chars": len(doc.text),
    }


def _error(status: int, detail: str) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status)


NOT_JSON = 'the body is not valid JSON: send {"question": "..."} with content-type application/json'
NOT_UTF8 = 'the body could not be decoded (is it UTF-8?): send {"question": "..."} as UTF-8 JSON'


TOO_DEEP = 'the JSON is nested too deeply to read: send {"question": "..."} with a flat history list'


def _undecodable(body: bytes) -> str:
    """Why FastAPI could not even parse the body: not UTF-8, or valid text nested past the parser's limit."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return NOT_UTF8
    return TOO_DEEP if body.count(b"[") + body.count(b"{") > 500 else NOT_JSON


def _problem(error: Any) -> str:
    if error.get("type") == "json_invalid":
        return NOT_JSON
    where = ".".join(str(p) for p in error.get("loc", ()) if p != "body") or "body"
    hint = ': send {"question": "..."} with content-type application/json' if where == "body" else ""
    return f"{where}: {error.get('msg', 'invalid')}{hint}"


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [_problem(e) for e in exc.errors()]
        return _error(422, "invalid request: " + "; ".join(problems))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        # FastAPI answers a body it cannot even decode (invalid UTF-8) with a bare 400 "There was an
        # error parsing the body": for the API that is invalid input like any other, so 422 saying why.
        if exc.status_code == 400 and request.url.path.startswith("/api/"):
            return _error(422, "invalid request: " + _undecodable(await request.body()))
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(QuestionError)
    async def bad_question(_request: Request, exc: QuestionError) -> JSONResponse:
        return _error(422, str(exc))

    @app.exception_handler(RagError)
    async def engine_error(_request: Request, exc: RagError) -> JSONResponse:
        log.error("engine error: %s", exc)
        return _error(500, "the assistant could not answer this request; the server log has the details")

    @app.exception_handler(Exception)
    async def crash(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=exc)
        return _error(500, "internal error; the server log has the details")

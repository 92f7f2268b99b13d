"""Real chromium (Debian package) driven by playwright against a live `rag serve` with the real model.
Every request that is not to 127.0.0.1 is blocked and recorded; each test fails if one happened."""

from __future__ import annotations

import importlib.util
import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, TINY, write_corpus
from tests.serving import live_server

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = REPO / "test-output"
XSS_FILE = "900_untrusted.txt"
# 20,000 characters without a space: must wrap inside its box, never widen the page.
LONG_WORD = "Wombat-burrow-survey-" + "".join(f"{i:05d}" for i in range(3996)) + "-End"
XSS_DOC = (
    "Untrusted <img src=x onerror=\"window.__xss = 'title'; alert('title')\"> notes\n"
    "This file checks that document text is shown as text: <script>window.__xss = 1; alert(1)</script> "
    'and <img src=x onerror=alert(2)> and <img src=x onerror="window.__xss = 2"> and ${window.__xss = 3} '
    "and {{constructor.constructor('window.__xss = 4')()}} must all appear literally on the page.\n"
    "The governance of kangaroo habitats in the Northern Territory is discussed in a separate wildlife report.\n"
    'Links to <a href="javascript:window.__xss=5">click</a> and [x](javascript:alert(1)) and '
    "[y](javascript:window.__xss=6) about the wombat registry must stay text too.\n"
    f"The wombat burrow survey line follows. {LONG_WORD}\n"
)


def chromium_path() -> str | None:
    return shutil.which("chromium") or next((p for p in ("/usr/bin/chromium",) if Path(p).exists()), None)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    path = chromium_path()
    if path is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium; .ci/run does it)")
    if importlib.util.find_spec("playwright") is None:
        pytest.skip("the playwright package is missing: make setup installs it with the dev extra")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def chat_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real corpus plus a hostile document, the real model, the index built on start."""
    project = tmp_path_factory.mktemp("browser")
    shutil.copytree(REPO / "corpus", project / "corpus")
    (project / "corpus" / XSS_FILE).write_text(XSS_DOC, encoding="utf-8")
    with live_server(project, timeout=600) as url:
        yield url


# The tiny corpus served with the hashing embedder: starts in seconds, for tests of the page itself.
TINY_META = {
    "collection": {"name": "Tiny plan", "examples": ["When was the Action Plan released?", "What do critics doubt?"]},
    "documents": {"plan.txt": {"title": "The Action Plan", "outlet": "Plan Weekly", "date": "2025", "kind": "news"}},
}  # notes.md has no entry: its byline and title come from the file alone
TINY_SETTINGS = "[rag]\nchunk_tokens = 24\nchunk_overlap = 4\nabstain_threshold = 0.3\n"
HASHING = {"RAG_EMBED_MODEL": "hashing-256"}


def tiny_project(folder: Path) -> Path:
    write_corpus(folder / "corpus", {**TINY, "metadata.json": json.dumps(TINY_META)})
    (folder / "rag.toml").write_text(TINY_SETTINGS, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def tiny_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with live_server(tiny_project(tmp_path_factory.mktemp("tiny")), env=HASHING, timeout=120) as url:
        yield url


@dataclass
class Watched:
    page: Any
    outside: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def shot(self, name: str, full_page: bool = False) -> None:
        SHOTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def ask(w: Watched, question: str, turn: int) -> None:
    """Type a question, press Ask, wait for its sources (the panel's section of that turn)."""
    w.page.fill("#rag-question textarea", question)
    w.page.click("#rag-ask")
    w.page.wait_for_selector(f"#rag-turn-{turn}", timeout=60_000)


def flat(text: str) -> str:
    return " ".join(text.split())


@contextmanager
def watched_page(browser: Any, url: str, **context_options: Any) -> Iterator[Watched]:
    """A fresh browser context on `url` (context_options: viewport, color_scheme, permissions…) in
    which every request not to 127.0.0.1 is blocked and recorded, and any dialog is recorded; both
    fail the test."""
    context = browser.new_context(**{"viewport": {"width": 1400, "height": 1000}, **context_options})
    watched = Watched(context.new_page())

    def route(r: Any) -> None:
        url = r.request.url
        if url.startswith(("http://127.0.0.1:", "ws://127.0.0.1:")):
            r.continue_()
        else:
            watched.outside.append(url)
            r.abort()

    context.route("**/*", route)

    def route_socket(ws: Any) -> None:
        # context.route never sees WebSockets: they have a router of their own.
        if ws.url.startswith("ws://127.0.0.1:"):
            ws.connect_to_server()
        else:
            watched.outside.append(ws.url)
            ws.close()

    context.route_web_socket("**/*", route_socket)

    def on_dialog(d: Any) -> None:
        watched.dialogs.append(d.message)
        d.dismiss()

    watched.page.on("dialog", on_dialog)
    watched.page.goto(url)  # waits for "load", never "networkidle": Gradio keeps a request open
    watched.page.wait_for_selector("#rag-question textarea")
    yield watched
    context.close()
    assert watched.outside == [], f"requests that would have left 127.0.0.1: {watched.outside}"
    assert watched.dialogs == [], f"dialogs opened: {watched.dialogs}"


@pytest.fixture
def page(browser: Any, chat_url: str) -> Iterator[Watched]:
    with watched_page(browser, chat_url) as watched:
        yield watched

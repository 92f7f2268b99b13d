"""A document added while the server runs reaches every part of the page without a restart: the
answer's badge, its source card (passage and byline), the reader and the Documents tab."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import HASHING, TINY_META, tiny_project, watched_page
from tests.serving import live_server

pytestmark = pytest.mark.browser

HARBOUR = (
    "Harbour board minutes\n"
    "The harbour board approved four electric cranes for the northern quay in March.\n"
    "Dredging of the southern channel was postponed until the autumn.\n"
)
HARBOUR_META = {"title": "Harbour Board Minutes", "outlet": "Quay Gazette", "date": "2026", "author": "J. Doe"}
QUESTION = "What did the harbour board approve for the northern quay?"
# LiveIndex looks at the corpus at most once a second: wait that long after changing it.
SETTLE_S = 1.2


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    project = tiny_project(tmp_path)
    with live_server(project, env=HASHING, timeout=120) as url:
        yield url, project


def add_document(project: Path, name: str, text: str, meta: dict[str, str]) -> None:
    (project / "corpus" / name).write_text(text, encoding="utf-8")
    metadata = {**TINY_META, "documents": {**TINY_META["documents"], name: meta}}
    (project / "corpus" / "metadata.json").write_text(json.dumps(metadata), encoding="utf-8")


def test_a_document_added_while_serving_is_cited_read_and_listed(browser: Any, served: tuple[str, Path]) -> None:
    url, project = served
    with watched_page(browser, url) as w:
        p = w.page
        p.get_by_role("tab", name="Documents").click()
        expect(p.locator("#rag-corpus")).to_contain_text("2 documents")
        p.get_by_role("tab", name="Ask").click()

        add_document(project, "harbour.txt", HARBOUR, HARBOUR_META)
        p.wait_for_timeout(SETTLE_S * 1000)
        p.fill("#rag-question textarea", QUESTION)
        p.click("#rag-ask")
        p.wait_for_selector("#rag-turn-1", timeout=30_000)
        expect(p.locator("#rag-answer-1 .rag-badge")).to_contain_text("1 of 1 sentences quoted verbatim")
        card = p.locator("#rag-src-1-1")
        expect(card.locator(".rag-title")).to_have_text("Harbour Board Minutes")
        expect(card.locator(".rag-byline")).to_have_text("Quay Gazette · 2026 · J. Doe")
        expect(card.locator("mark")).to_contain_text("approved four electric cranes")

        card.locator("button.rag-open").click()
        expect(p.locator("#rag-reader .rag-h")).to_have_text("Harbour Board Minutes")
        expect(p.locator("#rag-reader #rag-doc-mark")).to_contain_text("approved four electric cranes")
        expect(p.locator("#rag-corpus")).to_contain_text("3 documents")
        expect(p.locator("#rag-corpus")).to_contain_text("Harbour Board Minutes")
    assert "re-index" in (project / "serve.log").read_text(encoding="utf-8").lower()


def test_the_documents_tab_lists_a_new_document_before_anyone_asks(browser: Any, served: tuple[str, Path]) -> None:
    url, project = served
    with watched_page(browser, url) as w:
        p = w.page
        add_document(project, "harbour.txt", HARBOUR, HARBOUR_META)
        p.wait_for_timeout(SETTLE_S * 1000)
        p.get_by_role("tab", name="Documents").click()
        expect(p.locator("#rag-corpus")).to_contain_text("3 documents")
        p.locator("#rag-corpus button[data-doc='harbour']").click()
        expect(p.locator("#rag-reader .rag-doc")).to_contain_text("Dredging of the southern channel")
        p.locator("#rag-pick input").click()
        expect(p.get_by_role("option", name="Harbour Board Minutes")).to_be_visible()

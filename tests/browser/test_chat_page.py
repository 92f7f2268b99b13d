"""End to end in chromium: ask, read the cited span, abstain, stay inert on hostile documents."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import XSS_FILE, Watched

pytestmark = [pytest.mark.browser, pytest.mark.integration]

OPEN_SOURCE = "What does the plan say about open source?"


def ask(w: Watched, question: str, turn: int) -> None:
    w.page.fill("#rag-question textarea", question)
    w.page.click("#rag-ask")
    w.page.wait_for_selector(f"#rag-turn-{turn}", timeout=60_000)


def flat(text: str) -> str:
    return " ".join(text.split())


def test_page_loads_with_examples_and_collapsed_settings(page: Watched) -> None:
    p = page.page
    expect(p.get_by_text(OPEN_SOURCE).first).to_be_visible()
    expect(p.get_by_text("Settings")).to_be_visible()
    expect(p.get_by_text("Retrieval depth (passages searched)")).to_be_hidden()
    p.get_by_text("Settings").click()
    expect(p.get_by_text("Retrieval depth (passages searched)")).to_be_visible()
    page.shot("0-start")


def test_open_source_question_is_answered_and_its_span_highlighted(page: Watched, chat_url: str) -> None:
    p = page.page
    ask(page, OPEN_SOURCE, 1)
    answer = p.locator("#rag-answer-1")
    expect(answer.locator("a.rag-cite").first).to_have_text("[1]")
    expect(answer.locator(".rag-badge")).to_have_text(
        re.compile(r"✓ (\d) of \1 sentences quoted verbatim from \d sources?")
    )
    expected = httpx.post(f"{chat_url}/api/ask", json={"question": OPEN_SOURCE}).json()["citations"][0]
    mark = p.locator("#rag-hl-1-1")
    assert flat(mark.inner_text()) == flat(expected["quote"])
    expect(p.locator("#rag-src-1-1 .rag-title")).to_have_text(expected["title"])
    page.shot("1-open-source-answer")

    last = answer.locator("a.rag-cite").last
    n = last.inner_text().strip("[]")
    target = p.locator(f"#rag-hl-1-{n}")
    p.locator("#rag-sources-panel").evaluate("el => el.scrollTo(0, 0)")
    p.evaluate("window.scrollTo(0, 0)")
    if n != "1":  # with one source the highlight may start in view
        expect(target).not_to_be_in_viewport()
    last.click()
    expect(target).to_be_in_viewport()
    expect(target).to_have_class(re.compile("rag-flash"))

    p.locator("#rag-src-1-1 button.rag-open").click()
    doc_mark = p.locator("#rag-reader #rag-doc-mark")
    expect(doc_mark).to_be_visible()
    expect(doc_mark).to_be_in_viewport()
    assert flat(doc_mark.inner_text()) == flat(expected["quote"])
    expect(p.locator("#rag-reader .rag-note")).to_contain_text("cited as [1]")
    page.shot("2-open-source-in-document")


def test_out_of_scope_question_abstains_with_related_reading(page: Watched) -> None:
    p = page.page
    ask(page, "What is the capital of Australia?", 1)
    expect(p.locator("#rag-chat .rag-abstain")).to_contain_text("The documents don't cover this.")
    expect(p.locator("#rag-chat a.rag-cite")).to_have_count(0)
    panel = p.locator("#rag-sources-panel")
    expect(panel).to_contain_text("Related reading")
    expect(panel).to_contain_text("not an answer")
    assert panel.locator("li.rag-related").count() >= 1
    page.shot("3-out-of-scope")


def test_hostile_document_renders_as_inert_text(page: Watched) -> None:
    p = page.page
    p.get_by_role("tab", name="Documents").click()
    p.locator(f"#rag-corpus button[data-doc='{XSS_FILE.removesuffix('.txt')}']").click()
    reader = p.locator("#rag-reader .rag-doc")
    expect(reader).to_contain_text("<script>window.__xss = 1; alert(1)</script>")
    expect(reader).to_contain_text("<img src=x onerror=alert(2)>")
    expect(p.locator("#rag-corpus")).to_contain_text("Untrusted <img src=x onerror=")
    page.shot("4-hostile-document")

    p.get_by_role("tab", name="Ask").click()
    ask(page, "What is said about kangaroo habitats in the Northern Territory?", 1)
    expect(p.locator("#rag-sources-panel")).to_contain_text("<script>window.__xss = 1; alert(1)</script>")
    ask(page, "What does this file check about document text?", 2)
    expect(p.locator("#rag-answer-2")).to_contain_text("<script>window.__xss = 1; alert(1)</script>")
    expect(p.locator("#rag-answer-2")).to_contain_text("<img src=x onerror=alert(2)>")
    page.shot("5-hostile-answer")
    assert p.evaluate("window.__xss === undefined")
    assert p.locator("#rag-reader img, #rag-sources-panel img, #rag-corpus img, #rag-chat script").count() == 0

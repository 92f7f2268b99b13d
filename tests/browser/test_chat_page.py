"""End to end in chromium: ask, read the cited span, abstain, stay inert on hostile documents."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LONG_WORD, XSS_FILE, Watched, ask, flat, watched_page

pytestmark = [pytest.mark.browser, pytest.mark.integration]

OPEN_SOURCE = "What does the plan say about open source?"


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
    expect(p.locator("#rag-chat .rag-abstain")).to_contain_text("The documents don't answer this question.")
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


def no_page_scroll_sideways(w: Watched) -> bool:
    return bool(w.page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"))


def test_javascript_links_stay_text_and_lead_nowhere(page: Watched) -> None:
    p = page.page
    question = "What about the wombat registry links? [q](javascript:window.__xss=7)"
    ask(page, question, 1)
    answer = p.locator("#rag-answer-1")
    for literal in ('<a href="javascript:window.__xss=5">click</a>', "[x](javascript:alert(1))"):
        expect(answer).to_contain_text(literal)
    expect(p.locator("#rag-chat")).to_contain_text(question)  # the user's own bubble, as typed
    assert p.locator('a[href^="javascript:" i], [onclick], [onerror]').count() == 0
    start = p.url
    for link in p.locator("#rag-chat a:not(.rag-cite)").all():  # none expected; click any that appear
        link.click()
    assert p.url == start and p.evaluate("window.__xss === undefined")
    page.shot("6-javascript-links")


def test_a_20000_character_line_wraps_in_full_without_widening_the_page(page: Watched) -> None:
    p = page.page
    ask(page, "What about the wombat burrow survey?", 1)
    p.locator("#rag-src-1-1 button.rag-open").click()
    doc = p.locator("#rag-reader .rag-doc")
    expect(doc.locator("#rag-doc-mark")).to_be_visible()
    assert LONG_WORD in doc.inner_text()  # intact: every character is there
    expect(doc).to_contain_text('<a href="javascript:window.__xss=5">click</a> and [x](javascript:alert(1))')
    assert p.locator('a[href^="javascript:" i]').count() == 0
    assert doc.evaluate("el => el.scrollWidth <= el.clientWidth")  # wrapped, not a sideways scroller
    assert no_page_scroll_sideways(page)
    page.shot("7-long-line")
    p.get_by_role("tab", name="Ask").click()
    ask(page, LONG_WORD[:1500] + " ?", 2)  # a question that is itself one long word
    expect(p.locator("#rag-chat")).to_contain_text(LONG_WORD[:1500])
    assert no_page_scroll_sideways(page)


def test_websockets_to_other_hosts_are_blocked_and_recorded(page: Watched) -> None:
    """The allow-list sees WebSockets too (context.route alone never did)."""
    p = page.page
    p.evaluate("() => { window.probe = new WebSocket('ws://example.invalid/socket'); }")
    for _ in range(50):
        if page.outside:
            break
        p.wait_for_timeout(100)
    assert [u for u in page.outside if "example.invalid" in u], page.outside
    page.outside.clear()  # recorded as it should be: the fixture's final check is for unexpected ones


@pytest.mark.parametrize("device", ["desktop", "phone"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_chat_in_light_and_dark_on_desktop_and_phone(browser: Any, chat_url: str, scheme: str, device: str) -> None:
    """The screenshots in ui/screenshots/ come from here (test-output/chat-<scheme>-<device>.png)."""
    viewport = {"width": 1400, "height": 1000} if device == "desktop" else {"width": 390, "height": 844}
    with watched_page(browser, chat_url, viewport=viewport, color_scheme=scheme) as w:
        p = w.page
        ask(w, OPEN_SOURCE, 1)
        expect(p.locator("#rag-answer-1 .rag-badge")).to_be_visible()
        expect(p.get_by_role("button", name="New chat")).to_be_visible()
        assert no_page_scroll_sideways(w)
        assert ("dark" in (p.locator("body").get_attribute("class") or "")) == (scheme == "dark")
        p.wait_for_timeout(1800)  # the highlight's flash is over
        w.shot(f"chat-{scheme}-{device}", full_page=device == "phone")

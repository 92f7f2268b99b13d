"""Chat basics in chromium on the tiny corpus (hashing embedder): examples ask, copy, reload keeps the
conversation, "New chat", readable highlights in dark mode, markdown in the reader."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import TINY_META, Watched, ask, flat, watched_page

pytestmark = pytest.mark.browser

RELEASED = "When was the Action Plan released?"
CRITICS = "What do critics doubt?"
PHONE = {"width": 390, "height": 844}

# WCAG contrast of an element's text against what is painted behind it: its own background, or
# the nearest ancestor's, with translucent layers blended over what lies beneath.
CONTRAST_JS = """
el => {
  const rgba = s => { const m = s.match(/[\\d.]+/g).map(Number); return m.length === 3 ? [...m, 1] : m; };
  const over = (top, under) => top.slice(0, 3).map((c, i) => c * top[3] + under[i] * (1 - top[3]));
  const layers = [];
  for (let node = el; node; node = node.parentElement) {
    const bg = rgba(getComputedStyle(node).backgroundColor);
    if (bg[3] > 0) layers.push(bg);
    if (bg[3] >= 1) break;
  }
  let back = [255, 255, 255];
  for (const layer of layers.reverse()) back = over(layer, back);
  const fg = over(rgba(getComputedStyle(el).color), back);
  const lum = c => {
    const v = c.map(x => { x /= 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
  };
  const [a, b] = [lum(fg), lum(back)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}
"""


@pytest.fixture
def page(browser: Any, tiny_url: str) -> Any:
    with watched_page(browser, tiny_url) as watched:
        yield watched


def test_clicking_an_example_asks_it(page: Watched) -> None:
    p = page.page
    p.locator("#rag-examples").get_by_text(CRITICS).click()
    p.wait_for_selector("#rag-turn-1", timeout=30_000)
    expect(p.locator("#rag-chat .rag-user")).to_have_text(CRITICS)
    expect(p.locator("#rag-answer-1 .rag-badge")).to_contain_text("1 of 1 sentences quoted verbatim")
    assert "doubt" in p.locator("#rag-answer-1 .rag-text").inner_text()


def test_copy_puts_the_answer_with_its_citations_on_the_clipboard(browser: Any, tiny_url: str) -> None:
    with watched_page(browser, tiny_url, permissions=["clipboard-read", "clipboard-write"]) as w:
        p = w.page
        p.evaluate("navigator.clipboard.writeText('nothing copied yet')")
        ask(w, RELEASED, 1)
        mark = flat(p.locator("#rag-hl-1-1").inner_text())
        source = p.locator("#rag-src-1-1 .rag-foot code").inner_text()  # corpus/plan.txt:16–74
        p.locator("#rag-answer-1 .rag-copy").click()
        expect(p.locator("#rag-answer-1 .rag-copy")).to_have_text("Copied")
        copied = p.evaluate("navigator.clipboard.readText()")
        answer = flat(p.locator("#rag-answer-1 .rag-text").inner_text())
        assert flat(copied).startswith(answer)  # the answer, its [n] markers included
        path, span = source.split(":")
        assert f"[1] {TINY_META['documents']['plan.txt']['title']} — Plan Weekly, 2025" in copied
        assert f"{path}, characters {span}" in copied and f"“{mark}”" in flat(copied)
        html = p.evaluate(
            "async () => { const [item] = await navigator.clipboard.read();"
            " return await (await item.getType('text/html')).text(); }"
        )  # what a word processor pastes: a paragraph, then the sources as a numbered list of quotes
        assert "<ol>" in html and "<blockquote>" in html and mark in flat(html) and path in html
        p.locator("#rag-src-1-1 .rag-copy").click()  # one citation
        expect(p.locator("#rag-src-1-1 .rag-copy")).to_have_text("Copied")  # the write has finished
        quote = p.evaluate("navigator.clipboard.readText()")
        assert flat(quote) == f"“{mark}” — The Action Plan — Plan Weekly, 2025 ({path}, characters {span})"


def test_reload_keeps_the_conversation_and_new_chat_clears_it(page: Watched) -> None:
    p = page.page
    ask(page, RELEASED, 1)
    ask(page, "and what do critics doubt?", 2)
    before = p.locator("#rag-chat .rag-answer").all_inner_texts()
    p.reload()
    p.wait_for_selector("#rag-turn-2", timeout=30_000)
    assert p.locator("#rag-chat .rag-answer").all_inner_texts() == before
    expect(p.locator("#rag-sources-panel #rag-hl-2-1")).to_be_attached()
    ask(page, "What does the plan say about the Global South?", 3)  # follow-ups still see the history
    expect(p.locator("#rag-chat .rag-user")).to_have_count(3)
    p.get_by_role("button", name="New chat").click()
    expect(p.locator("#rag-chat .rag-user")).to_have_count(0)
    p.reload()
    p.wait_for_selector("#rag-question textarea")
    p.wait_for_timeout(1500)  # the stored conversation would be back by now
    expect(p.locator("#rag-chat .rag-user")).to_have_count(0)
    expect(p.locator("#rag-sources-panel")).to_contain_text("Ask a question")


def boxes_overlap(p: Any, a: str, b: str) -> bool:
    return bool(
        p.evaluate(
            """([a, b]) => {
                 const r = document.querySelector(a).getBoundingClientRect();
                 return [...document.querySelectorAll(b)].some(e => {
                   const s = e.getBoundingClientRect();
                   return s.width > 0 && r.left < s.right && s.left < r.right && r.top < s.bottom && s.top < r.bottom;
                 });
               }""",
            [a, b],
        )
    )


@pytest.mark.parametrize("viewport", [{"width": 1400, "height": 1000}, PHONE], ids=["desktop", "phone"])
def test_new_chat_is_a_labelled_button_that_overlaps_nothing(browser: Any, tiny_url: str, viewport: Any) -> None:
    with watched_page(browser, tiny_url, viewport=viewport) as w:
        p = w.page
        ask(w, RELEASED, 1)
        button = p.get_by_role("button", name="New chat")
        expect(button).to_be_visible()
        for other in ("#rag-chat .rag-user", "#rag-chat .rag-answer", "#rag-question textarea", "#rag-ask"):
            assert not boxes_overlap(p, "#rag-new", other), other
        # Gradio's own trash icon sat on top of the first question: nothing may cover it now.
        user = p.locator("#rag-chat .rag-user").bounding_box()
        assert user is not None
        on_top = p.evaluate(
            "([x, y]) => document.elementFromPoint(x, y).closest('.rag-user') !== null",
            [user["x"] + user["width"] - 4, user["y"] + 4],
        )
        assert on_top
        assert p.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


@pytest.mark.parametrize("how", ["query", "system"])
def test_highlights_are_readable_in_dark_mode(browser: Any, tiny_url: str, how: str) -> None:
    url, options = (f"{tiny_url}/?__theme=dark", {}) if how == "query" else (tiny_url, {"color_scheme": "dark"})
    with watched_page(browser, url, **options) as w:
        p = w.page
        expect(p.locator("body")).to_have_class(re.compile(r"\bdark\b"))
        ask(w, RELEASED, 1)
        checks = {"sources panel highlight": p.locator("#rag-hl-1-1")}
        p.locator("#rag-src-1-1 button.rag-open").click()
        expect(p.locator("#rag-reader #rag-doc-mark")).to_be_visible()
        checks["reader highlight"] = p.locator("#rag-reader #rag-doc-mark")
        checks["Highlighted: note"] = p.locator("#rag-reader .rag-note")
        p.wait_for_timeout(1800)  # past the flash animation: the resting colours count
        ratios = {name: el.evaluate(CONTRAST_JS) for name, el in checks.items()}
        assert all(r >= 4.5 for r in ratios.values()), ratios


def test_light_mode_highlights_keep_their_contrast(page: Watched) -> None:
    p = page.page
    ask(page, RELEASED, 1)
    ratio = p.locator("#rag-hl-1-1").evaluate(CONTRAST_JS)
    assert ratio >= 4.5, ratio


def test_markdown_without_metadata_reads_formatted_with_a_clean_byline(page: Watched) -> None:
    p = page.page
    p.get_by_role("tab", name="Documents").click()
    p.locator("#rag-corpus button[data-doc='notes']").click()
    reader = p.locator("#rag-reader")
    expect(reader.locator(".rag-doc h3")).to_have_text("Notes")  # "# Notes" in the file
    assert "#" not in reader.locator(".rag-doc").inner_text()
    byline = flat(reader.locator(".rag-byline").inner_text())
    assert byline == "corpus/notes.md", byline

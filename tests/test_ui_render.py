"""HTML rendering of answers, sources and documents: escaping, highlighting, grounding badge."""

from __future__ import annotations

import html
import re

from hypothesis import given
from hypothesis import strategies as st

from rag import Answer, AnswerSentence, Assistant, Citation, Document, DocumentMeta, Passage
from ui import render

PAYLOAD = "<script>alert(1)</script> <img src=x onerror=alert(2)> \"quoted\" & 'single'"
TEXT = f"Intro line.\n\nThe plan was released in July. {PAYLOAD} Then more text follows here.\n\nNext paragraph."
DOC = Document(
    doc_id="evil",
    source="corpus/evil.txt",
    text=TEXT,
    meta=DocumentMeta(
        title="<b>Evil</b> title", author="<i>A</i>", outlet="Outlet <x>", date="2025", url="javascript:alert(3)"
    ),
    sha256="0",
)
DOCS = {"evil": DOC}
START = TEXT.index("The plan")
END = TEXT.index("Then more") - 1


def evil_answer(abstained: bool = False) -> Answer:
    quote = TEXT[START:END]
    citation = Citation(1, "evil", DOC.meta.title, DOC.source, START, END, quote, "evil#0", 0.7, outlet=DOC.meta.outlet)
    passage = Passage(1, "evil#0", "evil", DOC.source, 0, len(TEXT), TEXT, 0.1, DOC.meta.title)
    if abstained:
        return Answer("<q>?", "The documents don't cover this.", True, 0.2, (), (passage,))
    sentences = (AnswerSentence(quote, (1,)),)
    return Answer("<q>?", f"{quote} [1]", False, 0.7, (citation,), (passage,), sentences=sentences)


def tags(markup: str) -> set[str]:
    return {t.lower() for t in re.findall(r"<\s*([a-zA-Z][a-zA-Z0-9]*)", markup)}


ALLOWED = {
    "div",
    "p",
    "a",
    "span",
    "strong",
    "em",
    "mark",
    "h3",
    "small",
    "ol",
    "li",
    "code",
    "button",
    "section",
    "table",
}
ALLOWED |= {"thead", "tbody", "tr", "th", "td", "details", "summary"}


def test_every_renderer_escapes_untrusted_text() -> None:
    outputs = [
        render.answer_html(evil_answer(), 1, DOCS),
        render.answer_html(evil_answer(True), 1, DOCS),
        render.sources_html([(1, evil_answer())], DOCS),
        render.sources_html([(1, evil_answer(True)), (2, evil_answer())], DOCS),
        render.corpus_html(DOCS),
        render.document_html(DOC, START, END, 1),
        render.document_html(DOC),
    ]
    for out in outputs:
        assert tags(out) <= ALLOWED, tags(out) - ALLOWED
        assert "<script" not in out.lower() and "<img" not in out.lower()
        assert "javascript:" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in render.document_html(DOC)
    assert "&lt;b&gt;Evil&lt;/b&gt; title" in outputs[2]


@given(st.text(max_size=300))
def test_any_document_text_renders_as_the_same_text(text: str) -> None:
    doc = Document("d", "corpus/d.txt", text, DocumentMeta(title="t"), "0")
    out = render.document_html(doc, 0, len(text) // 2, 1)
    body = out.split('<div class="rag-doc">', 1)[1].rsplit("</div></div>", 1)[0]
    assert html.unescape(re.sub(r"</?mark[^>]*>", "", body)) == text
    assert tags(body) <= {"mark"}


def test_answer_markers_link_to_highlights_in_the_sources_panel() -> None:
    answer = evil_answer()
    chat = render.answer_html(answer, 3, DOCS)
    panel = render.sources_html([(3, answer)], DOCS)
    assert '<a class="rag-cite" href="#rag-hl-3-1"' in chat
    mark = re.search(r'<mark id="rag-hl-3-1">(.*?)</mark>', panel)
    assert mark and html.unescape(mark.group(1)) == TEXT[START:END]
    assert "Intro line" not in panel  # context stays inside the cited paragraph
    assert f'data-doc="evil" data-start="{START}" data-end="{END}"' in panel


def test_grounding_badge_counts_what_it_verifies() -> None:
    answer = evil_answer()
    assert render.grounding(answer, DOCS) == (1, 1, 1)
    assert "1 of 1 sentences quoted verbatim from 1 source" in render.answer_html(answer, 1, DOCS)
    bent = Answer(
        answer.question,
        answer.answer,
        False,
        0.7,
        (answer.citations[0].__class__(**{**answer.citations[0].__dict__, "start": START + 1}),),
        (),
        sentences=answer.sentences,
    )
    assert render.grounding(bent, DOCS) == (0, 1, 1)
    assert "rag-badge warn" in render.badge(bent, DOCS)


def test_abstention_is_clear_and_lists_related_reading_not_an_answer() -> None:
    answer = evil_answer(True)
    chat = render.answer_html(answer, 1, DOCS)
    assert "The documents don't cover this." in html.unescape(chat) and "rag-cite" not in chat
    panel = render.sources_html([(1, answer)], DOCS)
    assert "Related reading" in panel and "not an answer" in panel and "<mark" not in panel


def test_earlier_answers_are_folded_latest_open() -> None:
    panel = render.sources_html([(1, evil_answer()), (2, evil_answer(True))], DOCS)
    assert panel.index('id="rag-turn-2"') < panel.index('<details class="rag-earlier" id="rag-turn-1">')


def test_context_cuts_at_whitespace_within_the_paragraph() -> None:
    text = "word " * 200 + "TARGET." + " word" * 200
    before, span, after, cut_a, cut_b = render.context(text, 1000, 1007, width=50)
    assert span == "TARGET." and cut_a and cut_b
    assert len(before) <= 50 and before.startswith("word") and after.endswith("word")


def test_document_view_highlights_a_real_citation(assistant: Assistant) -> None:
    answer = assistant.ask("When was the Action Plan released?")
    c = answer.citations[0]
    out = render.document_html(assistant.documents[c.doc_id], c.start, c.end, c.n)
    assert f'<mark id="rag-doc-mark">{html.escape(c.quote)}</mark>' in out
    assert f"cited as [{c.n}]" in out


def test_user_question_is_an_escaped_html_block_so_markdown_leaves_it_alone() -> None:
    from ui.render import question_html

    html = question_html("see [x](javascript:alert(1)) <b>now</b>\n  please")
    assert html == '<div class="rag-user">see [x](javascript:alert(1)) &lt;b&gt;now&lt;/b&gt; please</div>'

"""HTML for answers, sources and documents. Document text, titles and questions are untrusted: every
piece of it goes through `esc` (html.escape) before it touches markup, so a document containing
`<script>` or `<img onerror=...>` shows as text."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html import escape
from urllib.parse import urlparse

from rag.answer.compose import shown
from rag.types import Answer, Citation, Document, Passage
from ui import clip, markdown

CONTEXT_CHARS = 240  # surrounding text shown around a cited span


def esc(text: object) -> str:
    return escape(str(text), quote=True)


def one_line(text: str) -> str:
    return " ".join(text.split())


def grounding(answer: Answer, documents: Mapping[str, Document]) -> tuple[int, int, int]:
    """(sentences whose quote is verbatim at its cited span, sentences, distinct sources), checked
    here again so the badge states what the page itself verified."""
    quoted = {n: s.text for s in answer.sentences for n in s.citations}
    verbatim = sum(
        1
        for c in answer.citations
        if c.doc_id in documents and documents[c.doc_id].text[c.start : c.end] == c.quote == quoted.get(c.n)
    )
    return verbatim, len(answer.citations), len({c.doc_id for c in answer.citations})


def badge(answer: Answer, documents: Mapping[str, Document]) -> str:
    ok, total, sources = grounding(answer, documents)
    cls = "ok" if ok == total else "warn"
    noun = "source" if sources == 1 else "sources"
    return (
        f'<span class="rag-badge {cls}">✓ {ok} of {total} sentences quoted verbatim from {sources} {noun}</span>'
        f"{confidence(answer.confidence)}"
    )


def confidence(value: float) -> str:
    level = "high" if value >= 0.6 else "moderate" if value >= 0.45 else "low"
    return (
        f'<span class="rag-conf {level}" title="evidence score of the best sentence (0 to 1)">'
        f'confidence {value:.2f}<span class="rag-meter"><span style="width:{round(value * 100)}%"></span></span></span>'
    )


def question_html(question: str) -> str:
    """The user's bubble. Inside an HTML block the chat's markdown renderer leaves the text alone, so
    `[x](javascript:...)` shows as typed instead of becoming a (sanitised, but altered) link."""
    return f'<div class="rag-user">{esc(one_line(question))}</div>'


def hl_id(turn: int, n: int) -> str:
    return f"rag-hl-{turn}-{n}"


def answer_html(answer: Answer, turn: int, documents: Mapping[str, Document]) -> str:
    """The chat message: answer text with clickable [n] markers, then the grounding badge."""
    if answer.abstained:
        return (
            '<div class="rag-answer rag-abstain">'
            f"<p>{esc(answer.answer)}</p>"
            '<p class="rag-note-small">No passage answers it well enough to quote, so there is no answer '
            "rather than a guess; the closest passages are under <em>Related reading</em>.</p>"
            f'<p class="rag-meta">{confidence(answer.confidence)}</p></div>'
        )

    def marker(n: int) -> str:
        return f' <a class="rag-cite" href="#{hl_id(turn, n)}" title="show the cited span">[{n}]</a>'

    text = " ".join(esc(shown(one_line(s.text))) + "".join(marker(n) for n in s.citations) for s in answer.sentences)
    # The chat's sanitizer strips data attributes: this link names the panel's copy button, which holds them.
    copy = (
        f'<a class="rag-copy" href="#rag-copy-{turn}" role="button" title="Copy the answer with its sources">Copy</a>'
    )
    return (
        f'<div class="rag-answer" id="rag-answer-{turn}"><p class="rag-text">{text}</p>'
        f'<p class="rag-meta">{badge(answer, documents)}{copy}</p></div>'
    )


def copy_button(text: str, html: str, label: str, ident: str = "", caption: str = "Copy") -> str:
    """The page script copies these attributes as they are: what is copied never depends on markup."""

    def attr(value: str) -> str:
        return esc(value).replace("\r", "&#13;").replace("\n", "&#10;")

    id_attr = f' id="{esc(ident)}"' if ident else ""
    return (
        f'<button type="button" class="rag-copy"{id_attr} data-copy-text="{attr(text)}" '
        f'data-copy-html="{attr(html)}" aria-label="{esc(label)}" title="{esc(label)}">{esc(caption)}</button>'
    )


def context(text: str, start: int, end: int, width: int = CONTEXT_CHARS) -> tuple[str, str, str, bool, bool]:
    """(before, span, after, cut_before, cut_after): the span inside its paragraph, at most `width`
    characters each side, cut at whitespace."""
    para_start = text.rfind("\n\n", 0, start)
    a = max(para_start + 2 if para_start >= 0 else 0, start - width)
    para_end = text.find("\n\n", end)
    b = min(para_end if para_end >= 0 else len(text), end + width)
    if a > 0 and not text[a - 1].isspace():
        space = text.find(" ", a, start)
        a = space + 1 if space >= 0 else a
    if b < len(text) and not text[b].isspace():
        space = text.rfind(" ", end, b)
        b = space if space >= 0 else b
    return text[a:start], text[start:end], text[end:b], a > 0, b < len(text)


def highlighted(text: str, start: int, end: int, mark_id: str) -> str:
    before, span, after, cut_a, cut_b = context(text, start, end)
    return (
        f'{"…" if cut_a else ""}{esc(before)}<mark id="{mark_id}">{esc(span)}</mark>{esc(after)}{"…" if cut_b else ""}'
    )


def byline(doc: Document | None, *extra: str) -> str:
    """Outlet · date · author, then `extra` (already markup), leaving out whatever is empty: a
    document without a metadata entry has none of them."""
    m = doc.meta if doc else None
    parts = [esc(x) for x in ((m.outlet, m.date, m.author) if m else ()) if x]
    return " · ".join(parts + [x for x in extra if x])


def byline_div(doc: Document | None) -> str:
    text = byline(doc)
    return f'<div class="rag-byline">{text}</div>' if text else ""


def open_button(doc_id: str, start: int, end: int, label: str, n: int = 0) -> str:
    return (
        f'<button type="button" class="rag-open" data-doc="{esc(doc_id)}" data-start="{start}" '
        f'data-end="{end}" data-n="{n}">{esc(label)}</button>'
    )


def source_card(c: Citation, turn: int, documents: Mapping[str, Document]) -> str:
    doc = documents.get(c.doc_id)
    passage = highlighted(doc.text, c.start, c.end, hl_id(turn, c.n)) if doc else f"<mark>{esc(c.quote)}</mark>"
    return (
        f'<li class="rag-source" id="rag-src-{turn}-{c.n}">'
        f'<a class="rag-src-head" href="#{hl_id(turn, c.n)}"><span class="rag-n">{c.n}</span>'
        f'<span class="rag-title">{esc(c.title)}</span></a>'
        f"{byline_div(doc)}"
        f'<div class="rag-passage">{passage}</div>'
        f'<div class="rag-foot"><code>{esc(c.source)}:{c.start}–{c.end}</code><span class="rag-actions">'
        f"{copy_button(clip.citation_text(c), clip.citation_html(c), f'Copy citation [{c.n}]', caption='Copy quote')}"
        f"{open_button(c.doc_id, c.start, c.end, 'Open in document', c.n)}</span></div></li>"
    )


def related_card(p: Passage, documents: Mapping[str, Document]) -> str:
    doc = documents.get(p.doc_id)
    snippet = one_line(p.text)
    snippet = snippet if len(snippet) <= 360 else snippet[:360].rsplit(" ", 1)[0] + " …"
    return (
        f'<li class="rag-source rag-related"><div class="rag-src-head"><span class="rag-title">{esc(p.title)}</span>'
        f'</div>{byline_div(doc)}<div class="rag-passage">{esc(snippet)}</div>'
        f'<div class="rag-foot"><code>{esc(p.source)}:{p.start}–{p.end}</code>'
        f"{open_button(p.doc_id, p.start, p.end, 'Open in document')}</div></li>"
    )


def turn_sources(answer: Answer, turn: int, documents: Mapping[str, Document]) -> str:
    if answer.abstained:
        cards = "".join(related_card(p, documents) for p in answer.passages[:3])
        head = "Related reading <small>— not an answer</small>"
    else:
        cards = "".join(source_card(c, turn, documents) for c in answer.citations)
        copy = copy_button(
            clip.answer_text(answer),
            clip.answer_html(answer),
            "Copy the answer with its sources",
            f"rag-copy-{turn}",
            "Copy answer",
        )
        head = f"Sources <small>{len(answer.citations)} cited</small>{copy}"
    question = f'<p class="rag-q">for “{esc(answer.question)}”</p>'
    return f'<h3 class="rag-h">{head}</h3>{question}<ol class="rag-list">{cards}</ol>'


def sources_html(turns: Iterable[tuple[int, Answer]], documents: Mapping[str, Document]) -> str:
    """The sources panel: the latest answer open, earlier ones folded (markers still reach them)."""
    items = list(turns)
    if not items:
        return (
            '<div class="rag-sources rag-empty"><h3 class="rag-h">Sources</h3>'
            "<p>Ask a question: every sentence of the answer is quoted from a document, and its source "
            "appears here with the quoted words highlighted in their passage.</p></div>"
        )
    *earlier, (last_turn, last) = items
    folded = "".join(
        f'<details class="rag-earlier" id="rag-turn-{t}"><summary>Earlier: {esc(a.question)}</summary>'
        f"{turn_sources(a, t, documents)}</details>"
        for t, a in reversed(earlier)
    )
    return (
        f'<div class="rag-sources"><section id="rag-turn-{last_turn}">{turn_sources(last, last_turn, documents)}'
        f"</section>{folded}</div>"
    )


def _safe_url(url: str) -> str:
    return url if urlparse(url).scheme in ("http", "https") else ""


def corpus_html(documents: Mapping[str, Document]) -> str:
    rows = "".join(
        f"<tr><td><strong>{esc(d.meta.title)}</strong><div class='rag-byline'>{esc(d.meta.author)}</div></td>"
        f"<td>{esc(d.meta.outlet)}</td><td>{esc(d.meta.date)}</td><td>{esc(d.meta.kind)}</td>"
        f"<td class='num'>{len(d.text):,}</td><td>{open_button(d.doc_id, 0, 0, 'Read')}</td></tr>"
        for d in documents.values()
    )
    return (
        f'<div class="rag-corpus"><p>{len(documents)} documents. Answers quote only these texts.</p>'
        "<table><thead><tr><th>Title</th><th>Outlet</th><th>Date</th><th>Kind</th><th>Characters</th><th></th></tr>"
        f"</thead><tbody>{rows}</tbody></table></div>"
    )


def document_html(doc: Document | None, start: int = 0, end: int = 0, n: int = 0) -> str:
    """The whole document, with [start, end) highlighted when a citation or passage opened it."""
    if doc is None:
        return '<div class="rag-reader rag-empty"><p>Choose a document above, or open one from a source.</p></div>'
    m = doc.meta
    url = _safe_url(m.url)
    link = f' · <a href="{esc(url)}" target="_blank" rel="noopener noreferrer">original</a>' if url else ""
    span_ok = 0 <= start < end <= len(doc.text)
    note = ""
    if span_ok:
        what = f"the span cited as [{n}]" if n else "the passage"
        note = f'<p class="rag-note">Highlighted: {what}, characters {start}–{end}.</p>'
    else:
        start = end = 0
    # "document" is the kind of a file without a metadata entry: it says nothing worth a byline.
    kind = esc(m.kind) if m.kind != "document" else ""
    line = byline(doc, kind, f"<code>{esc(doc.source)}</code>{link}")
    return (
        f'<div class="rag-reader"><h3 class="rag-h">{esc(m.title)}</h3>'
        f'<p class="rag-byline">{line}</p>{note}{document_body(doc, start, end)}</div>'
    )


def document_body(doc: Document, start: int, end: int) -> str:
    """Markdown shown formatted (the highlight kept at its offsets), any other text as it is."""
    if doc.source.lower().endswith((".md", ".markdown")):
        return f'<div class="rag-doc rag-md">{markdown.render(doc.text, start, end, "rag-doc-mark")}</div>'
    text = doc.text
    if start < end:
        marked = f'<mark id="rag-doc-mark">{esc(text[start:end])}</mark>'
        return f'<div class="rag-doc">{esc(text[:start])}{marked}{esc(text[end:])}</div>'
    return f'<div class="rag-doc">{esc(text)}</div>'

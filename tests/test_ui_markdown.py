"""Documents in the reader: markdown shown formatted with the cited span still highlighted at its
offsets, and a byline without stray separators for files that have no metadata entry."""

from __future__ import annotations

import re
from html import unescape

from hypothesis import given
from hypothesis import strategies as st

from rag import Document, DocumentMeta
from ui import markdown, render

MD = (
    "# Harbour notes\n\n"
    "The *harbour board* approved **new cranes** in May.\n"
    "A second line of the same paragraph.\n\n"
    "- first point\n- second `point`\n\n"
    "> a quoted remark\n\n"
    "See [the site](javascript:alert(1)) and ![a photo](http://example.invalid/x.png).\n"
)


def visible(markup: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", markup))


def test_markdown_is_formatted_and_its_syntax_hidden() -> None:
    out = markdown.render(MD)
    assert "<h3>Harbour notes</h3>" in out and "#" not in visible(out)
    assert "<em>harbour board</em>" in out and "<strong>new cranes</strong>" in out
    assert "*" not in visible(out) and "<code>point</code>" in out
    assert "<blockquote>a quoted remark</blockquote>" in out and out.count('class="rag-md-li"') == 2


def test_links_and_images_keep_only_their_text() -> None:
    out = markdown.render(MD)
    assert "the site" in out and "a photo" in out
    assert "javascript" not in out and "example.invalid" not in out
    assert not re.search(r"<(a|img)\b", out)


def test_a_span_across_emphasis_and_lines_is_highlighted_in_full() -> None:
    start, end = MD.index("harbour board"), MD.index("same paragraph") + len("same paragraph")
    out = markdown.render(MD, start, end, "rag-doc-mark")
    marked = "".join(re.findall(r'<mark class="rag-doc-mark"[^>]*>(.*?)</mark>', out, re.S))
    assert " ".join(marked.split()) == " ".join(MD[start:end].replace("*", "").split())
    assert out.count('id="rag-doc-mark"') == 1  # one target for "scroll to the highlight"


@given(st.text(alphabet=st.sampled_from(list("ab <>&*_`#-[]()!\n")), max_size=80))
def test_any_text_renders_without_markup_of_its_own(text: str) -> None:
    out = markdown.render(text)
    allowed = {"p", "em", "strong", "code", "blockquote", "pre", "hr", "div", "span", "h3", "h4", "h5", "h6"}
    assert {t.lower() for t in re.findall(r"</?\s*([a-zA-Z][a-zA-Z0-9]*)", out)} <= allowed
    assert set(visible(out)) <= set(text) | {"•", " ", "\n"}


def doc(source: str, text: str, meta: DocumentMeta) -> Document:
    return Document(doc_id="d", source=source, text=text, meta=meta, sha256="0")


def test_reader_formats_markdown_documents_only() -> None:
    md = render.document_html(doc("corpus/notes.md", MD, DocumentMeta(title="Notes")))
    txt = render.document_html(doc("corpus/notes.txt", MD, DocumentMeta(title="Notes")))
    assert "<h3>Harbour notes</h3>" in md and "# Harbour notes" in txt and "<strong>" not in txt


def test_byline_of_a_document_without_metadata_has_no_stray_separators() -> None:
    bare = render.document_html(doc("corpus/notes.txt", "Some text.", DocumentMeta(title="notes")))
    line = re.search(r'<p class="rag-byline">(.*?)</p>', bare)
    assert line and visible(line.group(1)) == "corpus/notes.txt"
    full = render.document_html(
        doc("corpus/n.txt", "Some text.", DocumentMeta(title="n", outlet="Daily", date="2025", kind="news"))
    )
    line = re.search(r'<p class="rag-byline">(.*?)</p>', full)
    assert line and visible(line.group(1)) == "Daily · 2025 · news · corpus/n.txt"

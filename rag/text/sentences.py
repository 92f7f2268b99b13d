"""Rule-based sentence spans (no NLTK punkt: nothing may be downloaded at run time)."""

from __future__ import annotations

import re

from rag.corpus.boilerplate import content_blocks
from rag.types import Document, Sentence, Span

# Bumped whenever a change here moves sentence spans: an index records it and is rebuilt when it differs.
SENTENCE_RULES = 2
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*\s+")
_ABBREV = {"mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "no", "vs", "e.g", "i.e", "cf", "fig", "al", "approx"}
# A line that only announces a byline ("Edited By", "Written by") belongs with the name on the next
# line: split apart, neither line says who wrote or edited the piece.
_BYLINE_LEAD = re.compile(r"(?:(?:edited|written|reported|compiled|posted)\s+)?by:?", re.IGNORECASE)
_BYLINE = re.compile(r"^\s*(?:(?:edited|written|reported|compiled|posted)\s+)?by:?\s+(?=[A-Z])", re.IGNORECASE)
_TERMINAL = ".!?…\"'”’)]:。！？」』）"  # Latin and CJK sentence ends


def _is_abbreviation(text: str, dot: int) -> bool:
    word = re.search(r"([A-Za-z.]+)$", text[:dot])
    if not word:
        return False
    token = word.group(1).lower().rstrip(".")
    return token in _ABBREV or len(token) == 1


def split_spans(text: str, start: int, end: int) -> list[Span]:
    """Sentence spans inside text[start:end]: lines first, then sentence punctuation within a line."""
    spans: list[Span] = []
    line_start = start
    for line in text[start:end].split("\n"):
        line_end = line_start + len(line)
        cursor = line_start
        for m in _BOUNDARY.finditer(text, line_start, line_end):
            nxt = text[m.end() : m.end() + 1]
            if nxt and (nxt.isupper() or nxt.isdigit() or nxt in "\"'“‘([") and not _is_abbreviation(text, m.start()):
                spans.append((cursor, m.end()))
                cursor = m.end()
        spans.append((cursor, line_end))
        line_start = line_end + 1
    return _join_bylines(text, [_trim(text, s, e) for s, e in spans if text[s:e].strip()])


def _join_bylines(text: str, spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for s, e in spans:
        if out and _BYLINE_LEAD.fullmatch(text[out[-1][0] : out[-1][1]]):
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def _trim(text: str, s: int, e: int) -> Span:
    seg = text[s:e]
    return s + len(seg) - len(seg.lstrip()), s + len(seg.rstrip())


def split_document(doc: Document, first_id: int = 0) -> list[Sentence]:
    sentences: list[Sentence] = []
    for b_start, b_end in content_blocks(doc.text, doc.boilerplate):
        for s, e in split_spans(doc.text, b_start, b_end):
            sentences.append(Sentence(first_id + len(sentences), doc.doc_id, s, e, doc.text[s:e]))
    return sentences


def byline_kind(text: str) -> str:
    """ "edited" for "Edited By Mackenzie Ferguson", "written" for "by Liang Zheng" or "Written by …",
    "" for a line that is no byline (the name must be capitalised: "by far" is not one)."""
    m = _BYLINE.match(text)
    if not m or not text[m.end() : m.end() + 1].isupper():
        return ""
    return "edited" if m.group().strip().casefold().startswith("edited") else "written"


def is_heading(text: str) -> bool:
    """A line with no closing punctuation that is short or in Title Case: a title or section
    heading, not a claim (a long lower-case line missing its full stop is still a sentence)."""
    if text.rstrip()[-1:] in _TERMINAL:
        return False
    words = [w for w in text.split() if w[0].isalpha()]
    capitalised = sum(w[0].isupper() for w in words)
    return len(text.split()) < 12 or capitalised >= 0.6 * len(words)


# "The views expressed in this article are those of the author and do not necessarily reflect the
# positions of …": a publisher's disclaimer, about the piece, never about what it discusses.
_DISCLAIMER = re.compile(
    r"\b(?:views?|opinions?)\b.{0,60}?\b(?:are|is)\s+(?:those|that|solely those)\s+of\s+the\s+(?:authors?|writers?)\b"
    r"|\bdo(?:es)?\s+not\s+necessarily\s+(?:reflect|represent)\b",
    re.IGNORECASE,
)


def is_disclaimer(text: str) -> bool:
    return bool(_DISCLAIMER.search(text))

"""Answers that read as answers: a quoted sentence whose meaning leans on the one before it ("These
bodies…", "Furthermore, …") brings that sentence along when it opens the answer and is left out
when it would follow an unrelated one; after the best sentence, quotes are grouped by source in
document order."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from rag.answer.compose import Scored
from rag.answer.evidence import Evidence
from rag.text.sentences import is_heading
from rag.types import Sentence

_DANGLING = re.compile(
    r"^(these|this|those|that|such|it|its|they|their|furthermore|moreover|however|additionally|also|"
    r"thus|therefore|hence|instead|together|despite this|in addition|as a result|on the other hand)\b",
    re.IGNORECASE,
)


# Openers that link a sentence to the one before without naming anything in it: an answer may open
# with the rest of the sentence, quoted from just after the link word (still an exact span).
_CONNECTIVE = re.compile(
    r"^(furthermore|moreover|additionally|in addition|also|further|besides|however|meanwhile|likewise|similarly|"
    r"indeed|on the other hand)\s*,?\s+",
    re.IGNORECASE,
)


def dangling(text: str) -> bool:
    return bool(_DANGLING.match(text.strip()))


def cohere(chosen: Sequence[Scored], ev: Evidence, max_sentences: int) -> list[Scored]:
    """A dangling best sentence is quoted after its predecessor; a dangling later one is dropped
    unless the sentence it leans on is quoted too; the rest follow grouped by source."""
    if not chosen:
        return []
    first, rest = chosen[0], list(chosen[1:])
    lead = _lead(first, rest, ev)
    leading = {c.sentence.sent_id for c in lead}
    rest = [c for c in rest if c.sentence.sent_id not in leading]  # a sentence is quoted once, cut or whole
    taken = leading | {c.sentence.sent_id for c in rest}
    kept = [c for c in rest if not dangling(c.sentence.text) or antecedent(ev, c.sentence) in taken]
    docs = list(dict.fromkeys([first.sentence.doc_id, *(c.sentence.doc_id for c in kept)]))
    kept.sort(key=lambda c: (docs.index(c.sentence.doc_id), c.sentence.start))
    return _joined((lead + kept)[: max(max_sentences, len(lead))], ev)


def _lead(first: Scored, rest: Sequence[Scored], ev: Evidence) -> list[Scored]:
    """How the answer opens. A link word alone ("However, the U.S. …") is left out, as the rest of
    the sentence names its own subject; a sentence leaning on the one before by a pronoun or a
    demonstrative ("These points …") brings that sentence along."""
    if not dangling(first.sentence.text):
        return [first]
    cut = unlinked(first)
    if cut is not first and not dangling(cut.sentence.text):
        return [cut]
    before = _predecessor(first, ev)
    if before is None or any(c.sentence.sent_id == before.sentence.sent_id for c in rest):
        return [cut]
    return [before, first]


def _joined(items: Sequence[Scored], ev: Evidence) -> list[Scored]:
    """A dangling sentence quoted right after the sentence it leans on, in the same paragraph, joins
    it in one quote: one exact span, read as written, instead of an antecedent cited on its own as
    if it answered the question. A joined quote keeps the id of its last sentence."""
    out: list[Scored] = []
    for item in items:
        prev = out[-1] if out else None
        s = item.sentence
        doc = ev.documents[s.doc_id].text
        if (
            prev is None
            or not dangling(s.text)
            or prev.sentence.doc_id != s.doc_id
            or prev.sentence.sent_id != antecedent(ev, s)
            or "\n" in doc[prev.sentence.end : s.start]
        ):
            out.append(item)
            continue
        span = replace(s, start=prev.sentence.start, text=doc[prev.sentence.start : s.end])
        out[-1] = replace(max(prev, item, key=lambda c: c.score), sentence=span)
    return out


def _aside(text: str) -> bool:
    """The whole sentence stands in one pair of brackets ("(Editor's note: …)"), not a list item
    ("(1) Build compute centres (by 2025).")."""
    text = text.strip().removesuffix(".")
    if not text or text[0] not in "([":
        return False
    depth = 0
    for i, ch in enumerate(text):
        depth += ch in "(["
        depth -= ch in ")]"
        if depth == 0:
            return i == len(text) - 1
    return False


def unlinked(item: Scored) -> Scored:
    """The sentence from just after a link word ("Furthermore, on open source, …" → "on open
    source, …"), when it opens with one; else unchanged."""
    s = item.sentence
    m = _CONNECTIVE.match(s.text)
    if not m or m.end() >= len(s.text):
        return item
    return replace(item, sentence=replace(s, start=s.start + m.end(), text=s.text[m.end() :]))


def _predecessor(item: Scored, ev: Evidence) -> Scored | None:
    sid = antecedent(ev, item.sentence)
    if sid < 0:
        return None
    sentence = ev.sentences[sid]
    if sentence.doc_id != item.sentence.doc_id or is_heading(sentence.text) or dangling(sentence.text):
        return None
    return replace(item, sentence=sentence)


def antecedent(ev: Evidence, sentence: Sentence) -> int:
    """The id of the sentence a dangling one leans on: the one before it, past asides in brackets
    ("(Editor's note: …)"), which explain a word and are no antecedent; -1 when there is none."""
    sid = sentence.sent_id - 1
    while sid >= 0 and ev.sentences[sid].doc_id == sentence.doc_id and _aside(ev.sentences[sid].text):
        sid -= 1
    return sid

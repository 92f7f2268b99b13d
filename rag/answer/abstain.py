"""What a refusal says: the truth about why, and where the documents come closest, in words that
help the reader ask again (never a bare "no results")."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from rag.answer.evidence import Evidence
from rag.answer.expected import has_expected_type
from rag.answer.facts import facts_of
from rag.answer.question import Question
from rag.answer.support import Signals
from rag.retrieve.lexical import stem
from rag.types import Document, Hit

_ARTICLE = re.compile(r"\bthe (?:\d+ )?$", re.IGNORECASE)  # kept before a name: "the 2025 World … Conference"
_NAME_PHRASE = re.compile(r"[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*")


# What a question of each expected answer type needs, as the refusal says it lacks. Not "who": a
# name often sits in a byline or a heading that no sentence of the passages states.
_WANTED = {
    "date": "a date",
    "number": "a number",
    "money": "an amount of money",
    "place": "a place",
    "country": "a country",
}


def refusal(
    question: Question | None,
    hits: Sequence[Hit],
    documents: Mapping[str, Document],
    evidence: Evidence | None = None,
    contradiction: Signals | None = None,
) -> str:
    """`evidence` (with the hits) lets the refusal say what kind of answer the passages lack;
    `contradiction` is what the sentence matching the question best says against it (a swap)."""
    parts = ["The documents don't answer this question."]
    missing = absent_names(question) if question else []
    if missing:
        parts.append(f"They never mention {_join(missing)}.")
    elif contradiction is not None and (contradiction.swapped or contradiction.number_swapped):
        other = "another country" if contradiction.swapped else "another date or rank"
        parts.append(f"The passage that matches it best names {other} than the question does.")
    elif question is not None and evidence is not None and (gap := type_gap(question, evidence, hits)):
        parts.append(gap)
    if hits:
        title = documents[hits[0].chunk.doc_id].meta.title
        parts.append(f"The closest they come is a passage of “{title}”, listed as related reading, not as an answer.")
    return " ".join(parts)


def absent_names(question: Question) -> list[str]:
    """The names the question asks about that occur nowhere in the corpus, as the question writes
    them: whole capitalised phrases ("South Korea's AI Basic Act" → "South Korea's AI Basic Act")."""
    absent = set(question.entities) & set(question.unknown)
    if not absent:
        return []
    return list(dict.fromkeys(m.group() for m in _name_phrases(question, absent))) or sorted(absent)


def type_gap(question: Question, ev: Evidence, hits: Sequence[Hit]) -> str:
    """ "They mention X, but none of the passages found about it gives a date.": said only when
    no sentence of the passages found that names everything the question names (or follows one
    that does: "It lists 13 actions") holds a span of the expected type, headings included."""
    wanted = _WANTED.get(question.expected or "")
    if not wanted:
        return ""
    sids = list(dict.fromkeys(sid for h in hits for sid in ev.sentences_of_chunk.get(h.chunk.chunk_id, ())))
    named = {sid for sid in sids if all(e in ev.facts(sid).tokens for e in question.entities)}
    about = [sid for sid in sids if sid in named or sid - 1 in named]
    asked = facts_of(question.wording, question.tokens, ev.lexicon)
    if not about or any(has_expected_type(question, asked, ev.facts(sid)) for sid in about):
        return ""
    if question.asks_next:
        wanted = "a date still to come"  # they may well date what is past
    names = present_names(question)
    if not names:
        return f"None of the passages found gives {wanted}."
    them = "it" if len(names) == 1 else "them"
    return f"They mention {_join(names)}, but none of the passages found about {them} gives {wanted}."


def present_names(question: Question) -> list[str]:
    """The names the question asks about that the corpus has, as the question writes them."""
    found = []
    for m in _name_phrases(question, set(question.entities) - set(question.unknown)):
        # "the International AI Science Group", but "the Xinhua commentary" names Xinhua.
        article = _ARTICLE.search(question.text[: m.start()]) if " " in m.group() else None
        found.append((article.group().casefold() if article else "") + m.group())
    return list(dict.fromkeys(found))


def _name_phrases(question: Question, tokens: set[str]) -> list[re.Match[str]]:
    """The capitalised phrases of the question holding one of `tokens` (stemmed words)."""
    return [
        m
        for m in _NAME_PHRASE.finditer(question.text)
        if any(stem(w.casefold()) in tokens for w in re.findall(r"[^\W_]+", m.group()))
    ]


def _join(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]

"""What a refusal says: the truth about why, and where the documents come closest, in words that
help the reader ask again (never a bare "no results")."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from rag.answer.compose import Scored
from rag.answer.question import Question
from rag.retrieve.lexical import stem
from rag.types import Document, Hit

_ARTICLE = re.compile(r"\bthe (?:\d+ )?$", re.IGNORECASE)  # kept before a name: "the 2025 World … Conference"
_NAME_PHRASE = re.compile(r"[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*")


# What a question of each expected answer type needs, as the refusal says it lacks.
_WANTED = {
    "date": "a date",
    "number": "a number",
    "money": "an amount of money",
    "person": "a person's name",
    "place": "a place",
    "country": "a country",
}


def refusal(
    question: Question | None,
    hits: Sequence[Hit],
    documents: Mapping[str, Document],
    scored: Sequence[Scored] = (),
) -> str:
    """`scored` are the candidate sentences the answer was sought in (what the gap clause checks)."""
    parts = ["The documents don't answer this question."]
    missing = absent_names(question) if question else []
    if missing:
        parts.append(f"They never mention {_join(missing)}.")
    elif question is not None and (gap := type_gap(question, scored)):
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
    found = []
    for m in _NAME_PHRASE.finditer(question.text):
        if any(stem(w.casefold()) in absent for w in re.findall(r"[^\W_]+", m.group())):
            found.append(m.group())
    return list(dict.fromkeys(found)) or sorted(absent)


def type_gap(question: Question, scored: Sequence[Scored]) -> str:
    """ "They mention X, but none of the passages found about it gives a date.": said only when
    the candidates that name everything the question names all lack the expected type."""
    wanted = _WANTED.get(question.expected or "")
    named = {
        s.sentence.sent_id for s in scored if s.signals and not (s.signals.entity_elsewhere or s.signals.entity_absent)
    }
    # "It lists 13 actions" is about what the sentence before it names.
    about = [s for s in scored if s.sentence.sent_id in named or s.sentence.sent_id - 1 in named]
    if not wanted or not about or any(s.signals and not s.signals.type_missing for s in about):
        return ""
    names = present_names(question)
    if not names:
        return f"None of the passages found gives {wanted}."
    them = "it" if len(names) == 1 else "them"
    return f"They mention {_join(names)}, but none of the passages found about {them} gives {wanted}."


def present_names(question: Question) -> list[str]:
    """The names the question asks about that the corpus has, as the question writes them."""
    known = set(question.entities) - set(question.unknown)
    found = []
    for m in _NAME_PHRASE.finditer(question.text):
        words = [stem(w.casefold()) for w in re.findall(r"[^\W_]+", m.group())]
        if any(w in known for w in words):
            article = _ARTICLE.search(question.text[: m.start()])
            found.append((article.group().casefold() if article else "") + m.group())
    return list(dict.fromkeys(found))


def _join(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]

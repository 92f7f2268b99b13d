"""What a refusal says: the truth about why, and where the documents come closest, in words that
help the reader ask again (never a bare "no results")."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from rag.answer.question import Question
from rag.retrieve.lexical import stem
from rag.types import Document, Hit

_NAME_PHRASE = re.compile(r"[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*")


def refusal(question: Question | None, hits: Sequence[Hit], documents: Mapping[str, Document]) -> str:
    parts = ["The documents don't answer this question."]
    missing = absent_names(question) if question else []
    if missing:
        parts.append(f"They never mention {_join(missing)}.")
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


def _join(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]

"""Words a question makes a condition of its answer, beyond its names: a word it quotes ("how many
times does the word security appear") and a rank it asks about ("when was the first conference
held"). A sentence without them is about another word or another occurrence, however close its topic."""

from __future__ import annotations

import re

from rag.answer.facts import Facts
from rag.retrieve.lexical import tokenize

# "the word security", "the term 'open source'", a phrase in quotation marks.
_QUOTED = re.compile(
    r"\bthe (?:words?|terms?|phrases?|expressions?)\s+[\"“'‘]?([^\W\d_][\w-]*)|[\"“]([^\"”]{2,60})[\"”]", re.IGNORECASE
)
# "the first conference", "the second edition", "the inaugural summit": a rank after "the".
_RANK = re.compile(r"\bthe (first|second|inaugural)\b", re.IGNORECASE)
# The spellings a sentence may give the rank in ("the first" is also "the 1st" or "the inaugural").
_RANK_FORMS = {
    "first": ("first", "1st", "inaugural"),
    "second": ("second", "2nd"),
    "inaugural": ("first", "1st", "inaugural"),
}


def required_words(question: str) -> tuple[str, ...]:
    """The quoted words and the rank words of a question, as tokens (a rank word as itself)."""
    out: list[str] = []
    for m in _QUOTED.finditer(question):
        out += tokenize(m.group(1) or m.group(2))
    out += [m.group(1).casefold() for m in _RANK.finditer(question)]
    return tuple(dict.fromkeys(out))


def lacks_required(required: tuple[str, ...], facts: Facts) -> bool:
    """The sentence misses a word the question quotes or a rank it asks about."""
    return any(not any(f in facts.tokens or f in facts.quantities for f in _RANK_FORMS.get(w, (w,))) for w in required)

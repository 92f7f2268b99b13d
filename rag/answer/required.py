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
_RANK = re.compile(r"\b(?:the|its|their|his|her) (first|second|inaugural)\b", re.IGNORECASE)
# A superlative asked about ("the biggest risk", "the most important partner"): a sentence that
# ranks nothing does not say which is biggest.
_SUPERLATIVE_ASKED = re.compile(
    r"\b(?:biggest|largest|greatest|highest|lowest|smallest|best|worst|strongest|weakest|the most|the least)\b",
    re.IGNORECASE,
)
_SUPERLATIVE = "(superlative)"  # stands for any superlative of the sentence
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
    if _SUPERLATIVE_ASKED.search(question):
        out.append(_SUPERLATIVE)
    return tuple(dict.fromkeys(out))


def lacks_required(required: tuple[str, ...], facts: Facts) -> bool:
    """The sentence misses a word the question quotes, a rank or a superlative it asks about."""
    return any(not _holds(w, facts) for w in required)


def _holds(word: str, facts: Facts) -> bool:
    if word == _SUPERLATIVE:
        return facts.ranking
    return any(f in facts.tokens or f in facts.quantities for f in _RANK_FORMS.get(word, (word,)))

"""Words a question makes a condition of its answer, beyond its names: a word it quotes ("how many
times does the word security appear") and a rank it asks about ("when was the first conference
held"). A sentence without them is about another word or another occurrence, however close its topic."""

from __future__ import annotations

import re

from rag.answer.facts import SUPERLATIVES, Facts
from rag.retrieve.lexical import tokenize

# "the word security", "the term 'open source'", a word or two in quotation marks; not a quoted title
# (its words are names, checked as such) nor "the term limits" or "what does the word mean".
_QUOTED = re.compile(
    r"\bthe words?\s+[\"“'‘]?(?!(?:mean|means|meant|refer|refers|used|appear|appears)\b)([^\W\d_][\w-]*)"
    r"|\bthe (?:terms?|phrases?|expressions?)\s+[\"“'‘]([^\W\d_][\w -]*?)[\"”'’]"
    r"|[\"“]([^\W\d_][\w-]*(?: [\w-]+)?)[\"”]",
    re.IGNORECASE,
)
# "the first conference", "the second edition", "the inaugural summit": a rank after "the".
_RANK = re.compile(r"\b(?:the|its|their|his|her) (first|second|inaugural)\b", re.IGNORECASE)
# A superlative asked about ("the biggest risk", "the most important partner"): a sentence that
# ranks nothing does not say which is biggest.
_SUPERLATIVE_ASKED = re.compile(rf"\b(?:{SUPERLATIVES}|the most|the least)\b", re.IGNORECASE)
SUPERLATIVE = "(superlative)"  # stands for any superlative of the sentence
# The spellings a sentence may give the rank in ("the first" is also "the 1st" or "the inaugural").
_RANK_FORMS = {
    "first": ("first", "1st", "inaugural"),
    "second": ("second", "2nd"),
    "inaugural": ("first", "1st", "inaugural"),
}


def required_words(question: str, polar: bool = False) -> tuple[str, ...]:
    """The quoted words, and unless the question is a yes/no one ("is it the first of its kind?",
    answered "no" by a sentence that ranks nothing), its rank and superlative, as tokens."""
    out: list[str] = []
    for m in _QUOTED.finditer(question):
        out += tokenize(next(g for g in m.groups() if g))
    if not polar:
        out += [m.group(1).casefold() for m in _RANK.finditer(question)]
        if _SUPERLATIVE_ASKED.search(question):
            out.append(SUPERLATIVE)
    return tuple(dict.fromkeys(out))


def lacks_required(required: tuple[str, ...], facts: Facts) -> bool:
    """The sentence misses a word the question quotes or the rank it asks about."""
    return any(not _holds(w, facts) for w in required if w != SUPERLATIVE)


def lacks_superlative(required: tuple[str, ...], facts: Facts) -> bool:
    """The question asks for the biggest, the most important…, and the sentence ranks nothing."""
    return SUPERLATIVE in required and not facts.ranking


def _holds(word: str, facts: Facts) -> bool:
    if word == SUPERLATIVE:
        return facts.ranking
    return any(f in facts.tokens or f in facts.quantities for f in _RANK_FORMS.get(word, (word,)))

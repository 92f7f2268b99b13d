"""Whether a sentence holds a span of the answer type a question expects, that the question does
not hold already: a date for "when", a count of the thing "how many" counts, an amount of money, a
place, a country, a name, a list as long as asked, a length of time for "how long"."""

from __future__ import annotations

import re

from rag.answer.facts import Facts
from rag.answer.question import Question
from rag.text.gazetteer import TITLE_WORDS

RANK_ENDINGS = ("st", "nd", "rd", "th")
YEAR_ASKED = re.compile(r"\b(?:what|which) year\b")
_CURRENCIES = frozenset(["dollar", "yuan", "euro", "pound", "yen", "rupee"])  # "how many yuan" wants money
_TIME_UNITS = frozenset(["day", "week", "month", "year"])
_AGO = re.compile(r"\bhow long ago\b", re.IGNORECASE)


def requested_count(asked: Facts) -> int:
    """The count a list question asks for ("List the six principles" → 6), or 0."""
    counts = [int(q) for q in asked.quantities if q.isdigit() and int(q) <= 50]
    return max(counts, default=0)


def has_expected_type(question: Question, asked: Facts, facts: Facts) -> bool:
    """The sentence holds a span of the expected type that the question does not already hold."""
    kind = question.expected
    if question.asks_next and not facts.future:
        return False  # "when is the next conference": the date of the last one is no answer
    if kind == "date":
        new = facts.dates - asked.dates
        # "What year …" wants a year: "two years later" dates a thing relative to another, not in one.
        return any(d.isdigit() for d in new) if YEAR_ASKED.search(question.wording.casefold()) else bool(new)
    if kind == "duration":  # "how long after the initiative": "less than two years later"
        # "how long ago did it happen" is answered by when it happened, too
        return facts.duration or (bool(facts.dates - asked.dates) and bool(_AGO.search(question.wording)))
    if kind == "number" and "relative" in facts.dates and _TIME_UNITS & {*question.tokens}:
        return True  # "how many days separated them" is answered by "three days prior"
    if kind in ("number", "money"):
        counts = {q for q in facts.quantities - asked.quantities if not q.endswith(RANK_ENDINGS)}  # no rank
        if kind == "number" and "many" in question.tokens and not _CURRENCIES & {*question.tokens}:
            counts -= facts.amounts  # "how many chips" is a count: "$8 billion" is no answer
            if question.counted and not facts.has(question.counted):
                return False  # "how many countries signed" is not answered by "11 proposals"
        return bool(counts) and (kind == "number" or facts.money)
    if kind == "list":  # "the six principles one by one" is not answered by a series of three
        return facts.list_items >= max(3, requested_count(asked))
    if kind == "country":
        return bool(facts.countries - asked.countries)
    if kind == "place":  # in a yes/no question the place asked about answers "yes"
        return bool(
            facts.places if question.polar else facts.places - asked.tokens
        )  # "in Shanghai", "at Tsinghua": not "China announces"
    if kind == "person":
        return facts.byline or bool(facts.people - asked.people)
    if kind == "organisation":  # "what new bodies": a name not in the question ("the International AI Science Group")
        return bool(facts.organisations - asked.tokens)
    if kind == "workplace":  # "where does he work": "Tsinghua University", or a place
        return bool(facts.organisations - asked.tokens) or bool(facts.places - asked.tokens)
    if kind == "role":  # "what position does the author hold": "a professor", "vice dean"
        return bool((facts.tokens & TITLE_WORDS) - asked.tokens)
    if kind == "name":
        return bool(facts.names - asked.tokens)
    return True

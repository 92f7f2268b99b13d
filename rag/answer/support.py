"""How well one sentence supports an answer to the analysed question, beyond topical similarity:
does it hold a new span of the expected answer type (a date for "when", a number for "how many"),
and does it name what the question names? Each miss scales the evidence score down."""

from __future__ import annotations

from rag.answer.facts import Facts
from rag.answer.lexicon import Lexicon
from rag.answer.question import Question

# Factor for a sentence without a span of the expected type that the question does not already
# contain ("how many delegates" is not answered by a sentence without a number).
TYPE_MISSING = 0.5
# Factor for a name or number the question asks about that the corpus has but this sentence lacks,
# scaled by how rare the word is (a missing "AI" costs little, a missing "Tsinghua" a lot).
ENTITY_ELSEWHERE = 0.8
# Factor for a name the question asks about that occurs nowhere in the corpus ("Korea", "Bletchley"):
# the documents cannot be about it.
ENTITY_ABSENT = 0.55
# Factor for a sentence about another country than the one asked about (asked about the United
# States, the sentence says China did it): the commonest near-miss of all.
ENTITY_SWAPPED = 0.6
# Floor of the factor for the words of what is asked about the names ("chair" in "who will chair the
# Science Group"), reached when the sentence has none of them: a sentence that only names the
# question's subject is about the topic, not an answer.
PREDICATE_MISSING = 0.55
# Words that say what kind of answer is wanted, not what it is about.
_TYPE_WORDS = frozenset(
    [
        "much",
        "many",
        "number",
        "amount",
        "percentage",
        "year",
        "date",
        "day",
        "month",
        "time",
        "city",
        "place",
        "country",
        "countries",
    ]
)


def support_factor(
    question: Question, asked: Facts, facts: Facts, lexicon: Lexicon, idf: dict[str, float], top: float
) -> float:
    """In (0, 1]: 1 when the sentence has the expected type, every name the question asks about, and
    the words of what it asks about those names. `asked` holds the question's own facts; `top` is
    the weight of a word the corpus never uses (the highest IDF)."""
    factor = 1.0 if has_expected_type(question, asked, facts) else TYPE_MISSING
    if asked.countries and not (asked.countries & facts.countries) and facts.countries - asked.countries:
        factor *= ENTITY_SWAPPED  # asked about one country, the sentence talks about another
    predicate = [t for t in dict.fromkeys(question.tokens) if t not in question.entities and t not in _TYPE_WORDS]
    if predicate:
        total = sum(idf.get(t, top) for t in predicate)
        covered = sum(idf.get(t, top) for t in predicate if facts.has(t)) / total
        factor *= PREDICATE_MISSING + (1 - PREDICATE_MISSING) * covered
    for entity in question.entities:
        if entity in facts.tokens:
            continue
        if entity in lexicon.counts:
            factor *= ENTITY_ELSEWHERE ** (idf.get(entity, top) / top)
        else:
            factor *= ENTITY_ABSENT
    return factor


def has_expected_type(question: Question, asked: Facts, facts: Facts) -> bool:
    """The sentence holds a span of the expected type that the question does not already hold."""
    kind = question.expected
    if kind == "date":
        return bool(facts.dates - asked.dates)
    if kind in ("number", "money"):
        return bool(facts.quantities - asked.quantities) and (kind == "number" or facts.money)
    if kind == "list":
        return facts.is_list
    if kind == "country":
        return bool(facts.countries - asked.countries)
    if kind == "place":
        return bool(facts.places - asked.tokens) or bool(facts.countries - asked.countries)
    if kind == "person":
        return facts.byline or bool(facts.people - asked.people)
    return True

"""The kind of answer a question expects, read from its wording without an LLM (after Li & Roth's
question classes): a date for "when", a number for "how many", an amount of money, a length of time,
a person, a place or a workplace, a country, an organisation or another name, a title, a list, or yes/no."""

from __future__ import annotations

import re

from rag.retrieve.lexical import STOPWORDS

# "What new bodies does it create", "which company made it", "what UN thing does it align with":
# the answer is a name (the International AI Science Group, Apple), not a sentence about bodies; a
# body, an organisation or a group is named with a word like "Group" or "Council". Up to two
# qualifiers before the kind, none a function word ("what do both documents say" asks no name).
_FUNCTION_WORDS = "|".join(sorted(STOPWORDS - {"other", "new"}, key=len, reverse=True))
_QUALIFIERS = rf"\b(?:what|which)\s+(?:(?!(?:{_FUNCTION_WORDS})\b)[\w'-]+\s+){{0,2}}?"
_ORGANISATION_KIND = re.compile(
    _QUALIFIERS + r"(?:bod(?:y|ies|ys)|organi[sz]ations?|institutions?|agenc(?:y|ies)|entit(?:y|ies)|groups?(?!\s+of\b)"
    r"|ministr(?:y|ies)|departments?)\b"
)
# "what un thing": a thing with a qualifier; "what things should I know" asks no name. "Which chips
# are covered" asks for models by name; "what chip export controls" asks for no chip.
_NAMED_KIND = re.compile(
    _QUALIFIERS + r"(?:treat(?:y|ies)|agreements?|compacts?|compan(?:y|ies))\b"
    r"|\b(?:what|which)\s+(?!(?:other|these|those|all|some)\b)[\w'-]+\s+thing\b"
    r"|\bwhich (?:[\w-]+ )?(?:chips?|products?|brands?)(?: models?)? (?=(?:are|is|was|were|does|do|did|has|have)\b)"
)
# Who holds a title: a person the question names by a pronoun or a word for a writer or an official.
_HOLDER = (
    r"(?:he|she|they|the (?:author|writer|editor|commentator|columnist|analyst|professor|scholar|researcher|expert"
    r"|official|minister)s?(?: of (?:the |this |that )?[\w'’-]+(?: [\w'’-]+)?)?"
    r"|(?:the |this |that )?[\w-]+['’]s (?:author|writer|editor|commentator))"
)
# "What academic positions does the author hold", "what is his job": a title or office (professor,
# vice dean), not the person. Not "what role should governance play" nor "what position does China
# hold on open source", which ask a manner or a stance.
_ROLE_KIND = re.compile(
    rf"\bwhat (?:[\w-]+ ){{0,2}}?(?:positions?|titles?|jobs?|posts?|offices?|roles?) (?:does|did|do) {_HOLDER} "
    r"(?:hold|have|occupy|fill)\b|\bwhat (?:is|was|are) (?:his|her|their) (?:[\w-]+ )?(?:job|title|profession"
    rf"|occupation|position)s?\b|\bwhat does {_HOLDER} do(?: for a living)?\s*[?.!]*$"
)
# "Where does he work", "where did the author study": a body (Tsinghua University) or a place.
_WORKPLACE_KIND = re.compile(
    r"\bwhere (?:does|did|do|is|was|are) (?:[\w'’-]+ ){1,4}?(?:work|teach|study|studied|worked|taught|employed|based)\b"
)
# Expected answer types, checked in this order (the first that matches wins).
_TYPE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("list", re.compile(r"^(list|enumerate|name)\b|\bone by one\b|\b(list|name) (all|each|every)\b")),
    # "which specific countries", "which nations"; not "which article states", "what United Nations body"
    ("country", re.compile(_QUALIFIERS + r"(?:countries|country)\b|\b(?:which|what) (?:nations?|states)\b")),
    (
        "money",
        re.compile(r"\bhow much\b.*\b(money|fund\w*|invest\w*|spen[dt]\w*|cost\w*|budget\w*|pa(y|id)\w*|worth)\b"),
    ),
    ("money", re.compile(r"\bhow much (money|funding|investment)\b")),
    ("duration", re.compile(r"\bhow long\b")),
    ("number", re.compile(r"\bhow (much|many)\b|\b(what|which) (number|percentage|percent|share|amount)\b")),
    (
        "date",
        re.compile(
            r"\bwhen\b|\b(what|which)(?: exact| precise| specific)? (year|date|day|month)\b|\bsince when\b"
            r"|\b(?:what|whats|what's|what is) (?:the |its )?deadlines?\b"
        ),
    ),
    ("role", _ROLE_KIND),
    (
        "person",
        re.compile(
            r"\b(who|whom|whose)\b|\bwhich (?:[\w-]+ )?(person|people|author|writer|editor|officials?|leaders?"
            r"|ministers?|diplomats?|experts?|scholars?|analysts?|spokes(?:person|man|woman))\b"
            # "which expert group", "which official documents": a body or a thing, not a person
            r"(?!\s+(?:groups?|bod(?:y|ies)|panels?|councils?|committees?|teams?|networks?|documents?|sources?"
            r"|reports?|statements?|channels?|data|figures?|meetings?|visits?|positions?|bodies))"
        ),
    ),
    ("workplace", _WORKPLACE_KIND),
    ("place", re.compile(r"\bwhere\b|\b(what|which|in what|in which) (city|place|venue|location)\b")),
    # "what's the budget of the institute", "China's investment target for 2030": an amount asked by its
    # name, the head of the question ("what is the cost of inaction" asks no amount).
    (
        "money",
        re.compile(
            r"^\W*what(?:'?s| is| was| are| were)\s+(?:the |its |their |[\w-]+'?s )?(?:[\w-]+ ){0,2}?"
            r"(?:budget|funding|price|salary|revenue|fee|investment target|investment goal)s?\s*(?:of\b|for\b|\?|$)"
        ),
    ),
    ("organisation", _ORGANISATION_KIND),
    ("name", _NAMED_KIND),
)
# The answer types a sentence either holds or lacks (an open "what"/"why" question has none).
TYPED_KINDS = frozenset(kind for kind, _ in _TYPE_RULES)
# A clause before the question proper ("When the store was launched, what format was used?"): the
# type is asked by what follows it.
_LEADING_CLAUSE = re.compile(
    r"^(?:when|while|after|before|if|since|once)\b[^,?]*,\s*(?=(?:what|which|who|whom|whose|how|where|why)\b)"
)
_YES_NO = re.compile(r"^(is|are|was|were|does|do|did|can|could|will|would|has|have|had|should)\b")


def expected_type(question: str) -> str | None:
    q = _LEADING_CLAUSE.sub("", question.casefold())
    for kind, rule in _TYPE_RULES:
        if rule.search(q):
            return kind
    return "yesno" if _YES_NO.match(q) else None

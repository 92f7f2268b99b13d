"""What a sentence (or a question) holds, for the answer-type checks: counts and amounts, dates,
countries, places, people, lists. Extracted once per sentence and cached by the evidence table."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from rag.answer.lexicon import PREFIX_LETTERS, Lexicon
from rag.retrieve.lexical import stem, tokenize
from rag.text.gazetteer import (
    AMBIGUOUS_MONTHS,
    COUNTRIES,
    COUNTRY_ALIASES,
    COUNTRY_PAIRS,
    COUNTRY_WORDS,
    MONTHS,
    NON_PERSON_WORDS,
    ORGANISATION_WORDS,
)
from rag.text.sentences import byline_kind
from rag.verify import numbers

# Word forms match on their first letters ("reacted" ~ "reaction", "invest" ~ "investments"): the
# tokenizer's stemmer only strips plurals, and a question rarely uses the document's word form.
PREFIX_MATCH = PREFIX_LETTERS

_RELATIVE = r"(?:days?|weeks?|months?|years?) (?:prior|earlier|later|before|after|ago)"
_RELATIVE_DATE = re.compile(rf"\b{_RELATIVE}\b", re.I)  # "days prior": a date, relative to another
_RELATIVE_DATE_N = re.compile(rf"\b\w+ {_RELATIVE}\b", re.I)  # with its count ("three days prior")
# Month names; "may" and "march" only capitalised ("it may", "they march" are no dates).
_AMBIGUOUS = "|".join(f"{m.capitalize()}|{m.upper()}" for m in sorted(AMBIGUOUS_MONTHS))
_MONTH = "(?:(?i:" + "|".join(sorted(MONTHS - AMBIGUOUS_MONTHS)) + ")|" + _AMBIGUOUS + ")"
_MONTH_WORD = re.compile(rf"\b{_MONTH}\b")
_DAY_NUMBER = r"(?:[12]\d|3[01]|0?[1-9])"
_DAY = re.compile(rf"\b{_MONTH}\s+({_DAY_NUMBER})\b|\b({_DAY_NUMBER})\s+{_MONTH}\b")  # "July 26", "26 July"
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_NAME_RUN = re.compile(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+){1,2}\b")
# A coordinated series of short items ("innovation, coordination, green growth, openness and
# sharing"): items of up to four words, the last joined by "and"/"or"; an item never opens with a
# word that starts a clause or a phrase before the subject ("the plan, while strategic and
# ambitious" and "In 2023, China and the US" are no series).
_OPENERS = (
    "while|which|who|whose|that|although|though|as|because|if|when|where|since|in|on|at|by|for|with|from|"
    "however|moreover|furthermore|thus|therefore|also|meanwhile|indeed|still|yet|so|then"
)
_ITEM = rf"\b(?!(?:{_OPENERS})\b|\d)[\w'’-]+(?:\s+[\w'’-]+){{0,3}}"  # no "2023, China and …"
_SERIES = re.compile(rf"(?:{_ITEM},\s+)+{_ITEM}?,?\s*\b(?:and|or)\s+\w", re.IGNORECASE)
# Words that make a title or role another one: a "vice dean" is not the dean, a "former" minister
# not the minister.
_QUALIFIED = re.compile(r"\b(?:vice|deputy|former|interim|honorary)[\s-]+([^\W\d_]+)", re.IGNORECASE)
_US_CASUAL = re.compile(r"\bthe us\b|\bus[- ]china\b|\bchina[- ](?:and[- ])?us\b")
_US = re.compile(r"\bU\.S\.(?:A\.)?|\bUSA?\b|\bUnited States\b|\bAmerica\b")
_PLACE = re.compile(r"\b(?:in|at|from|near)\s+(?:the\s+)?([A-Z][^\W\d_]+)")
# A length of time: "two years later", "for decades", "since 2017", "has always called"; not "once a
# month" or "a two-year-old".
_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen"
    "|eighteen|nineteen|twenty|thirty|forty|fifty|a|an|several|few|many|some"
)
_DURATION = re.compile(
    rf"(?<!once )\b(?:\d+|{_NUMBER_WORDS})[- ](?:minutes?|hours?|days?|weeks?|months?|years?|decades?)\b(?!-old)"
    r"|\bsince (?:19|20)\d\d\b|\bfor (?:years|decades|months|weeks|centuries)\b"
    r"|\bover the (?:past|last) (?:\w+ )?(?:years?|decades?|months?)\b|\b(?:always|ever since|long-standing)\b",
    re.IGNORECASE,
)
# Superlatives a question asks for ("the biggest risk"; rag/answer/required.py), and with them the
# words a sentence ranks with: not "key", "main" or "major", which call many things important
# without ranking them.
SUPERLATIVES = "biggest|largest|greatest|highest|lowest|smallest|best|worst|strongest|weakest"
_RANKING = re.compile(
    rf"\b(?:{SUPERLATIVES}|latest|earliest|widest|deepest|broadest|newest|oldest|closest|hardest|toughest"
    r"|clearest|fastest|richest|poorest|most|least|foremost|paramount|primary|chief|ultimate|particularly"
    r"|especially|above all)\b",
    re.IGNORECASE,
)
_MONEY = re.compile(r"[$€£¥]\s?\d|\b\d[\d.,]*\s*(?:billion|million|trillion)\b|\b(?:dollars?|yuan|euros?)\b", re.I)
# An amount of money with its number and scale ("$8 billion", "5 million yuan"): no count of things.
_AMOUNT = re.compile(
    r"[$€£¥]\s?\d[\d.,]*(?:\s*[–-]\s*\d[\d.,]*)?(?:\s*(?:billion|million|trillion))?"
    r"|\b\d[\d.,]*\s*(?:billion|million|trillion)?\s*(?:dollars?|yuan|euros?)\b",
    re.I,
)


# Words that put a statement in the future, for "when is the next conference" (rag/answer/support.py
# NEXT_ASKED), which the date of the last one does not answer.
FUTURE = re.compile(
    r"\b(?:will|shall|next|upcoming|forthcoming|scheduled|due|expected|slated|planned|set to|is to be|are to be"
    r"|takes? effect|takes? place)\b",
    re.I,
)


@dataclass(frozen=True)
class Facts:
    tokens: frozenset[str]
    prefixes: frozenset[str]  # first PREFIX_MATCH letters of the longer tokens
    quantities: frozenset[str]
    dates: frozenset[str]  # months, years, and "relative" for "three days prior"
    money: bool
    countries: frozenset[str]
    places: frozenset[str]
    people: frozenset[str]
    byline: bool
    list_items: int  # items in the longest coordinated series ("a, b and c": 3)
    qualified: frozenset[str] = frozenset()  # words after "vice", "former"…: "dean" in "vice dean"
    days: frozenset[str] = frozenset()  # days of a month: "26" in "July 26" and "26 July"
    amounts: frozenset[str] = frozenset()  # the numbers of amounts of money ("8", "billion" in "$8 billion")
    future: bool = False  # speaks of what is to come ("will", "next", "is scheduled to")
    names: frozenset[str] = frozenset()  # tokens of words written as names (not a sentence's first alone)
    organisations: frozenset[str] = frozenset()  # tokens of names with a word like "Group" or "Council"
    duration: bool = False  # a length of time: "two years later", "for three months", "a five-week shoot"
    ranking: bool = False  # a superlative or a ranking word ("greatest", "most", "key", "primary")

    def has(self, token: str) -> bool:
        """The token, or another form of the word: one sharing its first letters up to an ending
        ("reacted" ~ "reaction", "invest" ~ "investments"), not a word that only starts alike
        ("commission" is no "commitment")."""
        if token in self.tokens:
            return True
        if len(token) < PREFIX_MATCH or token[:PREFIX_MATCH] not in self.prefixes:
            return False
        return any(same_word(token, t) for t in self.tokens if t[:PREFIX_MATCH] == token[:PREFIX_MATCH])


# Two forms of one word differ only in endings: after their longest shared start, the shorter has at
# most SHORT_ENDING letters left and the longer at most LONG_ENDING ("reacted"/"reaction": 2 and 3,
# "transform"/"transformation": 0 and 5; "commission"/"commitment": 5 and 5, two words).
SHORT_ENDING = 3
LONG_ENDING = 6


def same_word(a: str, b: str) -> bool:
    """Two tokens sharing at least their first PREFIX_MATCH letters are forms of one word."""
    shared = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    short, long = sorted((len(a), len(b)))
    return shared >= PREFIX_MATCH and short - shared <= SHORT_ENDING and long - shared <= LONG_ENDING


def facts_of(text: str, tokens: Sequence[str], lexicon: Lexicon) -> Facts:
    found_people = people(text, lexicon)
    runs = name_runs(text, lexicon.names)
    country_tokens = {t for t in tokens if t in COUNTRIES or t in COUNTRY_WORDS}  # a country is no company
    months = {m.group().casefold() for m in _MONTH_WORD.finditer(text)}
    dates = months | set(_YEAR.findall(text))
    return Facts(
        tokens=frozenset(tokens),
        prefixes=frozenset(t[:PREFIX_MATCH] for t in tokens if len(t) >= PREFIX_MATCH),
        quantities=frozenset(quantities(text)),
        dates=frozenset(dates | ({"relative"} if _RELATIVE_DATE.search(text) else set())),
        money=bool(_MONEY.search(text)),
        countries=frozenset(countries(text, tokens)),
        places=frozenset({m.group(1).casefold() for m in _PLACE.finditer(text)} - MONTHS),
        people=frozenset(found_people),
        byline=bool(byline_kind(text)) and bool(found_people),
        list_items=series_length(text),
        future=bool(FUTURE.search(text)),
        duration=bool(_DURATION.search(text)),
        ranking=bool(_RANKING.search(text)),
        names=frozenset(t for run in runs for t in tokenize(" ".join(run))) - country_tokens,
        organisations=frozenset(t for run in runs if _organisation(run) for t in tokenize(" ".join(run))),
        qualified=frozenset(stem(m.group(1).casefold()) for m in _QUALIFIED.finditer(text)),
        days=frozenset(days_of_month(text)),
        amounts=frozenset(n for m in _AMOUNT.finditer(text) for n in numbers(m.group())),
    )


_CAPITAL_WORD = re.compile(r"\b[A-Z][\w'’.-]*")


def name_runs(text: str, names: frozenset[str] = frozenset()) -> list[list[str]]:
    """The words of each name a text writes: runs of two or more capitalised words ("Global Digital
    Compact", "International AI Science Group"), and a single capitalised word unless it is an
    initialism ("Apple", "Xinhua"; not "AI", which a corpus about AI writes everywhere) or the
    sentence's first word, capitalised by position, that `names` (the corpus's names) lacks."""
    words = list(_CAPITAL_WORD.finditer(text))
    lead = next((i for i, ch in enumerate(text) if ch.isalpha()), len(text))  # after bullets, numbers, quotes
    out: list[list[str]] = []
    run: list[str] = []
    for i, m in enumerate(words):
        run.append(m.group())
        if i + 1 < len(words) and text[m.end() : words[i + 1].start()].strip() == "":
            continue
        alone = run[0]
        first = m.start() <= lead and stem(alone.casefold()) not in names
        if len(run) > 1 or (not first and not alone[:2].isupper()):
            out.append(run)
        run = []
    return out


# Words of a name that make it an event rather than a body ("World Artificial Intelligence
# Conference"): no answer to "which organisations co-hosted it".
_EVENT_WORDS = frozenset({"conference", "summit", "meeting", "forum"})


def _organisation(run: list[str]) -> bool:
    words = {re.sub(r"['’]s?$", "", w.casefold().strip(".-")) for w in run}  # "Group.", "Nations'"
    return bool(words & ORGANISATION_WORDS) and not words & _EVENT_WORDS


def series_length(text: str) -> int:
    """Items in the longest "a, b(,) and c" series of the text (0 when there is none)."""
    best = 0
    for m in _SERIES.finditer(text):
        run = m.group()
        oxford = bool(re.search(r",\s*(?:and|or)\s+\w$", run))
        best = max(best, run.count(",") + (1 if oxford else 2))
    return best


def days_of_month(text: str) -> set[str]:
    return {m.group(1) or m.group(2) for m in _DAY.finditer(text)}


def quantities(text: str) -> set[str]:
    """Counts and amounts: numbers that are not a year, the day of a month or part of a relative
    date ("three days prior")."""
    text = _RELATIVE_DATE_N.sub(" ", text)
    dates = days_of_month(text) | set(_YEAR.findall(text))
    return {n for n in numbers(text) if n not in dates and n not in MONTHS}


def people(text: str, lexicon: Lexicon) -> set[str]:
    """Runs of two or three capitalised words that name no organisation, document, country or month,
    made of words the corpus never writes in lower case (Liang Zheng, not International Governance)."""
    found = set()
    for m in _NAME_RUN.finditer(text):
        words = [w.casefold() for w in m.group().split()]
        if all(_person_word(w, lexicon) for w in words):
            found.add(" ".join(words))
    return found


def _person_word(word: str, lexicon: Lexicon) -> bool:
    if word in ORGANISATION_WORDS or word in NON_PERSON_WORDS or word in COUNTRIES or word in MONTHS:
        return False
    token = stem(word)
    return token in lexicon.names or token not in lexicon.counts


def countries(text: str, tokens: Sequence[str]) -> set[str]:
    found = {country for token, country in token_countries(tokens).items() if token != "us"}
    # "us" is the country only when written so ("US", "U.S.") or, all in lower case, "the us" /
    # "us-china": "can you tell us" names no country.
    return found | ({"us"} if _US.search(text) or _US_CASUAL.search(text) else set())


def token_countries(tokens: Sequence[str]) -> dict[str, str]:
    """The country each token names, in one spelling: "american", "america", "usa" and "united
    states" are all "us" (so a question about America meets a sentence about the U.S.)."""
    found = {t: COUNTRY_ALIASES.get(t, t) for t in tokens if t in COUNTRIES}
    found |= {t: COUNTRY_WORDS[t] for t in tokens if t in COUNTRY_WORDS}
    # A pair's words name the pair ("united states"), unless the word is a country itself.
    for a, b in pairwise(tokens):
        if (a, b) in COUNTRY_PAIRS:
            name = COUNTRY_ALIASES.get(f"{a} {b}", f"{a} {b}")
            found |= {t: name for t in (a, b) if t not in found}  # "korea" stays a country of its own
    return found

"""The one sentence-support check (the Verifier role), shared by answering and `rag ground`: does a
source span support a claim? Without an NLI model it checks what can be checked exactly: the claim
is the span (or inside it), and every number/date word, every capitalised name and the presence of
a negation agree with the span. What it cannot see: a contradiction phrased without a negation
word, claims that need two sentences together, or a wrong word that is not a number, a name or a
negation."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.text.gazetteer import AMBIGUOUS_MONTHS, MONTHS

_SMALL = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen"
)
_NUMBER_WORDS = {w: str(i) for i, w in enumerate([*_SMALL.split(), "eighteen", "nineteen", "twenty"])}
_TENS_WORDS = "twenty thirty forty fifty sixty seventy eighty ninety"
_TENS = {w: 10 * i for i, w in enumerate(_TENS_WORDS.split(), 2)}
# Ordinal words from "third" on, as "3rd"/"24th" (the same form as digits written so): "the
# twenty-fourth film" and "the 24th film" agree, "thirty-fourth" does not; "first" and "second" are
# left out, being mostly no rank ("at first", "a second time").
_ORDINAL_UNIT_WORDS = "third fourth fifth sixth seventh eighth ninth"
_ORDINAL_UNITS = {w: i for i, w in enumerate(_ORDINAL_UNIT_WORDS.split(), 3)}
_ORDINAL_SMALL = {
    **_ORDINAL_UNITS, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    **{w[:-1] + "ieth": n for w, n in _TENS.items()},
}  # fmt: skip
_ORDINAL = re.compile(
    r"\b(?:("
    + "|".join(_TENS)
    + r")[-\s])?("
    + "|".join(sorted(_ORDINAL_SMALL, key=len, reverse=True))
    + r"|first|second)\b"
    r"|\b(\d[\d,]*)(?:st|nd|rd|th)\b",
    re.IGNORECASE,
)
# Ordinal words that name no rank: "third-party audits", "a first-time buyer", "one-fifth of".
_NOT_RANK = re.compile(r"[-\s](?:party|hand|generation|tier|rate|time|class)\b", re.IGNORECASE)
_FRACTION = re.compile(r"(?:\bone|\ba)[-\s]$", re.IGNORECASE)

_TENS_RUN = re.compile(r"\b(" + "|".join(_TENS) + r")(?:[-\s](one|two|three|four|five|six|seven|eight|nine))?\b", re.I)
_SCALE = {"hundred", "thousand", "million", "billion", "trillion"}
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NEGATION = re.compile(r"\b(not|no|never|none|neither|nor|without|cannot|lacks?|fails?)\b|n't\b", re.IGNORECASE)
_NOT_NEGATION = re.compile(r"\bnot (only|merely|just)\b|\bno longer\b", re.IGNORECASE)
_NAME = re.compile(r"\b[A-Z][\w.’'-]*[A-Za-z]")
_COMMON_CAPS = {"The", "This", "These", "That", "It", "Its", "In", "On", "As", "By", "And", "But", "AI", "A"}


def numbers(text: str) -> set[str]:
    """Digits (thousands separators dropped), number words as digits, scale words and months."""
    found = set(ordinals(text))
    text = _ORDINAL.sub(lambda m: m.group() if _rank(m) is None else " ", text)
    found |= {_tens_value(m) for m in _TENS_RUN.finditer(text)}
    text = _TENS_RUN.sub(" ", text)
    found |= {n.replace(",", "") for n in _NUMBER.findall(text)}
    for written in re.findall(r"[A-Za-z]+", text):
        word = written.lower()
        if word in _NUMBER_WORDS:
            found.add(_NUMBER_WORDS[word])
        elif word in _SCALE or (word in MONTHS and (word not in AMBIGUOUS_MONTHS or written[0].isupper())):
            found.add(word)
    return found


def plain(value: str) -> str:
    """A value without its rank ending: "24th" → "24" ("on May 24" and "on 24th May" agree)."""
    return re.sub(r"(?<=\d)(?:st|nd|rd|th)$", "", value)


def _tens_value(m: re.Match[str]) -> str:
    """ "twenty-four" → "24", "thirty" → "30"."""
    unit = int(_NUMBER_WORDS[m.group(2).lower()]) if m.group(2) else 0
    return str(_TENS[m.group(1).lower()] + unit)


def ordinals(text: str) -> set[str]:
    """Ranks as "3rd", "24th": "twenty-fourth", "24th" and "fourth" (not "first"/"second" alone)."""
    ranks = (_rank(m) for m in _ORDINAL.finditer(text))
    return {f"{n}{_suffix(n)}" for n in ranks if n is not None}


def _rank(m: re.Match[str]) -> int | None:
    """The rank an ordinal match names, or None ("at first", "third-party", "one-fifth of")."""
    tens, unit, digits = m.group(1), m.group(2), m.group(3)
    text = m.string
    if _NOT_RANK.match(text, m.end()) or (_FRACTION.search(text[: m.start()]) and text[m.end() :].startswith(" of")):
        return None
    if digits:
        return int(digits.replace(",", ""))
    small = {"first": 1, "second": 2}.get(unit.lower(), _ORDINAL_SMALL.get(unit.lower(), 0))
    if not tens and small < 3:
        return None
    return (_TENS[tens.lower()] if tens else 0) + small


def _suffix(n: int) -> str:
    if n % 100 in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def names(text: str) -> set[str]:
    """Capitalised words not opening the sentence (possessives dropped), minus function words."""
    words = [m for m in _NAME.finditer(text.strip()) if m.start() > 0]
    return {re.sub(r"['’]s$", "", m.group()) for m in words} - _COMMON_CAPS


def negated(text: str) -> bool:
    return bool(_NEGATION.search(_NOT_NEGATION.sub(" ", text)))


@dataclass(frozen=True)
class Support:
    """How a span stands to a claim: quoted, or which exact checks it fails."""

    verbatim: bool  # the claim is the span, or a part of it
    missing_numbers: tuple[str, ...]
    missing_names: tuple[str, ...]
    negation_differs: bool

    @property
    def contradicted(self) -> bool:
        return bool(self.missing_numbers or self.missing_names or self.negation_differs)

    @property
    def problem(self) -> str:
        """The first failed check in words ('' when none failed)."""
        if self.missing_numbers:
            return f"number/date not in the span: {', '.join(self.missing_numbers)}"
        if self.missing_names:
            return f"name not in the span: {', '.join(self.missing_names)}"
        if self.negation_differs:
            return "negation differs from the span"
        return ""


class SpanVerifier:
    def support(self, text: str, quote: str) -> Support:
        claim = text.strip()
        return Support(
            verbatim=bool(claim) and claim.rstrip(".").strip() in quote,
            missing_numbers=tuple(sorted({plain(n) for n in numbers(claim)} - {plain(n) for n in numbers(quote)})),
            missing_names=tuple(sorted(n for n in names(claim) if n.lower() not in quote.lower())),
            negation_differs=negated(claim) != negated(quote),
        )

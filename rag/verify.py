"""The one sentence-support check (the Verifier role), shared by answering and `rag ground`: does a
source span support a claim? Without an NLI model it checks what can be checked exactly: the claim
is the span (or inside it), and every number/date word, every capitalised name and the presence of
a negation agree with the span. What it cannot see: a contradiction phrased without a negation
word, claims that need two sentences together, or a wrong word that is not a number, a name or a
negation."""

from __future__ import annotations

import re
from dataclasses import dataclass

_SMALL = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen"
)
_MONTH_NAMES = "january february march april may june july august september october november december"
_NUMBER_WORDS = {w: str(i) for i, w in enumerate([*_SMALL.split(), "eighteen", "nineteen", "twenty"])}
_SCALE = {"hundred", "thousand", "million", "billion", "trillion"}
_MONTHS = set(_MONTH_NAMES.split())
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NEGATION = re.compile(r"\b(not|no|never|none|neither|nor|without|cannot|lacks?|fails?)\b|n't\b", re.IGNORECASE)
_NOT_NEGATION = re.compile(r"\bnot (only|merely|just)\b|\bno longer\b", re.IGNORECASE)
_NAME = re.compile(r"\b[A-Z][\w.’'-]*[A-Za-z]")
_COMMON_CAPS = {"The", "This", "These", "That", "It", "Its", "In", "On", "As", "By", "And", "But", "AI", "A"}


def numbers(text: str) -> set[str]:
    """Digits (thousands separators dropped), number words as digits, scale words and months."""
    found = {n.replace(",", "") for n in _NUMBER.findall(text)}
    for word in re.findall(r"[a-z]+", text.lower()):
        if word in _NUMBER_WORDS:
            found.add(_NUMBER_WORDS[word])
        elif word in _SCALE or word in _MONTHS:
            found.add(word)
    return found


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
            missing_numbers=tuple(sorted(numbers(claim) - numbers(quote))),
            missing_names=tuple(sorted(n for n in names(claim) if n.lower() not in quote.lower())),
            negation_differs=negated(claim) != negated(quote),
        )

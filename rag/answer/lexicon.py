"""The corpus's own vocabulary: which words it uses (and how often), which it writes as names, and
the spelling corrections a question's unknown words map to ("opensource" → "open source",
"goverance" → "governance"). Built from the index once; corrections come only from corpus words."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from rag.retrieve.lexical import STOPWORDS, stem
from rag.text.sentences import byline_kind, is_heading
from rag.text.words import english_words
from rag.types import Sentence

# Words shorter than this are never corrected: too many short words are one edit apart.
MIN_CORRECTABLE = 4
# Words sharing this many first letters are forms of one word for matching ("reacted" ~ "reaction").
PREFIX_LETTERS = 5
# Corpus forms added to a question's keyword search per word: one (the commonest) helped both dev
# splits; three helped the main corpus only.
MAX_VARIANTS = 1
# A word is a name when the running text capitalises at least this share of its mid-sentence uses.
NAME_SHARE = 0.8
_WORD = re.compile(r"[^\W\d_][^\W_]*")


@dataclass(frozen=True, eq=False)
class Lexicon:
    counts: dict[str, int]  # token (as rag.retrieve.lexical.tokenize makes it) → corpus frequency
    names: frozenset[str] = field(default_factory=frozenset)  # tokens the corpus writes as names

    @classmethod
    def of(cls, sentences: Sequence[Sentence], tokens: Sequence[Sequence[str]]) -> Lexicon:
        counts: Counter[str] = Counter(t for toks in tokens for t in toks)
        return cls(dict(counts), names_of(sentences))

    def knows(self, token: str) -> bool:
        return token in self.counts or token in STOPWORDS

    def correct(self, token: str) -> str | None:
        """The corpus word(s) an unknown token most likely means, or None (also for real English
        words the corpus does not use: "deal" stays "deal")."""
        if self.knows(token) or len(token) < MIN_CORRECTABLE or not token.isalpha() or token in english_stems():
            return None
        return self._split(token) or self._nearest(token)

    def _split(self, token: str) -> str | None:
        """Two corpus words run together ("opensource", "aigovernance"); the second of at least
        three letters, since a name often ends in a short word ("openai" is not "open ai")."""
        best, best_count = None, 0
        for i in range(2, len(token) - 2):
            a, b = token[:i], stem(token[i:])
            if a in self.counts and b in self.counts and min(self.counts[a], self.counts[b]) > best_count:
                best, best_count = f"{a} {b}", min(self.counts[a], self.counts[b])
        return best

    def _nearest(self, token: str) -> str | None:
        limit = 1 if len(token) < 7 else 2
        candidates = {w for d in _deletes(token, limit) for w in self._by_delete.get(d, ())}
        scored = [(edit_distance(token, w), -self.counts[w], w) for w in candidates]
        best = min((s for s in scored if s[0] <= limit), default=None)
        if best is not None and best[0] <= 1:
            return best[2]
        # One slip from an ordinary word the corpus does not use is that word, not a corpus word two
        # slips away ("descibe" is "describe", not "despite"). Of several such words, slips seldom hit
        # the first letter ("comentary" is "commentary", not "momentary"); still several: leave it.
        english = sorted(_one_edit(token) & english_stems())
        if any(w.startswith(token) for w in english):  # "characterise" is "characterised" less a letter
            english = []
        if len(english) > 1:
            english = [w for w in english if w[0] == token[0]]
        if english:
            return english[0] if len(english) == 1 else None
        # Two slips that include the first letter make another word, not a misspelling: "tencent" is no
        # "recent", "jinping" no "binding".
        return best[2] if best and best[2][0] == token[0] else None

    def variants(self, token: str) -> list[str]:
        """Other corpus forms of a word, by its first letters ("invest" → "investment"); at most a few."""
        if len(token) < PREFIX_LETTERS or not token.isalpha():
            return []
        forms = self._by_prefix.get(token[:PREFIX_LETTERS], ())
        return [w for w in forms if w != token and _same_word(token, w)][:MAX_VARIANTS]

    @cached_property
    def _by_prefix(self) -> dict[str, list[str]]:
        index: dict[str, list[str]] = {}
        for word in sorted(self.counts, key=lambda w: -self.counts[w]):
            if len(word) >= PREFIX_LETTERS and word.isalpha():
                index.setdefault(word[:PREFIX_LETTERS], []).append(word)
        return index

    @cached_property
    def _by_delete(self) -> dict[str, list[str]]:
        """Every corpus word under each string made by deleting up to two of its letters (SymSpell)."""
        index: dict[str, list[str]] = {}
        for word in self.counts:
            if len(word) >= MIN_CORRECTABLE and word.isalpha():
                for d in _deletes(word, 2):
                    index.setdefault(d, []).append(word)
        return index


def names_of(sentences: Iterable[Sentence]) -> frozenset[str]:
    """Words the running text writes capitalised mid-sentence most of the time (China, Xinhua), not
    words that are only capitalised in headings and titles (Governance)."""
    upper: Counter[str] = Counter()
    lower: Counter[str] = Counter()
    for s in sentences:
        if is_heading(s.text) and not byline_kind(s.text):  # "by Liang Zheng" names its author
            continue
        for i, word in enumerate(_WORD.findall(s.text)):
            if i == 0:
                continue
            key = stem(word.casefold())
            (upper if word[0].isupper() else lower)[key] += 1
    return frozenset(w for w, n in upper.items() if n >= NAME_SHARE * (n + lower[w]) and w not in STOPWORDS)


def _same_word(a: str, b: str) -> bool:
    """Forms of one word: the shorter loses at most its last three letters in the longer ("reacted" ~
    "reaction", "development" ~ "developing"); "transform" and "transparency" only share a prefix.
    Dev: +1 main question (2 and 4 letters lost none), second corpus unchanged."""
    shared = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return shared >= max(PREFIX_LETTERS, min(len(a), len(b)) - 3)


@lru_cache(maxsize=1)
def english_stems() -> frozenset[str]:
    """The English words as tokens are made (stemmed), so "characterises" is known by "characterised"."""
    return frozenset(stem(w) for w in english_words()) | english_words()


def _one_edit(word: str) -> set[str]:
    """Every string one deletion, transposition, replacement or insertion of a letter away."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    out |= {a + c + b[1:] for a, b in splits if b for c in letters}
    out |= {a + c + b for a, b in splits for c in letters}
    return out - {word}


def _deletes(word: str, depth: int) -> set[str]:
    out, frontier = {word}, {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        out |= frontier
    return out


def edit_distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (adjacent transpositions count as one edit)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]

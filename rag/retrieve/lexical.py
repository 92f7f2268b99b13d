"""One tokenizer for BM25 and for the lexical evidence of answer sentences."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence

_TOKEN = re.compile(r"[\u4e00-\u9fff]|[^\W_]+", re.UNICODE)
STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "tell",
        "say",
        "says",
        "said",
        "please",
    ]
)


def stem(word: str) -> str:
    """A deliberately light stemmer: plural and possessive endings only."""
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


# Dotted initialisms ("U.S.", "U.K.", "E.U.") are one word, written as their letters: otherwise
# they break into single letters that are dropped, and "U.S." never meets "US".
_INITIALISM = re.compile(r"\b((?:[^\W\d_]\.){2,})(?!\w)")
# Bumped whenever tokens change for the same text: the BM25 index of an older build is then stale.
TOKEN_RULES = 2


def tokenize(text: str) -> list[str]:
    if "." in text:
        text = _INITIALISM.sub(lambda m: m.group(1).replace(".", ""), text)
    words = _TOKEN.findall(text.casefold())
    # single Latin letters are possessive or initial debris ("plan's" → plan, s); CJK characters are words
    return [stem(w) for w in words if w not in STOPWORDS and (len(w) > 1 or w.isdigit() or w >= "\u4e00")]


def idf_table(docs: Iterable[Sequence[str]]) -> dict[str, float]:
    df: Counter[str] = Counter()
    n = 0
    for tokens in docs:
        n += 1
        df.update(set(tokens))
    return {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}


def overlap_score(query: Sequence[str], sentence: Sequence[str], idf: dict[str, float]) -> float:
    """IDF-weighted share of the query's terms found in the sentence, in [0, 1]."""
    terms = set(query)
    if not terms:
        return 0.0
    default = max(idf.values(), default=1.0)
    total = sum(idf.get(t, default) for t in terms)
    found = sum(idf.get(t, default) for t in terms & set(sentence))
    return found / total if total else 0.0

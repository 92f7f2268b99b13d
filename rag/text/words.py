"""A list of ordinary English words, so that spelling correction leaves real words alone ("deal" is
not a misspelt "dean"). It is the whole-word part of the BERT uncased WordPiece vocabulary that ships
with all-MiniLM-L6-v2 (Apache-2.0, Google Research; 21,719 words), read once on first use."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    text = resources.files("rag.text").joinpath("english_words.txt").read_text(encoding="utf-8")
    return frozenset(text.split())

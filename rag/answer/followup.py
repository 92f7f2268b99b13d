"""Resolve short or elliptical follow-ups ("and what do critics say about it?") for retrieval by
joining them with the earlier question they lean on."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.retrieve.lexical import tokenize
from rag.types import Turn

_ANAPHORA = re.compile(
    r"^(and|but|so|also|what about|how about|why|then)\b|\b(it|its|they|them|their|this|that|these|those|he|she|"
    r"his|her)\b",
    re.IGNORECASE,
)


def needs_context(question: str) -> bool:
    return len(tokenize(question)) <= 2 or bool(_ANAPHORA.search(question))


def retrieval_query(question: str, history: Sequence[Turn], turns: int) -> str:
    """The text to retrieve with: the question alone, or with the last `turns` questions before it."""
    if not history or turns <= 0 or not needs_context(question):
        return question
    earlier = [t.question.strip() for t in history[-turns:] if t.question.strip()]
    return " ".join([*earlier, question])

"""Resolve short or elliptical follow-ups ("and what do critics say about it?") by joining them with
the earlier question they lean on: for retrieval, and as context words for the answer checks."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from rag.answer.lexicon import Lexicon
from rag.answer.question import Question, analyse
from rag.retrieve.lexical import STOPWORDS, tokenize
from rag.types import Turn

# Words that lean on what was said before: "these" and "those" ("those controls"); "this" and "that"
# only as pronouns ("what does that mean", "and this?"), not as a relative ("the risks that the plan
# identifies") or before a noun the question names ("this plan").
_ANAPHORA = re.compile(
    r"^(and|but|so|also|what about|how about|why|then)\b|\b(it|its|they|them|their|he|she|his|her|these|those)\b"
    r"|\b(this|that|these|those)(?:\s+ones?)?\s*[?.!]*$"
    r"|\b(this|that|these|those)\s+(?:is|was|are|were|mean|means|meant|affect|affects|do|does|did|have|has|had|will"
    r"|would|could|can|might|may|should)\b",
    re.IGNORECASE,
)


def needs_context(question: str) -> bool:
    return len(tokenize(question)) <= 2 or bool(_ANAPHORA.search(question))


def earlier_questions(question: str, history: Sequence[Turn], turns: int) -> list[str]:
    """The last `turns` questions before a follow-up that leans on them; none for a question that
    stands on its own."""
    if not history or turns <= 0 or not needs_context(question):
        return []
    return [t.question.strip() for t in history[-turns:] if t.question.strip()]


def retrieval_query(question: str, history: Sequence[Turn], turns: int) -> str:
    """The text to retrieve with: the question alone, or with the last `turns` questions before it."""
    return " ".join([*earlier_questions(question, history, turns), question])


# "what do critics say about it": the topic is the one asked about before.
_ABOUT_IT = re.compile(r"\b(?:about|regarding|concerning|on)\s+(?:it|this|that|them|these|those)\b", re.I)


def with_context(question: Question, earlier: Sequence[str], lexicon: Lexicon) -> Question:
    """A follow-up with the content words of the questions it leans on, and their topic when it
    asks "about it"."""
    if not earlier:
        return question
    before = [analyse(text, lexicon) for text in earlier]
    own = set(question.tokens)
    context = tuple(dict.fromkeys(t for b in before for t in b.tokens if t not in own and t not in STOPWORDS))
    topic = question.topic
    if not topic and _ABOUT_IT.search(question.wording):
        topic = next((b.topic for b in reversed(before) if b.topic), ())
    return replace(question, context=context, topic=topic)

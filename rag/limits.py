"""Every request limit and vocabulary, defined once. The Python API, the CLI, the HTTP models and the
chat's controls all derive from these, so no layer accepts what another refuses."""

from __future__ import annotations

# Retrieval modes: both retrievers fused, embeddings only, keywords only.
MODES = ("hybrid", "dense", "bm25")
MODE_LABELS = {"hybrid": "Hybrid: meaning + keywords", "dense": "Dense: meaning only", "bm25": "BM25: keywords only"}

# Passages retrieved per question. Past 50 the extra passages only slow composing: the answer is
# built from a handful of sentences and MMR already spreads the top of the list.
K_MAX = 50
# Sentences in one answer: more than 10 quoted sentences is a reading list, not an answer.
MAX_SENTENCES_MAX = 10
# A question, an earlier answer sent back as history, and how many earlier turns are accepted.
MAX_QUESTION_CHARS = 2000
MAX_ANSWER_CHARS = 20_000
MAX_HISTORY_TURNS = 20


def check_int(name: str, value: object, most: int) -> int:
    """`value` as a whole number from 1 to `most`, or a QuestionError naming the bad value and the fix.
    bool is refused although it is an int: k=True is a mistake, not 1."""
    from rag.errors import QuestionError

    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= most:
        raise QuestionError(f"{name}={value!r} is invalid: use a whole number from 1 to {most}")
    return value

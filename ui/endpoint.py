"""The chat's `/ask` endpoint (gradio_client): its arguments arrive as any JSON, so they are checked
here as strictly as POST /api/ask checks its own."""

from __future__ import annotations

from typing import Any

from rag.errors import QuestionError
from rag.limits import MAX_ANSWER_CHARS, MAX_HISTORY_TURNS, MAX_QUESTION_CHARS
from rag.types import Turn


def api_turns(history: Any) -> list[Turn]:
    """The endpoint's history, checked like POST /api/ask checks its own: any JSON may arrive here."""
    if history is None:
        return []
    shape = (
        f"history must be a list of at most {MAX_HISTORY_TURNS} [question, answer] pairs of text "
        f"(questions up to {MAX_QUESTION_CHARS} characters, answers up to {MAX_ANSWER_CHARS})"
    )
    if not isinstance(history, list) or len(history) > MAX_HISTORY_TURNS:
        raise QuestionError(shape)
    turns = []
    for pair in history:
        if not isinstance(pair, list | tuple) or not 1 <= len(pair) <= 2 or not all(isinstance(x, str) for x in pair):
            raise QuestionError(shape)
        question, answer = pair[0], pair[1] if len(pair) == 2 else ""
        if len(question) > MAX_QUESTION_CHARS or len(answer) > MAX_ANSWER_CHARS:
            raise QuestionError(shape)
        turns.append(Turn(question, answer))
    return turns


def api_k(k: Any) -> int | None:
    """JSON may bring 3 or 3.0, but also "3", true or 1e300: only a whole number from 1 to 50 passes."""
    if k is None:
        return None
    if isinstance(k, bool) or not isinstance(k, int | float) or not 1 <= k <= 50 or k != int(k):
        raise QuestionError(f"k={k!r} is not a whole number from 1 to 50 (passages to retrieve)")
    return int(k)

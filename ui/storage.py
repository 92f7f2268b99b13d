"""The conversation kept in the browser (localStorage, through gr.BrowserState), so a reload keeps it
and the server holds no session. What comes back is whatever the browser sends: it is rebuilt into
typed answers field by field and anything malformed is dropped. Rendering escapes it and the badge
re-checks every quote against the documents, so an edited entry can neither inject markup nor
claim a verbatim quote it does not have."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from rag.limits import MAX_HISTORY_TURNS
from rag.types import Answer, AnswerSentence, Citation, Passage

MAX_SAVED = MAX_HISTORY_TURNS  # older turns leave the stored conversation (localStorage is small)
RELATED_SHOWN = 3  # passages an abstention lists as related reading; the rest is not stored


def saved(answer: Answer) -> dict[str, Any]:
    data = answer.to_dict()
    data["passages"] = data["passages"][:RELATED_SHOWN] if answer.abstained else []
    data.pop("timings_ms", None)
    return data


def save(answers: list[Answer]) -> list[dict[str, Any]]:
    return [saved(a) for a in answers[-MAX_SAVED:]]


def _typed(cls: type, raw: Any) -> Any:
    """cls(**raw) with every field checked against its declared type (str, int, float)."""
    if not isinstance(raw, dict):
        raise ValueError(f"{cls.__name__} is not an object")
    values = {}
    for f in fields(cls):
        if f.name not in raw:
            continue
        declared = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", "")
        value, kind = raw[f.name], {"str": str, "int": int, "float": (int, float)}.get(declared)
        if kind is None or isinstance(value, bool) or not isinstance(value, kind):
            raise ValueError(f"{cls.__name__}.{f.name} has the wrong type")
        values[f.name] = float(value) if declared == "float" else value
    return cls(**values)


def _sentence(raw: Any) -> AnswerSentence:
    if not isinstance(raw, dict) or not isinstance(raw.get("text"), str) or not isinstance(raw.get("citations"), list):
        raise ValueError("sentence is not {text, citations}")
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in raw["citations"]):
        raise ValueError("sentence citations are not numbers")
    return AnswerSentence(raw["text"], tuple(raw["citations"]))


def loaded(raw: Any) -> Answer:
    if not isinstance(raw, dict):
        raise ValueError("answer is not an object")
    question, text, confidence = raw.get("question"), raw.get("answer"), raw.get("confidence")
    if not isinstance(question, str) or not isinstance(text, str) or not isinstance(raw.get("abstained"), bool):
        raise ValueError("answer lacks question, answer or abstained")
    if isinstance(confidence, bool) or not isinstance(confidence, int | float):
        raise ValueError("answer confidence is not a number")
    lists = [raw.get(key) for key in ("citations", "passages", "sentences")]
    if not all(isinstance(x, list) for x in lists):
        raise ValueError("answer citations, passages or sentences are not lists")
    return Answer(
        question,
        text,
        raw["abstained"],
        float(confidence),
        tuple(_typed(Citation, c) for c in lists[0]),
        tuple(_typed(Passage, p) for p in lists[1]),
        sentences=tuple(_sentence(s) for s in lists[2]),
        retrieval_query=str(raw.get("retrieval_query") or ""),
        corrected_question=str(raw.get("corrected_question") or ""),
    )


def load(raw: Any) -> list[Answer]:
    """The stored conversation; an unreadable one (another version, edited by hand) starts afresh."""
    if not isinstance(raw, list):
        return []
    try:
        return [loaded(a) for a in raw[-MAX_SAVED:]]
    except (TypeError, ValueError):
        return []

"""Typed request and response bodies of the HTTP API. Answers are described by the frozen dataclasses
of rag.types themselves (FastAPI derives their schema), so the API returns exactly `Answer.to_dict()`
and the two cannot drift apart."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from rag.limits import K_MAX, MAX_ANSWER_CHARS, MAX_HISTORY_TURNS, MAX_QUESTION_CHARS, MAX_SENTENCES_MAX, MODES

ModeName = Literal[MODES]  # type: ignore[valid-type]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TurnIn(Strict):
    question: str = Field(max_length=MAX_QUESTION_CHARS, description="an earlier question")
    answer: str = Field("", max_length=MAX_ANSWER_CHARS, description="the answer it got")


class AskRequest(Strict):
    question: str = Field(
        min_length=1,
        max_length=MAX_QUESTION_CHARS,
        description="the question, in plain text",
        examples=["What does the plan say about open source?"],
    )
    history: list[TurnIn] = Field(
        default_factory=list,
        max_length=MAX_HISTORY_TURNS,
        description="earlier turns, oldest first: a follow-up like 'and what do critics say?' is resolved against them",
    )
    # strict: the schema says integer, so true, "3" and 3.5 are refused rather than quietly coerced
    k: int | None = Field(
        None, ge=1, le=K_MAX, strict=True, description="passages to retrieve (default from the configuration)"
    )
    mode: ModeName | None = Field(None, description="retrieval mode (default hybrid)")
    max_sentences: int | None = Field(
        None, ge=1, le=MAX_SENTENCES_MAX, strict=True, description="most sentences in the answer"
    )


class DocumentSummary(BaseModel):
    doc_id: str
    title: str
    author: str
    outlet: str
    date: str
    kind: str
    url: str
    source: str
    chars: int = Field(description="length of the document text that citation offsets index")


class DocumentDetail(DocumentSummary):
    text: str


class Health(BaseModel):
    status: Literal["ok"]
    version: str
    model: str
    documents: int
    chunks: int


class ErrorBody(BaseModel):
    detail: str = Field(description="what went wrong and how to fix it")

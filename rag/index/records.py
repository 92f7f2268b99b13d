"""JSON-lines (de)serialisation of documents, chunks and sentences: the index holds no pickle."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from rag.types import Chunk, Document, DocumentMeta, Sentence


def write_jsonl(path: Path, rows: Iterable[Any]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(asdict(row), ensure_ascii=False) + "\n")


def _read(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def read_documents(path: Path) -> list[Document]:
    docs = []
    for row in _read(path):
        row["meta"] = DocumentMeta(**row["meta"])
        row["boilerplate"] = tuple(tuple(span) for span in row["boilerplate"])
        docs.append(Document(**row))
    return docs


def read_chunks(path: Path) -> list[Chunk]:
    return [Chunk(**row) for row in _read(path)]


def read_sentences(path: Path) -> list[Sentence]:
    return [Sentence(**row) for row in _read(path)]

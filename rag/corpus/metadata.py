"""Metadata kept beside the files in `corpus/metadata.json`:
{"collection": {"name": ..., "examples": [...]},
 "documents": {"<file name>": {"title": ..., "author": ..., "outlet": ..., "date": ..., "kind": ...}}}
The collection part names the corpus in the faces (page titles, example questions), so the engine
itself carries no product text; both parts are optional."""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

from rag.errors import CorpusError
from rag.types import Collection, DocumentMeta

METADATA_FILE = "metadata.json"
_FIELDS = {f.name for f in fields(DocumentMeta)}


def read_metadata(corpus_dir: Path) -> dict[str, dict[str, str]]:
    path = corpus_dir / METADATA_FILE
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        docs = data["documents"]
        if not isinstance(docs, dict):
            raise TypeError("'documents' must be an object")
    except (ValueError, KeyError, TypeError) as exc:
        raise CorpusError(
            f'{path} is not valid metadata ({exc}): expected {{"documents": {{"<file name>": {{"title": "..."}}}}}}'
        ) from exc
    return {str(name): {k: str(v) for k, v in meta.items() if k in _FIELDS} for name, meta in docs.items()}


def make_meta(entry: dict[str, str] | None, guessed_title: str) -> DocumentMeta:
    entry = dict(entry or {})
    entry.setdefault("title", guessed_title)
    return DocumentMeta(**entry)


def read_collection(corpus_dir: Path) -> Collection:
    """What the corpus calls itself; a generic name when metadata.json says nothing (or is unreadable:
    the index build reports that)."""
    try:
        data = json.loads((corpus_dir / METADATA_FILE).read_text(encoding="utf-8"))
        entry = data.get("collection", {}) if isinstance(data, dict) else {}
    except (OSError, ValueError):
        entry = {}
    if not isinstance(entry, dict):
        return Collection()
    examples = entry.get("examples", [])
    return Collection(
        name=str(entry.get("name") or Collection.name),
        examples=tuple(str(e) for e in examples) if isinstance(examples, list) else (),
    )

"""The corpus folder → documents, with every unusable file reported (never silently dropped)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from rag.corpus.boilerplate import find_boilerplate, repeated_lines
from rag.corpus.loaders import SUFFIXES, extract
from rag.corpus.metadata import make_meta, read_metadata
from rag.errors import CorpusError
from rag.types import Document


@dataclass(frozen=True)
class Skipped:
    source: str
    reason: str


@dataclass(frozen=True)
class Corpus:
    documents: tuple[Document, ...]
    skipped: tuple[Skipped, ...]


def corpus_files(corpus_dir: Path) -> list[Path]:
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder {corpus_dir} does not exist: create it and add .txt/.md/.html/.pdf files")
    return sorted(
        p for p in corpus_dir.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith(".")
    )


def _doc_id(rel: Path, taken: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9_.-]+", "_", rel.with_suffix("").as_posix())
    doc_id = base if base not in taken else re.sub(r"[^A-Za-z0-9_.-]+", "_", rel.as_posix())
    taken.add(doc_id)
    return doc_id


def read_corpus(corpus_dir: Path, root: Path) -> Corpus:
    """Read every supported file below `corpus_dir`; `root` is what `source` paths are relative to."""
    metadata = read_metadata(corpus_dir)
    raw: list[tuple[Path, str, str, str]] = []
    skipped: list[Skipped] = []
    seen_hashes: dict[str, str] = {}
    for path in corpus_files(corpus_dir):
        source = _relative(path, root)
        try:
            text, title = extract(path)
        except CorpusError as exc:
            skipped.append(Skipped(source, str(exc)))
            continue
        except OSError as exc:
            skipped.append(Skipped(source, f"{path.name}: cannot read it ({exc.strerror})"))
            continue
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        if digest in seen_hashes:
            skipped.append(Skipped(source, f"{path.name}: same text as {seen_hashes[digest]}: duplicate skipped"))
            continue
        seen_hashes[digest] = source
        raw.append((path, source, text, title))
    if not raw:
        why = "; ".join(s.reason for s in skipped) or "no .txt/.md/.html/.pdf files"
        raise CorpusError(f"corpus folder {corpus_dir} has no usable documents ({why}): add some and re-run")
    repeated = repeated_lines([text for _, _, text, _ in raw])
    taken: set[str] = set()
    docs = []
    for path, source, text, title in raw:
        rel = path.relative_to(corpus_dir)
        docs.append(
            Document(
                doc_id=_doc_id(rel, taken),
                source=source,
                text=text,
                meta=make_meta(metadata.get(rel.as_posix()), title),
                sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
                boilerplate=find_boilerplate(text, repeated),
            )
        )
    return Corpus(tuple(docs), tuple(skipped))


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.resolve().as_posix()

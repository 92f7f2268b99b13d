"""The corpus folder → documents, with every unusable file reported (never silently dropped)."""

from __future__ import annotations

import hashlib
import re
import stat
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
    """The documents below `corpus_dir`: regular files whose real path lies inside it."""
    return [p for p, why in _candidates(corpus_dir) if not why]


def refused_files(corpus_dir: Path) -> list[tuple[Path, str]]:
    """Files with a document suffix that are not documents: symlinks out of the corpus, devices,
    FIFOs, sockets. Anyone who can place a file in the folder must not publish others with it."""
    return [(p, why) for p, why in _candidates(corpus_dir) if why]


def _candidates(corpus_dir: Path) -> list[tuple[Path, str]]:
    if not corpus_dir.is_dir():
        raise CorpusError(
            f"corpus folder {corpus_dir} does not exist: create it and add .txt/.md/.html/.pdf files, "
            "or run from (or name with --project DIR or RAG_HOME) the project folder that holds corpus/"
        )
    inside = corpus_dir.resolve()
    found = []
    for p in sorted(corpus_dir.rglob("*")):
        if p.suffix.lower() not in SUFFIXES or p.name.startswith("."):
            continue
        try:
            real, mode = p.resolve(), p.stat().st_mode
        except OSError:
            continue  # a dangling symlink or a vanished file: nothing to read
        if stat.S_ISDIR(mode):
            continue
        if not real.is_relative_to(inside):
            found.append((p, f"{p.name}: a link to a file outside the corpus folder: skipped"))
        elif not stat.S_ISREG(mode):
            found.append((p, f"{p.name}: not a regular file (a device, FIFO or socket): skipped"))
        else:
            found.append((p, ""))
    return found


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
    skipped += [Skipped(_relative(path, root, corpus_dir), why) for path, why in refused_files(corpus_dir)]
    for path in corpus_files(corpus_dir):
        source = _relative(path, root, corpus_dir)
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


def _relative(path: Path, root: Path, corpus_dir: Path) -> str:
    """`path` relative to the project root, or to the corpus folder's parent when the corpus lives
    elsewhere: never an absolute server path. The file itself is not resolved (a link out of the
    corpus must not reveal its target)."""
    located = path.parent.resolve() / path.name
    for base in (root.resolve(), corpus_dir.resolve().parent):
        if located.is_relative_to(base):
            return located.relative_to(base).as_posix()
    return f"{corpus_dir.name}/{path.relative_to(corpus_dir).as_posix()}"

"""Columnar index records. Document texts live in one UTF-8 blob, chunk and sentence spans in
integer arrays, all memory-mapped at load; read-only sequences make the frozen Document, Chunk and
Sentence on access. A million chunks then cost a few arrays instead of millions of Python objects
(which took 18 s and 1.6 GB to load at 100,000 chunks), and every caller that indexes or iterates
`data.chunks` keeps working."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Generic, TypeVar, overload

import numpy as np

from rag.errors import IndexCorruptError
from rag.index.arrays import ArrayFile, mapped, save_array, save_texts
from rag.types import Chunk, Document, DocumentMeta, Sentence

DOCUMENTS = "documents.json"  # per document: id, source, metadata, sha256, boilerplate, length
TEXTS = "texts.npy"  # every document's text, UTF-8, one after another (uint8)
TEXT_OFFSETS = "text_offsets.npy"  # byte offset of each document's text in TEXTS, and the end
CHUNKS = "chunks.npy"  # per chunk: document ordinal, number within the document, start, end
SENTENCES = "sentences.npy"  # per sentence (row = sent_id): document ordinal, start, end
# Decoded texts kept per loaded index (answers touch a handful of documents at a time), bounded in
# characters too: a corpus file may hold 20 MB.
TEXT_CACHE = 64
TEXT_CACHE_CHARS = 32_000_000


T = TypeVar("T")


def _load(path: Path) -> np.ndarray:
    return mapped(path)


class _Rows(Sequence[T], Generic[T]):
    """A read-only sequence built from array rows on access; slices give tuples."""

    def __init__(self, size: int) -> None:
        self._size = size

    def __len__(self) -> int:
        return self._size

    @overload
    def __getitem__(self, i: int) -> T: ...
    @overload
    def __getitem__(self, i: slice) -> tuple[T, ...]: ...
    def __getitem__(self, i: int | slice) -> T | tuple[T, ...]:
        if isinstance(i, slice):
            return tuple(self._make(j) for j in range(self._size)[i])
        return self._make(range(self._size)[i])  # negative indexes and IndexError as a tuple's

    def __iter__(self) -> Iterator[T]:
        return (self._make(j) for j in range(self._size))

    def _make(self, i: int) -> T:
        raise NotImplementedError


class Documents(_Rows[Document]):
    def __init__(self, rows: list[dict[str, Any]], blob: np.ndarray | ArrayFile, offsets: np.ndarray) -> None:
        super().__init__(len(rows))
        self.rows, self.blob, self.offsets = rows, blob, offsets
        self.ids = [r["doc_id"] for r in rows]
        self.ordinal = {d: i for i, d in enumerate(self.ids)}
        self._texts: OrderedDict[int, str] = OrderedDict()
        self._lock = threading.Lock()

    def text(self, i: int) -> str:
        """Document i's text, decoded on first use and kept while recently used."""
        with self._lock:
            if i in self._texts:
                self._texts.move_to_end(i)
                return self._texts[i]
        text = bytes(self.blob[int(self.offsets[i]) : int(self.offsets[i + 1])]).decode("utf-8")
        with self._lock:
            self._texts[i] = text
            while len(self._texts) > TEXT_CACHE or sum(map(len, self._texts.values())) > TEXT_CACHE_CHARS:
                if len(self._texts) == 1:
                    break
                self._texts.popitem(last=False)
        return text

    def _make(self, i: int) -> Document:
        r = self.rows[i]
        spans = tuple((int(a), int(b)) for a, b in r["boilerplate"])
        return Document(r["doc_id"], r["source"], self.text(i), DocumentMeta(**r["meta"]), r["sha256"], spans)

    def mapping(self) -> Mapping[str, Document]:
        return DocumentMap(self)


class DocumentMap(Mapping[str, Document]):
    """Documents by id, each made when asked for (the whole corpus is never decoded at load)."""

    def __init__(self, docs: Documents) -> None:
        self.docs = docs

    def __getitem__(self, doc_id: str) -> Document:
        return self.docs[self.docs.ordinal[doc_id]]

    def __iter__(self) -> Iterator[str]:
        return iter(self.docs.ids)

    def __len__(self) -> int:
        return len(self.docs)


class Chunks(_Rows[Chunk]):
    def __init__(self, rows: np.ndarray, docs: Documents) -> None:
        super().__init__(len(rows))
        self.rows, self.docs = rows, docs
        # Chunks are stored document by document: a document's first chunk ordinal turns a
        # chunk id "<doc_id>#<n>" into its row without a million-entry dictionary.
        self.first = np.searchsorted(rows[:, 0], np.arange(len(docs) + 1))

    def _make(self, i: int) -> Chunk:
        d, n, start, end = (int(v) for v in self.rows[i])
        doc_id = self.docs.ids[d]
        return Chunk(f"{doc_id}#{n}", doc_id, start, end, self.docs.text(d)[start:end])

    def ordinal(self, chunk_id: str) -> int | None:
        doc_id, _, n = chunk_id.rpartition("#")
        d = self.docs.ordinal.get(doc_id)
        if d is None or not n.isdigit() or int(n) >= self.first[d + 1] - self.first[d]:
            return None
        return int(self.first[d]) + int(n)


class Sentences(_Rows[Sentence]):
    def __init__(self, rows: np.ndarray, docs: Documents) -> None:
        super().__init__(len(rows))
        self.rows, self.docs = rows, docs

    def _make(self, i: int) -> Sentence:
        d, start, end = (int(v) for v in self.rows[i])
        return Sentence(i, self.docs.ids[d], start, end, self.docs.text(d)[start:end])


def read_records(folder: Path) -> tuple[Documents, Chunks, Sentences]:
    rows = json.loads((folder / DOCUMENTS).read_text(encoding="utf-8"))
    docs = Documents(rows, ArrayFile(folder / TEXTS), _load(folder / TEXT_OFFSETS))
    return docs, Chunks(_load(folder / CHUNKS), docs), Sentences(_load(folder / SENTENCES), docs)


def _doc_row(d: Document) -> dict[str, Any]:
    meta = {k: getattr(d.meta, k) for k in DocumentMeta.__dataclass_fields__}
    spans = [list(s) for s in d.boilerplate]
    return {
        "doc_id": d.doc_id,
        "source": d.source,
        "meta": meta,
        "sha256": d.sha256,
        "boilerplate": spans,
        "chars": len(d.text),
    }


def _bad(what: str) -> IndexCorruptError:
    return IndexCorruptError(f"{what}: the index was not written; this is a bug, please report it")


def write_records(
    folder: Path, documents: Sequence[Document], chunks: Sequence[Chunk], sentences: Sequence[Sentence]
) -> None:
    """Columns from the records; every chunk and sentence text must be its document's slice,
    since that slice is all the index keeps."""
    ordinal = {d.doc_id: i for i, d in enumerate(documents)}
    texts = [d.text for d in documents]
    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum([len(t.encode("utf-8")) for t in texts], out=offsets[1:])
    chunk_rows = np.zeros((len(chunks), 4), dtype=np.int64)
    numbered: dict[int, int] = {}  # chunks so far per document: ids are "<doc_id>#<n>", n = 0, 1, …
    for i, c in enumerate(chunks):
        doc_id, _, n = c.chunk_id.rpartition("#")
        d = ordinal.get(c.doc_id, -1)
        if doc_id != c.doc_id or n != str(numbered.get(d, 0)) or d < 0 or texts[d][c.start : c.end] != c.text:
            raise _bad(f"chunk {c.chunk_id!r} is not the next '<doc_id>#<n>' slice of document {c.doc_id!r}")
        numbered[d] = numbered.get(d, 0) + 1
        chunk_rows[i] = (d, int(n), c.start, c.end)
    sentence_rows = np.zeros((len(sentences), 3), dtype=np.int64)
    for i, s in enumerate(sentences):
        d = ordinal.get(s.doc_id, -1)
        if s.sent_id != i or d < 0 or texts[d][s.start : s.end] != s.text:
            raise _bad(f"sentence {s.sent_id} is not the slice of document {s.doc_id!r} at its position")
        sentence_rows[i] = (d, s.start, s.end)
    for what, rows in (("chunks", chunk_rows), ("sentences", sentence_rows)):
        if len(rows) and np.any(np.diff(rows[:, 0]) < 0):
            raise _bad(f"the {what} are not in document order")
    rows_json = json.dumps([_doc_row(d) for d in documents], ensure_ascii=False)
    (folder / DOCUMENTS).write_text(rows_json, encoding="utf-8")
    save_texts(folder / TEXTS, texts, int(offsets[-1]))
    save_array(folder / TEXT_OFFSETS, offsets)
    save_array(folder / CHUNKS, chunk_rows)
    save_array(folder / SENTENCES, sentence_rows)


def spans_problem(docs: Documents, chunks: Chunks, sentences: Sentences) -> str:
    """What is out of step between the columns ('' when nothing), vectorised: no text is read."""
    offsets = np.asarray(docs.offsets)
    if len(offsets) != len(docs) + 1 or offsets[-1] != len(docs.blob) or np.any(np.diff(offsets) < 0):
        return "document text offsets"
    chars = np.array([r["chars"] for r in docs.rows], dtype=np.int64)
    for what, rows, start in (("chunk", chunks.rows, 2), ("sentence", sentences.rows, 1)):
        if rows.ndim != 2 or rows.shape[1] != start + 2:
            return f"{what} records"
        d, s, e = rows[:, 0], rows[:, start], rows[:, start + 1]
        if len(rows) and (d.min() < 0 or d.max() >= len(docs) or np.any(np.diff(d) < 0)):
            return f"{what} document ordinals"
        if len(rows) and (np.any(s < 0) or np.any(s > e) or np.any(e > chars[d])):
            return f"{what} spans"
    return ""

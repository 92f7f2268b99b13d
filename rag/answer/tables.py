"""The corpus-wide tables the composer reads, computed once when an index is written and stored in
its folder: the vocabulary counts and names of the Lexicon, the IDF table, the corpus's writing
system and which sentences each chunk holds. Loading reads them instead of tokenising every
sentence (minutes at a million chunks)."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import numpy as np

from rag.answer.lexicon import names_of
from rag.answer.question import dominant_script
from rag.answer.scope import metadata_words, reference_words
from rag.index.arrays import mapped, save_array
from rag.retrieve.lexical import idf_table, tokenize
from rag.types import Chunk, Document, Sentence

# Bumped whenever the tables change for the same corpus: an index records it and is rebuilt when it
# differs (2: the phrases of metadata words that documents' texts write, rag/answer/scope.py).
TABLE_RULES = 2
VOCABULARY = "vocabulary.json"  # token counts, names, IDF, script
CHUNK_SENTENCES = "chunk_sentences.npy"  # per chunk: its first sentence id and one past its last


@dataclass(frozen=True, eq=False)
class EvidenceTables:
    counts: dict[str, int]
    names: frozenset[str]
    idf: dict[str, float]
    script: str
    chunk_sentences: np.ndarray  # (chunks, 2) int64
    # metadata words that name documents (rag/answer/scope.py): found at build time, so that a
    # question never decodes every document's text to find them
    references: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        chunks: Sequence[Chunk],
        sentences: Sequence[Sentence],
        with_ranges: bool = True,
        documents: Iterable[Document] = (),
    ) -> EvidenceTables:
        """`with_ranges=False` leaves the chunk ranges empty, for records not in index order."""
        counts: Counter[str] = Counter()  # Lexicon.of's counts, streamed: 4M token lists need GBs
        by_id = {d.doc_id: d for d in documents}
        meta = metadata_words(by_id)
        phrases: dict[str, set[str]] = defaultdict(set)  # "editor note" → documents whose text writes it

        def tokens() -> Iterator[list[str]]:
            for s in sentences:
                toks = tokenize(s.text)
                counts.update(toks)
                for a, b in pairwise(toks):
                    if a in meta or b in meta:
                        phrases[f"{a} {b}"].add(s.doc_id)
                yield toks

        idf = idf_table(tokens())
        spans = ranges(chunks, sentences) if with_ranges else np.zeros((0, 2), dtype=np.int64)
        refs = reference_words(by_id, phrases, idf)
        return cls(dict(counts), names_of(sentences), idf, corpus_script(sentences), spans, refs)

    def save(self, folder: Path) -> None:
        table = {"counts": self.counts, "names": sorted(self.names), "idf": self.idf, "script": self.script}
        table["references"] = {word: sorted(docs) for word, docs in self.references.items()}
        (folder / VOCABULARY).write_text(json.dumps(table, ensure_ascii=False), encoding="utf-8")
        save_array(folder / CHUNK_SENTENCES, self.chunk_sentences)

    @classmethod
    def load(cls, folder: Path) -> EvidenceTables:
        t = json.loads((folder / VOCABULARY).read_text(encoding="utf-8"))
        spans = mapped(folder / CHUNK_SENTENCES)
        refs = {word: frozenset(docs) for word, docs in t["references"].items()}
        return cls(dict(t["counts"]), frozenset(t["names"]), dict(t["idf"]), str(t["script"]), spans, refs)

    def problem(self, n_chunks: int, n_sentences: int) -> str:
        """What is out of step with the records ('' when nothing)."""
        r = self.chunk_sentences
        if r.shape != (n_chunks, 2) or (
            n_chunks and (r.min() < 0 or r.max() > n_sentences or np.any(r[:, 0] > r[:, 1]))
        ):
            return "chunk sentence ranges"
        return ""


def corpus_script(sentences: Sequence[Sentence], sample: int = 200) -> str:
    """The dominant writing system of an even sample of the sentences (cheap on any corpus size)."""
    step = max(1, len(sentences) // sample)
    return dominant_script(" ".join(sentences[i].text for i in range(0, len(sentences), step)))


def ranges(chunks: Sequence[Chunk], sentences: Sequence[Sentence]) -> np.ndarray:
    """Per chunk, the ids [first, last + 1) of the sentences overlapping it, as `sentences_of_chunk`
    finds them; needs what the index writes: sentences numbered in document order, chunks in it too."""
    order = {doc: i for i, doc in enumerate(dict.fromkeys([s.doc_id for s in sentences] + [c.doc_id for c in chunks]))}
    s_doc = np.array([order[s.doc_id] for s in sentences], dtype=np.int64)
    s_start = np.array([s.start for s in sentences], dtype=np.int64)
    s_end = np.array([s.end for s in sentences], dtype=np.int64)
    c_doc = np.array([order[c.doc_id] for c in chunks], dtype=np.int64)
    c_start = np.array([c.start for c in chunks], dtype=np.int64)
    c_end = np.array([c.end for c in chunks], dtype=np.int64)
    width = int(max(s_end.max(initial=0), c_end.max(initial=0))) + 1  # one key space: (document, offset)
    keys = s_doc * width + s_start
    if np.any(np.diff(keys) < 0) or any(s.sent_id != i for i, s in enumerate(sentences)):
        raise ValueError("sentences must be numbered in document order to store chunk ranges")
    first = np.searchsorted(keys, c_doc * width, "left")
    stop = np.searchsorted(keys, (c_doc + 1) * width, "left")
    lo = np.maximum(np.searchsorted(keys, c_doc * width + c_start, "right") - 1, first)
    ends_before = (lo < stop) & (s_end[np.minimum(lo, max(len(s_end) - 1, 0))] <= c_start) if len(s_end) else lo < 0
    lo = lo + ends_before
    hi = np.maximum(np.searchsorted(keys, c_doc * width + c_end, "left"), lo)
    return np.stack([lo, hi], axis=1).astype(np.int64) if len(chunks) else np.zeros((0, 2), dtype=np.int64)


class ChunkSentences(Mapping[str, Sequence[int]]):
    """`sentences_of_chunk` over the stored ranges: chunk id → the ids of its sentences."""

    def __init__(self, spans: np.ndarray, chunks: Sequence[Chunk]) -> None:
        self.spans, self.chunks = spans, chunks
        # The columnar records find a chunk's row from its id; a plain sequence needs a table.
        ordinal = getattr(chunks, "ordinal", None)
        self.locate: Callable[[str], int | None] = ordinal or {c.chunk_id: i for i, c in enumerate(chunks)}.get

    def __getitem__(self, chunk_id: str) -> Sequence[int]:
        row = self.locate(chunk_id)
        if row is None:
            raise KeyError(chunk_id)
        lo, hi = self.spans[row]
        return range(int(lo), int(hi))

    def __iter__(self) -> Iterator[str]:
        return (c.chunk_id for c in self.chunks)

    def __len__(self) -> int:
        return len(self.spans)

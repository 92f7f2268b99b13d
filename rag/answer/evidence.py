"""What the composer reads from the index: sentences with their vectors and tokens, and which
sentences each chunk holds (built once per loaded index, shared by every question)."""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import overload

from rag.answer.facts import Facts, facts_of
from rag.answer.lexicon import Lexicon
from rag.answer.tables import ChunkSentences, EvidenceTables
from rag.protocols import Vectors
from rag.retrieve.lexical import tokenize
from rag.types import Chunk, Document, Sentence


class Tokens(Sequence[Sequence[str]]):
    """Each sentence's tokens, made on first use and kept: a question reads a few dozen sentences,
    so tokenising all of them at load (minutes at a million chunks) buys nothing."""

    def __init__(self, sentences: Sequence[Sentence]) -> None:
        self.sentences = sentences
        self._cache: dict[int, list[str]] = {}

    def __len__(self) -> int:
        return len(self.sentences)

    @overload
    def __getitem__(self, i: int) -> Sequence[str]: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Sequence[str]]: ...
    def __getitem__(self, i: int | slice) -> Sequence[str] | Sequence[Sequence[str]]:
        if isinstance(i, slice):
            return [self[j] for j in range(len(self))[i]]
        found = self._cache.get(i)
        if found is None:
            found = self._cache[i] = tokenize(self.sentences[i].text)  # racing threads store equal lists
        return found


@dataclass(frozen=True)
class Evidence:
    documents: Mapping[str, Document]
    sentences: Sequence[Sentence]
    sentence_vectors: Vectors
    sentence_tokens: Sequence[Sequence[str]]
    idf: dict[str, float]
    sentences_of_chunk: Mapping[str, Sequence[int]]
    lexicon: Lexicon
    script: str = "LATIN"  # the writing system of most of the corpus (rag/answer/question.py)
    _facts: dict[int, Facts] = field(default_factory=dict, repr=False)
    # metadata words that name documents (rag/answer/scope.py)
    document_words: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def facts(self, sid: int) -> Facts:
        """A sentence's facts, extracted on first use (racing threads store equal values)."""
        found = self._facts.get(sid)
        if found is None:
            found = self._facts[sid] = facts_of(self.sentences[sid].text, self.sentence_tokens[sid], self.lexicon)
        return found

    @classmethod
    def of(
        cls,
        documents: Sequence[Document] | Mapping[str, Document],
        chunks: Sequence[Chunk],
        sentences: Sequence[Sentence],
        sentence_vectors: Vectors,
        tables: EvidenceTables | None = None,
    ) -> Evidence:
        """From the tables an index stored, or computed here when none are given (an index in memory)."""
        by_id = documents if isinstance(documents, Mapping) else {d.doc_id: d for d in documents}
        t = tables or EvidenceTables.of(chunks, sentences, with_ranges=False, documents=by_id.values())
        return cls(
            documents=by_id,
            sentences=sentences,
            sentence_vectors=sentence_vectors,
            sentence_tokens=Tokens(sentences),
            idf=t.idf,
            sentences_of_chunk=ChunkSentences(t.chunk_sentences, chunks)
            if tables
            else sentences_of_chunk(chunks, sentences),
            lexicon=Lexicon(t.counts, t.names),
            script=t.script,
            document_words=t.references,
        )


def sentences_of_chunk(chunks: Sequence[Chunk], sentences: Sequence[Sentence]) -> dict[str, list[int]]:
    """Ids of the sentences overlapping each chunk (sentences are in document order); a sentence
    cut by a chunk edge is still cited whole, from the document text."""
    by_doc: dict[str, list[int]] = defaultdict(list)
    for s in sentences:
        by_doc[s.doc_id].append(s.sent_id)
    starts = {d: [sentences[i].start for i in ids] for d, ids in by_doc.items()}
    out: dict[str, list[int]] = {}
    for c in chunks:
        ids, st = by_doc.get(c.doc_id, []), starts.get(c.doc_id, [])
        lo = max(bisect.bisect_right(st, c.start) - 1, 0)
        if lo < len(ids) and sentences[ids[lo]].end <= c.start:
            lo += 1
        out[c.chunk_id] = ids[lo : bisect.bisect_left(st, c.end)]
    return out

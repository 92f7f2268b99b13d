"""What the composer reads from the index: sentences with their vectors and tokens, and which
sentences each chunk holds (built once per loaded index, shared by every question)."""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from rag.answer.facts import Facts, facts_of
from rag.answer.lexicon import Lexicon
from rag.answer.question import dominant_script
from rag.answer.scope import reference_words
from rag.retrieve.lexical import idf_table, tokenize
from rag.types import Chunk, Document, Sentence


@dataclass(frozen=True)
class Evidence:
    documents: dict[str, Document]
    sentences: Sequence[Sentence]
    sentence_vectors: np.ndarray
    sentence_tokens: Sequence[Sequence[str]]
    idf: dict[str, float]
    sentences_of_chunk: Mapping[str, Sequence[int]]
    lexicon: Lexicon
    script: str = "LATIN"  # the writing system of most of the corpus (rag/answer/question.py)
    _facts: dict[int, Facts] = field(default_factory=dict, repr=False)
    _references: dict[str, Mapping[str, frozenset[str]]] = field(default_factory=dict, repr=False)

    def references(self) -> Mapping[str, frozenset[str]]:
        """Metadata words that name documents (rag/answer/scope.py), built on first use."""
        found = self._references.get("words")
        if found is None:
            found = self._references["words"] = reference_words(self.documents)
        return found

    def facts(self, sid: int) -> Facts:
        """A sentence's facts, extracted on first use (racing threads store equal values)."""
        found = self._facts.get(sid)
        if found is None:
            found = self._facts[sid] = facts_of(self.sentences[sid].text, self.sentence_tokens[sid], self.lexicon)
        return found

    @classmethod
    def of(
        cls,
        documents: Sequence[Document],
        chunks: Sequence[Chunk],
        sentences: Sequence[Sentence],
        sentence_vectors: np.ndarray,
    ) -> Evidence:
        tokens = [tokenize(s.text) for s in sentences]
        return cls(
            documents={d.doc_id: d for d in documents},
            sentences=sentences,
            sentence_vectors=sentence_vectors,
            sentence_tokens=tokens,
            idf=idf_table(tokens),
            sentences_of_chunk=sentences_of_chunk(chunks, sentences),
            lexicon=Lexicon.of(sentences, tokens),
            script=corpus_script(sentences),
        )


def corpus_script(sentences: Sequence[Sentence], sample: int = 200) -> str:
    """The dominant writing system of an even sample of the sentences (cheap on any corpus size)."""
    step = max(1, len(sentences) // sample)
    return dominant_script(" ".join(s.text for s in sentences[::step]))


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

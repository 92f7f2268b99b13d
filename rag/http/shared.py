"""One loaded assistant shared by every request thread (API and chat alike).

Questions are answered in parallel, without a lock: index arrays, FAISS and BM25 are only read
while answering, the ONNX query embedder shares one thread-safe session and a tokenizer
configured once (the sentence-transformers embedder serialises its own encodes), and a live
re-index swaps the loaded index under the index's own lock (rag/index/live.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rag.assistant import Assistant
from rag.corpus.metadata import read_collection
from rag.types import Answer, Collection, Document, Turn


@dataclass
class SharedAssistant:
    assistant: Assistant

    def ask(self, question: str, history: Sequence[Turn] | None = None, **options: Any) -> Answer:
        """Assistant.ask (options: k, mode, max_sentences), from any request thread."""
        return self.assistant.ask(question, history, **options)

    @property
    def documents(self) -> Mapping[str, Document]:
        """The documents of the index answering now (a question may have swapped in a newer one)."""
        return self.assistant.documents

    def fresh_documents(self) -> Mapping[str, Document]:
        """The documents after re-indexing a corpus that changed since the last look: a page listing
        the corpus must show files added while the server runs, even before anyone asks."""
        self.assistant.refresh_if_stale()  # the live index refreshes under its own lock
        return self.assistant.documents

    @property
    def collection(self) -> Collection:
        """The corpus's name and example questions (corpus/metadata.json), read when asked."""
        return read_collection(self.assistant.config.corpus_path)

    @property
    def defaults(self) -> tuple[int, int, str]:
        """(k, max_sentences, mode) from the configuration."""
        cfg = self.assistant.config
        return cfg.k, cfg.max_sentences, cfg.mode

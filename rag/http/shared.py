"""One loaded assistant shared by every request thread (API and chat alike).

Index arrays, FAISS and BM25 are only read while answering, but the tokenizer inside the embedding
model keeps mutable state (HF fast tokenizers raise "Already borrowed" when two threads encode at
once), so questions are answered one at a time. A question costs tens of milliseconds on CPU, and
two cores gain nothing from running the model twice in parallel."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rag.assistant import Assistant
from rag.corpus.metadata import read_collection
from rag.types import Answer, Collection, Document, Turn


@dataclass
class SharedAssistant:
    assistant: Assistant
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def ask(self, question: str, history: Sequence[Turn] | None = None, **options: Any) -> Answer:
        """Assistant.ask (options: k, mode, max_sentences), one question at a time."""
        with self._lock:
            return self.assistant.ask(question, history, **options)

    @property
    def documents(self) -> dict[str, Document]:
        """The documents of the index answering now (a question may have swapped in a newer one)."""
        return self.assistant.documents

    def fresh_documents(self) -> dict[str, Document]:
        """The documents after re-indexing a corpus that changed since the last look: a page listing
        the corpus must show files added while the server runs, even before anyone asks."""
        with self._lock:
            self.assistant.refresh_if_stale()
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

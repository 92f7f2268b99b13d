"""Grounded, sentence-cited question answering over a folder of documents.

import rag
assistant = rag.Assistant.load()          # builds the index on first use
answer = assistant.ask("What does the plan say about open source?")
print(answer.answer, answer.citations[0].quote)
"""

from rag.answer.extractive import ExtractiveComposer
from rag.assistant import Assistant
from rag.config import Config, load_config
from rag.embed.hashing import HashingEmbedder
from rag.embed.onnx import OnnxEmbedder
from rag.embed.sentence_transformer import SentenceTransformerEmbedder
from rag.errors import (
    CitationError,
    ConfigError,
    CorpusError,
    IndexCorruptError,
    IndexMissingError,
    ModelError,
    QuestionError,
    RagError,
    StorageError,
)
from rag.index.build import BuildReport, build_index
from rag.limits import K_MAX, MAX_SENTENCES_MAX
from rag.protocols import Composer, Embedder, LexicalIndex, Reranker, VectorStore, Verifier
from rag.query.state import QueryState
from rag.rerank.identity import KeepOrder
from rag.runtime import limit_threads
from rag.types import Answer, AnswerSentence, Chunk, Citation, Document, DocumentMeta, Hit, Passage, Sentence, Turn
from rag.verify import SpanVerifier, Support
from rag.version import __version__

__all__ = [
    "K_MAX",
    "MAX_SENTENCES_MAX",
    "Answer",
    "AnswerSentence",
    "Assistant",
    "BuildReport",
    "Chunk",
    "Citation",
    "CitationError",
    "Composer",
    "Config",
    "ConfigError",
    "CorpusError",
    "Document",
    "DocumentMeta",
    "Embedder",
    "ExtractiveComposer",
    "HashingEmbedder",
    "Hit",
    "IndexCorruptError",
    "IndexMissingError",
    "KeepOrder",
    "LexicalIndex",
    "ModelError",
    "OnnxEmbedder",
    "Passage",
    "QueryState",
    "QuestionError",
    "RagError",
    "Reranker",
    "Sentence",
    "SentenceTransformerEmbedder",
    "SpanVerifier",
    "StorageError",
    "Support",
    "Turn",
    "VectorStore",
    "Verifier",
    "__version__",
    "build_index",
    "limit_threads",
    "load_config",
]

"""One exception family. Messages name the bad value and the fix; only the CLI, HTTP and UI
layers turn these into user-facing text."""

from __future__ import annotations


class RagError(Exception):
    """Base class for every error this package raises on purpose."""


class ConfigError(RagError):
    """A setting has a value the engine cannot use."""


class CorpusError(RagError):
    """The corpus folder or one of its files cannot be used."""


class IndexMissingError(RagError):
    """No index has been built yet at the configured location."""


class IndexCorruptError(RagError):
    """An index exists but is unreadable, incomplete or incompatible."""


class ModelError(RagError):
    """The embedding model cannot be loaded or used."""


class QuestionError(RagError):
    """The question (or its history) is not usable input."""


class CitationError(RagError):
    """A citation does not match its source text: always a bug, never shown as an answer."""


class VectorStoreError(RagError):
    """The vector store's server cannot be reached or used (down, wrong URI or token, file in use)."""


class StorageError(RagError):
    """A file could not be written (disk full, no permission): the previous index stays in use."""


def storage_error(what: str, folder: object, exc: OSError, needed_bytes: int = 0) -> StorageError:
    """One message for a failed write: which folder, why, and how much room the write needed."""
    need = f" (it needs about {max(1, round(needed_bytes / 1e6))} MB)" if needed_bytes else ""
    return StorageError(
        f"cannot write {what} in {folder} ({exc.strerror or exc}){need}: free space there or point "
        "RAG_INDEX_DIR / RAG_CACHE_DIR at another disk; the previous index is untouched"
    )

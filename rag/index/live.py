"""The index a running engine answers from: open it (building when missing, stale or corrupt) and
swap in a rebuilt one when the corpus changes while it runs."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rag.config import Config
from rag.corpus.metadata import METADATA_FILE
from rag.corpus.reader import corpus_files
from rag.errors import ConfigError, IndexCorruptError, IndexMissingError, RagError
from rag.index.build import build_index, corpus_hash, settings_signature, store_signature
from rag.index.lock import index_lock
from rag.index.store import IndexData, current_build, load_index, read_manifest
from rag.protocols import Embedder

BUILD_POLICIES = ("auto", "always", "never")


def staleness(config: Config, embedder: Embedder, manifest: dict[str, Any]) -> str:
    """Why an index no longer matches the corpus and settings ('' when it does)."""
    for key, want in {**settings_signature(config, embedder), **store_signature(config)}.items():
        if manifest.get(key) != want:
            return f"{key} changed ({manifest.get(key)!r} → {want!r})"
    if manifest.get("corpus_hash") != corpus_hash(config):
        return "the corpus changed"
    return ""


def corpus_stamp(config: Config) -> tuple[tuple[str, int, int], ...]:
    """Cheap change detector (names, sizes, mtimes); the corpus hash decides whether it matters."""
    folder = config.corpus_path
    paths: list[Path] = corpus_files(folder) if folder.is_dir() else []
    if (folder / METADATA_FILE).is_file():
        paths.append(folder / METADATA_FILE)
    stamp = []
    for p in paths:
        try:
            st = p.stat()
        except OSError:
            continue
        stamp.append((p.as_posix(), st.st_mtime_ns, st.st_size))
    return tuple(stamp)


def open_index(
    config: Config,
    embedder: Embedder,
    *,
    build: str = "auto",
    progress: bool = True,
    say: Callable[[str], None] = lambda _msg: None,
) -> IndexData:
    """Load the index; with build="auto" (re)build it when missing, stale or corrupt, with
    "always" rebuild it, with "never" raise instead."""
    if build not in BUILD_POLICIES:
        raise ConfigError(f"build={build!r} is not one of {', '.join(BUILD_POLICIES)}")
    if build == "never":
        return _open(config, embedder, build, progress, say)
    with index_lock(config.index_path, say):  # decide and build under the lock: never twice
        return _open(config, embedder, build, progress, say)


def _open(config: Config, embedder: Embedder, build: str, progress: bool, say: Callable[[str], None]) -> IndexData:
    reason = "a rebuild was requested" if build == "always" else ""
    if not reason:
        try:
            # Judged from the manifest before the vector store is opened: an index on a Milvus that
            # is no longer configured is rebuilt where the settings point, not reopened there.
            reason = staleness(config, embedder, read_manifest(current_build(config.index_path)))
            if not reason:
                return load_index(config.index_path)
        except (IndexMissingError, IndexCorruptError) as exc:
            if build == "never":
                raise
            reason = str(exc).split(":")[0]
        if build == "never":
            raise IndexCorruptError(f"index at {config.index_path} is stale ({reason}): rebuild with `rag index`")
    say(f"Building the index ({reason}) …")
    report = build_index(config, embedder, progress=progress, say=say)
    for skipped in report.skipped:
        say(f"Skipped {skipped.source}: {skipped.reason}")
    say(
        f"Indexed {report.documents} documents → {report.chunks} chunks, {report.sentences} sentences "
        f"({report.embedded} embedded, {report.cached} from cache) in {report.seconds:.1f} s"
    )
    # The stat check finds the mtimes the build just recorded, so nothing is re-hashed.
    return load_index(config.index_path)


class LiveIndex:
    """Holds the loaded index and rebuilds it when the corpus changes; answers must never cite a
    file that no longer says what the index holds."""

    # How often `refresh_if_stale` looks at the corpus files (a few stat calls) to notice edits.
    FRESHNESS_INTERVAL_S = 1.0

    def __init__(
        self, data: IndexData, config: Config, embedder: Embedder, say: Callable[[str], None] = lambda _m: None
    ) -> None:
        self.config = config
        self.say = say  # where re-index messages go (the server log under `rag serve`)
        self.embedder = embedder  # built the index; a rebuild must use the same model
        self._data = data
        self._lock = threading.Lock()
        self._stamp = corpus_stamp(config)
        self._checked = time.monotonic()

    @property
    def data(self) -> IndexData:
        return self._data

    def _fresh(self) -> IndexData:
        """Under the index lock: the index on disk when another process already rebuilt it, else a
        new build (the corpus changed)."""
        current = self._data
        try:
            on_disk = load_index(self.config.index_path, verify=False)
            if not staleness(self.config, self.embedder, on_disk.manifest):
                return on_disk if on_disk.path != current.path else current
        except (IndexMissingError, IndexCorruptError):
            pass
        if not staleness(self.config, self.embedder, current.manifest):
            return current
        self.say("The corpus changed: re-indexing …")
        report = build_index(self.config, self.embedder, progress=False, say=self.say)
        self.say(f"Re-indexed {report.documents} documents in {report.seconds:.1f} s")
        return load_index(self.config.index_path, verify=False)

    def refresh_if_stale(self, force_check: bool = False) -> bool:
        """Rebuild and swap in a new index when the corpus changed since loading; True if it did."""
        now = time.monotonic()
        if not force_check and now - self._checked < self.FRESHNESS_INTERVAL_S:
            return False
        self._checked = now
        stamp = corpus_stamp(self.config)
        if stamp == self._stamp:
            return False
        with self._lock, index_lock(self.config.index_path, self.say):
            if stamp == self._stamp:
                return False
            try:
                self._data = self._fresh()
            except RagError as exc:  # disk full, unreadable file…: keep answering from what is loaded
                self.say(f"Re-indexing failed, still answering from the previous index: {exc}")
            self._stamp = stamp  # retried when the corpus changes again
        return True

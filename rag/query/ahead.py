"""The keyword search of a big index run on another thread while the question is embedded: it needs
only the question's words, and both release the GIL, so on a million chunks the two overlap (keyword
search 4.7 ms, embedding 3-6 ms; see eval/bench/scale-1m-measure.md)."""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor

from rag.protocols import Ranked
from rag.query.state import QueryState

# From this many chunks on the keyword search runs ahead; below it handing the search to another
# thread costs more than the search itself (0.05 ms on the repository's 33 chunks).
AHEAD_FROM_CHUNKS = 50_000

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _executor() -> ThreadPoolExecutor:
    """One pool per process, made on first use (no threads for small indexes or at import)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(thread_name_prefix="rag-keywords")
        return _pool


def keywords_ahead(state: QueryState, depth: int) -> Future[Ranked] | None:
    """The keyword search of `state`'s question to `depth` hits, started now, or None when it is not
    worth a thread (a small index) or not needed (dense mode, no words)."""
    data = state.index.data
    if state.mode == "dense" or not state.query_tokens or len(data.chunks) < AHEAD_FROM_CHUNKS:
        return None
    return _executor().submit(data.lexical.search, state.query_tokens, depth)

"""Process-wide settings, made once by the entry points (the `rag` command, benchmarks, a host
application) and never as a side effect of constructing an engine object."""

from __future__ import annotations

import os
import threading

# The model hub is unreachable by design: fail fast instead of retrying downloads; and Gradio must
# not phone home. setdefault: an operator's own choice wins.
OFFLINE_ENV = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False"}


def stay_offline() -> None:
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)


def limit_threads(n: int) -> None:
    """Threads for FAISS (OpenMP) and numpy's BLAS while answering (`Config.query_thread_count`).
    A question is one search and a few tiny matrix products: extra threads buy nothing there, and
    on a busy 2-core machine their spin-waiting made a 40×384 product take 20 ms instead of 0.05 ms
    (eval/bench/)."""
    import faiss
    from threadpoolctl import threadpool_limits

    global _omp_limit
    _omp_limit = n
    faiss.omp_set_num_threads(n)
    threadpool_limits(limits=n, user_api="blas")


class _ThisThread(threading.local):
    omp_limit = 0  # the OpenMP thread count this thread last set (0: none yet)


_omp_limit = 0  # limit_threads's count (0: never called, OpenMP keeps its default)
_this_thread = _ThisThread()


def apply_thread_limit() -> None:
    """Make limit_threads's count hold for FAISS on the calling thread. OpenMP keeps the count per
    thread, so a request thread a server starts later searches with every core: under 20 clients
    the spin-waiting of those threads took 31% of a worker's time and held `--workers 2` at 1.5-1.8x
    one client's requests/s (2.1x with the limit, eval/bench/loadtest-workers.json)."""
    if _omp_limit and _this_thread.omp_limit != _omp_limit:
        import faiss

        faiss.omp_set_num_threads(_omp_limit)
        _this_thread.omp_limit = _omp_limit

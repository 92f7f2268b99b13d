"""Process-wide settings, made once by the entry points (the `rag` command, benchmarks, a host
application) and never as a side effect of constructing an engine object."""

from __future__ import annotations

import os

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

    faiss.omp_set_num_threads(n)
    threadpool_limits(limits=n, user_api="blas")

"""The pipelines eval/bench.py compares, all over the same chunks (our index's), the same model
(all-MiniLM-L6-v2 from the local package) and the same questions.

Run as a module, it is the per-pipeline worker: a fresh process that loads the model, builds the
index, answers every question once and prints load/build seconds and its peak RSS as JSON:

    python -m eval.bench_pipelines PIPELINE INDEX_DIR SCRATCH_DIR
"""

from __future__ import annotations

import json
import resource
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
QUESTIONS_FILE = REPO / "eval" / "bench" / "questions.txt"

Query = Callable[[str], Any]


def memory_mb(field: str = "VmHWM") -> float:
    """This process's peak (VmHWM) or current (VmRSS) resident memory. Not ru_maxrss: Linux carries
    the parent's peak into a child across fork + exec, so every worker would report the parent's."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def questions() -> list[str]:
    lines = QUESTIONS_FILE.read_text(encoding="utf-8").splitlines()
    return [q.strip() for q in lines if q.strip() and not q.startswith("#")]


def model_path() -> str:
    from rag.embed.sentence_transformer import resolve_model_path

    return resolve_model_path("all-MiniLM-L6-v2")


def ours(config: Any, backend: str = "auto") -> tuple[Any, Query]:
    """Our engine: embed the question, hybrid retrieve, compose, verify every citation."""
    from rag import Assistant

    assistant = Assistant.load(config.with_overrides(query_backend=backend), progress=False)
    return assistant, assistant.ask


def plain(chunks: list[str]) -> Query:
    """No framework: sentence-transformers encode + FAISS flat inner product."""
    import faiss
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(model_path(), device="cpu")
    index = faiss.IndexFlatIP(model.get_embedding_dimension())
    index.add(model.encode(chunks, normalize_embeddings=True))

    def query(q: str) -> Any:
        return index.search(model.encode([q], normalize_embeddings=True), 5)

    return query


def langchain(chunks: list[str]) -> Query:
    """LangChain: HuggingFaceEmbeddings + the FAISS vector store, similarity_search(k=5)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # HuggingFaceEmbeddings moved to langchain-huggingface (hub<2 pin)
        from langchain_community.embeddings import HuggingFaceEmbeddings
        from langchain_community.vectorstores import FAISS

        embeddings = HuggingFaceEmbeddings(
            model_name=model_path(), model_kwargs={"device": "cpu"}, encode_kwargs={"normalize_embeddings": True}
        )
    store = FAISS.from_texts(chunks, embeddings)
    return lambda q: store.similarity_search(q, k=5)


def llamaindex(chunks: list[str]) -> Query:
    """LlamaIndex: HuggingFaceEmbedding + the default in-memory VectorStoreIndex, top-5 retriever."""
    from llama_index.core import VectorStoreIndex
    from llama_index.core.schema import TextNode
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding

    embed = HuggingFaceEmbedding(model_name=model_path(), device="cpu")
    nodes = [TextNode(text=text, id_=str(i)) for i, text in enumerate(chunks)]
    index = VectorStoreIndex(nodes, embed_model=embed, show_progress=False)
    return index.as_retriever(similarity_top_k=5).retrieve


PEERS: dict[str, Callable[[list[str]], Query]] = {
    "sentence-transformers + FAISS": plain,
    "LangChain": langchain,
    "LlamaIndex": llamaindex,
}


def chunk_texts(index_dir: Path) -> list[str]:
    from rag.index.store import load_index

    return [c.text for c in load_index(index_dir).chunks]


def _worker(name: str, index_dir: Path, scratch: Path) -> dict[str, Any]:
    """Load, build and answer once in this fresh process; figures for one pipeline. Ours builds a
    fresh index (empty embedding cache) in `scratch`; the peers index our chunks from `index_dir`."""
    started = time.perf_counter()
    figures: dict[str, Any] = {"pipeline": name}
    if name == "ours":
        from rag import Assistant, build_index, load_config
        from rag.embed.factory import default_embedder

        config = load_config(REPO, index_dir=scratch / "index", cache_dir=scratch / "cache")
        embedder = default_embedder(config)
        embedder._load()  # type: ignore[attr-defined]
        loaded = time.perf_counter()
        build_index(config, embedder, progress=False)
        built = time.perf_counter()
        ask: Query = Assistant.load(config, embedder, progress=False).ask  # exports to ONNX here
        figures |= {
            "model_load_s": loaded - started,
            "build_s": built - loaded,
            "onnx_export_s": time.perf_counter() - built,
        }
    else:
        chunks = chunk_texts(index_dir)
        ask = PEERS[name](chunks)
    figures["ready_s"] = time.perf_counter() - started
    for q in questions():
        ask(q)
    figures["peak_rss_mb"] = memory_mb("VmHWM")
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in figures.items()}


if __name__ == "__main__":
    print(json.dumps(_worker(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]))))

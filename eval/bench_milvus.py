"""FAISS against Milvus Lite at N synthetic chunks (default 100,000), side by side in one process:
building the vector store, loading it back, one search (k = k_dense), recall@10 against exact
search, and the answer p50 of the whole engine on each store. The chunks and their vectors are
recombined from the real index exactly as in eval/bench_scale.py (its METHOD explains why).

    python -m eval.bench_milvus [--chunks 100000] [--out eval/bench/milvus]

prints the figures and writes them to OUT.json and OUT.md."""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from eval.bench_pipelines import questions
from eval.bench_scale import METHOD, NOISE, SYNTHETIC_QUERIES, synthetic

REPO = Path(__file__).resolve().parent.parent
ROUNDS = 3  # answer rounds over the real questions, per store


def _queries(svecs: np.ndarray, real_q: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    picks = [rng.choice(len(svecs), size=4, replace=False) for _ in range(SYNTHETIC_QUERIES)]
    noise = rng.standard_normal((SYNTHETIC_QUERIES, svecs.shape[1]))
    synth = np.stack([svecs[p].mean(axis=0) for p in picks]) + NOISE * noise / np.linalg.norm(noise, axis=1)[:, None]
    queries = np.ascontiguousarray(np.vstack([real_q, synth]), dtype=np.float32)
    return queries / np.linalg.norm(queries, axis=1, keepdims=True)


# What is compared: the engine's FAISS default at this size (HNSW above 50,000 chunks), FAISS's
# exact index (what Milvus's FLAT index must equal), and Milvus Lite.
VARIANTS = ("faiss", "faiss-flat", "milvus")


def _build(variant: str, config: Any, cvecs: np.ndarray) -> tuple[Any, dict[str, Any]]:
    from rag.stores.faiss_store import FaissStore, dense_plan
    from rag.stores.milvus_store import MilvusStore

    if variant == "milvus":
        store = MilvusStore.of(cvecs, config.milvus_address, config.index_path)
        return store, {"vector_store": "milvus", "index_type": "flat", "milvus": store.location}
    plan = dense_plan(len(cvecs), len(cvecs)) if variant == "faiss-flat" else dense_plan(len(cvecs))
    return FaissStore.of(cvecs, plan), {"vector_store": "faiss", **plan}


def prepare(variant: str, parts: tuple[Any, ...], base: Any, onnx: Any, work: Path) -> tuple[dict[str, Any], Any]:
    """Build and write one store's index, then load its store and the whole engine back."""
    from rag import Assistant, load_config
    from rag.index.store import IndexData, current_build, load_index, write_index
    from rag.stores import vector_store_class
    from rag.stores.bm25_lexical import Bm25Index

    docs, chunks, sents, cvecs, svecs = parts
    name = "milvus" if variant == "milvus" else "faiss"
    config = load_config(REPO, index_dir=work / variant, cache_dir=work / "cache", vector_store=name)
    t = time.perf_counter()
    dense, plan = _build(variant, config, cvecs)
    build_s = time.perf_counter() - t
    counts = {"documents": len(docs), "chunks": len(chunks), "sentences": len(sents)}
    manifest = {**base.manifest, **plan, "documents": {}, "counts": counts}
    bm25 = Bm25Index.of([c.text for c in chunks])
    data = IndexData(manifest, tuple(docs), tuple(chunks), tuple(sents), cvecs, svecs, dense, bm25)
    t = time.perf_counter()
    write_index(config.index_path, data)
    write_s = time.perf_counter() - t
    del data, dense
    gc.collect()
    t = time.perf_counter()
    vector_store_class(name).load(current_build(config.index_path))
    load_s = time.perf_counter() - t
    assistant = Assistant(load_index(config.index_path, verify=False), onnx, config, onnx)
    row = {
        "store": variant,
        "index_type": plan["index_type"],
        "build_s": round(build_s, 2),
        "write_s": round(write_s, 2),
        "load_s": round(load_s, 3),
    }
    return row, assistant


def _p(values: list[float], q: float) -> float:
    return round(float(np.percentile(values, q)), 3)


def time_stores(assistants: list[Any], queries: np.ndarray, qs: list[str]) -> list[dict[str, Any]]:
    """Searches and answers in alternating order, so machine load falls on every store alike."""
    found: list[list[list[int]]] = [[] for _ in assistants]
    search: list[list[float]] = [[] for _ in assistants]
    answer: list[list[float]] = [[] for _ in assistants]
    for j, q in enumerate(queries):
        for s in (*range(j % len(assistants), len(assistants)), *range(j % len(assistants))):
            t = time.perf_counter()
            hits = assistants[s].data.dense.search(q, assistants[s].config.k_dense)
            search[s].append((time.perf_counter() - t) * 1000)
            found[s].append([i for i, _ in hits][:10])
    for a in assistants:
        for q in qs:
            a.ask(q)  # warm-up
    for _ in range(ROUNDS):
        for q in qs:
            for s, a in enumerate(assistants):
                t = time.perf_counter()
                a.ask(q)
                answer[s].append((time.perf_counter() - t) * 1000)
    return [
        {
            "search_p50_ms": _p(search[s], 50),
            "search_p95_ms": _p(search[s], 95),
            "answer_p50_ms": _p(answer[s], 50),
            "answer_p95_ms": _p(answer[s], 95),
            "found": found[s],
        }
        for s in range(len(assistants))
    ]


def cold_load(name: str, build: Path) -> dict[str, float]:
    """Load a store and answer one search in a fresh process (imports timed apart): what a new
    `rag` process pays. Milvus Lite serves one process at a time, so this runs after this process
    has let go of the file."""
    code = (
        "import sys, time, json; from pathlib import Path; t = time.perf_counter(); "
        "from rag.stores import vector_store_class; import numpy as np; cls = vector_store_class(sys.argv[1]); "
        "import faiss, pymilvus; i = time.perf_counter() - t; t = time.perf_counter(); "
        "q = np.load(Path(sys.argv[2]) / 'chunk_vectors.npy', mmap_mode='r')[0]; "
        "s = cls.load(Path(sys.argv[2])); s.search(np.asarray(q), 20); "
        "print(json.dumps({'import_s': round(i, 2), 'cold_load_s': round(time.perf_counter() - t, 3)}))"
    )
    out = subprocess.run([sys.executable, "-c", code, name, str(build)], cwd=REPO, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"cold load of {name} failed:\n{out.stderr[-2000:]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _release_lite(path: str) -> None:
    from milvus_lite.server_manager import server_manager_instance

    server_manager_instance.release_server(path)


def bench(n: int, work: Path) -> dict[str, Any]:
    import faiss

    from rag import Assistant, load_config

    real = Assistant.load(load_config(REPO, index_dir=work / "real", cache_dir=work / "cache"), progress=False)
    rng = np.random.default_rng(0)
    parts, _texts = synthetic(real.data, n, rng)
    queries = _queries(parts[4], real.query_embedder.embed(questions()), rng)
    exact = faiss.IndexFlatIP(parts[3].shape[1])
    exact.add(parts[3])
    _, truth = exact.search(queries, 10)
    prepared = [prepare(variant, parts, real.data, real.query_embedder, work) for variant in VARIANTS]
    rows = [row for row, _ in prepared]
    for row, timed in zip(rows, time_stores([a for _, a in prepared], queries, questions()), strict=True):
        found = timed.pop("found")
        row.update(timed)
        row["recall_at_10"] = round(
            float(np.mean([len(set(f) & set(t)) / 10 for f, t in zip(found, truth, strict=True)])), 4
        )
    from rag.index.store import current_build

    for row, (_, a) in zip(rows, prepared, strict=True):
        if row["store"] == "milvus":
            _release_lite(a.config.milvus_address)
        row.update(cold_load("milvus" if row["store"] == "milvus" else "faiss", current_build(a.config.index_path)))
    return {
        "chunks": n,
        "queries": len(queries),
        "answer_questions": len(questions()),
        "method": METHOD,
        "stores": rows,
    }


COLUMNS = (
    ("store", "store"),
    ("index", "index_type"),
    ("build s", "build_s"),
    ("write s", "write_s"),
    ("reload s, same process", "load_s"),
    ("load s, new process", "cold_load_s"),
    ("search p50 ms", "search_p50_ms"),
    ("search p95 ms", "search_p95_ms"),
    ("recall@10", "recall_at_10"),
    ("answer p50 ms", "answer_p50_ms"),
    ("answer p95 ms", "answer_p95_ms"),
)


def markdown(result: dict[str, Any]) -> str:
    lines = [
        f"FAISS against Milvus Lite, {result['chunks']:,} synthetic chunks, one process "
        "(`python -m eval.bench_milvus`)",
        "",
        "| " + " | ".join(title for title, _ in COLUMNS) + " |",
        "|---|---|" + "---:|" * (len(COLUMNS) - 2),
    ]
    lines += ["| " + " | ".join(str(r[key]) for _, key in COLUMNS) + " |" for r in result["stores"]]
    lines += [
        "",
        f"Recall over {result['queries']} queries against exact search; answers over "
        f"{result['answer_questions']} real questions x {ROUNDS}.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=REPO / "eval" / "bench" / "milvus")
    args = parser.parse_args()
    from rag.runtime import limit_threads, stay_offline

    stay_offline()
    limit_threads(1)
    with tempfile.TemporaryDirectory(prefix="bench-milvus-") as tmp:
        result = bench(args.chunks, Path(tmp))
    text = markdown(result)
    print(text)
    args.out.with_suffix(".json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    args.out.with_suffix(".md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()

"""The N-chunk scale test, run by `python -m eval.bench --scale N` in its own process so that its
memory figures are its own:

    python -m eval.bench_scale N INDEX_DIR CACHE_DIR WORKDIR [OUT] [--measure-only]

With OUT (e.g. eval/bench/scale-1m) the figures and their targets also go to OUT.json and OUT.md.
--measure-only loads and measures the index an earlier run left in WORKDIR instead of building one.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from eval.bench_pipelines import memory_mb, questions

METHOD = (
    "Embedding 100,000 real chunks with all-MiniLM-L6-v2 takes hours on 2 shared cores (the throughput is "
    "measured on a sample of real-length chunks and reported), so the synthetic corpus reuses the real one: each "
    "chunk is 3-5 real sentences drawn at random, each sentence keeps its stored model vector, and each chunk's "
    "vector is the normalised mean of its sentences' vectors plus Gaussian noise of norm 0.3 (no two chunks "
    "coincide). Everything after that is the real engine: FAISS (HNSW above the threshold) and BM25 built by "
    "rag.index.build, written and loaded (file sizes and mtimes checked against the manifest, nothing re-hashed: see "
    "rag/index/checksums.py) by rag.index.store, and the real questions "
    "answered by Assistant.ask with the ONNX query embedder. Recall queries: the real questions plus synthetic "
    "ones drawn like chunks."
)
NOISE = 0.3  # norm of the noise added to a chunk's mean sentence vector
BATCH = 32
EF_SWEEP = (16, 32, 64, 128, 256)
SYNTHETIC_QUERIES = 479  # plus the real questions: 500 queries for recall


def synthetic(base: Any, n: int, rng: np.random.Generator) -> tuple[Any, list[str]]:
    """Documents of 50 chunks each; chunks are runs of whole real sentences, offsets exact."""
    from rag.types import Chunk, Document, DocumentMeta, Sentence

    pool = [i for i, s in enumerate(base.sentences) if s.text[-1:] in ".!?" and len(s.text) >= 40]
    texts = [base.sentences[i].text for i in pool]
    vecs = base.sentence_vectors[pool]
    docs, chunks, sents, svec_ids, cvecs = [], [], [], [], np.zeros((n, vecs.shape[1]), dtype=np.float32)
    for d in range(0, n, 50):
        doc_id, parts, pos = f"syn{d // 50:05d}", [], 0
        for j in range(min(50, n - d)):
            picks = rng.choice(len(pool), size=int(rng.integers(3, 6)), replace=False)
            start = pos
            for p in picks:
                sents.append(Sentence(len(sents), doc_id, pos, pos + len(texts[p]), texts[p]))
                svec_ids.append(p)
                parts.append(texts[p])
                pos += len(texts[p]) + 1
            chunks.append(Chunk(f"{doc_id}#{j}", doc_id, start, pos - 1, ""))
            mean = vecs[picks].mean(axis=0)
            noise = rng.standard_normal(mean.shape[0]).astype(np.float32)
            cvecs[d + j] = mean + NOISE * noise / np.linalg.norm(noise)
        text = " ".join(parts)
        meta = DocumentMeta(title=f"Synthetic report {doc_id}")
        docs.append(Document(doc_id, f"synthetic/{doc_id}.txt", text, meta, ""))
    by_doc = {doc.doc_id: doc.text for doc in docs}
    chunks = [Chunk(c.chunk_id, c.doc_id, c.start, c.end, by_doc[c.doc_id][c.start : c.end]) for c in chunks]
    cvecs /= np.linalg.norm(cvecs, axis=1, keepdims=True)
    return (docs, chunks, sents, cvecs, vecs[svec_ids]), [c.text for c in chunks]


def recall_sweep(dense: Any, exact: Any, queries: np.ndarray, ef_default: int) -> tuple[list[dict[str, Any]], float]:
    import faiss

    inner = faiss.downcast_index(faiss.downcast_index(dense).index)
    _, truth = exact.search(queries, 10)
    rows, at_default = [], 0.0
    for ef in sorted({*EF_SWEEP, ef_default}):
        inner.hnsw.efSearch = ef
        found, times = [], []
        for q in queries:
            t = time.perf_counter()
            found.append(dense.search(q.reshape(1, -1), 10)[1][0])
            times.append((time.perf_counter() - t) * 1000)
        recall = float(np.mean([len(set(f) & set(t)) / 10 for f, t in zip(found, truth, strict=True)]))
        rows.append({"efSearch": ef, "recall_at_10": round(recall, 4), "p50_ms": round(float(np.median(times)), 4)})
        at_default = recall if ef == ef_default else at_default
    inner.hnsw.efSearch = ef_default
    return rows, at_default


def build_synthetic(base: Any, n: int, config: Any, rng: np.random.Generator) -> tuple[dict[str, Any], list[str]]:
    """Generate, build and write the N-chunk index: its figures, and a sample of chunk texts."""
    from rag.index.store import IndexData, write_index
    from rag.stores.bm25_lexical import Bm25Index
    from rag.stores.faiss_store import FaissStore, dense_plan

    t = time.perf_counter()
    (docs, chunks, sents, cvecs, svecs), texts = synthetic(base, n, rng)
    generated = time.perf_counter() - t
    plan = dense_plan(n)
    t = time.perf_counter()
    dense = FaissStore.of(cvecs, plan)
    t_dense = time.perf_counter() - t
    bm25 = Bm25Index.of(texts)
    build_s = time.perf_counter() - t
    manifest = {**base.manifest, **plan, "counts": {"documents": len(docs), "chunks": n, "sentences": len(sents)}}
    manifest["documents"] = {}
    data = IndexData(manifest, tuple(docs), tuple(chunks), tuple(sents), cvecs, svecs, dense, bm25)
    t = time.perf_counter()
    write_index(config.index_path, data)
    figures = {
        "generate_s": round(generated, 2),
        "index_build_s": round(build_s, 2),
        "dense_build_s": round(t_dense, 2),
        "index_chunks_per_s": round(n / build_s, 1),
        "index_write_s": round(time.perf_counter() - t, 2),
    }
    return figures, texts[:256]


def scale_test(n: int, index_dir: Path, cache_dir: Path, work: Path, measure_only: bool = False) -> dict[str, Any]:
    """With `measure_only`, the index an earlier run left in WORK is loaded and measured again,
    not rebuilt (its build figures are in that run's results)."""
    import faiss

    from rag import Assistant, OnnxEmbedder, limit_threads, load_config
    from rag.embed.query import select_query_embedder
    from rag.embed.sentence_transformer import SentenceTransformerEmbedder
    from rag.index.store import load_index
    from rag.stores.faiss_store import dense_plan

    rng = np.random.default_rng(0)
    base = load_index(index_dir)
    config = load_config(Path(__file__).resolve().parent.parent, index_dir=work / "index", cache_dir=cache_dir)
    onnx = select_query_embedder(config, SentenceTransformerEmbedder(config.embed_model))  # export exists: no torch
    plan = dense_plan(n)
    built: dict[str, Any] = dict.fromkeys(("generate_s", "index_build_s", "dense_build_s", "index_chunks_per_s"))
    built["index_write_s"], sample = None, []
    if not measure_only:
        built, sample = build_synthetic(base, n, config, rng)
    del base
    gc.collect()  # measure the loaded engine, not the generator
    # As `rag` does at start (rag/runtime.py): one FAISS/BLAS thread per question; without it, spin-
    # waiting BLAS threads on this shared 2-core machine turned MMR's 40x384 product into 7 ms.
    limit_threads(config.query_thread_count)
    rss_before = memory_mb("VmRSS")
    t = time.perf_counter()
    loaded = load_index(config.index_path)
    load_index_s = time.perf_counter() - t
    assistant = Assistant(loaded, onnx, config, onnx)
    load_s = time.perf_counter() - t
    rss_loaded = memory_mb("VmRSS")
    loaded_split = {"anon_mb": round(memory_mb("RssAnon"), 1), "file_mb": round(memory_mb("RssFile"), 1)}
    cvecs, svecs = loaded.chunk_vectors, loaded.sentence_vectors
    sample = sample or [c.text for c in loaded.chunks[:256]]
    qs = questions()
    for q in qs:
        assistant.ask(q)
    times, stages = [], []
    for _ in range(5):
        for q in qs:
            t = time.perf_counter()
            stages.append(assistant.ask(q).timings_ms)
            times.append((time.perf_counter() - t) * 1000)
    rss_answered = memory_mb("VmRSS")  # the pages of the memory maps that answering touched count here
    rss_split = {"anon_mb": round(memory_mb("RssAnon"), 1), "file_mb": round(memory_mb("RssFile"), 1)}
    real_q = onnx.embed(qs)
    picks = [rng.choice(len(svecs), size=4, replace=False) for _ in range(SYNTHETIC_QUERIES)]
    noise = rng.standard_normal((SYNTHETIC_QUERIES, svecs.shape[1]))
    synth_q = np.stack([svecs[p].mean(axis=0) for p in picks]) + NOISE * noise / np.linalg.norm(noise, axis=1)[:, None]
    queries = np.ascontiguousarray(np.vstack([real_q, synth_q]), dtype=np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    exact = faiss.IndexFlatIP(cvecs.shape[1])
    exact.add(cvecs)
    bulk = OnnxEmbedder(onnx.folder, threads=os.cpu_count() or 1)  # bulk work may use every core
    t = time.perf_counter()  # last: its batch buffers stay in onnxruntime's arena and would inflate the RSS above
    for i in range(0, len(sample), BATCH):
        bulk.embed(sample[i : i + BATCH])
    per_s = len(sample) / (time.perf_counter() - t)
    sweep, recall = [], 1.0  # below the threshold the index is exact
    if plan["index_type"] == "hnsw":
        sweep, recall = recall_sweep(loaded.dense.index, exact, queries, int(plan["hnsw"]["efSearch"]))
    return {
        "chunks": n,
        "sentences": len(loaded.sentences),
        "method": METHOD,
        "measure_only": measure_only,
        "index_type": plan["index_type"],
        "hnsw": plan.get("hnsw"),
        **built,
        "index_load_s": round(load_s, 2),
        "index_load_parts_s": {"load_index": round(load_index_s, 2), "assistant": round(load_s - load_index_s, 2)},
        "embed_sample": {
            "chunks": len(sample),
            "batch": BATCH,
            "chunks_per_s": round(per_s, 1),
            "projected_100k_min": round(100_000 / per_s / 60, 1),
        },
        "query": {"p50_ms": round(float(np.median(times)), 3), "p95_ms": round(float(np.percentile(times, 95)), 3)},
        "query_p50_ms_by_round": [
            round(float(np.median(times[i : i + len(qs)])), 2) for i in range(0, len(times), len(qs))
        ],
        "stages_p50_ms": {k: round(float(np.median([s[k] for s in stages])), 3) for k in stages[0]},
        "rss_mb": round(rss_loaded, 1),
        "index_rss_mb": round(rss_loaded - rss_before, 1),
        "rss_after_load_split": loaded_split,
        "rss_before_load_mb": round(rss_before, 1),
        "rss_after_answers_mb": round(rss_answered, 1),
        "rss_after_answers_split": rss_split,  # anonymous memory, and resident pages of mapped files
        "peak_rss_mb": round(memory_mb("VmHWM"), 1),
        "recall_queries": len(queries),
        "recall_at_10": round(recall, 4),
        "ef_sweep": sweep,
    }


def write_scale(result: dict[str, Any], out: Path) -> None:
    """OUT.json and OUT.md: the figures, the machine they were measured on, and the targets."""
    from eval.bench_report import scale_markdown, scale_targets

    result = {**result, "machine": {"cpus": os.cpu_count(), "loadavg_end": [round(x, 2) for x in os.getloadavg()]}}
    result["machine"]["date_utc"] = time.strftime("%Y-%m-%d %H:%M", time.gmtime())
    result["targets"] = scale_targets(result)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    m = result["machine"]
    lines = [*scale_markdown(result), "", f"Measured {m['date_utc']} UTC on {m['cpus']} CPUs (shared; load average at "]
    lines[-1] += f"the end {m['loadavg_end']})."
    lines += ["", "| target | measured | met |", "|---|---|---|"]
    lines += [f"| {t['target']} | {t['measured']} | {'yes' if t['met'] else '**no**'} |" for t in result["targets"]]
    out.with_suffix(".md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    n, index_dir, cache_dir, work = int(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4])
    measure_only = "--measure-only" in sys.argv[5:]
    figures = scale_test(n, index_dir, cache_dir, work, measure_only)
    out = [a for a in sys.argv[5:] if a != "--measure-only"]
    if out:
        write_scale(figures, Path(out[0]))
    print(json.dumps(figures))

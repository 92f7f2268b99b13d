"""Side-by-side benchmark: our engine against LangChain, LlamaIndex and a plain
sentence-transformers + FAISS loop, on the same chunks, model and questions.

    python -m eval.bench                      # ~5 minutes on 2 cores; needs `pip install -e '.[bench]'`
    python -m eval.bench --scale 100000       # also the 100k-chunk synthetic scale test
    python -m eval.bench --no-peers           # only our own figures (no bench extra needed)

Warm latencies are measured in one process, in alternating rounds (the order rotates every round), so
the ratios compare pipelines under the same machine load. Build time and peak RSS come from one fresh
process per pipeline; cold start is the wall time of `rag ask` in a new process. Results go to
eval/bench/results.json and results.md; every target is printed as met or missed."""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from eval.bench_pipelines import PEERS, REPO, questions
from eval.bench_report import OURS, targets, write_results

OURS_TORCH = "ours (torch query path)"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def summary(ms: list[float]) -> dict[str, float]:
    return {"p50_ms": round(pct(ms, 50), 3), "p95_ms": round(pct(ms, 95), 3), "n": len(ms)}


def latencies(pipelines: dict[str, Any], qs: list[str], rounds: int) -> dict[str, list[float]]:
    """Every pipeline answers every question once per round; the order rotates between rounds."""
    for query in pipelines.values():  # warm-up: first calls allocate and JIT-tune
        for q in qs[:5]:
            query(q)
    times: dict[str, list[float]] = {name: [] for name in pipelines}
    names = list(pipelines)
    for r in range(rounds):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            query = pipelines[name]
            for q in qs:
                t = time.perf_counter()
                query(q)
                times[name].append((time.perf_counter() - t) * 1000)
    return times


def agreement(reference: Any, other: Any, qs: list[str]) -> dict[str, Any]:
    """How often `other` retrieves the same top-5 passages (in order) and the same top-1 as `reference`."""
    same5 = same1 = same_answer = 0
    for q in qs:
        a, b = reference.ask(q), other.ask(q)
        ids_a, ids_b = [p.chunk_id for p in a.passages], [p.chunk_id for p in b.passages]
        same5 += ids_a == ids_b
        same1 += ids_a[:1] == ids_b[:1]
        same_answer += a.answer == b.answer
    return {"questions": len(qs), "same_top5": same5, "same_top1": same1, "same_answer": same_answer}


# Started from a small launcher: a child's ru_maxrss includes its parent's peak at fork + exec, and
# this process is large.
LAUNCHER = """import json, os, subprocess, sys, time
t = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(proc.pid, 0)
print(json.dumps([time.perf_counter() - t, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)]))"""


def cold_start(config: Any, qs: list[str], runs: int, backend: str = "auto") -> dict[str, Any]:
    """Wall time and peak RSS of `rag ask` in a fresh process, index already built."""
    rag = Path(sys.executable).parent / "rag"
    cmd = [str(rag)] if rag.exists() else [sys.executable, "-m", "rag"]
    env = {**os.environ, "RAG_HOME": str(REPO), "RAG_INDEX_DIR": str(config.index_path)}
    env |= {"RAG_CACHE_DIR": str(config.cache_path), "RAG_QUERY_BACKEND": backend}
    walls, rss = [], []
    for i in range(runs):
        argv = [sys.executable, "-c", LAUNCHER, *cmd, "ask", qs[i % len(qs)]]
        out = subprocess.run(argv, env=env, cwd=REPO, capture_output=True, text=True, check=True).stdout
        wall, peak, code = json.loads(out.strip().splitlines()[-1])
        if code != 0:
            raise SystemExit(f"rag ask failed with exit code {code}")
        walls.append(wall)
        rss.append(peak)
    return {
        "runs": runs,
        "median_s": round(statistics.median(walls), 3),
        "max_s": round(max(walls), 3),
        "peak_rss_mb": round(max(rss), 1),
        "command": " ".join([*cmd, "ask", "QUESTION"]),
    }


def process_figures(config: Any, work: Path, names: list[str]) -> dict[str, Any]:
    """Build time and peak RSS, one fresh process per pipeline."""
    out = {}
    for name in names:
        scratch = work / f"rss-{len(out)}"
        proc = subprocess.run(
            [sys.executable, "-m", "eval.bench_pipelines", name, str(config.index_path), str(scratch)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=900,
        )
        if proc.returncode != 0:
            raise SystemExit(f"{name} worker failed:\n{proc.stderr[-2000:]}")
        out[name] = json.loads(proc.stdout.strip().splitlines()[-1])
        print(f"  {name}: {out[name]}", flush=True)
    return out


def scale_run(config: Any, n: int, work: Path) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "eval.bench_scale", str(n), str(config.index_path), str(config.cache_path)]
    proc = subprocess.run([*cmd, str(work / "scale")], cwd=REPO, capture_output=True, text=True, timeout=3600)
    if proc.returncode != 0:
        raise SystemExit(f"scale test failed:\n{proc.stderr[-3000:]}")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def reindex_one_edit(config: Any, embedder: Any, work: Path) -> dict[str, Any]:
    """Copy the corpus, index it (warm cache), edit one sentence of one document, re-index."""
    from rag import build_index, load_config
    from rag.index.store import load_index

    root = work / "edit"
    shutil.copytree(REPO / "corpus", root / "corpus")
    shutil.copytree(config.cache_path / "embeddings", root / "cache" / "embeddings")
    cfg = load_config(root, index_dir=root / "index", cache_dir=root / "cache")
    first = build_index(cfg, embedder, progress=False)
    before = load_index(cfg.index_path)
    doc = sorted((root / "corpus").glob("*.txt"))[-1]
    text = doc.read_text(encoding="utf-8")
    old = "The Action Plan outlines six core principles and 13 concrete actions"
    if old not in text:
        raise SystemExit(f"the edit target sentence is no longer in {doc.name}: update eval/bench.py")
    doc.write_text(text.replace(old, old.replace("six core", "six clearly stated core")), encoding="utf-8")
    second = build_index(cfg, embedder, progress=False)
    after = load_index(cfg.index_path)
    old_texts = {c.text for c in before.chunks} | {s.text for s in before.sentences}
    changed = [t for t in [c.text for c in after.chunks] + [s.text for s in after.sentences] if t not in old_texts]
    return {
        "edited": f"corpus/{doc.name}: one sentence",
        "first_build": {"embedded": first.embedded, "cached": first.cached},
        "texts_total": second.embedded + second.cached,
        "texts_changed": len(set(changed)),
        "embedded": second.embedded,
        "chunks_total": second.chunks,
        "chunks_changed": sum(c.text not in old_texts for c in after.chunks),
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    from rag import Assistant, OnnxEmbedder, load_config
    from rag.embed.sentence_transformer import SentenceTransformerEmbedder

    work = Path(tempfile.mkdtemp(prefix="rag-bench-"))
    results: dict[str, Any] = {"machine": machine()}
    qs = questions()
    try:
        config = load_config(REPO, index_dir=work / "index", cache_dir=work / "cache")
        print(f"== build our index in {work} (fresh cache)", flush=True)
        embedder = SentenceTransformerEmbedder(config.embed_model, batch_size=config.embed_batch_size)
        t = time.perf_counter()
        assistant = Assistant.load(config, embedder, progress=False)
        results["our_build_in_process_s"] = round(time.perf_counter() - t, 3)
        chunks = [c.text for c in assistant.data.chunks]
        results["corpus"] = {"chunks": len(chunks), "sentences": len(assistant.data.sentences), "questions": len(qs)}
        torch_path = Assistant(assistant.data, embedder, config)
        from rag.embed.query import select_query_embedder

        int8 = Assistant(
            assistant.data,
            embedder,
            config,
            select_query_embedder(config.with_overrides(query_backend="onnx-int8"), embedder),
        )
        results["agreement_vs_torch"] = {
            "onnx_fp32": agreement(torch_path, assistant, qs),
            "onnx_int8": agreement(torch_path, int8, qs),
        }
        two = OnnxEmbedder(assistant.query_embedder.folder, threads=2)
        pipelines: dict[str, Any] = {
            OURS: assistant.ask,
            "ours (ONNX, query_threads=2)": Assistant(assistant.data, embedder, config, two).ask,
            "ours (ONNX int8, option)": int8.ask,
            OURS_TORCH: torch_path.ask,
        }
        if args.peers:
            for name, make in PEERS.items():
                print(f"== build {name}", flush=True)
                pipelines[name] = make(chunks)
        for name in ("", "bm25s"):  # a peer switches logging to DEBUG
            logging.getLogger(name).setLevel(logging.WARNING)
        print(f"== warm latency: {args.rounds} alternating rounds × {len(qs)} questions", flush=True)
        times = latencies(pipelines, qs, args.rounds)
        results["warm"] = {name: summary(ms) for name, ms in times.items()}
        stages = [assistant.ask(q).timings_ms for q in qs * 3]
        results["our_stages_p50_ms"] = {k: round(pct([s[k] for s in stages], 50), 3) for k in stages[0]}
        print("== cold start: rag ask in fresh processes", flush=True)
        results["cold_start"] = cold_start(config, qs, args.cold_runs)
        results["cold_start_torch"] = cold_start(config, qs, 2, backend="torch")
        print("== re-index after editing one document", flush=True)
        results["reindex"] = reindex_one_edit(config, embedder, work)
        print("== build time and peak RSS, one fresh process per pipeline", flush=True)
        results["processes"] = process_figures(config, work, ["ours", *(PEERS if args.peers else [])])
        if args.scale:
            print(f"== scale: {args.scale:,} synthetic chunks (own process)", flush=True)
            results["scale"] = scale_run(config, args.scale, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results["machine"]["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    return results


def machine() -> dict[str, Any]:
    import faiss
    import onnxruntime
    import torch

    return {
        "date_utc": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "onnxruntime": onnxruntime.__version__,
        "faiss": faiss.__version__,
        "loadavg_start": [round(x, 2) for x in os.getloadavg()],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m eval.bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=5, help="alternating timing rounds (default 5)")
    parser.add_argument("--cold-runs", type=int, default=5, help="fresh `rag ask` processes (default 5)")
    parser.add_argument("--scale", type=int, default=0, metavar="N", help="also run the N-chunk synthetic scale test")
    parser.add_argument("--no-peers", dest="peers", action="store_false", help="skip LangChain/LlamaIndex/plain")
    parser.add_argument("--out", type=Path, default=REPO / "eval" / "bench", help="folder for results.json/.md")
    args = parser.parse_args(argv)
    from rag import limit_threads, load_config
    from rag.runtime import stay_offline

    stay_offline()
    limit_threads(load_config(REPO).query_thread_count)  # as `rag` does at start: answering is one thread
    results = run(args)
    results["targets"] = targets(results)
    write_results(results, args.out)
    for t in results["targets"]:
        print(f"{'MET ' if t['met'] else 'MISS'}  {t['target']}: {t['measured']}")
    print(f"results: {args.out / 'results.json'}, {args.out / 'results.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

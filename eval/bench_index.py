"""Index-time embedding throughput (issue 12): today's path against the ONNX path `rag index` takes,
on the same real texts, in alternating rounds in one process (the order rotates every round), so
the ratio compares the paths under the same machine load.

    python -m eval.bench_index                  # ~6 minutes on 2 cores; make bench-index
    python -m eval.bench_index --rounds 3 --budgets 1024 4096   # also other token budgets

The texts are every chunk and sentence `rag index` embeds of corpus/ and of the second corpus
(eval/suites/squad/corpus), made by the index's own functions (1,233 texts). "today" is the path
before this change: sentence-transformers over batches of 32 texts in text order, default torch
threads. "ours" is what build_index now runs: select_index_embedder (the fp32 export the questions
use, one single-threaded session shared by one worker thread per core) and embed_in_batches
(sorted by token length, batched by a token budget, order restored). The other rows take one
change at a time, to show where the speed comes from. Results go to
eval/bench/index-throughput.json and .md."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from eval.bench import machine
from eval.bench_pipelines import REPO

TODAY = "today: sentence-transformers, batches of 32 in text order"
OURS = "ours: ONNX fp32, token-budget batches, one batch per core"
CORPORA = (REPO / "corpus", REPO / "eval" / "suites" / "squad" / "corpus")


def index_texts(model: Any) -> tuple[list[str], dict[str, int]]:
    """Every chunk and sentence `rag index` would embed of the two corpora, in index order."""
    from rag import load_config
    from rag.corpus.reader import read_corpus
    from rag.index.build import index_texts as split

    texts: list[str] = []
    counts = {"chunks": 0, "sentences": 0}
    for folder in CORPORA:
        config = load_config(REPO, corpus_dir=folder)
        chunks, sentences = split(config, read_corpus(config.corpus_path, config.root), model)
        texts += [c.text for c in chunks] + [s.text for s in sentences]
        counts["chunks"] += len(chunks)
        counts["sentences"] += len(sentences)
    return texts, counts


def in_text_order(embedder: Any, texts: list[str], batch: int = 32) -> np.ndarray:
    """The loop build_index ran before: fixed batches, in the order of the texts."""
    return np.concatenate([embedder.embed(texts[i : i + batch]) for i in range(0, len(texts), batch)])


def paths(config: Any, model: Any, budgets: list[int]) -> dict[str, Callable[[list[str]], np.ndarray]]:
    from rag.embed.batching import embed_in_batches
    from rag.embed.index_backend import select_index_embedder
    from rag.embed.onnx import OnnxEmbedder

    chosen = select_index_embedder(config, model, print)
    if chosen.backend != "onnx":
        raise SystemExit("the ONNX export is not available here: nothing to compare")
    ours, workers = chosen.embedder, chosen.workers
    spread = OnnxEmbedder(ours.folder, threads=workers)  # type: ignore[attr-defined]
    runs: dict[str, Callable[[list[str]], np.ndarray]] = {
        TODAY: lambda t: in_text_order(model, t),
        OURS: lambda t: embed_in_batches(ours, t, workers=workers),
        "sentence-transformers, token-budget batches": lambda t: embed_in_batches(model, t),
        "ONNX fp32, 1 thread, batches of 32 in text order": lambda t: in_text_order(ours, t),
        "ONNX fp32, 1 thread, token-budget batches": lambda t: embed_in_batches(ours, t),
        f"ONNX fp32, one session on {workers} threads, token-budget batches": lambda t: embed_in_batches(spread, t),
    }
    for b in budgets:
        runs[f"ours, budget {b} tokens"] = lambda t, b=b: embed_in_batches(ours, t, token_budget=b, workers=workers)
    return runs


def measure(runs: dict[str, Callable[[list[str]], np.ndarray]], texts: list[str], rounds: int) -> dict[str, Any]:
    reference = runs[TODAY](texts)  # also the warm-up of sentence-transformers
    cosine = {}
    for name, run in runs.items():
        cosine[name] = float(np.min(np.sum(run(texts) * reference, axis=1)))  # warm-up, then agreement
    rates: dict[str, list[float]] = {name: [] for name in runs}
    names = list(runs)
    for r in range(rounds):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            started = time.perf_counter()
            runs[name](texts)
            rates[name].append(len(texts) / (time.perf_counter() - started))
        print(f"round {r + 1}/{rounds}: " + ", ".join(f"{v[-1]:.0f}" for v in rates.values()), flush=True)
    base = statistics.median(rates[TODAY])
    return {
        name: {
            "texts_per_s": [round(x, 1) for x in rates[name]],
            "median_texts_per_s": round(statistics.median(rates[name]), 1),
            "ratio_to_today": round(statistics.median(rates[name]) / base, 2),
            "min_cosine_to_today": round(cosine[name], 8),
        }
        for name in runs
    }


def write(results: dict[str, Any], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    m = results["machine"]
    lines = [
        f"Index-time embedding throughput (`python -m eval.bench_index`), {m['date_utc']} UTC, {m['cpus']} cores, "
        f"load average {m['loadavg_start']} at start and {results['loadavg_end']} at the end",
        "",
        f"{results['texts']} texts ({results['counts']['chunks']} chunks, {results['counts']['sentences']} "
        f"sentences of corpus/ and eval/suites/squad/corpus), {results['tokens']} tokens; "
        f"{results['rounds']} alternating rounds",
        "",
        "| path | texts/s, median | each round | ratio to today | min cosine to today |",
        "|---|---:|---|---:|---:|",
    ]
    for name, r in results["paths"].items():
        each = ", ".join(f"{x:.0f}" for x in r["texts_per_s"])
        lines.append(
            f"| {name} | {r['median_texts_per_s']:.1f} | {each} | {r['ratio_to_today']:.2f}x | "
            f"{r['min_cosine_to_today']:.8f} |"
        )
    out.with_suffix(".md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m eval.bench_index", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=5, help="alternating timing rounds (default 5)")
    parser.add_argument("--budgets", type=int, nargs="*", default=[], help="extra token budgets to time")
    parser.add_argument("--out", type=Path, default=REPO / "eval" / "bench" / "index-throughput")
    args = parser.parse_args(argv)
    from rag import load_config
    from rag.embed.batching import token_lengths
    from rag.embed.sentence_transformer import SentenceTransformerEmbedder
    from rag.runtime import limit_threads, stay_offline

    stay_offline()
    config = load_config(REPO)
    limit_threads(config.query_thread_count)  # as `rag index` does at start
    model = SentenceTransformerEmbedder(config.embed_model, batch_size=config.embed_batch_size)
    texts, counts = index_texts(model)
    results: dict[str, Any] = {"machine": machine(), "texts": len(texts), "counts": counts, "rounds": args.rounds}
    results["tokens"] = sum(token_lengths(model, texts))
    results["index_threads"] = config.index_thread_count
    results["paths"] = measure(paths(config, model, args.budgets), texts, args.rounds)
    results["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    write(results, args.out)
    ours = results["paths"][OURS]
    rate, ratio, cosine = ours["median_texts_per_s"], ours["ratio_to_today"], ours["min_cosine_to_today"]
    print(f"ours {rate} texts/s, {ratio}x today, min cosine {cosine}")
    print(f"results: {args.out.with_suffix('.json')}, {args.out.with_suffix('.md')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

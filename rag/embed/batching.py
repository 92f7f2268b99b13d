"""Embedding many texts at index time: texts sorted by token length and cut into batches by a
token budget, so a batch pads little (a 12-token sentence never waits beside a 160-token chunk),
then the vectors put back in the texts' order.

A batch costs about (texts × its longest text) tokens of work: padding counts in full."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from rag.protocols import Embedder

# Padded tokens per batch. Budgets of 8,192 and 16,384 were slower with onnxruntime on the 2-core
# benchmark machine than 4,096, and 1,024-4,096 did not differ clearly: eval/bench/index-throughput.md.
TOKEN_BUDGET = 2048
# The most texts in one batch, however short, so that a batch's arrays stay small whatever the texts.
MAX_BATCH = 256
SPECIAL_TOKENS = 2  # [CLS] and [SEP], which count_tokens leaves out


@dataclass(frozen=True)
class BatchPlan:
    """Batches of text positions, longest texts first; every position appears exactly once."""

    batches: tuple[tuple[int, ...], ...]
    padded_tokens: int  # what the batches cost, padding included

    @property
    def size(self) -> int:
        return sum(len(b) for b in self.batches)


def plan_batches(lengths: Sequence[int], token_budget: int = TOKEN_BUDGET, max_batch: int = MAX_BATCH) -> BatchPlan:
    """Greedy batches over the texts sorted by length (longest first, ties in text order): a batch
    grows while (texts + 1) × its longest stays within the budget. A text longer than the budget
    gets a batch of its own."""
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    batches: list[tuple[int, ...]] = []
    cost = 0
    start = 0
    while start < len(order):
        longest = max(1, lengths[order[start]])
        n = max(1, min(max_batch, token_budget // longest, len(order) - start))
        batches.append(tuple(order[start : start + n]))
        cost += n * longest
        start += n
    return BatchPlan(tuple(batches), cost)


def token_lengths(embedder: Embedder, texts: Sequence[str]) -> list[int]:
    """What the model reads of each text: its tokens plus the special ones, cut at its limit."""
    limit = embedder.max_tokens
    lengths = [embedder.count_tokens(t) + SPECIAL_TOKENS for t in texts]
    return [min(n, limit) for n in lengths] if limit else lengths


def embed_in_batches(
    embedder: Embedder,
    texts: Sequence[str],
    progress: bool = False,
    token_budget: int = TOKEN_BUDGET,
    workers: int = 1,
) -> np.ndarray:
    """One L2-normalised row per text, in the order of `texts`, with a tqdm bar on stderr.
    `workers` > 1 embeds that many batches at once from threads, for an embedder whose embed is
    thread-safe and releases the GIL (the ONNX one): on a shared machine a busy core then slows one
    batch, where one session spread over both cores waits for the slower core at every operator."""
    from concurrent.futures import ThreadPoolExecutor

    from tqdm import tqdm

    out = np.zeros((len(texts), embedder.dimension), dtype=np.float32)
    if not texts:
        return out
    plan = plan_batches(token_lengths(embedder, texts), token_budget)

    def run(batch: tuple[int, ...]) -> tuple[tuple[int, ...], np.ndarray]:
        return batch, embedder.embed([texts[i] for i in batch])

    with (
        tqdm(total=len(texts), desc="Embedding", unit="text", disable=not progress, file=sys.stderr) as bar,
        ThreadPoolExecutor(max(1, workers), thread_name_prefix="embed") as pool,
    ):
        for batch, vectors in pool.map(run, plan.batches):
            out[list(batch)] = vectors
            bar.update(len(batch))
    return out

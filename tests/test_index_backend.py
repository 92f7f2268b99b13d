"""Index-time embedding with the model-free embedder: token-budget batches restore the texts'
order, pad little, and choosing the backend never makes an index stale (no model needed)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from rag import Assistant, ConfigError, HashingEmbedder, load_config
from rag.embed.batching import SPECIAL_TOKENS, embed_in_batches, plan_batches, token_lengths
from rag.embed.index_backend import select_index_embedder
from rag.index.build import build_index
from rag.index.live import staleness

WORDS = [
    "the",
    "plan",
    "lists",
    "actions",
    "for",
    "open",
    "governance",
    "capacity",
    "building",
    "global",
    "south",
    "critics",
]


class Recording(HashingEmbedder):
    """The hashing embedder, remembering every batch it was given."""

    def __init__(self) -> None:
        super().__init__(64)
        self.batches: list[list[str]] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.batches.append(list(texts))
        return super().embed(texts)


def _texts(n: int, seed: int = 0) -> list[str]:
    rng = np.random.default_rng(seed)
    return [" ".join(rng.choice(WORDS, size=int(rng.integers(1, 120)))) + f" n{i}" for i in range(n)]


@pytest.mark.parametrize("budget", [1, 50, 512, 4096])
def test_every_text_is_planned_once_within_the_budget(budget: int) -> None:
    lengths = [int(x) for x in np.random.default_rng(1).integers(1, 200, size=300)]
    plan = plan_batches(lengths, token_budget=budget, max_batch=64)
    assert sorted(i for b in plan.batches for i in b) == list(range(300)) and plan.size == 300
    for batch in plan.batches:
        longest = max(lengths[i] for i in batch)
        assert len(batch) == 1 or len(batch) * longest <= budget
        assert len(batch) <= 64
    flat = [lengths[i] for b in plan.batches for i in b]
    assert flat == sorted(flat, reverse=True)  # longest first: each batch holds neighbours in length
    assert plan.padded_tokens == sum(len(b) * max(lengths[i] for i in b) for b in plan.batches)


def test_sorted_batches_pad_far_less_than_batches_in_text_order() -> None:
    lengths = [int(x) for x in np.random.default_rng(2).integers(5, 160, size=1000)]
    in_order = sum(32 * max(lengths[i : i + 32]) for i in range(0, 1000, 32))
    assert plan_batches(lengths).padded_tokens < 0.7 * in_order


@pytest.mark.parametrize("workers", [1, 3])
def test_vectors_come_back_in_the_order_of_the_texts(workers: int) -> None:
    texts = _texts(200)
    recording = Recording()
    vectors = embed_in_batches(recording, texts, token_budget=256, workers=workers)
    np.testing.assert_array_equal(vectors, HashingEmbedder(64).embed(texts))
    assert len(recording.batches) > 1 and sorted(t for b in recording.batches for t in b) == sorted(texts)
    assert embed_in_batches(recording, []).shape == (0, 64)


def test_token_lengths_count_the_special_tokens_and_stop_at_the_model_limit() -> None:
    embedder = HashingEmbedder(64)
    embedder.max_seq_length = 10
    assert token_lengths(embedder, ["one two three", " ".join(["w"] * 50)]) == [3 + SPECIAL_TOKENS, 10]


def test_index_backend_is_validated_and_read_from_the_environment(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ConfigError, match="index_backend='onnx-int8' is invalid: use one of auto, onnx, torch"):
        load_config(project, index_backend="onnx-int8")
    with pytest.raises(ConfigError, match="index_threads=-2"):
        load_config(project, index_threads=-2)
    monkeypatch.setenv("RAG_INDEX_BACKEND", "torch")
    assert load_config(project).index_backend == "torch"


def test_index_threads_default_to_every_core(config, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("os.cpu_count", lambda: 6)
    assert config.index_thread_count == 6
    assert config.with_overrides(index_threads=1).index_thread_count == 1


def test_a_model_free_embedder_indexes_itself_and_onnx_refuses_it(config) -> None:  # type: ignore[no-untyped-def]
    embedder = HashingEmbedder(256)
    for backend in ("auto", "torch"):
        chosen = select_index_embedder(config.with_overrides(index_backend=backend), embedder)
        assert chosen.embedder is embedder and chosen.backend == "torch" and chosen.workers == 1
    with pytest.raises(ConfigError, match="index_backend='onnx' needs a sentence-transformers model"):
        select_index_embedder(config.with_overrides(index_backend="onnx"), embedder)
    with pytest.raises(ConfigError, match="index_backend='onnx'"):
        build_index(config.with_overrides(index_backend="onnx"), embedder, progress=False)


def test_the_manifest_records_the_backend_without_making_the_index_stale(config) -> None:  # type: ignore[no-untyped-def]
    embedder = HashingEmbedder(256)
    first = Assistant.load(config, embedder, progress=False)
    assert first.data.manifest["embed_backend"] == "torch"
    assert first.data.manifest["model_id"] == "hashing-256"
    assert staleness(config.with_overrides(index_backend="onnx"), embedder, first.data.manifest) == ""
    again = Assistant.load(config, embedder, build="always", progress=False)
    assert again.data.manifest["embed_backend"] == "cache"  # nothing left to embed
    np.testing.assert_array_equal(np.asarray(again.data.chunk_vectors[:]), np.asarray(first.data.chunk_vectors[:]))


def test_the_progress_bar_counts_every_text(capsys: pytest.CaptureFixture[str]) -> None:
    embed_in_batches(HashingEmbedder(64), _texts(150), progress=True, token_budget=256, workers=2)
    err = capsys.readouterr().err
    assert "Embedding: 100%" in err and "150/150" in err

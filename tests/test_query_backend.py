"""Choosing how questions are embedded, and the numpy pooling of the ONNX path (no model needed)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from rag import Assistant, ConfigError, HashingEmbedder, OnnxEmbedder, load_config
from rag.embed.onnx import META_FILE
from rag.embed.query import model_fingerprint, select_query_embedder


def test_unknown_backend_is_a_config_error(project: Path) -> None:
    with pytest.raises(ConfigError, match="query_backend='gpu'"):
        load_config(project, query_backend="gpu")


def test_auto_keeps_a_model_free_embedder_and_onnx_refuses_it(config) -> None:  # type: ignore[no-untyped-def]
    embedder = HashingEmbedder(256)
    assert select_query_embedder(config, embedder) is embedder
    assert select_query_embedder(config.with_overrides(query_backend="torch"), embedder) is embedder
    with pytest.raises(ConfigError, match="needs a sentence-transformers model"):
        select_query_embedder(config.with_overrides(query_backend="onnx"), embedder)


def test_assistant_without_export_embeds_questions_with_its_embedder(assistant: Assistant) -> None:
    assert assistant.query_embedder is assistant.embedder


def _embedder(tmp_path: Path, pooling: str) -> OnnxEmbedder:
    meta = {"model_id": "m", "max_seq_length": 8, "dimension": 2, "pooling": pooling, "inputs": ["input_ids"]}
    (tmp_path / META_FILE).write_text(json.dumps(meta), encoding="utf-8")
    return OnnxEmbedder(tmp_path)  # lazy: no session is opened for pooling


# token vectors of one text: [3, 4] and [1, 0], then a padding position that must be ignored
TOKENS = np.array([[[3.0, 4.0], [1.0, 0.0], [100.0, -100.0]]], dtype=np.float32)
MASK = np.array([[1, 1, 0]])


@pytest.mark.parametrize(
    ("pooling", "expected"),
    [
        ("mean", [2.0 / np.hypot(2, 2), 2.0 / np.hypot(2, 2)]),  # mean [2, 2]
        ("cls", [0.6, 0.8]),  # first token [3, 4]
        ("max", [0.6, 0.8]),  # element-wise max [3, 4]
    ],
)
def test_pooling_ignores_padding_and_normalises(tmp_path: Path, pooling: str, expected: list[float]) -> None:
    pooled = _embedder(tmp_path, pooling)._pool(TOKENS, MASK)
    np.testing.assert_allclose(pooled[0], expected, rtol=1e-6)


def test_model_fingerprint_changes_with_any_model_file(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text('{"a": 1}')
    (tmp_path / "weights.bin").write_bytes(b"\0" * 10)
    before = model_fingerprint(tmp_path)
    (tmp_path / "config.json").write_text('{"a": 2}')
    assert model_fingerprint(tmp_path) != before
    (tmp_path / "config.json").write_text('{"a": 1}')
    assert model_fingerprint(tmp_path) == before
    (tmp_path / "weights.bin").write_bytes(b"\0" * 11)
    assert model_fingerprint(tmp_path) != before


def test_query_threads_auto_uses_two_only_with_cores_to_spare(config, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert config.query_thread_count == 1
    monkeypatch.setattr("os.cpu_count", lambda: 8)
    assert config.query_thread_count == 2
    assert config.with_overrides(query_threads=3).query_thread_count == 3
    with pytest.raises(ConfigError, match="query_threads=-1"):
        config.with_overrides(query_threads=-1)


def test_prune_exports_keeps_the_live_export_and_other_models(tmp_path: Path) -> None:
    from rag.embed.query import prune_exports

    old, live, other = "m-v2-" + "a" * 16, "m-v2-" + "b" * 16, "m-v2-tuned-" + "c" * 16
    for name in (old, live, other, ".tmp-young"):
        (tmp_path / name).mkdir()
    prune_exports(tmp_path / live)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([".tmp-young", live, other])

"""The torch-free query path on the real model and corpus: the ONNX export must agree with
sentence-transformers (the reference) closely enough that retrieval does not change, and a cold
`rag ask` must not import torch, sentence-transformers or gradio."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rag import Assistant, ModelError, OnnxEmbedder, load_config
from rag.embed.index_backend import select_index_embedder
from rag.embed.onnx import META_FILE
from rag.embed.query import onnx_folder, select_query_embedder
from rag.index.live import staleness
from tests.conftest import REPO

pytestmark = pytest.mark.integration

QUESTIONS = [
    line.strip()
    for line in (REPO / "eval" / "bench" / "questions.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]
HEAVY = ("torch", "sentence_transformers", "gradio", "transformers")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    root = tmp_path_factory.mktemp("onnx")
    config = load_config(REPO, index_dir=root / "index", cache_dir=root / "cache")
    return Assistant.load(config, progress=False)


def test_questions_use_the_onnx_export_written_at_index_time(built: Assistant) -> None:
    assert isinstance(built.query_embedder, OnnxEmbedder)
    assert built.query_embedder.folder.parent == built.config.cache_path / "onnx"
    assert built.query_embedder.model_id == built.embedder.model_id


def test_onnx_embeddings_match_sentence_transformers_on_the_corpus(built: Assistant) -> None:
    texts = [c.text for c in built.data.chunks] + [s.text for s in built.data.sentences] + QUESTIONS
    reference = built.embedder.embed(texts)
    onnx = built.query_embedder.embed(texts)
    assert onnx.shape == reference.shape
    np.testing.assert_allclose(np.linalg.norm(onnx, axis=1), 1.0, atol=1e-5)
    cosine = np.sum(onnx * reference, axis=1)
    assert cosine.min() >= 0.9999, texts[int(np.argmin(cosine))]


def _stored(assistant: Assistant) -> tuple[list[str], np.ndarray]:
    data = assistant.data
    texts = [c.text for c in data.chunks] + [s.text for s in data.sentences]
    return texts, np.vstack([np.asarray(data.chunk_vectors[:]), np.asarray(data.sentence_vectors[:])])


def test_index_vectors_come_from_the_onnx_export_and_match_sentence_transformers(built: Assistant) -> None:
    """Every stored chunk and sentence vector, embedded through the export in token-budget batches,
    is sentence-transformers' own vector of that text (issue 12)."""
    assert built.data.manifest["embed_backend"] == "onnx"
    assert built.data.manifest["model_id"] == built.embedder.model_id
    texts, stored = _stored(built)
    cosine = np.sum(stored * built.embedder.embed(texts), axis=1)
    assert len(texts) > 100 and cosine.min() >= 0.9999, texts[int(np.argmin(cosine))]


def test_an_index_built_with_torch_is_interchangeable(built: Assistant, tmp_path: Path) -> None:
    torch_config = built.config.with_overrides(
        index_backend="torch", query_backend="torch", index_dir=tmp_path / "index", cache_dir=tmp_path / "cache"
    )
    by_torch = Assistant.load(torch_config, built.embedder, progress=False)
    assert by_torch.data.manifest["embed_backend"] == "torch"
    assert not staleness(built.config, built.embedder, by_torch.data.manifest)  # no rebuild either way
    assert not staleness(torch_config, built.embedder, built.data.manifest)
    texts, onnx_vectors = _stored(built)
    assert _stored(by_torch)[0] == texts
    assert np.sum(_stored(by_torch)[1] * onnx_vectors, axis=1).min() >= 0.9999


def test_onnx_and_torch_questions_retrieve_the_same_top5(built: Assistant) -> None:
    torch_path = Assistant(built.data, built.embedder, built.config)  # questions through sentence-transformers
    assert len(QUESTIONS) >= 20
    for question in QUESTIONS:
        fast, ref = built.ask(question), torch_path.ask(question)
        assert [p.chunk_id for p in fast.passages] == [p.chunk_id for p in ref.passages], question
        assert fast.abstained == ref.abstained, question


def test_damaged_export_is_refused_and_auto_falls_back(built: Assistant, tmp_path: Path) -> None:
    config = built.config.with_overrides(cache_dir=tmp_path / "cache")
    folder, _ = onnx_folder(config.cache_path, built.embedder)  # type: ignore[arg-type]
    shutil.copytree(built.query_embedder.folder, folder)  # type: ignore[attr-defined]
    meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
    meta["probe"]["vector"] = [-x for x in meta["probe"]["vector"]]
    (folder / META_FILE).write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelError, match="drifted"):
        OnnxEmbedder(folder).check()
    messages: list[str] = []
    assert select_query_embedder(config, built.embedder, messages.append) is built.embedder
    assert any("drifted" in m for m in messages)
    with pytest.raises(ModelError):
        select_query_embedder(config.with_overrides(query_backend="onnx"), built.embedder)
    messages.clear()
    chosen = select_index_embedder(config, built.embedder, messages.append)  # index time: the same rule
    assert chosen.embedder is built.embedder and chosen.backend == "torch"
    assert any(m.startswith("Indexing with sentence-transformers") and "drifted" in m for m in messages)
    with pytest.raises(ModelError, match="drifted"):
        select_index_embedder(config.with_overrides(index_backend="onnx"), built.embedder)


def test_int8_option_is_close_but_not_the_default(built: Assistant) -> None:
    int8 = select_query_embedder(built.config.with_overrides(query_backend="onnx-int8"), built.embedder)
    assert isinstance(int8, OnnxEmbedder) and int8.variant == "int8"
    cosine = np.sum(int8.embed(QUESTIONS) * built.embedder.embed(QUESTIONS), axis=1)
    assert cosine.min() > 0.98  # close, yet far looser than fp32: eval/bench.py reports its top-5 agreement
    assert built.query_embedder.variant == "fp32"  # type: ignore[attr-defined]


def test_cold_cli_answer_imports_no_torch_sentence_transformers_or_gradio(built: Assistant) -> None:
    code = (
        "import json, sys\n"
        "from rag.cli import main\n"
        f"rc = main(['ask', '--json', {QUESTIONS[0]!r}])\n"
        f"print(json.dumps({{'rc': rc, 'heavy': sorted(m for m in {HEAVY!r} if m in sys.modules)}}), file=sys.stderr)\n"
    )
    env = {
        **os.environ,
        "RAG_HOME": str(REPO),
        "RAG_INDEX_DIR": str(built.config.index_path),
        "RAG_CACHE_DIR": str(built.config.cache_path),
    }
    for name in ("RAG_EMBED_MODEL", "RAG_QUERY_BACKEND", "RAG_CONFIG"):
        env.pop(name, None)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=REPO, timeout=120)
    report = json.loads(out.stderr.strip().splitlines()[-1])
    assert report == {"rc": 0, "heavy": []}, out.stderr
    answer = json.loads(out.stdout)
    assert answer["citations"] and not answer["abstained"]


def test_parallel_questions_get_the_answers_sequential_ones_get(built: Assistant) -> None:
    """No process-wide lock around answering (issue 12): questions from eight threads at once, on
    the ONNX path with one shared session and tokenizer, answer exactly as one at a time."""
    from concurrent.futures import ThreadPoolExecutor

    def key(question: str):  # type: ignore[no-untyped-def]
        a = built.ask(question)
        return a.answer, a.confidence, [(c.doc_id, c.start, c.end) for c in a.citations], a.retrieval_query

    questions = QUESTIONS * 3
    sequential = [key(q) for q in questions]
    with ThreadPoolExecutor(8) as pool:
        parallel = list(pool.map(key, questions))
    assert parallel == sequential
    texts = [q for q in QUESTIONS for _ in range(4)]
    with ThreadPoolExecutor(8) as pool:  # the sentence-transformers embedder serialises its encodes
        vectors = list(pool.map(lambda t: built.embedder.embed([t])[0], texts))
    assert np.allclose(np.stack(vectors), built.embedder.embed(texts), atol=1e-5)

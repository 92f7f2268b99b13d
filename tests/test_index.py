import json
from pathlib import Path

import numpy as np
import pytest

from rag import Assistant, HashingEmbedder
from rag.errors import IndexCorruptError, IndexMissingError
from rag.index.store import current_build, load_index


def test_index_round_trip_and_manifest(assistant: Assistant) -> None:
    m = assistant.data.manifest
    assert m["schema_version"] == 2
    assert m["model_id"] == "hashing-256" and m["dimension"] == 256
    assert m["chunk_tokens"] == 24 and m["chunk_overlap"] == 4
    assert set(m["documents"]) == {"plan", "notes"}
    assert all(len(f["sha256"]) == 64 for f in m["files"].values())
    assert not list(assistant.data.path.rglob("*.pkl"))


def test_missing_index_is_reported_when_building_is_off(config) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(IndexMissingError, match="rag index"):
        Assistant.load(config, HashingEmbedder(256), build="never")


def test_damaged_file_is_detected_and_rebuilt(assistant: Assistant, config) -> None:  # type: ignore[no-untyped-def]
    build = current_build(config.index_path)
    faiss_file = build / "dense.faiss"
    faiss_file.write_bytes(faiss_file.read_bytes()[:100])
    with pytest.raises(IndexCorruptError, match="damaged"):
        load_index(config.index_path)
    messages: list[str] = []
    again = Assistant.load(config, HashingEmbedder(256), progress=False, on_message=messages.append)
    assert again.ask("When was the plan released?").citations
    assert messages[0].startswith("Building the index")


def test_invalid_manifest_is_corrupt(assistant: Assistant, config) -> None:  # type: ignore[no-untyped-def]
    (current_build(config.index_path) / "manifest.json").write_text("{")
    with pytest.raises(IndexCorruptError, match="manifest"):
        load_index(config.index_path)


def test_schema_mismatch_is_corrupt(assistant: Assistant, config) -> None:  # type: ignore[no-untyped-def]
    path = current_build(config.index_path) / "manifest.json"
    manifest = json.loads(path.read_text())
    path.write_text(json.dumps({**manifest, "schema_version": 99}))
    with pytest.raises(IndexCorruptError, match="schema"):
        load_index(config.index_path)


def test_edit_makes_index_stale_and_reembeds_only_changed_texts(assistant: Assistant, config) -> None:  # type: ignore[no-untyped-def]
    notes = config.corpus_path / "notes.md"
    notes.write_text(notes.read_text() + "\nA brand new closing sentence about data sets.\n")
    embedder = HashingEmbedder(256)
    messages: list[str] = []
    fresh = Assistant.load(config, embedder, progress=False, on_message=messages.append)
    assert "corpus changed" in messages[0]
    total = len(fresh.data.chunks) + len(fresh.data.sentences)
    assert 0 < embedder.calls < total / 2
    assert any("data sets" in s.text for s in fresh.data.sentences)


def test_model_change_makes_index_stale(assistant: Assistant, config) -> None:  # type: ignore[no-untyped-def]
    messages: list[str] = []
    other = Assistant.load(config, HashingEmbedder(128), progress=False, on_message=messages.append)
    assert "model_id changed" in messages[0]
    assert other.data.manifest["dimension"] == 128


def test_new_table_rules_make_an_index_stale(assistant: Assistant, config, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import rag.index.build as build

    monkeypatch.setattr(build, "TABLE_RULES", build.TABLE_RULES + 1)  # as a release that changes the tables
    messages: list[str] = []
    Assistant.load(config, HashingEmbedder(256), progress=False, on_message=messages.append)
    assert "table_rules changed" in messages[0]


def test_new_sentence_rules_make_an_index_stale(assistant: Assistant, config, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import rag.index.build as build

    monkeypatch.setattr(build, "SENTENCE_RULES", build.SENTENCE_RULES + 1)  # as a release that moves spans
    messages: list[str] = []
    Assistant.load(config, HashingEmbedder(256), progress=False, on_message=messages.append)
    assert "sentence_rules changed" in messages[0]


def test_new_token_rules_make_an_index_stale(assistant: Assistant, config, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import rag.index.build as build

    monkeypatch.setattr(build, "TOKEN_RULES", build.TOKEN_RULES + 1)  # as a release whose BM25 tokens differ
    messages: list[str] = []
    Assistant.load(config, HashingEmbedder(256), progress=False, on_message=messages.append)
    assert "token_rules changed" in messages[0]


def test_previous_build_survives_and_old_ones_are_pruned(assistant: Assistant, config) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        Assistant.load(config, HashingEmbedder(256), build="always", progress=False)
    builds = [p for p in (config.index_path / "builds").iterdir() if p.is_dir()]
    assert len(builds) == 2


def test_chunks_out_of_step_with_vectors_are_detected(assistant: Assistant, config) -> None:  # type: ignore[no-untyped-def]
    build = current_build(config.index_path)
    rows = np.load(build / "chunks.npy")
    np.save(build / "chunks.npy", rows[:-1])
    with pytest.raises(IndexCorruptError):
        load_index(config.index_path, verify=False)


def test_index_folder_has_no_leftover_temp_dirs(assistant: Assistant, config) -> None:  # type: ignore[no-untyped-def]
    assert not [p for p in (config.index_path / "builds").iterdir() if p.name.startswith(".tmp")]
    assert Path(config.index_path / "CURRENT").read_text().strip() == assistant.data.path.name


def test_corpus_edit_while_running_is_picked_up_before_answering(assistant: Assistant, config) -> None:  # type: ignore[no-untyped-def]
    plan = config.corpus_path / "plan.txt"
    assistant.live.FRESHNESS_INTERVAL_S = 0.0  # look at the corpus on every question (default: once a second)
    plan.write_text(plan.read_text().replace("July 26, 2025", "August 1, 2025"))
    answer = assistant.ask("When was the Action Plan released?")  # no explicit refresh: ask() notices
    assert any("August 1, 2025" in c.quote for c in answer.citations)
    for c in answer.citations:
        assert (config.root / c.source).read_text()[c.start : c.end] == c.quote


def test_missing_manifest_and_dimension_mismatch_are_corrupt(assistant: Assistant, config) -> None:  # type: ignore[no-untyped-def]
    build = current_build(config.index_path)
    manifest = json.loads((build / "manifest.json").read_text())
    (build / "manifest.json").write_text(json.dumps({**manifest, "dimension": 128}))
    with pytest.raises(IndexCorruptError, match="dimension"):
        load_index(config.index_path, verify=False)
    (build / "manifest.json").unlink()
    with pytest.raises(IndexCorruptError, match="manifest"):
        load_index(config.index_path)

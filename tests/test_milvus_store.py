"""The Milvus vector store on Milvus Lite (a local file): the same search as FAISS flat, versioned
collections, and one-line errors for a bad URI, a missing collection or a file in use."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import rag
from rag import Assistant, HashingEmbedder, Turn
from rag.config import Config
from rag.errors import ConfigError, IndexCorruptError, VectorStoreError
from rag.evaluation.gold import load_gold
from rag.index.store import current_build, load_index
from rag.stores.faiss_store import FaissStore
from rag.stores.milvus_store import MilvusStore, _client, _clients, collection_prefix
from tests.conftest import REPO

QUESTIONS = [
    "When was the plan released?",
    "How many actions does the plan list?",
    "What does the plan say about open source?",
    "What do critics doubt?",
    "What did the White House issue?",
    "What is the capital of Australia?",
]


def _vectors(n: int, dim: int = 16, seed: int = 0) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _milvus(config: Config, **overrides: Any) -> Config:
    return config.with_overrides(
        vector_store="milvus", index_dir=config.index_path.parent / "milvus-index", **overrides
    )


def _collections(config: Config) -> set[str]:
    client = _client(config.milvus_address)
    return {c for c in client.list_collections() if c.startswith(collection_prefix(config.index_path))}


def _comparable(answer: rag.Answer) -> dict[str, Any]:
    out = answer.to_dict()
    out.pop("timings_ms")
    return out


def test_the_store_round_trips_and_finds_what_faiss_flat_finds(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    vectors = _vectors(300)
    store = MilvusStore.of(vectors[:250], str(index_dir / "milvus.db"), index_dir)
    store.add(vectors[250:])  # ids continue from the count
    assert isinstance(store, rag.VectorStore) and store.count() == 300
    assert store.search(vectors[260], 1)[0][0] == 260
    exact = FaissStore.of(vectors)
    for q in _vectors(20, seed=1):
        got, want = store.search(q, 10), exact.search(q, 10)
        assert [i for i, _ in got] == [i for i, _ in want]
        assert np.allclose([s for _, s in got], [s for _, s in want], atol=1e-5)
    folder = index_dir / "builds" / "b1"
    folder.mkdir(parents=True)
    store.save(folder)
    assert json.loads((folder / "milvus.json").read_text())["uri"] == "milvus.db"  # relative: the folder may move
    loaded = MilvusStore.load(folder)
    assert loaded.count() == 300 and loaded.search(vectors[7], 5) == store.search(vectors[7], 5)
    assert store.search(vectors[0], 0) == []


def test_an_assistant_on_milvus_answers_exactly_as_on_faiss(assistant: Assistant, config: Config) -> None:
    milvus = Assistant.load(_milvus(config), HashingEmbedder(256), progress=False)
    assert isinstance(milvus.data.dense, MilvusStore) and milvus.data.manifest["vector_store"] == "milvus"
    assert milvus.data.manifest["milvus"]["collection"] in _collections(_milvus(config))
    for question in QUESTIONS:
        want, got = assistant.ask(question), milvus.ask(question)
        assert _comparable(got) == _comparable(want), question
    first = milvus.ask(QUESTIONS[0])
    follow = [Turn(first.question, first.answer)]
    assert _comparable(milvus.ask("and where?", history=follow)) == _comparable(assistant.ask("and where?", follow))
    assert any(not assistant.ask(q).abstained for q in QUESTIONS) and assistant.ask(QUESTIONS[-1]).abstained


def test_settings_come_from_the_environment_and_are_checked(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAG_VECTOR_STORE", "milvus")
    monkeypatch.setenv("RAG_MILVUS_URI", "http://milvus.internal:19530")
    config = rag.load_config(project)
    assert (config.vector_store, config.milvus_address) == ("milvus", "http://milvus.internal:19530")
    monkeypatch.setenv("RAG_MILVUS_URI", "data/vectors.db")
    assert rag.load_config(project).milvus_address == str(project / "data" / "vectors.db")
    monkeypatch.delenv("RAG_MILVUS_URI")
    assert rag.load_config(project).milvus_address == str(project / ".rag" / "index" / "milvus.db")
    for bad in ({"vector_store": "chroma"}, {"milvus_uri": "milvus.internal"}, {"milvus_uri": "http://u:pw@h:19530"}):
        with pytest.raises(ConfigError, match=f"setting {next(iter(bad))}="):
            rag.load_config(project, **bad)


def test_an_unreachable_server_is_one_clear_error(config: Config, capfd: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    bad = _milvus(config, milvus_uri=f"http://127.0.0.1:{port}")
    with pytest.raises(VectorStoreError, match=rf"cannot use Milvus at http://127.0.0.1:{port} .*RAG_MILVUS_URI"):
        Assistant.load(bad, HashingEmbedder(256), progress=False)
    assert capfd.readouterr() == ("", "")  # no log lines or tracebacks besides the error itself


def test_a_missing_or_changed_collection_is_detected_and_rebuilt(config: Config) -> None:
    milvus = _milvus(config)
    first = Assistant.load(milvus, HashingEmbedder(256), progress=False)
    name = first.data.manifest["milvus"]["collection"]
    client = _client(milvus.milvus_address)
    client.insert(name, [{"id": 999, "vector": np.ones(256, dtype=np.float32) / 16}])
    with pytest.raises(IndexCorruptError, match=rf"{name}.* holds \d+ vectors .*rebuild with `rag index`"):
        load_index(milvus.index_path)
    client.drop_collection(name)
    with pytest.raises(IndexCorruptError, match=rf"collection '{name}' is missing .*rebuild with `rag index`"):
        load_index(milvus.index_path)
    messages: list[str] = []
    again = Assistant.load(milvus, HashingEmbedder(256), progress=False, on_message=messages.append)
    assert messages[0].startswith("Building the index") and again.ask(QUESTIONS[0]).citations
    assert again.data.manifest["milvus"]["collection"] != name


def test_a_rebuild_gets_a_new_collection_and_pruning_drops_old_ones(
    config: Config, capfd: pytest.CaptureFixture[str]
) -> None:
    milvus = _milvus(config)
    names = [
        Assistant.load(milvus, HashingEmbedder(256), build="always", progress=False).data.manifest["milvus"][
            "collection"
        ]
        for _ in range(3)
    ]
    assert len(set(names)) == 3
    assert (milvus.index_path / "CURRENT").read_text().strip() == current_build(milvus.index_path).name
    assert load_index(milvus.index_path).manifest["milvus"]["collection"] == names[-1]
    assert _collections(milvus) == set(names[1:])  # the live build and the previous one, as for folders
    assert len(list((milvus.index_path / "builds").iterdir())) == 2
    assert capfd.readouterr().out == ""  # builds, inserts and drops print nothing


def test_collections_left_by_a_killed_build_are_swept_once_old(config: Config) -> None:
    milvus = _milvus(config)
    Assistant.load(milvus, HashingEmbedder(256), progress=False)
    client = _client(milvus.milvus_address)
    prefix = collection_prefix(milvus.index_path)
    old = prefix + "20200101_000000_deadbeef"  # killed before its build folder was written
    young = prefix + time.strftime("%Y%m%d_%H%M%S_", time.gmtime()) + "0badf00d"  # maybe still building
    other = collection_prefix(config.root / "elsewhere") + "20200101_000000_deadbeef"  # another project's
    for name in (old, young, other):
        client.create_collection(name, dimension=4)
    rebuilt = Assistant.load(milvus, HashingEmbedder(256), build="always", progress=False)
    left = set(client.list_collections())
    assert old not in left and {young, other} <= left
    assert rebuilt.data.manifest["milvus"]["collection"] in left


def test_a_corpus_edit_while_serving_moves_to_a_new_collection(config: Config) -> None:
    milvus = _milvus(config)
    served = Assistant.load(milvus, HashingEmbedder(256), progress=False)
    before = served.data.manifest["milvus"]["collection"]
    notes = milvus.corpus_path / "notes.md"
    notes.write_text(notes.read_text() + "\nThe Milvus pilot indexed eleven data sets in March.\n")
    assert served.refresh_if_stale(force_check=True)  # the same process: Milvus Lite's file stays open
    assert served.data.manifest["milvus"]["collection"] != before
    assert "eleven data sets" in served.ask("How many data sets did the Milvus pilot index?").answer


def test_a_failed_build_drops_its_half_made_collection(config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    milvus = _milvus(config)
    Assistant.load(milvus, HashingEmbedder(256), progress=False)
    before = _collections(milvus)

    def fail(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("rag.index.store._fsync_tree", fail)
    with pytest.raises(rag.StorageError):
        Assistant.load(milvus, HashingEmbedder(256), build="always", progress=False)
    assert _collections(milvus) == before
    assert Assistant.load(milvus, HashingEmbedder(256), build="never").ask(QUESTIONS[0]).citations


def test_a_failed_build_reports_its_own_error_when_the_drop_fails_too(
    config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pymilvus import MilvusException

    milvus = _milvus(config)
    Assistant.load(milvus, HashingEmbedder(256), progress=False)

    def gone(*_args: object, **_kwargs: object) -> None:
        raise MilvusException(message="server went away")

    def full(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(_client(milvus.milvus_address), "drop_collection", gone)
    monkeypatch.setattr("rag.index.store._fsync_tree", full)
    with pytest.raises(rag.StorageError, match="No space left"):
        Assistant.load(milvus, HashingEmbedder(256), build="always", progress=False)


def _let_go(lite_file: str) -> None:
    """Close this process's Milvus Lite server for the file, as a process exiting would."""
    from milvus_lite.server_manager import server_manager_instance

    _clients.pop(lite_file).close()
    server_manager_instance.release_server(lite_file)


@contextmanager
def _holding(lite_file: str) -> Iterator[None]:
    """Another process with the Milvus Lite file open, until the block ends."""
    holder = subprocess.Popen(
        [sys.executable, "-c", f"from pymilvus import MilvusClient; MilvusClient({lite_file!r}); "
         "print('open', flush=True); input()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        yield
    finally:
        holder.communicate("\n", timeout=30)


def test_a_lite_file_open_in_another_process_is_named(config: Config) -> None:
    milvus = _milvus(config, milvus_uri=str(config.root / "shared.db"))
    with (
        _holding(milvus.milvus_address),
        pytest.raises(VectorStoreError, match=r"shared\.db is open in another process .*RAG_MILVUS_URI"),
    ):
        Assistant.load(milvus, HashingEmbedder(256), progress=False)
    assert Assistant.load(milvus, HashingEmbedder(256), progress=False).ask(QUESTIONS[0]).citations


def test_a_new_milvus_uri_rebuilds_there_even_while_the_old_one_is_unusable(config: Config) -> None:
    old = _milvus(config, milvus_uri=str(config.root / "old.db"))
    Assistant.load(old, HashingEmbedder(256), progress=False)
    new = old.with_overrides(milvus_uri=str(config.root / "new.db"))
    _let_go(old.milvus_address)
    with _holding(old.milvus_address):  # the old file is now out of reach of this process
        messages: list[str] = []
        moved = Assistant.load(new, HashingEmbedder(256), progress=False, on_message=messages.append)
    assert messages[0].startswith("Building the index (milvus_uri changed")
    assert moved.data.manifest["milvus"]["uri"] == str(config.root / "new.db") and moved.ask(QUESTIONS[0]).citations


def test_without_pymilvus_the_error_says_what_to_install(config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pymilvus", None)  # import pymilvus now raises ImportError
    with pytest.raises(ConfigError, match=r"needs pymilvus .*pip install 'gaigap-rag\[milvus\]'"):
        Assistant.load(_milvus(config), HashingEmbedder(256), progress=False)


def test_switching_back_to_faiss_prunes_milvus_builds_even_without_pymilvus(
    config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    milvus = _milvus(config)
    Assistant.load(milvus, HashingEmbedder(256), progress=False)
    monkeypatch.setitem(sys.modules, "pymilvus", None)  # uninstalled after switching back
    back = milvus.with_overrides(vector_store="faiss")
    for _ in range(2):  # the second build prunes the Milvus one
        faiss = Assistant.load(back, HashingEmbedder(256), progress=False, build="always")
    assert isinstance(faiss.data.dense, FaissStore) and faiss.ask(QUESTIONS[0]).citations
    assert not list((milvus.index_path / "builds").glob("*/milvus.json"))


def test_a_faiss_index_never_imports_pymilvus(project: Path) -> None:
    code = (
        "import sys; from tests.conftest import tiny_assistant; from pathlib import Path; "
        f"a = tiny_assistant(Path({str(project)!r})); a.ask('When was the plan released?'); "
        "print('pymilvus' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.integration
def test_every_gold_question_gets_the_same_answer_from_milvus(tmp_path_factory: pytest.TempPathFactory) -> None:
    cache = tmp_path_factory.mktemp("cache")  # shared: the second build embeds nothing
    faiss_config = rag.load_config(REPO, index_dir=tmp_path_factory.mktemp("faiss"), cache_dir=cache)
    faiss = Assistant.load(faiss_config, progress=False)
    milvus_config = faiss_config.with_overrides(vector_store="milvus", index_dir=tmp_path_factory.mktemp("milvus"))
    milvus = Assistant.load(milvus_config, faiss.embedder, progress=False)
    assert isinstance(milvus.data.dense, MilvusStore)
    gold = load_gold(REPO / "eval" / "gold.jsonl")
    assert len(gold) > 150
    for item in gold:
        history = [Turn(q) for q in item.history]
        want, got = faiss.ask(item.question, history), milvus.ask(item.question, history)
        assert _comparable(got) == _comparable(want), item.id

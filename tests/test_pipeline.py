"""The query pipeline's seams: user components, the verifier, the stores, and clean layering."""

from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import rag
from rag import Assistant, CitationError, HashingEmbedder, QueryState
from rag.stores.bm25_lexical import Bm25Index
from rag.stores.faiss_store import FaissStore
from tests.conftest import REPO

QUESTION = "When was the Action Plan released?"


class Abstains:
    def compose(self, state: QueryState) -> QueryState:
        return replace(state, abstained=True, sentences=(), citations=())


class Paraphrases:
    """A composer that rewrites its quote: the verifier must refuse it."""

    def compose(self, state: QueryState) -> QueryState:
        state = rag.ExtractiveComposer(abstain_threshold=0.0).compose(state)
        bent = tuple(replace(s, text=s.text.replace("2025", "2026")) for s in state.sentences)
        return replace(state, sentences=bent)


class Reverse:
    def rerank(self, question: str, hits: list[rag.Hit]) -> list[rag.Hit]:
        return list(reversed(hits))[:2]


def test_components_satisfy_their_protocols() -> None:
    assert isinstance(rag.KeepOrder(), rag.Reranker)
    assert isinstance(rag.ExtractiveComposer(), rag.Composer)
    assert isinstance(rag.SpanVerifier(), rag.Verifier)
    assert isinstance(Abstains(), rag.Composer) and isinstance(Reverse(), rag.Reranker)


def test_a_custom_composer_replaces_the_default(config) -> None:  # type: ignore[no-untyped-def]
    default = Assistant.load(config, HashingEmbedder(256), progress=False).ask(QUESTION)
    custom = Assistant.load(config, HashingEmbedder(256), progress=False, composer=Abstains()).ask(QUESTION)
    assert not default.abstained and default.sentences
    assert custom.abstained and custom.sentences == () and custom.answer.startswith("The documents don't answer")
    assert custom.passages == default.passages  # retrieval untouched


def test_a_composer_that_bends_a_quote_is_refused(config) -> None:  # type: ignore[no-untyped-def]
    assistant = Assistant.load(config, HashingEmbedder(256), progress=False, composer=Paraphrases())
    with pytest.raises(CitationError):
        assistant.ask(QUESTION)


def test_a_reranker_reorders_and_its_ranks_are_renumbered(config) -> None:  # type: ignore[no-untyped-def]
    default = Assistant.load(config, HashingEmbedder(256), progress=False).ask(QUESTION, k=4)
    custom = Assistant.load(config, HashingEmbedder(256), progress=False, reranker=Reverse()).ask(QUESTION, k=4)
    assert len(default.passages) >= 3
    assert [p.chunk_id for p in custom.passages] == [p.chunk_id for p in reversed(default.passages)][:2]
    assert [p.rank for p in custom.passages] == [1, 2]


def test_the_verifier_checks_numbers_names_and_negation() -> None:
    quote = "The plan was released on July 26, 2025 in Shanghai."
    v = rag.SpanVerifier()
    assert v.support("The plan was released on July 26, 2025 in Shanghai.", quote).verbatim
    assert v.support("It was released in 2024.", quote).missing_numbers == ("2024",)
    assert v.support("It was released in Beijing.", quote).missing_names == ("Beijing",)
    assert v.support("The plan was not released in Shanghai.", quote).negation_differs
    assert not v.support("The plan was released in Shanghai.", quote).contradicted


def test_stores_round_trip_and_count(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((40, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    store = FaissStore.of(vectors[:30])
    store.add(vectors[30:])  # ids continue from the count
    assert isinstance(store, rag.VectorStore) and store.count() == 40
    assert store.search(vectors[35], 1)[0][0] == 35
    store.save(tmp_path)
    assert FaissStore.load(tmp_path).search(vectors[7], 3) == store.search(vectors[7], 3)
    lexical = Bm25Index.of(["open source sharing", "capacity building", "open data"])
    assert isinstance(lexical, rag.LexicalIndex) and lexical.count() == 3
    lexical.save(tmp_path)
    assert [i for i, _ in Bm25Index.load(tmp_path).search(["open"], 5)] == [i for i, _ in lexical.search(["open"], 5)]
    assert {i for i, _ in lexical.search(["open"], 5)} == {0, 2} and lexical.search([], 5) == []


def test_constructing_an_assistant_changes_no_process_setting(config) -> None:  # type: ignore[no-untyped-def]
    import faiss

    env, threads = dict(os.environ), faiss.omp_get_max_threads()
    Assistant.load(config, HashingEmbedder(256), progress=False).ask(QUESTION)
    assert dict(os.environ) == env and faiss.omp_get_max_threads() == threads


def _imports(folder: Path) -> dict[str, set[str]]:
    found = {}
    for path in folder.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        found[path.relative_to(REPO).as_posix()] = set(re.findall(r"^\s*(?:from|import) ([\w.]+)", text, re.M))
    return found


def test_layering() -> None:
    for path, modules in _imports(REPO / "rag").items():
        assert not any(m == "ui" or m.startswith("ui.") for m in modules), f"{path} imports the UI"
        if path.startswith("rag/retrieve/"):
            assert not any(m.startswith("rag.index") for m in modules), f"{path} imports the on-disk index"
        writes = re.search(r"environ\[[^]]+\]\s*=[^=]|environ\.(setdefault|update|pop)\(", (REPO / path).read_text())
        assert not writes or path == "rag/runtime.py", f"{path} writes the environment"


def test_no_module_or_function_is_too_long() -> None:
    import ast

    for path in (REPO / "rag").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert len(text.splitlines()) <= 300, f"{path} has {len(text.splitlines())} lines"
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                assert length <= 50, f"{path}:{node.lineno} {node.name} has {length} lines"


def test_a_big_index_searches_keywords_while_the_question_is_embedded(config, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import rag.query.ahead as ahead
    from rag.query.state import Request
    from rag.query.steps import Embed

    assistant = Assistant.load(config, HashingEmbedder(256), progress=False)
    questions = [QUESTION, "What does the plan say about open source?", "Who proposed the Science Group?"]
    serial = [assistant.ask(q, k=k) for q in questions for k in (3, 8)]
    monkeypatch.setattr(ahead, "AHEAD_FROM_CHUNKS", 1)  # the tiny index counts as big

    def embedded(request: Request) -> QueryState:
        state = assistant.pipeline.intake.start(request, assistant.view)
        for step in assistant.pipeline.steps:
            state = step(state)
            if isinstance(step, Embed):
                return state
        raise AssertionError("no Embed step")

    state = embedded(Request(QUESTION, k=8))
    assert state.keywords is not None and state.keywords_depth == 20
    assert list(state.keywords) == assistant.view.data.lexical.search(state.query_tokens, 20)
    overlapped = [assistant.ask(q, k=k) for q in questions for k in (3, 8)]
    assert [a.to_dict() | {"timings_ms": {}} for a in overlapped] == [a.to_dict() | {"timings_ms": {}} for a in serial]
    assert embedded(Request(QUESTION, mode="dense")).keywords is None  # no keyword search to run ahead

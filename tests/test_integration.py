"""The real model on the real corpus. The index is built once per session into a temp folder."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from rag import Assistant, Turn, load_config
from tests.conftest import REPO

pytestmark = pytest.mark.integration


@pytest.fixture(scope="session")
def real(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    config = load_config(REPO, index_dir=tmp_path_factory.mktemp("index"), cache_dir=tmp_path_factory.mktemp("cache"))
    return Assistant.load(config, progress=False)


def verbatim(answer) -> None:  # type: ignore[no-untyped-def]
    for c in answer.citations:
        assert (REPO / c.source).read_text(encoding="utf-8")[c.start : c.end] == c.quote


def test_corpus_is_the_seed_documents_byte_for_byte() -> None:
    seeds = REPO.parent / "shared" / "seeds"
    if not seeds.is_dir():
        pytest.skip("../shared/seeds is not beside this clone")
    for seed in seeds.glob("0*.txt"):
        assert (REPO / "corpus" / seed.name).read_bytes() == seed.read_bytes()


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What does the plan say about open source?", "open-source"),
        ("When was the Global AI Governance Action Plan released?", "July 26"),
        ("How many actions does the Action Plan have?", "13"),
        ("What does the plan offer the Global South?", "Global South"),
    ],
)
def test_in_scope_questions_are_answered_with_verbatim_citations(real: Assistant, question: str, expected: str) -> None:
    answer = real.ask(question)
    assert not answer.abstained
    assert any(expected in c.quote for c in answer.citations)
    verbatim(answer)


@pytest.mark.parametrize("question", ["What is the capital of Australia?", "How do I bake a chocolate cake?"])
def test_out_of_scope_questions_abstain(real: Assistant, question: str) -> None:
    answer = real.ask(question)
    assert answer.abstained and not answer.citations and answer.passages


def test_follow_up_resolves_against_the_previous_question(real: Assistant) -> None:
    first = real.ask("What does the plan say about the Global South?")
    follow = real.ask("and what do critics say about it?", history=[Turn(first.question, first.answer)])
    assert "Global South" in follow.retrieval_query
    assert not follow.abstained
    verbatim(follow)


def test_boilerplate_is_not_cited(real: Assistant) -> None:
    answer = real.ask("Learn to use AI like a Pro: get the latest AI workflows delivered weekly")
    assert all("Learn to use AI" not in c.quote and "workflows" not in c.quote for c in answer.citations)
    assert all("二维码" not in p.text for p in answer.passages)


def test_no_network_connection_during_indexing_or_answering(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[object] = []

    def refuse(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise OSError(f"network blocked in tests: {address}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: refuse(None, a))  # type: ignore[arg-type]
    config = load_config(REPO, index_dir=tmp_path / "index", cache_dir=tmp_path / "cache")
    assistant = Assistant.load(config, progress=False)
    assert not assistant.ask("What does the plan say about open source?").abstained
    assert attempts == []


def test_no_answer_opens_with_a_dangling_link_word(real: Assistant) -> None:
    """The README question's best sentence opens "Furthermore," after a sentence that leans on its
    own predecessor: the answer quotes it from just after the link word, marked "…" when shown."""
    from rag.answer.coherence import dangling

    answer = real.ask("What does the plan say about open source?")
    verbatim(answer)
    first = answer.sentences[0].text
    assert not dangling(first) and "open-source innovation" in first
    assert answer.answer.startswith("…" + first)
    for question in ("What did China put forward in October 2023?", "Why are some skeptical?"):
        a = real.ask(question)
        verbatim(a)
        assert not a.sentences or not dangling(a.sentences[0].text)

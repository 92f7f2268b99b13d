import numpy as np
import pytest

from rag import Assistant
from rag.retrieve.lexical import idf_table, overlap_score, tokenize
from rag.retrieve.search import SearchPlan, mmr, retrieve, rrf


def test_rrf_matches_hand_computed_scores() -> None:
    fused = rrf([[(1, 0.9), (2, 0.8)], [(2, 5.0), (3, 4.0)]], k=60)
    assert fused[2] == pytest.approx(1 / 62 + 1 / 61)
    assert fused[1] == pytest.approx(1 / 61)
    assert fused[3] == pytest.approx(1 / 62)
    assert max(fused, key=lambda i: fused[i]) == 2


def test_weighted_rrf_matches_hand_computed_scores() -> None:
    # chunk 1: 0.1/61 from the dense list; chunk 2: 0.1/62 + 1/61; chunk 3: 1/62
    fused = rrf([[(1, 0.9), (2, 0.8)], [(2, 5.0), (3, 4.0)]], k=60, weights=[0.1, 1.0])
    assert fused[1] == pytest.approx(0.1 / 61)
    assert fused[2] == pytest.approx(0.1 / 62 + 1 / 61)
    assert fused[3] == pytest.approx(1 / 62)
    assert sorted(fused, key=lambda i: -fused[i]) == [2, 3, 1]


def test_mmr_prefers_a_diverse_second_pick() -> None:
    vectors = np.array([[1.0, 0.0], [0.999, 0.0447], [0.0, 1.0]], dtype=np.float32)
    relevance = {0: 1.0, 1: 0.95, 2: 0.9}
    assert mmr([0, 1, 2], relevance, vectors, lam=0.5, k=2) == [0, 2]
    assert mmr([0, 1, 2], relevance, vectors, lam=1.0, k=2) == [0, 1]


def test_tokenize_drops_stopwords_and_plurals() -> None:
    assert tokenize("What are the Actions of the plan's countries?") == ["action", "plan", "country"]


def test_dotted_initialisms_are_one_token() -> None:
    from rag.retrieve.lexical import tokenize

    assert tokenize("the U.S.'s stance") == tokenize("the US stance") == ["us", "stance"]
    assert tokenize("the U.K. and E.U.") == ["uk", "eu"] and tokenize("Mr. Smith") == ["mr", "smith"]


def test_overlap_score_is_idf_weighted() -> None:
    idf = idf_table([["plan", "open"], ["plan"], ["plan", "source"]])
    assert overlap_score(["plan", "open"], ["plan", "open"], idf) == pytest.approx(1.0)
    part = overlap_score(["plan", "open"], ["open"], idf)
    assert part == pytest.approx(idf["open"] / (idf["open"] + idf["plan"]))
    assert overlap_score([], ["x"], idf) == 0.0


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_hits_carry_each_retriever_view(assistant: Assistant, mode: str) -> None:
    answer = assistant.ask("open-source innovation sharing", mode=mode)
    assert answer.passages and [p.rank for p in answer.passages] == list(range(1, len(answer.passages) + 1))
    plan = SearchPlan(k=3, k_dense=5, k_bm25=5, rrf_k=60, mode=mode)
    hits = retrieve(assistant.data, assistant.embedder.embed(["open source"])[0], tokenize("open source"), plan)
    assert hits and [h.rank for h in hits] == list(range(1, len(hits) + 1)) and len(hits) <= 3
    assert mode == "bm25" or len(hits) == 3  # keyword search returns only chunks with a matching word
    if mode == "dense":
        assert all(h.dense_rank > 0 and h.bm25_rank == 0 for h in hits)
    if mode == "bm25":
        assert all(h.dense_rank == 0 and h.bm25_rank > 0 for h in hits)
    if mode == "hybrid":
        assert all(h.dense_rank > 0 or h.bm25_rank > 0 for h in hits)
        assert any(h.dense_rank > 0 and h.bm25_rank > 0 for h in hits)  # both lists were fused

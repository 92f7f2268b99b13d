"""The regression gate: the real model on the TEST split of the gold data. Floors sit a little
under the committed report (eval/reports/metrics.json); a fresh run must also reproduce it."""

from __future__ import annotations

import json
from dataclasses import asdict

import pytest

from rag import Assistant, Turn, load_config
from rag.config import Config
from rag.evaluation.gold import load_gold
from rag.evaluation.grounding import Grounder
from rag.evaluation.pipeline import grounding_accuracy
from rag.evaluation.runner import Outcome, run
from rag.evaluation.summary import Summary, summarise
from tests.conftest import REPO

pytestmark = pytest.mark.integration

FLOORS = {
    "hit_at_5": 0.8,
    "recall_at_5": 0.78,
    "mrr_at_10": 0.62,
    "ndcg_at_10": 0.66,
    "coverage": 0.8,
    "citation_precision": 0.55,
    "evidence_recall": 0.65,
    "verbatim_rate": 1.0,  # anything else is a citation bug
    "cited_sentence_share": 1.0,
    "abstain_recall": 0.5,
    "abstain_f1": 0.52,
    "token_f1": 0.2,
}
GROUNDING_FLOOR = 0.89


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    config = load_config(
        REPO,
        index_dir=tmp_path_factory.mktemp("index"),
        cache_dir=tmp_path_factory.mktemp("cache"),
        abstain_threshold=0,
    )
    return Assistant.load(config, progress=False)


@pytest.fixture(scope="module")
def outcomes(engine: Assistant) -> list[Outcome]:
    return run(engine, [i for i in load_gold(REPO / "eval" / "gold.jsonl") if i.split == "test"], progress=False)


@pytest.fixture(scope="module")
def summary(outcomes: list[Outcome]) -> Summary:
    return summarise(outcomes, Config().abstain_threshold)


def test_test_split_metrics_stay_above_their_floors(summary: Summary) -> None:
    low = {k: getattr(summary, k) for k, floor in FLOORS.items() if getattr(summary, k) < floor}
    assert not low, f"metrics fell below the gate: {low} (floors {FLOORS})"


def test_a_fresh_run_reproduces_the_committed_report(summary: Summary) -> None:
    committed = json.loads((REPO / "eval" / "reports" / "metrics.json").read_text())["test"]
    assert asdict(summary) == committed, "re-run `rag eval` and commit eval/reports/ if the change is intended"


def test_the_engine_abstains_exactly_where_the_evaluation_says(engine: Assistant, outcomes: list[Outcome]) -> None:
    threshold = Config().abstain_threshold
    live = Assistant(engine.data, engine.embedder, engine.config.with_overrides(abstain_threshold=threshold))
    for o in outcomes:
        answer = live.ask(o.item.question, [Turn(q) for q in o.item.history])
        assert answer.abstained == o.abstains(threshold), o.item.id


def test_grounding_check_accuracy(engine: Assistant) -> None:
    result = grounding_accuracy(Grounder(engine), REPO, REPO / "eval" / "grounding_labels.jsonl")
    assert result["all"]["accuracy"] >= GROUNDING_FLOOR, result["errors"]

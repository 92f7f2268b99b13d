"""The gold data and labelled sentences are well-formed and every evidence span is the corpus text."""

from __future__ import annotations

import json

import pytest

from rag.config import Config
from rag.errors import ConfigError
from rag.evaluation.gold import load_gold, locate
from tests.conftest import REPO

GOLD = load_gold(REPO / "eval" / "gold.jsonl")
LABELS = [json.loads(x) for x in (REPO / "eval" / "grounding_labels.jsonl").read_text().splitlines() if x.strip()]


def test_every_evidence_span_is_the_exact_corpus_text() -> None:
    texts = {p.name: p.read_text(encoding="utf-8") for p in (REPO / "corpus").glob("*.txt")}
    spans = [g for item in GOLD for g in item.evidence]
    assert spans
    for g in spans:
        name = g.source.removeprefix("corpus/")
        assert name.rsplit(".", 1)[0] == g.doc_id
        assert texts[name][g.start : g.end] == g.quote, (g.doc_id, g.start, g.quote[:40])


def test_gold_covers_what_the_issue_asks_for() -> None:
    answerable = [i for i in GOLD if i.answerable and not i.history]
    followups = [i for i in GOLD if i.history]
    out_of_scope = [i for i in GOLD if not i.answerable]
    assert len(answerable) >= 80 and len(followups) >= 10 and len(out_of_scope) >= 20
    assert sum("near-domain" in i.tags for i in out_of_scope) >= 10
    assert all(i.answer for i in GOLD if i.answerable)
    tags = {t for i in GOLD for t in i.tags}
    assert {"paraphrase", "number", "date", "cross", "criticism", "reception"} <= tags
    cross = [i for i in GOLD if "cross" in i.tags]
    assert cross and all(len({g.doc_id for g in i.evidence}) == 2 for i in cross)
    for split in ("dev", "test"):
        kinds = {(i.kind, bool(i.history)) for i in GOLD if i.split == split}
        # each split has plain and follow-up answerable questions and plain traps (dev also has
        # follow-up traps: "and how much was it in 2024?")
        assert kinds >= {("answerable", False), ("answerable", True), ("out_of_scope", False)}


def test_labelled_sentences_for_the_grounding_check() -> None:
    assert len(LABELS) >= 40 and len({r["id"] for r in LABELS}) == len(LABELS)
    unsupported_kinds = {r["kind"] for r in LABELS if not r["supported"]}
    assert {"number", "name", "negation"} <= unsupported_kinds
    assert {r["split"] for r in LABELS} == {"dev", "test"}
    assert 0.3 < sum(r["supported"] for r in LABELS) / len(LABELS) < 0.7


def test_sample_file_for_rag_ground_is_valid() -> None:
    lines = (REPO / "eval" / "ground_sample.jsonl").read_text().splitlines()
    assert lines and all(isinstance(json.loads(x)["answer"], str) for x in lines)


def test_engine_default_threshold_is_the_calibrated_one() -> None:
    metrics = json.loads((REPO / "eval" / "reports" / "metrics.json").read_text())
    assert Config().abstain_threshold == metrics["calibration"]["chosen"]


def test_readme_headline_matches_the_committed_report() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    metrics = json.loads((REPO / "eval" / "reports" / "metrics.json").read_text())
    test = metrics["test"]
    cells = {
        "hit@5": test["hit_at_5"],
        "recall@5": test["recall_at_5"],
        "MRR@10": test["mrr_at_10"],
        "nDCG@10": test["ndcg_at_10"],
        "citation precision": test["citation_precision"],
        "evidence recall": test["evidence_recall"],
        "verbatim rate": test["verbatim_rate"],
        "F1": test["abstain_f1"],
        "coverage": test["coverage"],
        "accuracy (24 test sentences)": metrics["grounding"]["test"]["accuracy"],
        "accuracy (all 48)": metrics["grounding"]["all"]["accuracy"],
    }
    for label, value in cells.items():
        assert f"| {label} | {value:.3f} |" in readme, label
    assert f"threshold {metrics['calibration']['chosen']}" in readme


def test_span_helper_turns_a_quote_into_offsets() -> None:
    from eval.spans import resolve

    files = {"001_x.txt": "Intro. The geopolitical undertones are unmistakable. End."}
    entry = resolve({"doc": "001", "quote": "The geopolitical undertones are unmistakable."}, files)
    assert (entry["doc_id"], entry["source"], entry["start"], entry["end"]) == ("001_x", "corpus/001_x.txt", 7, 52)
    # a straight apostrophe in the quote still finds the typographic one, and the corpus text is kept
    typographic = resolve({"doc": "001", "quote": "China's plan"}, {"001_x.txt": "So: China’s plan."})
    assert (typographic["start"], typographic["quote"]) == (4, "China’s plan")
    with pytest.raises(ConfigError, match="more than once"):
        locate("plan and plan", "plan")


def test_every_suite_has_valid_gold_on_its_own_corpus() -> None:
    from rag.evaluation.suite import suite_folders

    folders = suite_folders(REPO)
    assert [f.name for f in folders] == ["squad"]
    for folder in folders:
        items = load_gold(folder / "gold.jsonl")
        texts = {p.stem: p.read_text(encoding="utf-8") for p in (folder / "corpus").glob("*.txt")}
        assert sum(i.answerable for i in items) >= 30 and sum(not i.answerable for i in items) >= 30
        for g in (g for i in items for g in i.evidence):
            assert texts[g.doc_id][g.start : g.end] == g.quote, (folder.name, g.doc_id, g.start)
        assert (folder / "README.md").read_text().count("CC BY-SA") >= 1

"""rag eval and rag ground end to end on the tiny corpus with the hashing embedder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rag.cli import main
from rag.evaluation.ablation import VARIANTS
from rag.evaluation.gold import locate
from rag.verify import names, negated, numbers
from tests.conftest import TINY

GOLD = [
    ("t1", "dev", "When was the Action Plan released?", "The Action Plan was released on July 26, 2025 in Shanghai."),
    ("t2", "test", "How many actions does the plan list?", "It lists 13 actions for AI governance."),
    (
        "t3",
        "test",
        "What did the White House issue?",
        "The White House issued its own AI Action Plan three days earlier.",
    ),
    ("o1", "dev", "zebra cupcake frosting recipe", ""),
    ("o2", "test", "boiling point of water in kelvin", ""),
]


def gold_line(item_id: str, split: str, question: str, quote: str) -> str:
    evidence = []
    for name, text in TINY.items():
        if quote and quote in text:
            start, end = locate(text, quote)
            evidence.append(
                {
                    "fact": 1,
                    "doc_id": name.rsplit(".", 1)[0],
                    "source": f"corpus/{name}",
                    "start": start,
                    "end": end,
                    "quote": quote,
                }
            )
    kind = "answerable" if quote else "out_of_scope"
    return json.dumps(
        {"id": item_id, "split": split, "kind": kind, "question": question, "answer": quote, "evidence": evidence}
    )


@pytest.fixture
def eval_project(cli_project: Path) -> Path:
    project = cli_project
    (project / "rag.toml").write_text("[rag]\nchunk_tokens = 24\nchunk_overlap = 4\n")
    (project / "eval").mkdir()
    (project / "eval" / "gold.jsonl").write_text("\n".join(gold_line(*g) for g in GOLD) + "\n")
    labels = [
        {
            "id": "g1",
            "split": "dev",
            "text": "It lists 13 actions for AI governance.",
            "supported": True,
            "kind": "verbatim",
        },
        {
            "id": "g2",
            "split": "test",
            "text": "It lists 15 actions for AI governance.",
            "supported": False,
            "kind": "number",
        },
    ]
    (project / "eval" / "grounding_labels.jsonl").write_text("".join(json.dumps(r) + "\n" for r in labels))
    return project


def test_eval_writes_a_reproducible_report(eval_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "--out", "reports"]) == 0
    out = eval_project / "reports"
    assert {p.name for p in out.iterdir()} == {"metrics.json", "report.md", "risk_coverage.png", "scores.png"}
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["gold"]["test"] == {"answerable": 2, "out_of_scope": 1, "followups": 0}
    assert len(metrics["ablations"]) == len(VARIANTS) and metrics["grounding"]["all"]["sentences"] == 2
    assert 0.0 <= metrics["test"]["hit_at_5"] <= 1.0 and metrics["test"]["verbatim_rate"] in (0.0, 1.0)
    report = (out / "report.md").read_text()
    sections = ["## Headline", "## Calibration", "## Ablations", "## Test split by", "## Grounding", "## Latency"]
    assert [report.find(s) for s in sections] == sorted(report.find(s) for s in sections)
    assert all(s in report for s in sections) and "| total |" in report
    assert (out / "scores.png").read_bytes()[:4] == b"\x89PNG"
    capsys.readouterr()
    assert main(["eval", "--out", "reports", "--check", "--no-ablations"]) == 1  # ablations missing → differs
    assert "ablations" in capsys.readouterr().out
    assert main(["eval", "--out", "reports", "--check"]) == 0
    metrics["test"]["hit_at_5"] = -1.0
    (out / "metrics.json").write_text(json.dumps(metrics))
    assert main(["eval", "--out", "reports", "--check"]) == 1
    assert "test.hit_at_5: -1.0" in capsys.readouterr().out


def test_eval_reports_a_missing_gold_file_in_one_line(eval_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "--gold", "nope.jsonl", "--no-ablations", "--out", "r"]) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert "nope.jsonl" in err and "Traceback" not in err


def test_ground_json_follows_the_documented_shape(eval_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answers = eval_project / "answers.jsonl"
    answer = "The Action Plan was released on July 26, 2025 in Shanghai. [1] It lists 15 actions for AI governance."
    answers.write_text(json.dumps({"question": "q", "answer": answer}) + "\nnot json\n")
    assert main(["ground", "--json", str(answers)]) == 2  # the bad line is reported, the good one checked
    first, second = (json.loads(x) for x in capsys.readouterr().out.splitlines())
    assert set(first) == {"question", "answer", "supported_ratio", "sentences"}
    keys = {"text", "supported", "score", "source", "start", "end", "quote", "evidence"}
    assert all(set(s) == keys for s in first["sentences"])
    ok, bad = first["sentences"]
    assert ok["supported"] and ok["evidence"]["verbatim"] and ok["source"] == "corpus/plan.txt"
    assert (eval_project / ok["source"]).read_text()[ok["start"] : ok["end"]] == ok["quote"]
    assert not bad["supported"] and bad["evidence"]["missing_numbers"] == ["15"]
    assert first["supported_ratio"] == 0.5
    assert "error" in second and "line 2" in second["error"]


def test_ground_reads_the_structured_sentences_of_our_json(
    eval_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With `rag ask --json`'s "sentences" list, those sentences are checked, not the display text."""
    sentences = [{"text": "It lists 13 actions for AI governance.", "citations": [1]}]
    record = {"question": "q", "answer": "Display text [1] that is not split.", "sentences": sentences}
    bad = {"question": "q", "answer": "x", "sentences": [{"citations": [1]}]}
    (eval_project / "s.jsonl").write_text(json.dumps(record) + "\n" + json.dumps(bad) + "\n")
    assert main(["ground", "--json", str(eval_project / "s.jsonl")]) == 2
    first, second = (json.loads(x) for x in capsys.readouterr().out.splitlines())
    assert [s["text"] for s in first["sentences"]] == [sentences[0]["text"]] and first["supported_ratio"] == 1.0
    assert "line 2" in second["error"] and '"sentences"' in second["error"]


def test_ground_table_for_people(eval_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answers = eval_project / "a.jsonl"
    answers.write_text(json.dumps({"question": "q", "answer": "It lists 13 actions for AI governance."}) + "\n")
    assert main(["ground", str(answers)]) == 0
    out = capsys.readouterr().out
    assert "✔" in out and "corpus/plan.txt" in out and "100%" in out
    assert main(["ground", str(eval_project / "missing.jsonl")]) == 2


def test_numbers_names_and_negation() -> None:
    assert numbers("six core principles and 13 actions on July 26, 2025") == {"6", "13", "july", "26", "2025"}
    assert numbers("over $8 billion and 1,000 people") == {"8", "billion", "1000"}
    assert names("The plan aligns with the European Union's AI Act.") == {"European", "Union", "Act"}
    assert negated("The U.S. has never imposed controls.") and negated("It doesn't align.")
    assert not negated("This is not only symbolic but also practical.")


def test_eval_from_a_subfolder_reads_and_writes_the_projects_eval_folder(
    eval_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (eval_project / "notes").mkdir()
    monkeypatch.chdir(eval_project / "notes")
    assert main(["eval", "--no-ablations", "--no-suites"]) == 0
    metrics = json.loads((eval_project / "eval" / "reports" / "metrics.json").read_text())
    assert metrics["gold"]["test"]["answerable"] == 2  # the project's eval/gold.jsonl, found from below
    assert not (eval_project / "notes" / "eval").exists()

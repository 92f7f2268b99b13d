"""The second-corpus suite runner on a tiny suite of its own (hashing embedder, no model)."""

from __future__ import annotations

import json
from pathlib import Path

from rag import Assistant
from rag.evaluation.suite import run_suite, suite_folders
from tests.conftest import write_corpus

TEXT = "The lighthouse was built in 1874 by the harbour board. It is painted red and white.\n"


def _suite(root: Path) -> Path:
    folder = root / "eval" / "suites" / "mini"
    write_corpus(folder / "corpus", {"light.txt": TEXT})
    quote = "The lighthouse was built in 1874 by the harbour board."
    rows = [
        {"id": "m1", "split": "dev", "kind": "answerable", "question": "When was the lighthouse built?",
         "history": [], "answer": "1874", "tags": ["squad"],
         "evidence": [{"fact": 1, "doc_id": "light", "source": "corpus/light.txt", "start": 0, "end": len(quote),
                       "quote": quote}]},
        {"id": "m2", "split": "test", "kind": "out_of_scope", "question": "Who painted the lighthouse in 1990?",
         "history": [], "answer": "", "tags": ["squad", "trap"], "evidence": []},
    ]  # fmt: skip
    (folder / "gold.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return folder


def test_a_suite_is_indexed_on_its_own_and_scored_beside_the_naive_pipeline(assistant: Assistant) -> None:
    folder = _suite(assistant.config.root)
    assert suite_folders(assistant.config.root) == [folder]
    base = Assistant(assistant.data, assistant.embedder, assistant.config.with_overrides(abstain_threshold=0.0))
    result = run_suite(base, folder, threshold=0.0)
    assert result["name"] == "mini" and result["all"]["answerable"] == 1.0 and result["all"]["traps"] == 1.0
    assert result["dev"]["answer_in_citation"] == 1.0 and result["dev"]["naive_answer_in_citation"] == 1.0
    assert result["test"]["trap_abstain_recall"] == 0.0  # threshold 0 answers everything
    assert (assistant.config.cache_path / "suites" / "mini" / "index" / "CURRENT").is_file()
    strict = run_suite(base, folder, threshold=1.01)
    assert strict["all"]["trap_abstain_recall"] == 1.0 and strict["all"]["answer_in_citation"] == 0.0

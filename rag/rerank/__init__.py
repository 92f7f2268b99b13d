"""Rerankers: one file each, every one a `rag.Reranker` (a `rerank(question, hits)` method)."""

"""Retrieval: dense (FAISS) and lexical (BM25) top-k, fused by reciprocal rank, diversified by MMR."""

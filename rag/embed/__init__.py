"""Embedders: anything with `embed(texts) -> ndarray` of L2-normalised float32 rows."""

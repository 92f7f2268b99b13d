"""Evaluation without an LLM judge: gold data, retrieval/citation/abstention metrics, calibration,
ablations and the grounding check. Heavy imports (model, matplotlib) happen inside functions."""

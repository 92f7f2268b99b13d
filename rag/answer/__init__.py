"""Answers: choose the sentences that answer, cite each to its exact span, or abstain."""

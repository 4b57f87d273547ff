"""Scoring: the scorer interface and its implementations."""

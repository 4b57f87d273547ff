"""Detoxify's `predict` for any scorer that computes a texts × labels array of probabilities."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import overload

import numpy as np


class LabelledScores(ABC):
    """A scorer's `predict`, given its labels and `_scores` (one row per text, one column per label)."""

    labels: list[str]

    @abstractmethod
    def _scores(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities, one row per text and one column per label."""

    @overload
    def predict(self, text: str) -> dict[str, float]: ...
    @overload
    def predict(self, text: list[str]) -> dict[str, list[float]]: ...
    def predict(self, text: str | list[str]) -> dict[str, float] | dict[str, list[float]]:
        """Probabilities per label, like Detoxify: a list gives a list per label, a str one value."""
        if isinstance(text, str):
            return {label: values[0] for label, values in self.predict([text]).items()}
        scores = self._scores(text)
        return {label: scores[:, index].tolist() for index, label in enumerate(self.labels)}

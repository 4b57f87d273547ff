"""The starter model's scores in plain Python: scikit-learn's TF-IDF vectorizer and its calibrated
linear SVMs, computed in the order scikit-learn computes them.

The words are counted exactly as scikit-learn's vectorizer counts them (lower-case, its token
pattern, its stop words, its vocabulary), because that is where a re-implementation drifts:
skl2onnx's string graph disagrees with scikit-learn on non-ASCII text. What follows the counts is
a few dozen multiplications per comment, so it needs no numpy and no onnxruntime: importing those
two and opening a session took about 0.1 s of the submit function's cold start
(docs/benchmarks.md). It imports the standard library only.
"""

from __future__ import annotations

import json
import math
import re
import sys
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import overload

from moderation.scoring.manifest import ManifestError, ModelManifest, RecommendedThresholds, read_manifest

VOCABULARY_FILE = "vocabulary.json"
WEIGHTS_FILE = "weights.f64"


class BagOfWords:
    """scikit-learn's word analyzer and CountVectorizer counts, for one fitted vocabulary."""

    def __init__(self, terms: Sequence[str], token_pattern: str, lowercase: bool, stop_words: Sequence[str]):
        self._pattern = re.compile(token_pattern)
        if self._pattern.groups > 1:
            raise ValueError("a token pattern may capture one group at most")
        self._lowercase = lowercase
        self._stop_words = frozenset(stop_words)
        self._index = {term: position for position, term in enumerate(terms)}

    def __len__(self) -> int:
        return len(self._index)

    def tokens(self, text: str) -> list[str]:
        document = text.lower() if self._lowercase else text
        return [token for token in self._pattern.findall(document) if token not in self._stop_words]

    def counts(self, text: str) -> list[tuple[int, int]]:
        """The vocabulary columns of the text's words with their counts, in column order (the order
        in which scikit-learn's sorted sparse rows add them up)."""
        row: dict[int, int] = {}
        for token in self.tokens(text):
            column = self._index.get(token)
            if column is not None:
                row[column] = row.get(column, 0) + 1
        return sorted(row.items())


@dataclass(frozen=True)
class CalibratedSvms:
    """Per vocabulary column its idf and one weight per SVM; per SVM its intercept and the slope and
    offset of its Platt sigmoid."""

    columns: array[float]  # (1 + SVMs) numbers per column
    intercepts: tuple[float, ...]
    slopes: tuple[float, ...]
    offsets: tuple[float, ...]

    @property
    def stride(self) -> int:
        return 1 + len(self.intercepts)

    def probability(self, counts: list[tuple[int, int]]) -> float:
        """scikit-learn's transform then predict_proba, for one row of counts:
        tf-idf, l2 norm, each SVM's decision, 1 / (1 + exp(a·d + b)), their mean."""
        stride, columns = self.stride, self.columns
        tfidf = [count * columns[column * stride] for column, count in counts]
        # Sums run one term after another, as scikit-learn's loops do (Python 3.12's sum() of
        # floats compensates, which scikit-learn doesn't).
        squares = 0.0
        for value in tfidf:
            squares += value * value
        norm = math.sqrt(squares)
        features = [value / norm for value in tfidf] if norm else tfidf
        total = 0.0
        sigmoids = zip(self.intercepts, self.slopes, self.offsets, strict=True)
        for svm, (intercept, slope, offset) in enumerate(sigmoids):
            decision = 0.0
            for (column, _), feature in zip(counts, features, strict=True):
                decision += feature * columns[column * stride + 1 + svm]
            total += _platt(slope * (decision + intercept) + offset)
        return total / len(self.intercepts)


def _platt(logit: float) -> float:
    try:
        return 1.0 / (1.0 + math.exp(logit))
    except OverflowError:  # exp(logit) beyond a float: the probability is 0 to double precision
        return 0.0


class TfidfScorer:
    """A Scorer (Detoxify's `predict`) over a `tfidf` artifact written by `moderation model starter`."""

    def __init__(self, manifest: ModelManifest, words: BagOfWords, svms: CalibratedSvms) -> None:
        if len(manifest.labels) != 1:
            raise ManifestError(f"a tfidf artifact scores one label, its manifest lists {manifest.labels}")
        self.manifest = manifest
        self.labels = manifest.labels
        self.name = manifest.provenance.describe()
        self.recommended_thresholds: RecommendedThresholds | None = manifest.thresholds
        self._words = words
        self._svms = svms

    @classmethod
    def from_dir(cls, model_dir: Path) -> TfidfScorer:
        manifest = read_manifest(model_dir)
        data = json.loads((model_dir / manifest.tokenizer_file).read_text(encoding="utf-8"))
        words = BagOfWords(data["terms"], data["token_pattern"], data["lowercase"], data["stop_words"])
        svms = data["svms"]
        columns: array[float] = array("d")
        columns.frombytes((model_dir / manifest.weights_file).read_bytes())
        if sys.byteorder != "little":  # the file is little-endian float64 wherever it was written
            columns.byteswap()
        loaded = CalibratedSvms(
            columns, tuple(svms["intercepts"]), tuple(svms["slopes"]), tuple(svms["offsets"])
        )
        if not (len(loaded.intercepts) == len(loaded.slopes) == len(loaded.offsets) >= 1):
            raise ManifestError(f"{model_dir}: each SVM needs an intercept, a slope and an offset")
        if len(columns) != len(words) * loaded.stride:
            raise ManifestError(
                f"{model_dir / manifest.weights_file}: {len(columns)} numbers, expected "
                f"{len(words)} terms × {loaded.stride}"
            )
        return cls(manifest, words, loaded)

    @overload
    def predict(self, text: str) -> dict[str, float]: ...
    @overload
    def predict(self, text: list[str]) -> dict[str, list[float]]: ...
    def predict(self, text: str | list[str]) -> dict[str, float] | dict[str, list[float]]:
        """Probabilities per label, like Detoxify: a list gives a list per label, a str one value."""
        (label,) = self.labels
        if isinstance(text, str):
            return {label: self._svms.probability(self._words.counts(text))}
        return {label: [self._svms.probability(self._words.counts(one)) for one in text]}

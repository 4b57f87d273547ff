"""The starter model's scores: words counted with Python's `re`, the arithmetic in ONNX.

The words are counted exactly as scikit-learn's vectorizer counts them (lower-case, its token
pattern, its stop words, its vocabulary), because that is where a re-implementation drifts:
skl2onnx's string graph disagrees with scikit-learn on non-ASCII text. What comes after the
counts (idf, norm, calibrated SVMs) is the artifact's model.onnx. Imports re, json, numpy and
onnxruntime only; never scikit-learn.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import onnxruntime as ort

from moderation.scoring.labelled import LabelledScores
from moderation.scoring.manifest import ModelManifest, RecommendedThresholds, read_manifest

VOCABULARY_FILE = "vocabulary.json"
COLUMNS_INPUT = "columns"
COUNTS_INPUT = "counts"
PROBABILITIES_OUTPUT = "probabilities"
# Comments per session run: the inputs are padded to the batch's most varied comment.
BATCH_SIZE = 64


class BagOfWords:
    """scikit-learn's word analyzer and CountVectorizer counts, for one fitted vocabulary."""

    def __init__(self, terms: Sequence[str], token_pattern: str, lowercase: bool, stop_words: Sequence[str]):
        self._pattern = re.compile(token_pattern)
        if self._pattern.groups > 1:
            raise ValueError("a token pattern may capture one group at most")
        self._lowercase = lowercase
        self._stop_words = frozenset(stop_words)
        self._index = {term: position for position, term in enumerate(terms)}

    @classmethod
    def from_file(cls, path: Path) -> BagOfWords:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["terms"], data["token_pattern"], data["lowercase"], data["stop_words"])

    def tokens(self, text: str) -> list[str]:
        document = text.lower() if self._lowercase else text
        return [token for token in self._pattern.findall(document) if token not in self._stop_words]

    def counts(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Per text the vocabulary columns of its words and their counts, padded with count 0."""
        rows = [self._row(text) for text in texts]
        width = max((len(row) for row in rows), default=0) or 1
        columns = np.zeros((len(rows), width), dtype=np.int64)
        counts = np.zeros((len(rows), width), dtype=np.float64)
        for index, row in enumerate(rows):
            # Column order, as scikit-learn's sorted sparse rows add them up.
            for position, column in enumerate(sorted(row)):
                columns[index, position] = column
                counts[index, position] = row[column]
        return columns, counts

    def _row(self, text: str) -> dict[int, int]:
        row: dict[int, int] = {}
        for token in self.tokens(text):
            column = self._index.get(token)
            if column is not None:
                row[column] = row.get(column, 0) + 1
        return row


class TfidfScorer(LabelledScores):
    """A Scorer (Detoxify's `predict`) over a `tfidf` artifact written by `moderation model starter`."""

    def __init__(self, manifest: ModelManifest, session: ort.InferenceSession, words: BagOfWords) -> None:
        self.manifest = manifest
        self.labels = manifest.labels
        self.name = manifest.provenance.describe()
        self.recommended_thresholds: RecommendedThresholds | None = manifest.thresholds
        self._session = session
        self._words = words

    @classmethod
    def from_dir(cls, model_dir: Path) -> TfidfScorer:
        manifest = read_manifest(model_dir)
        options = ort.SessionOptions()
        # One small matrix product per comment: more threads cost more than they save.
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        session = ort.InferenceSession(
            str(model_dir / manifest.onnx_file), options, providers=["CPUExecutionProvider"]
        )
        return cls(manifest, session, BagOfWords.from_file(model_dir / manifest.tokenizer_file))

    def _scores(self, texts: Sequence[str]) -> np.ndarray:
        chunks = []
        for start in range(0, len(texts), BATCH_SIZE):
            columns, counts = self._words.counts(texts[start : start + BATCH_SIZE])
            feed = {COLUMNS_INPUT: columns, COUNTS_INPUT: counts}
            chunks.append(self._session.run([PROBABILITIES_OUTPUT], feed)[0])
        if not chunks:
            return np.zeros((0, len(self.labels)), dtype=np.float64)
        return np.concatenate(chunks)

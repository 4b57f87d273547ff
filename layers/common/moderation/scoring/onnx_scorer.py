"""Detoxify's scores from an exported ONNX model, with onnxruntime and tokenizers only.

No torch or transformers here: they are build-time tools (`moderation_tools.model.export`), too large
and too slow to start for a Lambda function.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import onnxruntime as ort
from tokenizers import Encoding, Tokenizer

from moderation.scoring.labelled import LabelledScores
from moderation.scoring.manifest import ManifestError, ModelManifest, RecommendedThresholds, read_manifest

# Windows of a long comment overlap by a quarter, so a phrase cut by one boundary is whole in
# the next window.
WINDOW_OVERLAP = 0.25
# Windows per session run: enough to amortise the call, few enough that sorting by length keeps
# padding low.
BATCH_SIZE = 16


def session_options() -> ort.SessionOptions:
    """One request at a time per Lambda environment: all cores on each operator, none idle."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = available_cores()
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return options


def available_cores() -> int:
    # Lambda (and containers) may allow fewer cores than the host has.
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


class OnnxScorer(LabelledScores):
    """A Scorer (Detoxify's `predict`) over an artifact directory written by `export_model`."""

    def __init__(self, manifest: ModelManifest, session: ort.InferenceSession, tokenizer: Tokenizer) -> None:
        if manifest.kind != "transformer" or manifest.max_tokens is None or manifest.pad_token_id is None:
            raise ManifestError(f"OnnxScorer reads transformer artifacts, not {manifest.kind!r}")
        self.manifest = manifest
        self.labels = manifest.labels
        self.name = manifest.provenance.describe()
        self.recommended_thresholds: RecommendedThresholds | None = manifest.thresholds
        self._pad_token_id = manifest.pad_token_id
        self._session = session
        self._input_names = {node.name for node in session.get_inputs()}
        self._tokenizer = tokenizer
        self._tokenizer.no_padding()  # padding is done per batch, after sorting by length
        overlap = int(manifest.max_tokens * WINDOW_OVERLAP)
        self._tokenizer.enable_truncation(manifest.max_tokens, stride=overlap)

    @classmethod
    def from_dir(cls, model_dir: Path) -> OnnxScorer:
        manifest = read_manifest(model_dir)
        session = ort.InferenceSession(
            str(model_dir / manifest.onnx_file), session_options(), providers=["CPUExecutionProvider"]
        )
        return cls(manifest, session, Tokenizer.from_file(str(model_dir / manifest.tokenizer_file)))

    def _scores(self, texts: Sequence[str]) -> np.ndarray:
        windows = [
            (owner, window)
            for owner, encoding in enumerate(self._tokenizer.encode_batch(list(texts)))
            for window in _windows(encoding)
        ]
        # Shortest first: each batch holds windows of similar length, so little padding.
        windows.sort(key=lambda item: len(item[1].ids))
        scores = np.zeros((len(texts), len(self.labels)), dtype=np.float32)
        for start in range(0, len(windows), BATCH_SIZE):
            batch = windows[start : start + BATCH_SIZE]
            probabilities = _sigmoid(self._logits([window for _, window in batch]))
            for (owner, _), row in zip(batch, probabilities, strict=True):
                np.maximum(scores[owner], row, out=scores[owner])
        return scores

    def _logits(self, windows: Sequence[Encoding]) -> np.ndarray:
        width = max(len(window.ids) for window in windows)
        shape = (len(windows), width)
        arrays = {
            "input_ids": np.full(shape, self._pad_token_id, dtype=np.int64),
            "attention_mask": np.zeros(shape, dtype=np.int64),
            "token_type_ids": np.zeros(shape, dtype=np.int64),
        }
        for row, window in enumerate(windows):
            length = len(window.ids)
            arrays["input_ids"][row, :length] = window.ids
            arrays["attention_mask"][row, :length] = window.attention_mask
            arrays["token_type_ids"][row, :length] = window.type_ids
        feed = {name: array for name, array in arrays.items() if name in self._input_names}
        (logits,) = self._session.run(["logits"], feed)
        return np.asarray(logits, dtype=np.float32)


def _windows(encoding: Encoding) -> Iterator[Encoding]:
    yield encoding
    yield from encoding.overflowing


def _sigmoid(logits: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-logits)), dtype=np.float32)

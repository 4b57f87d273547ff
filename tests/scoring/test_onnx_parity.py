"""The exported model scores what Detoxify scores, for every architecture family."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from moderation.scoring.manifest import read_manifest
from moderation.scoring.onnx_scorer import OnnxScorer
from moderation_tools.model.download import sha256

from tests.scoring.checkpoints import FAMILIES, TRIGGER_LABEL, TRIGGER_WORD, Built, comments

TEXTS = [
    *comments(40, seed=9, min_words=5, max_words=25),
    "Ünïcödé, emoji 🙂 and ACCENTS: déjà vu!",
    "a",
    "   spaces   everywhere   ",
]


def _max_difference(ours: dict[str, list[float]], theirs: dict[str, list[float]]) -> float:
    return max(float(np.abs(np.subtract(ours[label], theirs[label])).max()) for label in theirs)


@pytest.mark.parametrize("model_type", list(FAMILIES))
def test_labels_and_their_order_are_detoxifys(
    model_type: str, artifact: Callable[[str, str], Path], detoxify: Callable[[str], Any]
) -> None:
    scorer = OnnxScorer.from_dir(artifact(model_type, "none"))

    assert read_manifest(artifact(model_type, "none")).labels == detoxify(model_type).class_names
    assert list(scorer.predict(["hello"])) == detoxify(model_type).class_names


@pytest.mark.parametrize("model_type", list(FAMILIES))
def test_fp32_export_matches_detoxify(
    model_type: str, artifact: Callable[[str, str], Path], detoxify: Callable[[str], Any]
) -> None:
    ours = OnnxScorer.from_dir(artifact(model_type, "none")).predict(TEXTS)

    assert _max_difference(ours, detoxify(model_type).predict(TEXTS)) <= 1e-4


@pytest.mark.parametrize("model_type", list(FAMILIES))
def test_int8_export_is_close_to_detoxify(
    model_type: str, artifact: Callable[[str, str], Path], detoxify: Callable[[str], Any]
) -> None:
    ours = OnnxScorer.from_dir(artifact(model_type, "int8")).predict(TEXTS)

    assert _max_difference(ours, detoxify(model_type).predict(TEXTS)) <= 0.02


@pytest.mark.parametrize("model_type", list(FAMILIES))
def test_tiny_models_spread_scores_over_the_unit_interval(
    model_type: str, detoxify: Callable[[str], Any]
) -> None:
    # GIVEN comments, half of them with the trigger word: otherwise a wrong label order or a
    # missing sigmoid could pass the parity tests by luck.
    texts = TEXTS + [f"{text} {TRIGGER_WORD}" for text in TEXTS[:20]]

    scores = detoxify(model_type).predict(texts)

    for label, values in scores.items():
        assert min(values) < 0.25, label
        assert max(values) > 0.75, label


@pytest.mark.parametrize("model_type", list(FAMILIES))
def test_abuse_at_the_end_of_a_long_comment_is_caught(
    model_type: str, artifact: Callable[[str, str], Path], detoxify: Callable[[str], Any]
) -> None:
    # GIVEN a comment several model windows long, clean but for its last word
    clean = " ".join(comments(8, seed=1))
    scorer = OnnxScorer.from_dir(artifact(model_type, "int8"))

    # WHEN it is scored THEN the window holding the last word decides, unlike Detoxify's truncation
    assert scorer.predict(f"{clean} {TRIGGER_WORD}")[TRIGGER_LABEL] > 0.9
    assert detoxify(model_type).predict(f"{clean} {TRIGGER_WORD}")[TRIGGER_LABEL] < 0.5
    assert scorer.predict(clean)[TRIGGER_LABEL] < 0.5


def test_batches_sorted_by_length_come_back_in_input_order(artifact: Callable[[str, str], Path]) -> None:
    scorer = OnnxScorer.from_dir(artifact("original", "none"))
    texts = [TEXTS[0], " ".join(comments(6, seed=2)), "short", *TEXTS[1:30]]

    together = scorer.predict(texts)

    for index, text in enumerate(texts):
        alone = scorer.predict(text)
        for label, value in alone.items():
            assert together[label][index] == pytest.approx(value, abs=1e-5)


def test_a_plain_string_gives_one_float_per_label(artifact: Callable[[str, str], Path]) -> None:
    scores = OnnxScorer.from_dir(artifact("unbiased-small", "int8")).predict("hello there")

    assert all(isinstance(value, float) and 0.0 <= value <= 1.0 for value in scores.values())


def test_an_empty_batch_gives_empty_lists(artifact: Callable[[str, str], Path]) -> None:
    scores = OnnxScorer.from_dir(artifact("unbiased-small", "int8")).predict([])

    assert scores
    assert all(values == [] for values in scores.values())


def test_manifest_records_source_versions_and_quantization(
    artifact: Callable[[str, str], Path], built: Callable[[str], Built]
) -> None:
    manifest = read_manifest(artifact("unbiased-small", "int8"))

    assert manifest.model_type == "unbiased-small"
    assert manifest.quantization == "int8"
    assert manifest.max_tokens == 64
    assert manifest.checkpoint_sha256 == sha256(built("unbiased-small").checkpoint)
    assert {"detoxify", "torch", "transformers", "onnxruntime", "tokenizers"} <= set(manifest.versions)


def test_export_pitfalls_are_fixed_in_copies_not_in_the_inputs(built: Callable[[str], Built]) -> None:
    # The hub-like inputs stay as they were: no label count, no RoBERTa token limit.
    source = built("unbiased")

    assert "num_labels" not in json.loads((source.hf_config / "config.json").read_text())
    assert "model_max_length" not in json.loads((source.hf_config / "tokenizer_config.json").read_text())


def test_int8_artifact_is_much_smaller_than_fp32(artifact: Callable[[str, str], Path]) -> None:
    fp32 = (artifact("original", "none") / "model.onnx").stat().st_size
    int8 = (artifact("original", "int8") / "model.onnx").stat().st_size

    assert int8 < fp32 * 0.6


@pytest.mark.parametrize("quantize", ["int8", "none"])
def test_the_artifact_graph_is_already_optimised_so_loading_it_does_no_fusion_work(
    artifact: Callable[[str, str], Path], tmp_path: Path, quantize: str
) -> None:
    import onnx
    import onnxruntime as ort

    exported = artifact("unbiased-small", quantize) / "model.onnx"
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
    options.optimized_model_filepath = str(tmp_path / "again.onnx")
    ort.InferenceSession(str(exported), options, providers=["CPUExecutionProvider"])

    def op_types(path: Path) -> list[str]:
        return sorted(node.op_type for node in onnx.load(str(path)).graph.node)

    assert op_types(tmp_path / "again.onnx") == op_types(exported)
    assert {"Attention", "SkipLayerNormalization"} & set(op_types(exported))

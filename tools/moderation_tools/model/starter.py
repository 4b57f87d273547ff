"""Build time: alt-profanity-check's scikit-learn pipeline in, the starter artifact out.

alt-profanity-check (MIT) is a TF-IDF vectorizer and five sigmoid-calibrated linear SVMs whose
probabilities are averaged. The artifact splits it where exactness demands: the words are
counted at run time with Python's `re` and the vectorizer's own settings (skl2onnx's string
graph tokenises non-ASCII text differently: 171 of 2,342 texts off by more than 1e-4), and
everything after the counts (given sparse: each word's column and count) — idf, l2 norm, the
SVMs, their calibration and the average — is an ONNX graph in float64, built here from the
fitted numbers.

Needs scikit-learn and alt-profanity-check (the `starter` extra); the run time never does.
"""

from __future__ import annotations

import json
from importlib.metadata import distribution, version
from pathlib import Path
from typing import Any

import numpy as np
import onnx
from moderation.scoring.manifest import MANIFEST_NAME, ModelManifest, ModelSource, RecommendedThresholds
from moderation.scoring.tfidf_scorer import (
    COLUMNS_INPUT,
    COUNTS_INPUT,
    PROBABILITIES_OUTPUT,
    VOCABULARY_FILE,
)
from onnx import TensorProto, helper, numpy_helper

PACKAGE = "alt-profanity-check"
LICENCE_FILE = "LICENSE-alt-profanity-check"
# Detoxify's label for what it detects, so scores, reasons and per-label figures compare across
# the model ladder (see README, "The starter model").
LABEL = "toxicity"
# Measured on the labelled comments in tests/scoring/test_starter_model.py (see README): civil
# comments score below 0.5; profanity scores 0.99+ whether it insults someone or praises a post,
# so no score separates abuse to reject from swearing to review, and the starter only holds.
THRESHOLDS = RecommendedThresholds(review=0.5, reject=1.0)
OPSET = 17


class UnsupportedPipeline(ValueError):
    """The pickled pipeline uses a setting the run-time scorer does not reproduce."""


def build_starter(out: Path) -> ModelManifest:
    """Write the starter artifact of the installed alt-profanity-check into `out`."""
    from profanity_check import profanity_check

    source = ModelSource(kind="package", name=PACKAGE, version=version(PACKAGE), licence="MIT")
    manifest = convert(profanity_check.vectorizer, profanity_check.model, out, source, THRESHOLDS)
    licence = distribution(PACKAGE).read_text("licenses/LICENSE")
    if not licence:
        raise UnsupportedPipeline(f"{PACKAGE} ships no licence file; the artifact must carry its notice")
    (out / LICENCE_FILE).write_text(licence, encoding="utf-8")
    return manifest


def convert(
    vectorizer: Any,
    classifier: Any,
    out: Path,
    source: ModelSource,
    thresholds: RecommendedThresholds | None = None,
) -> ModelManifest:
    """Write `model.onnx`, the vocabulary and `manifest.json` (last) for a fitted pipeline."""
    _check_vectorizer(vectorizer)
    weights, intercepts, slopes, offsets = _calibrated_svms(classifier)
    out.mkdir(parents=True, exist_ok=True)
    (out / MANIFEST_NAME).unlink(missing_ok=True)  # the manifest marks a complete artifact: last
    terms = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
    analyzer = {
        "lowercase": bool(vectorizer.lowercase),
        "token_pattern": vectorizer.token_pattern,
        "stop_words": sorted(vectorizer.get_stop_words() or ()),
        "terms": terms,
    }
    (out / VOCABULARY_FILE).write_text(json.dumps(analyzer, ensure_ascii=False, indent=0) + "\n", "utf-8")
    graph = _graph(np.asarray(vectorizer.idf_, dtype=np.float64), weights, intercepts, slopes, offsets)
    (out / "model.onnx").write_bytes(graph.SerializeToString(deterministic=True))
    manifest = ModelManifest(
        kind="tfidf",
        model_type=f"{source.name}-tfidf-svm",
        labels=[LABEL],
        source=source,
        thresholds=thresholds,
        versions={source.name: source.version, "scikit-learn": version("scikit-learn")},
        tokenizer_file=VOCABULARY_FILE,
    )
    (out / MANIFEST_NAME).write_text(manifest.to_json(), encoding="utf-8")
    return manifest


def _check_vectorizer(vectorizer: Any) -> None:
    """Refuse what the run time doesn't reproduce, rather than score differently from the source."""
    expected = {
        "analyzer": "word",
        "input": "content",
        "preprocessor": None,
        "tokenizer": None,
        "strip_accents": None,
        "ngram_range": (1, 1),
        "binary": False,
        "use_idf": True,
        "sublinear_tf": False,
        "norm": "l2",
    }
    params = vectorizer.get_params()
    if type(vectorizer).__name__ != "TfidfVectorizer":
        raise UnsupportedPipeline(f"expected a TfidfVectorizer, got {type(vectorizer).__name__}")
    different = {name: params[name] for name, value in expected.items() if params[name] != value}
    if different:
        raise UnsupportedPipeline(f"vectorizer settings the run-time scorer does not reproduce: {different}")


def _calibrated_svms(classifier: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per calibrated SVM: weights (columns), intercept, and the sigmoid's slope and offset."""
    if type(classifier).__name__ != "CalibratedClassifierCV" or classifier.method != "sigmoid":
        raise UnsupportedPipeline("expected a CalibratedClassifierCV with method='sigmoid'")
    if len(classifier.classes_) != 2:
        raise UnsupportedPipeline("expected a binary classifier")
    weights, intercepts, slopes, offsets = [], [], [], []
    for calibrated in classifier.calibrated_classifiers_:
        estimator = calibrated.estimator
        if not hasattr(estimator, "coef_") or estimator.coef_.shape[0] != 1:
            raise UnsupportedPipeline(f"expected binary linear estimators, got {type(estimator).__name__}")
        (calibrator,) = calibrated.calibrators
        weights.append(estimator.coef_[0])
        intercepts.append(estimator.intercept_[0])
        slopes.append(calibrator.a_)
        offsets.append(calibrator.b_)
    return (
        np.asarray(weights, dtype=np.float64).T,
        np.asarray(intercepts, dtype=np.float64),
        np.asarray(slopes, dtype=np.float64),
        np.asarray(offsets, dtype=np.float64),
    )


def _graph(
    idf: np.ndarray, weights: np.ndarray, intercepts: np.ndarray, slopes: np.ndarray, offsets: np.ndarray
) -> onnx.ModelProto:
    """counts → tf-idf → l2 norm → each SVM's decision → Platt's sigmoid → their mean.

    The same arithmetic as scikit-learn's `transform` and `predict_proba`:
    p_k = 1 / (1 + exp(a_k · (w_k · x + c_k) + b_k)), probability = mean_k p_k.
    The input is sparse, as a comment uses few of the 15,442 words: per comment the vocabulary
    columns of its words and their counts, padded with count 0 (which adds nothing).
    """
    initializers = [
        numpy_helper.from_array(idf, "idf"),
        numpy_helper.from_array(weights, "svm_weights"),
        numpy_helper.from_array(intercepts, "svm_intercepts"),
        numpy_helper.from_array(slopes, "calibration_slopes"),
        numpy_helper.from_array(offsets, "calibration_offsets"),
        numpy_helper.from_array(np.array([1], dtype=np.int64), "term_axis"),
        numpy_helper.from_array(np.array([2], dtype=np.int64), "svm_axis"),
        numpy_helper.from_array(np.array(0.0), "zero"),
        numpy_helper.from_array(np.array(1.0), "one"),
    ]
    nodes = [
        helper.make_node("Gather", ["idf", COLUMNS_INPUT], ["term_idf"]),
        helper.make_node("Mul", [COUNTS_INPUT, "term_idf"], ["tfidf"]),
        helper.make_node("Mul", ["tfidf", "tfidf"], ["squares"]),
        helper.make_node("ReduceSum", ["squares", "term_axis"], ["sum_of_squares"], keepdims=1),
        helper.make_node("Sqrt", ["sum_of_squares"], ["norm"]),
        # scikit-learn leaves an all-zero row (no known word) as zeros: divide it by one.
        helper.make_node("Equal", ["norm", "zero"], ["empty"]),
        helper.make_node("Where", ["empty", "one", "norm"], ["divisor"]),
        helper.make_node("Div", ["tfidf", "divisor"], ["features"]),
        helper.make_node("Unsqueeze", ["features", "svm_axis"], ["feature_columns"]),
        helper.make_node("Gather", ["svm_weights", COLUMNS_INPUT], ["term_weights"], axis=0),
        helper.make_node("Mul", ["feature_columns", "term_weights"], ["contributions"]),
        helper.make_node("ReduceSum", ["contributions", "term_axis"], ["raw_decisions"], keepdims=0),
        helper.make_node("Add", ["raw_decisions", "svm_intercepts"], ["decisions"]),
        helper.make_node("Mul", ["decisions", "calibration_slopes"], ["scaled"]),
        helper.make_node("Add", ["scaled", "calibration_offsets"], ["logits"]),
        helper.make_node("Neg", ["logits"], ["negated"]),
        helper.make_node("Sigmoid", ["negated"], ["calibrated"]),
        helper.make_node("ReduceMean", ["calibrated"], [PROBABILITIES_OUTPUT], axes=[1], keepdims=1),
    ]
    graph = helper.make_graph(
        nodes,
        "tfidf_calibrated_svms",
        [
            helper.make_tensor_value_info(COLUMNS_INPUT, TensorProto.INT64, ["batch", "terms"]),
            helper.make_tensor_value_info(COUNTS_INPUT, TensorProto.DOUBLE, ["batch", "terms"]),
        ],
        [helper.make_tensor_value_info(PROBABILITIES_OUTPUT, TensorProto.DOUBLE, ["batch", 1])],
        initializers,
    )
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="moderation_tools.starter"
    )
    # Pinned, not the installed onnx's default, so regenerating gives the same bytes.
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    return model

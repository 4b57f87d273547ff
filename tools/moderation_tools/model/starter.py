"""Build time: alt-profanity-check's scikit-learn pipeline in, the starter artifact out.

alt-profanity-check (MIT) is a TF-IDF vectorizer and five sigmoid-calibrated linear SVMs whose
probabilities are averaged. The artifact keeps what the run time needs to redo that arithmetic in
plain Python (`moderation.scoring.tfidf_scorer`): the vectorizer's own settings and vocabulary,
and the fitted numbers — each column's idf and SVM weights as little-endian float64, the
intercepts and Platt sigmoids in JSON (Python's float repr reads back bit for bit). skl2onnx is
not used: its string graph tokenises non-ASCII text differently (171 of 2,342 texts off by more
than 1e-4).

Needs scikit-learn and alt-profanity-check (the `starter` extra); the run time never does.
"""

from __future__ import annotations

import json
from importlib.metadata import distribution, version
from pathlib import Path
from typing import Any

import numpy as np
from moderation.scoring.manifest import MANIFEST_NAME, ModelManifest, ModelSource, RecommendedThresholds
from moderation.scoring.tfidf_scorer import VOCABULARY_FILE, WEIGHTS_FILE

PACKAGE = "alt-profanity-check"
LICENCE_FILE = "LICENSE-alt-profanity-check"
# Detoxify's label for what it detects, so scores, reasons and per-label figures compare across
# the model ladder (see docs/scoring/starter.md).
LABEL = "toxicity"
# Measured on the labelled comments in tests/scoring/test_starter_model.py (docs/scoring/starter.md): civil
# comments score below 0.5; profanity scores 0.99+ whether it insults someone or praises a post,
# so no score separates abuse to reject from swearing to review, and the starter only holds.
THRESHOLDS = RecommendedThresholds(review=0.5, reject=1.0)


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
    """Write the weights, the vocabulary and `manifest.json` (last) for a fitted pipeline."""
    _check_vectorizer(vectorizer)
    weights, intercepts, slopes, offsets = _calibrated_svms(classifier)
    out.mkdir(parents=True, exist_ok=True)
    (out / MANIFEST_NAME).unlink(missing_ok=True)  # the manifest marks a complete artifact: last
    terms = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
    analyzer = {
        "lowercase": bool(vectorizer.lowercase),
        "token_pattern": vectorizer.token_pattern,
        "stop_words": sorted(vectorizer.get_stop_words() or ()),
        "svms": {"intercepts": intercepts.tolist(), "slopes": slopes.tolist(), "offsets": offsets.tolist()},
        "terms": terms,
    }
    (out / VOCABULARY_FILE).write_text(json.dumps(analyzer, ensure_ascii=False, indent=0) + "\n", "utf-8")
    # One row per vocabulary column: its idf, then its weight in each SVM.
    columns = np.column_stack([np.asarray(vectorizer.idf_, dtype=np.float64), weights])
    (out / WEIGHTS_FILE).write_bytes(columns.astype("<f8").tobytes(order="C"))
    manifest = ModelManifest(
        kind="tfidf",
        model_type=f"{source.name}-tfidf-svm",
        labels=[LABEL],
        source=source,
        thresholds=thresholds,
        versions={source.name: source.version, "scikit-learn": version("scikit-learn")},
        tokenizer_file=VOCABULARY_FILE,
        weights_file=WEIGHTS_FILE,
        format_version=3,
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
        # The run time computes in float64: a float32 vectorizer would round differently.
        "dtype": np.float64,
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

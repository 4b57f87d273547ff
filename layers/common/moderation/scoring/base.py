"""The scorer interface (Detoxify's `predict`) and how the service finds its scorer."""

from __future__ import annotations

import importlib
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol

from aws_lambda_powertools import Logger

from moderation.scoring.manifest import MANIFEST_NAME, read_manifest
from moderation.settings import Settings

logger = Logger(child=True)

UPGRADE_HINT = (
    "For better scores run `make model` (Detoxify's unbiased-small) and point MODEL_DIR at its output."
)


class Scorer(Protocol):
    """Detoxify's interface: a list of texts in, a list of probabilities per label out."""

    def predict(self, text: list[str]) -> Mapping[str, Sequence[float]]: ...


class ScoringError(Exception):
    """The scorer failed or answered something that is not a probability per label."""


def score_text(scorer: Scorer, text: str) -> dict[str, float]:
    """Score one comment; any failure becomes ScoringError so the caller can hold the comment."""
    try:
        raw = scorer.predict([text])
        scores = {str(label): float(values[0]) for label, values in raw.items()}
    except Exception as error:
        raise ScoringError(f"scorer failed: {error!r}") from error
    if not scores:
        raise ScoringError("scorer returned no labels")
    bad = [label for label, value in scores.items() if not (0.0 <= value <= 1.0) or math.isnan(value)]
    if bad:
        raise ScoringError(f"scorer returned values outside [0, 1] for {bad}")
    return scores


def scorer_name(scorer: Scorer) -> str:
    """Which model scored: the artifact's provenance (`starter:...`, `detoxify:...`) or the class."""
    name = getattr(scorer, "name", None)
    if isinstance(name, str) and name:
        return name
    return f"plugin:{type(scorer).__module__}.{type(scorer).__name__}"


def scorer_from_dir(model_dir: Path) -> Scorer:
    """The scorer for an artifact directory, chosen by its manifest's kind."""
    manifest = read_manifest(model_dir)
    if manifest.kind == "tfidf":
        # Imported here: the starter needs no tokenizers, a transformer no vocabulary.
        from moderation.scoring.tfidf_scorer import TfidfScorer

        return TfidfScorer.from_dir(model_dir)
    from moderation.scoring.onnx_scorer import OnnxScorer

    return OnnxScorer.from_dir(model_dir)


def load_scorer(settings: Settings) -> tuple[Scorer | None, str]:
    """The configured scorer and a line saying which it is, or None and why scoring is off.

    MODERATION_SCORER if set; else the artifact in MODEL_DIR (fetched from MODEL_S3_URI first
    when set); else the starter model; else none, and every comment is held for review.
    """
    if settings.moderation_scorer:
        return _plugin(settings.moderation_scorer)
    if settings.model_s3_uri:
        try:
            from moderation.scoring.fetch import fetch_model

            fetch_model(settings.model_s3_uri, settings.model_dir)
        except Exception as error:
            logger.exception("model could not be fetched")
            return None, (
                f"SCORING UNAVAILABLE: the model at {settings.model_s3_uri} could not be fetched "
                f"({error!r}). Every comment will be HELD FOR REVIEW. Fix: upload the directory "
                "`make model` wrote to that S3 prefix and allow the function s3:GetObject on it."
            )
    if (settings.model_dir / MANIFEST_NAME).is_file():
        return _artifact(settings.model_dir)
    if (settings.starter_model_dir / MANIFEST_NAME).is_file():
        scorer, description = _artifact(settings.starter_model_dir)
        if scorer is not None:
            description += f" (no model in MODEL_DIR={settings.model_dir}). {UPGRADE_HINT}"
        return scorer, description
    return None, (
        f"SCORING UNAVAILABLE: no model at {settings.model_dir.resolve()} (no {MANIFEST_NAME}) and no "
        f"starter model at {settings.starter_model_dir}. Every comment will be HELD FOR REVIEW. Fix: "
        "run `make model` (or `moderation model export --checkpoint ... --hf-config ... --out DIR`) and "
        "point MODEL_DIR at it, set STARTER_MODEL_DIR to the project's layers/scoring/starter, or set "
        "MODERATION_SCORER=module:factory."
    )


def _artifact(model_dir: Path) -> tuple[Scorer | None, str]:
    try:
        scorer = scorer_from_dir(model_dir)
        source = read_manifest(model_dir).provenance
    except Exception as error:
        logger.exception("model could not be loaded")
        return None, (
            f"SCORING UNAVAILABLE: the model at {model_dir} could not be loaded ({error!r}). "
            "Every comment will be HELD FOR REVIEW. Fix: re-run `make model` for MODEL_DIR."
        )
    if not source.is_real_model:
        logger.warning(
            "the model at %s is NOT A REAL MODEL (%s): its scores mean nothing. %s",
            model_dir,
            scorer_name(scorer),
            UPGRADE_HINT if source.kind == "random-weights" else "Export a verified Detoxify release.",
        )
    return scorer, f"{scorer_name(scorer)} from {model_dir}"


def _plugin(spec: str) -> tuple[Scorer | None, str]:
    """MODERATION_SCORER=module:factory, or hold-all mode with what went wrong: never a crash."""
    module_name, _, factory_name = spec.partition(":")
    try:
        if not module_name or not factory_name:
            raise ValueError("it must be 'module:factory'")
        factory = getattr(importlib.import_module(module_name), factory_name)
        scorer = factory()
        if not callable(getattr(scorer, "predict", None)):
            raise TypeError(f"{factory_name}() returned {type(scorer).__name__}, which has no predict()")
    except Exception as error:
        logger.exception("MODERATION_SCORER could not be loaded")
        return None, (
            f"SCORING UNAVAILABLE: MODERATION_SCORER={spec!r} could not be loaded ({error!r}). "
            "Every comment will be HELD FOR REVIEW. Fix: set MODERATION_SCORER to an importable "
            "`module:factory` whose factory returns an object with predict(), or unset it."
        )
    typed: Scorer = scorer
    return typed, f"{scorer_name(typed)} from MODERATION_SCORER={spec}"

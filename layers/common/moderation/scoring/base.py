"""The scorer interface (Detoxify's `predict`) and how the service finds its scorer."""

from __future__ import annotations

import importlib
import math
from collections.abc import Mapping, Sequence
from typing import Protocol

from aws_lambda_powertools import Logger

from moderation.scoring.manifest import MANIFEST_NAME
from moderation.settings import Settings

logger = Logger(child=True)


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


def load_scorer(settings: Settings) -> tuple[Scorer | None, str]:
    """The configured scorer and a line saying which it is, or None and why scoring is off."""
    if settings.moderation_scorer:
        module_name, _, factory_name = settings.moderation_scorer.partition(":")
        if not factory_name:
            raise ValueError(
                f"MODERATION_SCORER must be 'module:factory', got {settings.moderation_scorer!r}"
            )
        factory = getattr(importlib.import_module(module_name), factory_name)
        return factory(), f"scorer from MODERATION_SCORER={settings.moderation_scorer}"
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
    manifest = settings.model_dir / MANIFEST_NAME
    if not manifest.is_file():
        return None, (
            f"SCORING UNAVAILABLE: no model at {settings.model_dir.resolve()} (no {MANIFEST_NAME}). "
            "Every comment will be HELD FOR REVIEW. Fix: run `make model` (or `moderation model export "
            "--checkpoint ... --hf-config ... --out DIR`) and point MODEL_DIR at it, or set "
            "MODERATION_SCORER=module:factory."
        )
    try:
        from moderation.scoring.onnx_scorer import OnnxScorer

        return OnnxScorer.from_dir(settings.model_dir), f"ONNX model from {settings.model_dir}"
    except Exception as error:
        logger.exception("model could not be loaded")
        return None, (
            f"SCORING UNAVAILABLE: the model at {settings.model_dir} could not be loaded ({error!r}). "
            "Every comment will be HELD FOR REVIEW. Fix: re-run `make model` for MODEL_DIR."
        )

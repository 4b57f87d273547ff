"""Finding the scorer: the MODERATION_SCORER plug-in, the model, or hold-all mode with the fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from moderation.scoring.base import ScoringError, load_scorer, score_text
from moderation.settings import Settings

from tests.support.scorers import ScriptedScorer


def test_plugin_factory_is_called_once_at_start() -> None:
    scorer, description = load_scorer(Settings(moderation_scorer="tests.support.scorers:make"))
    assert isinstance(scorer, ScriptedScorer)
    assert "MODERATION_SCORER" in description


def test_no_model_means_hold_all_with_the_fix(tmp_path: Path) -> None:
    scorer, description = load_scorer(Settings(model_dir=tmp_path / "missing"))
    assert scorer is None
    assert "HELD FOR REVIEW" in description
    assert "make model" in description


def test_a_malformed_plugin_path_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="module:factory"):
        load_scorer(Settings(moderation_scorer="tests.support.scorers"))


def test_score_text_takes_one_probability_per_label() -> None:
    scores = score_text(ScriptedScorer(), "hello [[insult=0.7]]")
    assert scores["insult"] == 0.7
    assert scores["toxicity"] == 0.01


class _Broken:
    def __init__(self, answer: object) -> None:
        self.answer = answer

    def predict(self, text: list[str]) -> object:
        return self.answer


@pytest.mark.parametrize(
    "answer", [{}, {"toxicity": [1.5]}, {"toxicity": [float("nan")]}, {"toxicity": []}, None]
)
def test_nonsense_from_a_scorer_is_a_scoring_error(answer: object) -> None:
    with pytest.raises(ScoringError):
        score_text(_Broken(answer), "hi")  # type: ignore[arg-type]

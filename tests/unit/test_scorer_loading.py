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


def test_no_model_and_no_starter_means_hold_all_with_the_fix(tmp_path: Path) -> None:
    settings = Settings(model_dir=tmp_path / "missing", starter_model_dir=tmp_path / "no-starter")

    scorer, description = load_scorer(settings)

    assert scorer is None
    assert "HELD FOR REVIEW" in description
    assert "make model" in description


@pytest.mark.parametrize(
    ("spec", "what"),
    [
        ("tests.support.scorers", "module:factory"),
        ("tests.support.no_such_module:make", "No module named"),
        ("tests.support.scorers:no_such_factory", "no_such_factory"),
        ("tests.unit.test_scorer_loading:exploding_factory", "factory exploded"),
        ("tests.unit.test_scorer_loading:not_a_scorer", "has no predict"),
    ],
)
def test_a_plugin_that_cannot_be_loaded_means_hold_all_naming_the_variable(spec: str, what: str) -> None:
    scorer, description = load_scorer(Settings(moderation_scorer=spec))

    assert scorer is None
    assert f"MODERATION_SCORER={spec!r}" in description
    assert what in description
    assert "HELD FOR REVIEW" in description


def exploding_factory() -> None:
    raise RuntimeError("factory exploded")


def not_a_scorer() -> object:
    return object()


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

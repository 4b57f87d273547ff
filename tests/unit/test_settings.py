"""Settings come from the contract's environment variables."""

from __future__ import annotations

from pathlib import Path

import pytest
from moderation.policy import Thresholds, effective_thresholds
from moderation.settings import Settings
from pydantic import ValidationError


def test_defaults_match_the_contract(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("REVIEW_THRESHOLD", "REJECT_THRESHOLD", "RATE_LIMIT_PER_MINUTE", "MAX_LINKS"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    # Unset thresholds: the model's recommended ones apply, else the contract's 0.5 / 0.9.
    assert (settings.review_threshold, settings.reject_threshold) == (None, None)
    assert effective_thresholds(None, None, None) == Thresholds(review=0.5, reject=0.9)
    assert (settings.rate_limit_per_minute, settings.max_links) == (5, 2)
    assert settings.starter_model_dir == Path("/opt/starter")


def test_empty_thresholds_as_the_template_passes_them_are_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REVIEW_THRESHOLD", "")
    monkeypatch.setenv("REJECT_THRESHOLD", " ")
    settings = Settings()
    assert (settings.review_threshold, settings.reject_threshold) == (None, None)


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REVIEW_THRESHOLD", "0.3")
    monkeypatch.setenv("RATE_LIMIT_PER_MINUTE", "0")
    monkeypatch.setenv("BANNED_WORDS", "foo, bar ,,baz")
    settings = Settings()
    assert settings.review_threshold == 0.3
    assert settings.rate_limit_per_minute == 0
    assert settings.banned_words == ("foo", "bar", "baz")


def test_review_above_reject_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REVIEW_THRESHOLD", "0.95")
    monkeypatch.setenv("REJECT_THRESHOLD", "0.9")
    with pytest.raises(ValidationError, match="REVIEW_THRESHOLD"):
        Settings()


def test_scoring_deadline_defaults_to_three_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SCORING_DEADLINE_SECONDS", raising=False)
    assert Settings().scoring_deadline_seconds == 3
    monkeypatch.setenv("SCORING_DEADLINE_SECONDS", "0.5")
    assert Settings().scoring_deadline_seconds == 0.5
    monkeypatch.setenv("SCORING_DEADLINE_SECONDS", "0")
    with pytest.raises(ValidationError, match="scoring_deadline_seconds"):
        Settings()

"""Each comment decided as the service decides a new comment: model scores, link rule, word lists."""

from __future__ import annotations

from moderation.content_rules import ContentRules
from moderation.policy import Decision, Thresholds, decide
from moderation.scoring.base import Scorer, ScoringError, score_text
from moderation.settings import Settings


class ServiceRules:
    """The service's decision for a new comment, without storage, rate limits or premoderation."""

    def __init__(self, scorer: Scorer, settings: Settings, thresholds: Thresholds) -> None:
        self._scorer = scorer
        self._rules = ContentRules.from_settings(settings)
        self._thresholds = thresholds

    def decide(self, text: str) -> tuple[dict[str, float], Decision]:
        findings = self._rules.check(text)
        scores: dict[str, float] = {}
        try:
            scores = score_text(self._scorer, text)
        except ScoringError:
            findings.hold.insert(0, "scoring_unavailable")
        return scores, decide(scores, findings.hold, self._thresholds, findings.reject)

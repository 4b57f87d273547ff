"""Each comment decided as the service decides a new comment: model scores, link rule, word lists."""

from __future__ import annotations

from moderation.content_rules import WordLists, count_links
from moderation.policy import Decision, Thresholds, decide, effective_thresholds
from moderation.scoring.base import Scorer, ScoringError, score_text
from moderation.settings import Settings


def thresholds_for(settings: Settings, scorer: Scorer | None = None) -> Thresholds:
    """The thresholds the service decides with: the environment's, else the model's recommended."""
    recommended = getattr(scorer, "recommended_thresholds", None)
    return effective_thresholds(settings.review_threshold, settings.reject_threshold, recommended)


class ServiceRules:
    """The service's decision for a new comment, without storage, rate limits or premoderation."""

    def __init__(self, scorer: Scorer, settings: Settings, thresholds: Thresholds) -> None:
        self._scorer = scorer
        self._max_links = settings.max_links
        self._words = WordLists.from_words(settings.banned_words, settings.suspect_words)
        self._thresholds = thresholds

    def decide(self, text: str) -> tuple[dict[str, float], Decision]:
        hold: list[str] = []
        reject: list[str] = []
        scores: dict[str, float] = {}
        try:
            scores = score_text(self._scorer, text)
        except ScoringError:
            hold.append("scoring_unavailable")
        if count_links(text) >= self._max_links:
            hold.append("too_many_links")
        banned, suspect = self._words.matches(text)
        if banned:
            reject.append("banned_word")
        if suspect:
            hold.append("suspect_word")
        return scores, decide(scores, hold, self._thresholds, reject)

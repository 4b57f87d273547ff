"""Each comment decided as the service decides a new comment: model scores, link rule, word lists,
and the spam filter (its seed alone: the evaluation set is a fresh site's first comments)."""

from __future__ import annotations

from moderation.content_rules import ContentRules
from moderation.policy import SPAM_LABEL, Decision, Thresholds, decide, spam_findings, spam_thresholds
from moderation.scoring.base import Scorer, ScoringError, score_text
from moderation.settings import Settings
from moderation.spam.bayes import SpamFilter
from moderation.spam.form_token import FormCheck
from moderation.spam.signals import edge_evidence, with_reads
from moderation.spam.tokens import comment_text

# The set's rows have no author; the service reads the name with the body.
EVAL_AUTHOR = "Reader"


class ServiceRules:
    """The service's decision for a new comment, without storage, rate limits or premoderation."""

    def __init__(
        self, scorer: Scorer, settings: Settings, thresholds: Thresholds, spam: SpamFilter | None = None
    ) -> None:
        self._scorer = scorer
        self._rules = ContentRules.from_settings(settings)
        self._thresholds = thresholds
        self._spam = spam if settings.spam_filter else None
        self._spam_thresholds = spam_thresholds(settings)

    def decide(self, text: str, author_name: str = EVAL_AUTHOR) -> tuple[dict[str, float], Decision]:
        findings = self._rules.check(text)
        scores: dict[str, float] = {}
        try:
            scores = score_text(self._scorer, text)
        except ScoringError:
            findings.hold.insert(0, "scoring_unavailable")
        if self._spam is not None:
            # A new comment from a first-time author, sent without the widget's form (no form signals).
            edge = edge_evidence(author_name, text, honeypot=None, form=FormCheck())
            evidence = with_reads(edge, form_replayed=False, near_duplicate=False, author=None)
            verdict = self._spam.score(comment_text(author_name, text), evidence)
            scores[SPAM_LABEL] = verdict.score
            spam = spam_findings(verdict.score, verdict.reasons, self._spam_thresholds)
            findings.hold.extend(spam.hold)
            findings.reject.extend(spam.reject)
        return scores, decide(scores, findings.hold, self._thresholds, findings.reject)

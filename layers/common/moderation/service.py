"""Submitting a comment: check the guards, score, decide, store — and say what happened."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Protocol

from aws_lambda_powertools import Logger

from moderation.content_rules import ContentRules, normalised_for_comparison
from moderation.errors import CommentsClosed, IdempotencyKeyReused, ParentNotFound, RateLimited
from moderation.identity import author_identity, client_hash, new_reader_key, reader_id
from moderation.ids import MonotonicIds
from moderation.models.authors import PostSettings
from moderation.models.comments import AutomaticDecision, NewComment, PublicComment, StoredComment
from moderation.outcomes import Nudge, Submission
from moderation.policy import (
    SPAM_LABEL,
    Decision,
    SpamFindings,
    decide,
    spam_findings,
    spam_thresholds,
    thresholds_for,
    toxicity_scores,
)
from moderation.rate_limit import (
    NUDGES_PER_POST,
    RATE_CLAIM_ATTEMPTS,
    RateClaim,
    RateLog,
    RateRace,
    SlidingWindowLimit,
    record_alone,
)
from moderation.scoring.base import Scorer, ScoringError, scorer_name
from moderation.scoring.deadline import DeadlineScorer
from moderation.settings import Settings
from moderation.spam.bayes import Counts, SpamFilter
from moderation.spam.evidence import SpamEvidence
from moderation.spam.form_token import FormTokens
from moderation.spam.near_duplicates import REMEMBERED_SECONDS, band_digests
from moderation.spam.signals import edge_evidence, with_reads, with_signal
from moderation.spam.tokens import comment_text
from moderation.standing import Standing, apply_standing
from moderation.store import (
    CreateGuards,
    FormReplayRace,
    IdempotencyRace,
    IdempotencyRecord,
    SubmissionKeys,
    SubmissionReads,
)

logger = Logger(child=True)

IDEMPOTENCY_TTL_SECONDS = 24 * 3600
SPAM_UNAVAILABLE = "spam_unavailable"


class CommentStore(Protocol):
    """What the service needs of storage (DynamoCommentStore in AWS, a fake in unit tests)."""

    def create(
        self, comment: StoredComment, guards: CreateGuards, now: int, parent: StoredComment | None = None
    ) -> None: ...
    def submission_reads(self, wanted: SubmissionKeys, now: int) -> SubmissionReads: ...
    def get_idempotency(self, post_id: str, key_hash: str, now: int) -> IdempotencyRecord | None: ...
    def get_rate_log(self, client_hash: str) -> RateLog: ...
    def record_rate(self, claim: RateClaim) -> None: ...


class CommentService:
    def __init__(
        self,
        store: CommentStore,
        scorer: Scorer | None,
        settings: Settings,
        secret: bytes,
        clock: Callable[[], float] = time.time,
        spam: SpamFilter | None = None,
    ):
        self._store = store
        # With the filter on (SPAM_FILTER) but no filter (its seed failed to load), every
        # comment is held: spam that would have been held must not be published unscored.
        self._spam_on = settings.spam_filter
        self._spam = spam
        self._spam_thresholds = spam_thresholds(settings)
        deadline = settings.scoring_deadline_seconds
        self._scorer = DeadlineScorer(scorer, deadline) if scorer is not None else None
        self._settings = settings
        self._model = scorer_name(scorer) if scorer is not None else None
        self._thresholds = thresholds_for(settings, scorer)
        self._rules = ContentRules.from_settings(settings)
        self._secret = secret
        self._forms = FormTokens(secret, settings.form_min_seconds, settings.form_max_age_seconds)
        self._clock = clock
        self._ids = MonotonicIds()
        limit = settings.rate_limit_per_minute
        self._rate_limit = SlidingWindowLimit(limit) if limit else None
        self._nudge_limit = SlidingWindowLimit(limit * NUDGES_PER_POST) if limit else None

    def form_token(self, post_id: str) -> str:
        """A token for the widget's form, saying when it was shown (see spam.form_token)."""
        return self._forms.issue(post_id, int(self._clock()))

    def submit(
        self,
        post_id: str,
        request: NewComment,
        client_ip: str | None,
        idempotency_key: str | None = None,
    ) -> Submission | Nudge:
        moment = self._clock()
        now, now_ms = int(moment), int(moment * 1000)
        # The nudge flag asks a question about the comment, the reader key says who asks: neither is
        # part of it.
        content = request.model_dump(mode="json", exclude={"nudge", "reader_key"})
        fingerprint = _sha256(json.dumps([post_id, content], sort_keys=True))
        key_hash = _sha256(idempotency_key) if idempotency_key else None
        client = client_hash(self._secret, client_ip) if client_ip else None
        email_hash = _sha256(request.author_email.casefold()) if request.author_email else None
        # A browser without a key we signed gets a new one, and this comment is its first.
        reader = reader_id(self._secret, request.reader_key)
        minted = None
        if reader is None:
            minted = new_reader_key(self._secret)
            reader = reader_id(self._secret, minted)
        author = author_identity(self._secret, email_hash, reader)
        # Nudges are counted in a log of their own (as reports are): asking first is not posting.
        nudge_log = f"nudge-{client}" if request.nudge and client and self._nudge_limit else None
        form = self._forms.check(post_id, request.form_token, request.website is not None, moment)
        # What the spam filter weighs beside the words: what the request shows, then what the read found.
        evidence = edge_evidence(request.author_name, request.body, honeypot=request.website, form=form)
        text_bands = band_digests(request.body)
        text = comment_text(request.author_name, request.body)
        # The site's counts are read for the words and the edge's features (known before the read).
        spam_tokens = self._spam.tokens(text, evidence) if self._spam_on and self._spam else ()
        # Everything the checks below need, in one round trip.
        wanted = SubmissionKeys(
            post_id,
            idempotency_hash=key_hash,
            client_hash=client if self._rate_limit is not None else None,
            author_key=author.key if author else None,
            parent_id=request.parent_id,
            nudge_log=nudge_log,
            address_hash=client,
            form_nonce=form.nonce,
            text_bands=text_bands,
            spam_tokens=spam_tokens,
        )
        reads = self._store.submission_reads(wanted, now)
        if key_hash and reads.idempotency:
            return self._replay_record(reads.idempotency, fingerprint)
        post = reads.post
        if post.closed:
            raise CommentsClosed("Comments on this post are closed.", details={"post_id": post_id})
        # Checked before the work, counted only with the comment (a request asking to be nudged may
        # end as a post, so it must fit as one too).
        rate = self._claim_rate(client, now_ms, reads.rate_log)
        nudging = self._claim_nudge(nudge_log, now_ms, reads.nudge_log)
        parent = self._check_parent(post_id, request.parent_id, reads.parent)
        evidence = self._with_reads(evidence, post_id, author.key if author else None, reads)

        spam = self._spam_score(text, evidence, spam_tokens, reads.spam)
        scores, matched, decision = self._score(request.body, spam)
        nudge = self._nudge(scores) if request.nudge else None
        if nudge:
            if nudging is not None and self._nudge_limit is not None:
                # A nudge stores nothing and uses up none of the posts, only the nudges' allowance.
                record_alone(self._store, self._nudge_limit, nudging.client_hash, now_ms, nudging)
            return nudge
        decision = apply_standing(decision, self._standing(post, reads))
        comment = self._new_comment(post_id, request, scores, decision, client, now).model_copy(
            update={
                "author_key": author.key if author else None,
                "author_key_kind": author.kind if author else None,
                "matched": matched,
                "author_email_hash": email_hash,
                "spam_signals": list(evidence.signals),
                "spam_features": list(evidence.features),
            }
        )
        outcome = Submission(_as_answered(comment, spam), comment.reasons, reader_key=minted)
        guards = CreateGuards(
            # The same text to a reader: case, width, invisible characters and spacing don't count.
            dedupe_hash=_sha256(
                f"{normalised_for_comparison(request.author_name)}\0{normalised_for_comparison(request.body)}"
            ),
            dedupe_until=now + self._settings.duplicate_window_seconds,
            idempotency_hash=key_hash,
            idempotency=IdempotencyRecord(fingerprint, outcome.record()) if key_hash else None,
            idempotency_expires_at=now + IDEMPOTENCY_TTL_SECONDS,
            rate=rate,
            # A token already used is not remembered again: its first use stands.
            form_nonce=None if reads.form_used else form.nonce,
            form_expires_at=form.expires_at,
            text_bands=text_bands,
            text_bands_expire_at=now + REMEMBERED_SECONDS,
        )
        for _ in range(RATE_CLAIM_ATTEMPTS):
            try:
                self._store.create(comment, guards, now, parent)
                break
            except IdempotencyRace:
                # A concurrent request with the same key won; answer as it did.
                replay = self._replay(post_id, key_hash or "", fingerprint, now)
                if replay:
                    return replay
                raise
            except RateRace:
                # Another post of this client was stored meanwhile: claim again from its log.
                guards = replace(guards, rate=self._claim_rate(client, now_ms))
            except FormReplayRace:
                # A concurrent post used the same token first: this one is its replay.
                evidence = with_signal(evidence, "replayed_form")
                comment = comment.model_copy(update={"spam_signals": list(evidence.signals)})
                guards = replace(guards, form_nonce=None)
        else:
            raise RateLimited(retry_after=1)
        logger.info("comment stored", extra={"comment_id": comment.id, "status": comment.status})
        return outcome

    def _replay(self, post_id: str, key_hash: str, fingerprint: str, now: int) -> Submission | None:
        record = self._store.get_idempotency(post_id, key_hash, now)
        return self._replay_record(record, fingerprint) if record else None

    @staticmethod
    def _replay_record(record: IdempotencyRecord, fingerprint: str) -> Submission:
        if not hmac.compare_digest(record.fingerprint, fingerprint):
            raise IdempotencyKeyReused(
                "This Idempotency-Key was already used for a different comment; use a new key."
            )
        return Submission.replay(record.outcome)

    def _claim_rate(
        self, client_hash: str | None, now_ms: int, log: RateLog | None = None
    ) -> RateClaim | None:
        """The rate log to store with the comment, or RateLimited; None when there is no limit.
        Without the log read with the submission (after a lost race), it is read again."""
        if self._rate_limit is None or not client_hash:
            return None
        read = log if log is not None else self._store.get_rate_log(client_hash)
        return self._rate_limit.claim(client_hash, read, now_ms)

    def _claim_nudge(self, log_name: str | None, now_ms: int, log: RateLog | None) -> RateClaim | None:
        """The nudge log's claim, or RateLimited: each nudge runs the model and tells what it thinks, so
        the allowance is generous (a writer may reword a few times per post) but bounded."""
        if self._nudge_limit is None or log_name is None:
            return None
        return self._nudge_limit.claim(log_name, log or RateLog(), now_ms)

    def _check_parent(
        self, post_id: str, parent_id: str | None, parent: StoredComment | None
    ) -> StoredComment | None:
        if parent_id is None:
            return None
        # Readers can only reply to what they can see: a published comment on the same post.
        if parent is None or parent.post_id != post_id or parent.status != "published":
            raise ParentNotFound(
                "The comment you are replying to does not exist on this post.",
                details={"parent_id": parent_id},
            )
        return parent

    def _nudge(self, scores: dict[str, float]) -> Nudge | None:
        """Only the model's verdict is worth a second thought; word lists, links and limits are not."""
        over = sorted(
            (label for label, value in toxicity_scores(scores).items() if value >= self._thresholds.review),
            key=lambda label: -scores[label],
        )
        return Nudge(over) if over else None

    @staticmethod
    def _with_reads(
        evidence: SpamEvidence, post_id: str, author: str | None, reads: SubmissionReads
    ) -> SpamEvidence:
        # The same author posting nearly the same text to the same post is the duplicate guard's.
        near_duplicate = any(
            text.post_id != post_id or text.author_key != author for text in reads.similar_texts
        )
        return with_reads(
            evidence, form_replayed=reads.form_used, near_duplicate=near_duplicate, author=reads.author
        )

    def _standing(self, post: PostSettings, reads: SubmissionReads) -> Standing:
        """Pre-moderation, the author's standing and a blocked address: the step after the policy."""
        mode = self._settings.premoderate
        record = reads.author
        return Standing(
            address_blocked=reads.address_blocked,
            premoderate_all=mode == "all" or post.premoderate,
            # Without a key an author can't be recognised later, so each comment is a first one.
            new_author=mode == "new_authors" and (record is None or record.published == 0),
            banned=bool(record and record.banned),
            trusted=bool(record and record.trusted),
        )

    def _spam_score(
        self, text: str, evidence: SpamEvidence, words: tuple[str, ...], learnt: Counts | None
    ) -> SpamOutcome | None:
        """The spam filter's score and what it adds to the decision; None with the filter off.
        Without its seed or the site's state (unreadable), the comment is held."""
        if not self._spam_on:
            return None
        if self._spam is None or learnt is None:
            return SpamOutcome(None, SpamFindings(hold=[SPAM_UNAVAILABLE]))
        verdict = self._spam.score(text, evidence, learnt, words)
        return SpamOutcome(
            verdict.score, spam_findings(verdict.score, verdict.reasons, self._spam_thresholds)
        )

    def _score(
        self, body: str, spam: SpamOutcome | None
    ) -> tuple[dict[str, float], dict[str, list[str]], Decision]:
        findings = self._rules.check(body)
        scores: dict[str, float] = {}
        if self._scorer is None:
            findings.hold.insert(0, "scoring_unavailable")
        else:
            try:
                scores = self._scorer.score(body)
            except ScoringError:
                logger.exception("scoring failed or overran; holding the comment for review")
                findings.hold.insert(0, "scoring_unavailable")
        if spam is not None:
            if spam.score is not None:
                scores[SPAM_LABEL] = spam.score
            findings.hold.extend(spam.findings.hold)
            findings.reject.extend(spam.findings.reject)
        return scores, findings.matched, decide(scores, findings.hold, self._thresholds, findings.reject)

    def _new_comment(
        self,
        post_id: str,
        request: NewComment,
        scores: dict[str, float],
        decision: Decision,
        client_hash: str | None,
        now: int,
    ) -> StoredComment:
        created = datetime.now(UTC)
        return StoredComment(
            id=self._ids.new(created),
            post_id=post_id,
            parent_id=request.parent_id,
            author_name=request.author_name,
            body=request.body,
            created_at=created,
            status=decision.status,
            scores=scores,
            reasons=decision.reasons,
            client_hash=client_hash,
            expires_at=self._settings.rejected_expires_at(now) if decision.status == "rejected" else None,
            # What insights compare moderators' decisions with: the model and thresholds in force.
            automatic=AutomaticDecision(
                status=decision.status,
                model=self._model if toxicity_scores(scores) else None,
                review=self._thresholds.review,
                reject=self._thresholds.reject,
            ),
        )


@dataclass(frozen=True)
class SpamOutcome:
    """The spam filter's score (None when it could not score) and its reasons to hold or reject."""

    score: float | None
    findings: SpamFindings


def _as_answered(comment: StoredComment, spam: SpamOutcome | None) -> PublicComment:
    """The comment as its poster is told: one rejected as spam is "pending", as if held, so a bot
    learns nothing from the answer."""
    public = comment.public()
    if comment.status == "rejected" and spam is not None and spam.findings.reject:
        return public.model_copy(update={"status": "pending"})
    return public


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()

"""The composition root: each function builds, once per Lambda container and at init, only what
it uses. Imports are inside the builders so the read path never loads the scorer or onnxruntime."""

from __future__ import annotations

import secrets
from functools import cache
from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger

from moderation.settings import Settings
from moderation.snapstart import after_restore

if TYPE_CHECKING:
    from moderation.addresses import AddressBlocks
    from moderation.alerts import PendingAlerts
    from moderation.authors import AuthorActions
    from moderation.expiry import ExpiryBookkeeping
    from moderation.importing import ImportService
    from moderation.insights import InsightsService
    from moderation.posts import PostModeration
    from moderation.privacy import PrivacyService
    from moderation.reading import ReadingService
    from moderation.reports import ReportService
    from moderation.review import ReviewService
    from moderation.scoring.base import Scorer
    from moderation.service import CommentService
    from moderation.shadow import ShadowScoring
    from moderation.spam.bayes import SpamFilter
    from moderation.spam.learning import SpamLearning
    from moderation.store import DynamoCommentStore
    from moderation.webhooks import WebhookSender

logger = Logger(child=True)

# APP_SECRET_ARN's value is read once per execution environment, at init; Powertools' cache
# would serve any later read for this long.
SECRET_MAX_AGE_SECONDS = 3600


@cache
def settings() -> Settings:
    return Settings()


@cache
def secret() -> bytes:
    configured = settings().app_secret or _secret_from_secrets_manager()
    if configured:
        return configured.encode()
    # Without a shared secret, cursors and client hashes only hold within this process.
    logger.warning("APP_SECRET is not set; using a random secret for this process")
    return secrets.token_bytes(32)


def _secret_from_secrets_manager() -> str:
    """In AWS the template passes the secret's ARN, never its value: read it at run time."""
    name = settings().app_secret_arn
    if not name:
        return ""
    from aws_lambda_powertools.utilities import parameters  # only where a secret is named

    return parameters.get_secret(name, max_age=SECRET_MAX_AGE_SECONDS)


@cache
def store() -> DynamoCommentStore:
    from moderation.store import DynamoCommentStore

    return DynamoCommentStore(settings().table_name)


@cache
def scoring() -> tuple[Scorer | None, str]:
    """The scorer, loaded once, and a line saying what it is (or why scoring is off and the fix)."""
    from moderation.scoring.base import load_scorer

    loaded, description = load_scorer(settings())
    if loaded is None:
        logger.error(description)
    else:
        logger.info("scoring with %s", description)
    return loaded, description


def scorer() -> Scorer | None:
    return scoring()[0]


@cache
def comment_service() -> CommentService:
    """The submit function's service: the only one that loads the model. The validators of what
    a submission reads and writes are built with it, at init, not by the first request."""
    from moderation.models.authors import AuthorRecord, PostSettings
    from moderation.models.base import build
    from moderation.models.comments import NewComment, NudgeAnswer, PublicComment, StoredComment
    from moderation.service import CommentService

    build(NewComment, PostSettings, AuthorRecord, StoredComment, PublicComment, NudgeAnswer)
    # With SPAM_FILTER off the seed is not even loaded: the off side of `make bench-spam` pays nothing.
    spam = spam_filter() if settings().spam_filter else None
    return CommentService(store(), scorer(), settings(), secret(), spam=spam)


@cache
def spam_filter() -> SpamFilter | None:
    """The spam filter with its seed, loaded once at init; None (every comment held, with the
    filter on) when the seed can't be read."""
    from moderation.spam.bayes import SpamFilter
    from moderation.spam.seed import SeedError, load_seed

    try:
        return SpamFilter(load_seed())
    except SeedError:
        logger.exception("the spam filter's seed can't be loaded; comments are held for review")
        return None


@cache
def spam_learning() -> SpamLearning:
    from moderation.spam.learning import SpamLearning

    return SpamLearning(store())


@cache
def import_service() -> ImportService:
    """The import function's service: it loads the model too, to score what it imports."""
    from moderation.importing import ImportService

    return ImportService(store(), scorer(), settings(), secret())


@cache
def reading_service() -> ReadingService:
    from moderation.reading import ReadingService

    return ReadingService(store(), secret())


@cache
def review_service() -> ReviewService:
    from moderation.review import ReviewService

    return ReviewService(store(), settings(), secret())


@cache
def privacy_service() -> PrivacyService:
    from moderation.privacy import PrivacyService

    return PrivacyService(store())


@cache
def pending_alerts() -> PendingAlerts:
    from moderation.alerts import PendingAlerts, SnsPublisher

    configured = settings()
    return PendingAlerts(store(), SnsPublisher(configured.alert_topic_arn), configured.alert_pending_minutes)


@cache
def expiry_bookkeeping() -> ExpiryBookkeeping:
    from moderation.expiry import ExpiryBookkeeping

    return ExpiryBookkeeping(store())


@cache
def webhook_sender() -> WebhookSender:
    """Delivers events to WEBHOOK_URLS, signed with WEBHOOK_SECRET (or the secret WEBHOOK_SECRET_ARN
    names); what keeps failing goes to WEBHOOK_DLQ_URL's queue, or to the log without one."""
    from moderation.webhooks import LoggedDeadLetters, SqsDeadLetters, WebhookSender

    configured = settings()
    secret = configured.webhook_secret
    if not secret and configured.webhook_secret_arn:
        from aws_lambda_powertools.utilities import parameters

        secret = parameters.get_secret(configured.webhook_secret_arn, max_age=SECRET_MAX_AGE_SECONDS)
    if configured.webhook_urls and not secret:
        logger.warning("WEBHOOK_SECRET is not set: webhooks are signed with an empty key")
    dead_letters = (
        SqsDeadLetters(configured.webhook_dlq_url) if configured.webhook_dlq_url else LoggedDeadLetters()
    )
    return WebhookSender(
        configured.webhook_urls,
        secret.encode(),
        dead_letters,
        configured.webhook_format,
        allow_private=configured.webhook_allow_private,
    )


@after_restore
def forget_connections() -> None:
    """After a SnapStart restore: rebuild what holds AWS clients and connections (the store, the
    services around it, Powertools' secret provider); keep the settings, the secret and the model."""
    for built in _CONNECTED:
        built.cache_clear()
    from aws_lambda_powertools.utilities import parameters

    parameters.clear_caches()  # type: ignore[no-untyped-call]  # unannotated in Powertools


@cache
def report_service() -> ReportService:
    from moderation.reports import ReportService

    return ReportService(store(), settings(), secret())


@cache
def author_actions() -> AuthorActions:
    from moderation.authors import AuthorActions

    return AuthorActions(store(), review_service())


@cache
def address_blocks() -> AddressBlocks:
    from moderation.addresses import AddressBlocks

    return AddressBlocks(store())


@cache
def shadow_scoring() -> ShadowScoring | None:
    """The shadow model (SHADOW_MODEL_DIR), loaded once; None when it is not configured."""
    directory = settings().shadow_model_dir
    if directory is None:
        return None
    from moderation.scoring.base import scorer_from_dir, scorer_name
    from moderation.shadow import ShadowScoring

    # A shadow that cannot load fails the function's init loudly: its records wait on the stream.
    scorer = scorer_from_dir(directory)
    logger.info("shadow scoring with %s from %s", scorer_name(scorer), directory)
    return ShadowScoring(store(), scorer, scorer_name(scorer))


@cache
def insights_service() -> InsightsService:
    from moderation.insights import InsightsService

    return InsightsService(store())


@cache
def post_moderation() -> PostModeration:
    from moderation.posts import PostModeration

    return PostModeration(store())


def reset() -> None:
    """Forget everything built from the environment (tests change it between cases)."""
    for built in (settings, secret, scoring, spam_filter, *_CONNECTED):
        built.cache_clear()


# What holds AWS clients and connections: rebuilt after a SnapStart restore.
_CONNECTED = (
    store,
    comment_service,
    reading_service,
    review_service,
    expiry_bookkeeping,
    webhook_sender,
    privacy_service,
    pending_alerts,
    report_service,
    author_actions,
    address_blocks,
    post_moderation,
    insights_service,
    shadow_scoring,
    import_service,
    spam_learning,
)

"""The composition root: each function builds, once per Lambda container and at init, only what
it uses. Imports are inside the builders so the read path never loads the scorer or onnxruntime."""

from __future__ import annotations

import secrets
from functools import cache
from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger

from moderation.settings import Settings

if TYPE_CHECKING:
    from moderation.authors import AuthorActions
    from moderation.posts import PostModeration
    from moderation.reading import ReadingService
    from moderation.reports import ReportService
    from moderation.review import ReviewService
    from moderation.scoring.base import Scorer
    from moderation.service import CommentService
    from moderation.store import DynamoCommentStore

logger = Logger(child=True)


@cache
def settings() -> Settings:
    return Settings()


@cache
def secret() -> bytes:
    configured = settings().app_secret
    if configured:
        return configured.encode()
    # Without a shared secret, cursors and client hashes only hold within this process.
    logger.warning("APP_SECRET is not set; using a random secret for this process")
    return secrets.token_bytes(32)


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
    """The submit function's service: the only one that loads the model."""
    from moderation.service import CommentService

    return CommentService(store(), scorer(), settings(), secret())


@cache
def reading_service() -> ReadingService:
    from moderation.reading import ReadingService

    return ReadingService(store(), secret())


@cache
def review_service() -> ReviewService:
    from moderation.review import ReviewService

    return ReviewService(store(), settings(), secret())


@cache
def report_service() -> ReportService:
    from moderation.reports import ReportService

    return ReportService(store(), settings(), secret())


@cache
def author_actions() -> AuthorActions:
    from moderation.authors import AuthorActions

    return AuthorActions(store(), review_service())


@cache
def post_moderation() -> PostModeration:
    from moderation.posts import PostModeration

    return PostModeration(store())


def reset() -> None:
    """Forget everything built from the environment (tests change it between cases)."""
    for built in (
        settings,
        secret,
        store,
        scoring,
        comment_service,
        reading_service,
        review_service,
        report_service,
        author_actions,
        post_moderation,
    ):
        built.cache_clear()

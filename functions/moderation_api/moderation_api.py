"""/moderation/...: the review queue, one comment, decisions, claims and counts, for moderators only.

In AWS the HTTP API's JWT authorizer (Cognito) has already checked the token; here we check the
`moderators` group in its claims (403 without it, 401 without claims).
"""

from typing import Annotated, Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from moderation import observability, runtime
from moderation.http import create_resolver, resolve
from moderation.http.auth import moderator_from_claims
from moderation.http.openapi_docs import COMMON_ERRORS, json_response
from moderation.models import (
    POST_ID_PATTERN,
    AuthorExport,
    ClaimRequest,
    ClaimResult,
    CommentDetail,
    DecisionRequest,
    EraseRequest,
    ErasureResult,
    ModerationQueuePage,
    Moderator,
    Status,
    StatusCounts,
)
from moderation.privacy import PrivacyService
from moderation.review import ReviewService

logger = Logger()
tracer = observability.tracer()
metrics = Metrics()
app = create_resolver(metrics)
runtime.review_service()
runtime.privacy_service()

AUTH_ERRORS = {
    401: json_response("unauthorized: no or bad token"),
    403: json_response("forbidden: not in the moderators group"),
}
NOT_FOUND = {404: json_response("not_found: no comment with this id")}
# Ids are ULIDs; the pattern also keeps percent-encoded path segments out.
CommentIdPath = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
PostIdFilter = Annotated[str | None, Query(pattern=POST_ID_PATTERN)]


def current_moderator() -> Moderator:
    return moderator_from_claims(app.current_event.request_context.authorizer.jwt_claim)


Service = Annotated[ReviewService, Depends(runtime.review_service)]
Privacy = Annotated[PrivacyService, Depends(runtime.privacy_service)]
Caller = Annotated[Moderator, Depends(current_moderator)]


@app.get(
    "/moderation/queue",
    summary="The review queue: comments in one status, oldest first",
    responses={200: json_response("one page", ModerationQueuePage), **AUTH_ERRORS, **COMMON_ERRORS},
)
@tracer.capture_method
def queue(
    service: Service,
    _caller: Caller,
    status: Annotated[Status, Query()] = "pending",
    post_id: PostIdFilter = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(min_length=1, max_length=2048)] = None,
) -> ModerationQueuePage:
    return service.queue(status, post_id, limit, cursor)


@app.get(
    "/moderation/comments/<comment_id>",
    summary="One comment with its scores, reasons, version and history",
    responses={
        200: json_response("the comment", CommentDetail),
        **NOT_FOUND,
        **AUTH_ERRORS,
        **COMMON_ERRORS,
    },
)
@tracer.capture_method
def comment(comment_id: CommentIdPath, service: Service, _caller: Caller) -> CommentDetail:
    return service.detail(comment_id)


@app.post(
    "/moderation/comments/<comment_id>/decision",
    summary="Approve (publish) or reject a comment, from any status",
    responses={
        200: json_response("the comment with its new version", CommentDetail),
        **NOT_FOUND,
        409: json_response("conflict: the version is not the current one; nothing changed"),
        **AUTH_ERRORS,
        **COMMON_ERRORS,
    },
)
@tracer.capture_method
def decide(
    comment_id: CommentIdPath, decision: DecisionRequest, service: Service, caller: Caller
) -> CommentDetail:
    updated = service.decide(comment_id, decision, caller)
    metrics.add_metric(name=f"Decisions_{decision.action}", unit=MetricUnit.Count, value=1)
    return updated


@app.post(
    "/moderation/claims",
    summary="Lease the next pending comments no one else holds, for a few minutes",
    responses={
        200: json_response("the comments now leased to you", ClaimResult),
        **AUTH_ERRORS,
        **COMMON_ERRORS,
    },
)
@tracer.capture_method
def claim(request: ClaimRequest, service: Service, caller: Caller) -> ClaimResult:
    return service.claim(request, caller)


@app.get(
    "/moderation/counts",
    summary="Exact comment counts per status, overall or for one post",
    responses={200: json_response("the counts", StatusCounts), **AUTH_ERRORS, **COMMON_ERRORS},
)
@tracer.capture_method
def counts(
    service: Service,
    _caller: Caller,
    post_id: PostIdFilter = None,
) -> StatusCounts:
    return service.counts(post_id)


@app.get(
    "/moderation/authors/export",
    summary="A reader's data on request: every comment stored under their e-mail address",
    responses={200: json_response("the author's comments", AuthorExport), **AUTH_ERRORS, **COMMON_ERRORS},
)
@tracer.capture_method
def export_author(
    privacy: Privacy,
    _caller: Caller,
    email: Annotated[str, Query(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")],
) -> AuthorExport:
    return privacy.export(email)


@app.post(
    "/moderation/authors/erase",
    summary="Erase a reader's data on request: names and words replaced, threads kept",
    responses={
        200: json_response("how many comments were erased", ErasureResult),
        **AUTH_ERRORS,
        **COMMON_ERRORS,
    },
)
@tracer.capture_method
def erase_author(request: EraseRequest, privacy: Privacy, caller: Caller) -> ErasureResult:
    erased = privacy.erase(request.email, caller)
    metrics.add_metric(name="AuthorsErased", unit=MetricUnit.Count, value=1)
    return ErasureResult(erased=erased)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@metrics.log_metrics
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context)

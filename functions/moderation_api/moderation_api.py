"""/moderation/...: the review queue, one comment, decisions (one or many), claims and counts, for
moderators only.

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
from moderation.addresses import AddressBlocks
from moderation.authors import AuthorActions
from moderation.errors import DomainError
from moderation.http import create_resolver, resolve
from moderation.http.auth import moderator_from_claims
from moderation.http.errors import http_error
from moderation.http.openapi_docs import COMMON_ERRORS, json_response
from moderation.insights import InsightsService
from moderation.models.authors import (
    AddressActionRequest,
    AddressReach,
    AuthorActionRequest,
    AuthorRecord,
    PostSettings,
    PostSettingsUpdate,
)
from moderation.models.base import POST_ID_PATTERN, Moderator, Status
from moderation.models.comments import CommentDetail
from moderation.models.insights import InsightsReport
from moderation.models.privacy import AuthorExport, EraseRequest, ErasureResult
from moderation.models.review import (
    BulkDecisionItem,
    BulkDecisionRequest,
    BulkDecisionResult,
    ClaimRequest,
    ClaimResult,
    DecisionRequest,
    ModerationDetail,
    ModerationQueuePage,
    ModeratorIdentity,
    StatusCounts,
)
from moderation.posts import PostModeration
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
Authors = Annotated[AuthorActions, Depends(runtime.author_actions)]
Addresses = Annotated[AddressBlocks, Depends(runtime.address_blocks)]
Posts = Annotated[PostModeration, Depends(runtime.post_moderation)]
Insights = Annotated[InsightsService, Depends(runtime.insights_service)]
AuthorKeyPath = Annotated[str, Path(pattern=r"^[0-9a-f]{24}$")]
PostIdPath = Annotated[str, Path(pattern=POST_ID_PATTERN)]
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
    reason: Annotated[str | None, Query(pattern=r"^[a-z_:]{1,64}$")] = None,
) -> ModerationQueuePage:
    return service.queue(status, post_id, limit, cursor, reason)


@app.get(
    "/moderation/comments/<comment_id>",
    summary="One comment with its scores, reasons, history, the comment it answers and its reports",
    responses={
        200: json_response("the comment", ModerationDetail),
        **NOT_FOUND,
        **AUTH_ERRORS,
        **COMMON_ERRORS,
    },
)
@tracer.capture_method
def comment(comment_id: CommentIdPath, service: Service, _caller: Caller) -> ModerationDetail:
    return service.detail(comment_id)


@app.post(
    "/moderation/comments/<comment_id>/decision",
    summary="Approve (publish) or reject a comment, from any status",
    responses={
        200: json_response("the comment with its new version", CommentDetail),
        **NOT_FOUND,
        409: json_response(
            "conflict: the version is not the current one; no_change: it already has that status"
        ),
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


@app.get(
    "/moderation/comments/<comment_id>/address",
    summary="Whether the comment's address is blocked, and whom blocking it reaches (readers seen from it)",
    responses={
        200: json_response("the block and its reach", AddressReach),
        404: json_response("not_found: no comment with this id, or none with a known address"),
        **AUTH_ERRORS,
        **COMMON_ERRORS,
    },
)
@tracer.capture_method
def comment_address(comment_id: CommentIdPath, addresses: Addresses, _caller: Caller) -> AddressReach:
    return addresses.reach(comment_id)


@app.post(
    "/moderation/comments/<comment_id>/address",
    summary="Block the comment's address (every reader's new comments from it held, for 30 days) or unblock",
    responses={
        200: json_response("the block and its reach after the action", AddressReach),
        404: json_response("not_found: no comment with this id, or none with a known address"),
        **AUTH_ERRORS,
        **COMMON_ERRORS,
    },
)
@tracer.capture_method
def act_on_address(
    comment_id: CommentIdPath, request: AddressActionRequest, addresses: Addresses, caller: Caller
) -> AddressReach:
    reach = addresses.act(comment_id, request, caller)
    metrics.add_metric(name=f"Addresses_{request.action}", unit=MetricUnit.Count, value=1)
    return reach


@app.post(
    "/moderation/decisions",
    summary="The same decision and note for several comments at once",
    responses={
        200: json_response("one result per id: its new status, or the error code", BulkDecisionResult),
        **AUTH_ERRORS,
        **COMMON_ERRORS,
    },
)
@tracer.capture_method
def decide_many(request: BulkDecisionRequest, service: Service, caller: Caller) -> dict[str, Any]:
    results = [
        BulkDecisionItem(id=comment_id, error=http_error(outcome).code)
        if isinstance(outcome, DomainError)
        else BulkDecisionItem(id=comment_id, status=outcome.status)
        for comment_id, outcome in service.decide_many(request, caller)
    ]
    decided = sum(1 for result in results if result.status)
    metrics.add_metric(name=f"Decisions_{request.action}", unit=MetricUnit.Count, value=decided)
    # Each result carries either its status or its error, never a null for the other.
    return BulkDecisionResult(results=results).model_dump(mode="json", exclude_none=True)


@app.get(
    "/moderation/me",
    summary="The signed-in moderator, named as the decision history names them",
    responses={200: json_response("the moderator", ModeratorIdentity), **AUTH_ERRORS, **COMMON_ERRORS},
)
@tracer.capture_method
def me(caller: Caller) -> ModeratorIdentity:
    return ModeratorIdentity(name=caller.name)


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


@app.get(
    "/moderation/authors/<author_key>",
    summary="An author's record: comments per status, banned, trusted",
    responses={200: json_response("the record", AuthorRecord), **AUTH_ERRORS, **COMMON_ERRORS},
)
@tracer.capture_method
def author(author_key: AuthorKeyPath, authors: Authors, _caller: Caller) -> AuthorRecord:
    return authors.record(author_key)


@app.post(
    "/moderation/authors/<author_key>/actions",
    summary="Ban (optionally taking their published comments down), unban, trust or untrust an author",
    responses={
        200: json_response("the record after the action", AuthorRecord),
        **AUTH_ERRORS,
        **COMMON_ERRORS,
    },
)
@tracer.capture_method
def act_on_author(
    author_key: AuthorKeyPath, request: AuthorActionRequest, authors: Authors, caller: Caller
) -> AuthorRecord:
    record = authors.act(author_key, request, caller)
    metrics.add_metric(name=f"Authors_{request.action}", unit=MetricUnit.Count, value=1)
    return record


@app.get(
    "/moderation/posts/<post_id>",
    summary="A post's settings: pre-moderated, closed",
    responses={200: json_response("the settings", PostSettings), **AUTH_ERRORS, **COMMON_ERRORS},
)
@tracer.capture_method
def post_settings(post_id: PostIdPath, posts: Posts, _caller: Caller) -> PostSettings:
    return posts.settings(post_id)


@app.post(
    "/moderation/posts/<post_id>",
    summary="Pre-moderate a post, or close it to new comments (only the fields given change)",
    responses={200: json_response("the settings now", PostSettings), **AUTH_ERRORS, **COMMON_ERRORS},
)
@tracer.capture_method
def update_post_settings(
    post_id: PostIdPath, update: PostSettingsUpdate, posts: Posts, _caller: Caller
) -> PostSettings:
    return posts.update(post_id, update)


@app.get(
    "/moderation/insights",
    summary="Automatic decisions against moderators', what thresholds cost, what a shadow would change",
    responses={
        200: json_response("per-label and overall figures, suggested thresholds", InsightsReport),
        400: json_response("invalid_request: since is not a date, or target_miss_rate is not in (0, 1)"),
        **AUTH_ERRORS,
        **COMMON_ERRORS,
    },
)
@tracer.capture_method
def insights(
    service: Insights,
    _caller: Caller,
    since: Annotated[
        str | None, Query(max_length=40, description="YYYY-MM-DD or an ISO date-time; default 30 days ago")
    ] = None,
    post_id: PostIdFilter = None,
    target_miss_rate: Annotated[
        str | None, Query(max_length=40, description="in (0, 1); default 0.05")
    ] = None,
) -> InsightsReport:
    # since and the target are parsed by the use case: a bad one is 400 invalid_request.
    return service.insights(since, post_id, target_miss_rate)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@metrics.log_metrics
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context)

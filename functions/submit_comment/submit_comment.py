"""POST /posts/{post_id}/comments: accept a reader's comment, score it, decide, store it; and
GET /posts/{post_id}/form: the token the widget's form sends with it."""

from typing import Annotated, Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Header, Path
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from moderation import observability, runtime
from moderation.http import create_resolver, error_response, resolve
from moderation.http.openapi_docs import COMMON_ERRORS, RETRY_AFTER, json_response
from moderation.models.base import POST_ID_PATTERN
from moderation.models.comments import FormToken, NewComment, NudgeAnswer, NudgeDetails, PublicComment
from moderation.outcomes import Nudge, Submission
from moderation.service import CommentService

logger = Logger()
tracer = observability.tracer()
metrics = Metrics()
app = create_resolver(metrics)
# Built at init, outside the handler: the model loads once per container, not per request.
runtime.comment_service()


@app.post(
    "/posts/<post_id>/comments",
    summary="Submit a comment",
    responses={
        200: json_response("a nudge: the model would hold or reject it; nothing stored", NudgeAnswer),
        201: json_response("published at once", PublicComment),
        202: json_response("held for review", PublicComment),
        403: json_response("comments_closed: a moderator closed this post to new comments"),
        409: json_response("duplicate_comment or idempotency_key_reused"),
        422: json_response("comment_rejected (stored as rejected), parent_not_found or invalid_request"),
        429: json_response("rate_limited: retry after Retry-After seconds", headers=RETRY_AFTER),
        **{code: spec for code, spec in COMMON_ERRORS.items() if code != 422},
    },
)
@tracer.capture_method
def submit_comment(
    post_id: Annotated[str, Path(pattern=POST_ID_PATTERN)],
    comment: NewComment,
    service: Annotated[CommentService, Depends(runtime.comment_service)],
    idempotency_key: Annotated[str | None, Header(min_length=1, max_length=255)] = None,
) -> Response[Any]:
    source_ip = app.current_event.request_context.http.source_ip
    submission = service.submit(post_id, comment, source_ip, idempotency_key)
    if isinstance(submission, Nudge):
        metrics.add_metric(name="Comments_nudged", unit=MetricUnit.Count, value=1)
    elif not submission.replayed:
        metrics.add_metric(name=f"Comments_{submission.status}", unit=MetricUnit.Count, value=1)
    return submission_response(submission)


@app.get(
    "/posts/<post_id>/form",
    summary="A token for the comment form",
    description="The widget fetches one when it shows its form and sends it back as `form_token`: "
    "how soon, how late and how often a token comes back are spam signals. Nothing is stored.",
    responses={
        200: json_response("the form token", FormToken),
        400: COMMON_ERRORS[400],
        500: COMMON_ERRORS[500],
    },
)
@tracer.capture_method
def form_token(
    post_id: Annotated[str, Path(pattern=POST_ID_PATTERN)],
    service: Annotated[CommentService, Depends(runtime.comment_service)],
) -> Response[Any]:
    return Response(
        status_code=200,
        content_type=content_types.APPLICATION_JSON,
        body=FormToken(token=service.form_token(post_id)).model_dump(mode="json"),
        # Each form gets its own token: no cache may hand one to two readers.
        headers={"Cache-Control": "no-store"},
    )


def submission_response(submission: Submission | Nudge) -> Response[Any]:
    """201 published, 202 held, 422 rejected (stored all the same), 200 a nudge (nothing stored)."""
    if isinstance(submission, Nudge):
        return Response(
            status_code=200,
            content_type=content_types.APPLICATION_JSON,
            body=NudgeAnswer(
                nudge=NudgeDetails(labels=submission.labels, message=submission.message)
            ).model_dump(mode="json"),
        )
    headers = {"Idempotent-Replayed": "true"} if submission.replayed else {}
    if submission.reader_key:
        # For the browser to keep and send back as `reader_key`: its comments' standing goes with it.
        headers["Reader-Key"] = submission.reader_key
    if submission.status == "rejected":
        return error_response(
            422,
            "comment_rejected",
            "This comment breaks the site's rules and was not published.",
            {"id": submission.comment.id, "reasons": submission.reasons},
            headers,
        )
    return Response(
        status_code=201 if submission.status == "published" else 202,
        content_type=content_types.APPLICATION_JSON,
        body=submission.comment.model_dump(mode="json"),
        headers=headers,
    )


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@metrics.log_metrics
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context)

"""The public read path: a post's published comments (flat or as threads), one comment's replies,
and published counts. It never loads the model."""

from typing import Annotated, Any, Literal

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from moderation import observability, runtime
from moderation.http import create_resolver, resolve
from moderation.http.openapi_docs import COMMON_ERRORS, json_response
from moderation.models.base import POST_ID_PATTERN
from moderation.models.comments import CommentPage, PostCount, PostCounts, ReplyPage, ThreadPage
from moderation.reading import ReadingService

logger = Logger()
tracer = observability.tracer()
metrics = Metrics()
app = create_resolver(metrics)
# Built at init, outside the handler; the read path never loads the model.
runtime.reading_service()

# Counts may be a little stale in a cache: index pages show them as "12 comments" links.
COUNTS_CACHE = "public, max-age=30, stale-while-revalidate=60"
MAX_COUNTED_POSTS = 50

Service = Annotated[ReadingService, Depends(runtime.reading_service)]
PostId = Annotated[str, Path(pattern=POST_ID_PATTERN)]
Limit = Annotated[int, Query(ge=1, le=100)]
Cursor = Annotated[str | None, Query(min_length=1, max_length=2048)]
NOT_FOUND = {404: json_response("not_found: no published comment with this id on this post")}


@app.get(
    "/posts/<post_id>/comments",
    summary="List a post's published comments, flat or as threads",
    responses={
        200: json_response("one page, oldest first (threads: top-level comments)", CommentPage | ThreadPage),
        **COMMON_ERRORS,
    },
)
@tracer.capture_method
def list_comments(
    post_id: PostId,
    service: Service,
    limit: Limit = 50,
    cursor: Cursor = None,
    view: Annotated[Literal["flat", "threads"], Query()] = "flat",
) -> CommentPage | ThreadPage:
    if view == "threads":
        return service.list_threads(post_id, limit, cursor)
    return service.list_published(post_id, limit, cursor)


@app.get(
    "/posts/<post_id>/comments/<comment_id>/replies",
    summary="One comment's published direct replies, oldest first",
    responses={200: json_response("one page of replies", ReplyPage), **NOT_FOUND, **COMMON_ERRORS},
)
@tracer.capture_method
def list_replies(
    post_id: PostId,
    comment_id: Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$")],
    service: Service,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> ReplyPage:
    return service.list_replies(post_id, comment_id, limit, cursor)


@app.get(
    "/posts/<post_id>/comments/count",
    summary="How many comments a post has published",
    responses={200: json_response("the exact count, cacheable", PostCount), **COMMON_ERRORS},
)
@tracer.capture_method
def count(post_id: PostId, service: Service) -> Response[Any]:
    return _cacheable(service.count(post_id).model_dump(mode="json"))


@app.get(
    "/comments/counts",
    summary="Published counts of up to 50 posts at once, for index pages",
    responses={200: json_response("exact counts by post id, cacheable", PostCounts), **COMMON_ERRORS},
)
@tracer.capture_method
def counts(
    service: Service,
    post_id: Annotated[
        list[Annotated[str, Query(pattern=POST_ID_PATTERN)]],
        Query(min_length=1, max_length=MAX_COUNTED_POSTS),
    ],
) -> Response[Any]:
    return _cacheable(service.counts(list(dict.fromkeys(post_id))).model_dump(mode="json"))


def _cacheable(body: dict[str, Any]) -> Response[Any]:
    return Response(
        status_code=200,
        content_type=content_types.APPLICATION_JSON,
        body=body,
        headers={"Cache-Control": COUNTS_CACHE},
    )


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@metrics.log_metrics
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context)

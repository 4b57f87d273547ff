"""GET /posts/{post_id}/comments: a post's published comments, oldest first, paged."""

from typing import Annotated, Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from moderation import observability, runtime
from moderation.http import create_resolver, resolve
from moderation.http.openapi_docs import COMMON_ERRORS, json_response
from moderation.models import POST_ID_PATTERN, CommentPage
from moderation.reading import ReadingService

logger = Logger()
tracer = observability.tracer()
metrics = Metrics()
app = create_resolver(metrics)
# Built at init, outside the handler; the read path never loads the model.
runtime.reading_service()


@app.get(
    "/posts/<post_id>/comments",
    summary="List a post's published comments",
    responses={200: json_response("one page, oldest first", CommentPage), **COMMON_ERRORS},
)
@tracer.capture_method
def list_comments(
    post_id: Annotated[str, Path(pattern=POST_ID_PATTERN)],
    service: Annotated[ReadingService, Depends(runtime.reading_service)],
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(min_length=1, max_length=2048)] = None,
) -> CommentPage:
    return service.list_published(post_id, limit, cursor)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@metrics.log_metrics
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context)

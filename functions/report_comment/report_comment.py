"""POST /posts/{post_id}/comments/{comment_id}/reports: a reader reports a published comment.
It never loads the model and writes only reports (and, at the threshold, the decision they cause)."""

from typing import Annotated, Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from moderation import observability, runtime
from moderation.http import create_resolver, resolve
from moderation.http.openapi_docs import COMMON_ERRORS, RETRY_AFTER, json_response
from moderation.models.base import POST_ID_PATTERN
from moderation.models.reports import ReportReceipt, ReportRequest
from moderation.reports import ReportService

logger = Logger()
tracer = observability.tracer()
metrics = Metrics()
app = create_resolver(metrics)
runtime.report_service()


@app.post(
    "/posts/<post_id>/comments/<comment_id>/reports",
    summary="Report a published comment to the moderators",
    responses={
        202: json_response(
            "received (a repeat from the same reader is received, and counted once)", ReportReceipt
        ),
        404: json_response("not_found: no published comment with this id on this post"),
        429: json_response("rate_limited: retry after Retry-After seconds", headers=RETRY_AFTER),
        **COMMON_ERRORS,
    },
)
@tracer.capture_method
def report_comment(
    post_id: Annotated[str, Path(pattern=POST_ID_PATTERN)],
    comment_id: Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$")],
    report: ReportRequest,
    service: Annotated[ReportService, Depends(runtime.report_service)],
) -> Response[Any]:
    source_ip = app.current_event.request_context.http.source_ip
    service.report(post_id, comment_id, report, source_ip)
    metrics.add_metric(name="Reports", unit=MetricUnit.Count, value=1)
    return Response(
        status_code=202, content_type=content_types.APPLICATION_JSON, body=ReportReceipt().model_dump()
    )


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@metrics.log_metrics
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context)

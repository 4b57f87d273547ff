"""POST /moderation/import: an existing blog's comments (the bulk route behind `moderation import`),
for moderators only. Each comment is scored with the live model (one batch per request) and stored
once, with its thread, its original date and, unless the request asks to rescore, its status.

In AWS the HTTP API's JWT authorizer (Cognito) has already checked the token; here we check the
`moderators` group in its claims (403 without it, 401 without claims).
"""

from typing import Annotated, Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from moderation import observability, runtime
from moderation.errors import DomainError
from moderation.http import create_resolver, resolve
from moderation.http.auth import moderator_from_claims
from moderation.http.errors import http_error
from moderation.http.openapi_docs import COMMON_ERRORS, json_response
from moderation.importing import ImportService, ItemOutcome
from moderation.models.base import Moderator
from moderation.models.imports import ImportItemResult, ImportRequest, ImportResult

logger = Logger()
tracer = observability.tracer()
metrics = Metrics()
app = create_resolver(metrics)
# Built at init, outside the handler: the model loads once per container, not per request.
runtime.import_service()

# 25 comments of up to 5,000 characters each, as UTF-8 (the public routes take 16 KiB).
MAX_IMPORT_BYTES = 512 * 1024
AUTH_ERRORS = {
    401: json_response("unauthorized: no or bad token"),
    403: json_response("forbidden: not in the moderators group"),
}


def current_moderator() -> Moderator:
    return moderator_from_claims(app.current_event.request_context.authorizer.jwt_claim)


@app.post(
    "/moderation/import",
    summary="Import up to 25 comments of an existing blog (Disqus, WordPress): scored, stored once",
    responses={
        200: json_response(
            "one result per comment: imported, exists (imported before) or error (its code)", ImportResult
        ),
        **AUTH_ERRORS,
        **COMMON_ERRORS,
        413: json_response(f"payload_too_large: the request body is over {MAX_IMPORT_BYTES // 1024} KiB"),
    },
)
@tracer.capture_method
def import_comments(
    request: ImportRequest,
    service: Annotated[ImportService, Depends(runtime.import_service)],
    caller: Annotated[Moderator, Depends(current_moderator)],
) -> dict[str, Any]:
    results = [_result(outcome) for outcome in service.import_comments(request, caller)]
    for kind in ("imported", "exists", "error"):
        counted = sum(1 for result in results if result.result == kind)
        metrics.add_metric(name=f"Imported_{kind}", unit=MetricUnit.Count, value=counted)
    # Each result carries its status or its error, never a null for the other.
    return ImportResult(results=results).model_dump(mode="json", exclude_none=True)


def _result(item: ItemOutcome) -> ImportItemResult:
    if isinstance(item.outcome, DomainError):
        return ImportItemResult(
            source_id=item.source_id, id=item.id, result="error", error=http_error(item.outcome).code
        )
    return ImportItemResult(source_id=item.source_id, id=item.id, result=item.outcome, status=item.status)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@metrics.log_metrics
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context, MAX_IMPORT_BYTES)

"""The resolver every function uses: domain errors and Powertools' own failures in the contract's
envelope, and every request body checked once, before Powertools or a use case sees it."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from moderation.errors import DomainError
from moderation.http.bodies import MAX_REQUEST_BYTES, BodyRefused, json_object_body
from moderation.http.errors import http_error

logger = Logger(child=True)


def error_body(code: str, message: str, details: object | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        error["details"] = details
    return {"error": error}


def error_response(
    status_code: int,
    code: str,
    message: str,
    details: object | None = None,
    headers: dict[str, str] | None = None,
) -> Response[Any]:
    return Response(
        status_code=status_code,
        content_type=content_types.APPLICATION_JSON,
        body=error_body(code, message, details),
        headers=headers,
    )


def create_resolver(metrics: Metrics | None = None) -> APIGatewayHttpResolver:
    """A resolver whose every failure, Powertools' own included, answers in the contract's envelope."""
    app = APIGatewayHttpResolver(enable_validation=True)

    @app.exception_handler(DomainError)
    def _domain_error(error: DomainError) -> Response[Any]:
        mapped = http_error(error)
        if metrics is not None:
            metrics.add_metric(name=f"Refused_{mapped.code}", unit=MetricUnit.Count, value=1)
        if mapped.status_code >= 500:
            logger.warning("answering %s", mapped.status_code, exc_info=error)
        return error_response(mapped.status_code, mapped.code, error.message, error.details, mapped.headers)

    @app.exception_handler(RequestValidationError)
    def _invalid_request(error: RequestValidationError) -> Response[Any]:
        problems = error.errors()
        if any(problem.get("type") == "json_invalid" for problem in problems):
            return error_response(400, "invalid_json", "The request body is not valid JSON.")
        if any(tuple(problem.get("loc", ()))[:2] == ("path", "post_id") for problem in problems):
            return error_response(
                400, "invalid_post_id", "post_id must be 1–128 characters of A-Z a-z 0-9 . _ -"
            )
        if any(tuple(problem.get("loc", ()))[:2] == ("query", "cursor") for problem in problems):
            # Too long, empty or given twice: no cursor we made looks like that.
            return error_response(400, "invalid_cursor", "The cursor is malformed; start again without one.")
        details = [
            {
                "field": ".".join(str(part) for part in problem.get("loc", ())[1:]) or "body",
                "in": str(problem.get("loc", ("body",))[0]),
                "message": problem.get("msg", "invalid"),
                "type": problem.get("type", "invalid"),
            }
            for problem in problems
        ]
        return error_response(422, "invalid_request", "Some fields are missing or invalid.", details)

    @app.exception_handler(RequestUnsupportedContentType)
    def _unsupported_type(_: RequestUnsupportedContentType) -> Response[Any]:
        return error_response(415, "unsupported_media_type", "Send the request body as application/json.")

    @app.not_found
    def _no_route(_: NotFoundError) -> Response[Any]:
        return error_response(404, "not_found", "No such route.")

    @app.exception_handler(Exception)
    def _unexpected(_: Exception) -> Response[Any]:
        logger.exception("unexpected error")
        return error_response(500, "internal_error", "Something went wrong on our side.")

    return app


def resolve(
    app: APIGatewayHttpResolver,
    event: dict[str, Any],
    context: LambdaContext,
    max_body_bytes: int = MAX_REQUEST_BYTES,
) -> dict[str, Any]:
    """Refuse a body that is not JSON, too large, or not one JSON object before anything acts on
    it, then route with the body as checked."""
    if event.get("requestContext", {}).get("http", {}).get("method") == "POST":
        try:
            event = _with_checked_body(event, max_body_bytes)
        except BodyRefused as refused:
            return _raw_error(refused.status_code, refused.code, refused.message, refused.details)
    return app.resolve(event, context)


def _with_checked_body(event: dict[str, Any], max_bytes: int) -> dict[str, Any]:
    """The event with its body parsed, checked and written back as plain JSON, which is all
    Powertools will then see (it would otherwise accept forms, unwrap arrays, fail on surrogates)."""
    headers = {str(name).lower(): value for name, value in (event.get("headers") or {}).items()}
    body = json_object_body(
        headers.get("content-type"), event.get("body"), bool(event.get("isBase64Encoded")), max_bytes
    )
    headers["content-type"] = content_types.APPLICATION_JSON
    return {**event, "headers": headers, "body": json.dumps(body), "isBase64Encoded": False}


def _raw_error(status_code: int, code: str, message: str, details: object | None = None) -> dict[str, Any]:
    return {
        "statusCode": status_code,
        "headers": {"Content-Type": content_types.APPLICATION_JSON},
        "body": json.dumps(error_body(code, message, details)),
        "isBase64Encoded": False,
    }

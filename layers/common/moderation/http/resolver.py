"""The resolver every function uses: domain errors and Powertools' own failures in the contract's
envelope, and request limits checked before anything parses the body."""

from __future__ import annotations

import base64
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
from moderation.http.errors import http_error

logger = Logger(child=True)

MAX_REQUEST_BYTES = 16 * 1024


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


def resolve(app: APIGatewayHttpResolver, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Refuse oversized and undecodable bodies before anything parses them, then route."""
    body = event.get("body") or ""
    # A base64 body is a third larger than the bytes it carries.
    size = len(body) * 3 // 4 if event.get("isBase64Encoded") else len(body.encode())
    if size > MAX_REQUEST_BYTES:
        message = f"The request body must be at most {MAX_REQUEST_BYTES} bytes."
        return _raw_error(413, "payload_too_large", message)
    if event.get("isBase64Encoded") and body:
        # API Gateway base64-encodes bodies that are not text; Powertools would fail decoding
        # non-UTF-8 bytes (a 500), and JSON is UTF-8, so such a body is simply not JSON.
        try:
            base64.b64decode(body).decode()
        except ValueError:
            return _raw_error(400, "invalid_json", "The request body is not valid JSON.")
    return app.resolve(event, context)


def _raw_error(status_code: int, code: str, message: str) -> dict[str, Any]:
    return {
        "statusCode": status_code,
        "headers": {"Content-Type": content_types.APPLICATION_JSON},
        "body": json.dumps(error_body(code, message)),
        "isBase64Encoded": False,
    }

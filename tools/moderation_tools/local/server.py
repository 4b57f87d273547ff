"""`make run`: the real Lambda handlers behind a local HTTP server, with moto's DynamoDB.

Each request becomes an API Gateway HTTP API (payload 2.0) event for the handler that
template.yaml routes it to; moderator routes take `LOCAL_MODERATOR_TOKEN` in place of
Cognito's JWT authorizer.
"""

from __future__ import annotations

import base64
import errno
import importlib
import json
import mimetypes
import os
import secrets
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from moderation_tools.errors import ToolError
from moderation_tools.local import DEMO_DIR
from moderation_tools.local.alerts import start_pending_alerts
from moderation_tools.local.stream import WEBHOOK_FUNCTION, StreamRelay, webhook_environment
from moderation_tools.local.template import Route, Template, create_tables

# The demo blog page is the local stack's own; everything else, the console included, is the API's.
DEMO_PAGE = "index.html"
# Far above the API's own 16 KiB limit: the handler must be the one to refuse, as in AWS.
MAX_BODY_BYTES = 1024 * 1024
LOCAL_MODERATOR = "local-moderator"

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


@dataclass
class LambdaContext:
    """The parts of Lambda's context object that Powertools reads."""

    function_name: str
    aws_request_id: str
    memory_limit_in_mb: int = 1024
    deadline: float = 0.0

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:us-east-1:123456789012:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.deadline - time.monotonic()) * 1000))


class LocalStack:
    """The template's functions, tables and routes, running in this process."""

    def __init__(self, template_path: Path, moderator_token: str):
        self.template = Template.load(template_path)
        self.moderator_token = moderator_token
        self.routes = self.template.routes()
        # One invocation at a time, as one warm Lambda container would run them.
        self._lock = threading.Lock()
        self._handlers: dict[str, Handler] = {}
        # With WEBHOOK_URLS set, the table's stream reaches the webhook function, as in AWS.
        self.relay: StreamRelay | None = None

    def start(self) -> None:
        """Start moto, create the tables, set the functions' environment and import the handlers."""
        _use_fake_aws_credentials()
        import boto3
        from moto import mock_aws

        self._moto = mock_aws()
        self._moto.start()
        create_tables(self.template, boto3.client("dynamodb"), streams=bool(os.environ.get("WEBHOOK_URLS")))
        # The template's MODEL_DIR is the Lambda layer's /opt/model; locally the model is the project's.
        os.environ.setdefault("MODEL_DIR", str(self.template.root / "model"))
        for route in self.routes:
            for key, value in self.template.environment(route.function).items():
                os.environ.setdefault(key, value)
        os.environ.setdefault("APP_SECRET", secrets.token_urlsafe(32))
        if os.environ.get("WEBHOOK_URLS"):
            for key, value in webhook_environment(self.template).items():
                os.environ.setdefault(key, value)
            self.relay = StreamRelay(
                self.template,
                lambda: LambdaContext(WEBHOOK_FUNCTION, str(uuid.uuid4()), deadline=time.monotonic() + 300),
            )
            self.relay.start()
        for route in self.routes:
            if route.function not in self._handlers:
                self._handlers[route.function] = _import_handler(route)
        self._stop_alerts = threading.Event()
        start_pending_alerts(self._lock, self._stop_alerts)

    def stop(self) -> None:
        self._stop_alerts.set()
        self._moto.stop()

    def openapi(self) -> dict[str, Any]:
        """One OpenAPI document merged, by Powertools, from every function's resolver."""
        from aws_lambda_powertools.event_handler.openapi.merge import OpenAPIMerge

        merge = OpenAPIMerge(title="Comment moderation", version="1", on_conflict="error")
        for module_name in dict.fromkeys(route.handler.rsplit(".", 1)[0] for route in self.routes):
            merge.add_schema(sys.modules[module_name].app.get_openapi_schema())
        merged: dict[str, Any] = json.loads(merge.get_openapi_json_schema())
        return merged

    def invoke(
        self, method: str, raw_path: str, query: str, headers: dict[str, str], body: bytes, source_ip: str
    ) -> tuple[int, dict[str, str], bytes]:
        for route in self.routes:
            params = route.match(method, raw_path)
            if params is None:
                continue
            claims = None
            if route.needs_moderator:
                claims = self._authorize(headers.get("authorization", ""))
                if claims is None:
                    return _json_error(401, "unauthorized", "Sign in: send Authorization: Bearer <token>.")
            event = _event(route, method, raw_path, query, headers, body, source_ip, params, claims)
            context = LambdaContext(
                route.function, event["requestContext"]["requestId"], deadline=time.monotonic() + 10
            )
            with self._lock:
                response = self._handlers[route.function](event, context)
                if self.relay is not None:
                    self.relay.collect()
            return _http_response(response)
        return _json_error(404, "not_found", "No such route.")

    def _authorize(self, authorization: str) -> dict[str, Any] | None:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not secrets.compare_digest(token.strip(), self.moderator_token):
            return None
        return {"sub": LOCAL_MODERATOR, "username": LOCAL_MODERATOR, "cognito:groups": "[moderators]"}


def _use_fake_aws_credentials() -> None:
    # moto intercepts every call; fake credentials make sure nothing could reach a real account.
    for key, value in {
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_SESSION_TOKEN": "local",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
    }.items():
        os.environ[key] = value
    os.environ.pop("AWS_PROFILE", None)
    os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")


def _import_handler(route: Route) -> Handler:
    module_name, function_name = route.handler.rsplit(".", 1)
    code_dir = str(route.code_uri)
    if code_dir not in sys.path:
        sys.path.insert(0, code_dir)
    handler: Handler = getattr(importlib.import_module(module_name), function_name)
    return handler


def _event(
    route: Route,
    method: str,
    raw_path: str,
    query: str,
    headers: dict[str, str],
    body: bytes,
    source_ip: str,
    params: dict[str, str],
    claims: dict[str, Any] | None,
) -> dict[str, Any]:
    now = time.time()
    try:
        text: str | None = body.decode() if body else None
        encoded = False
    except UnicodeDecodeError:
        text, encoded = base64.b64encode(body).decode(), True
    request_context: dict[str, Any] = {
        "accountId": "123456789012",
        "apiId": "local",
        "domainName": headers.get("host", "127.0.0.1"),
        "domainPrefix": "local",
        "http": {
            "method": method,
            "path": raw_path,
            "protocol": "HTTP/1.1",
            "sourceIp": source_ip,
            "userAgent": headers.get("user-agent", ""),
        },
        "requestId": str(uuid.uuid4()),
        "routeKey": f"{route.method} {route.path}",
        "stage": "$default",
        "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
        "timeEpoch": int(now * 1000),
    }
    if claims is not None:
        request_context["authorizer"] = {"jwt": {"claims": claims, "scopes": None}}
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": f"{route.method} {route.path}",
        "rawPath": raw_path,
        "rawQueryString": query,
        "headers": headers,
        "requestContext": request_context,
        "pathParameters": {name: unquote(value) for name, value in params.items()},
        "isBase64Encoded": encoded,
    }
    if text is not None:
        event["body"] = text
    if query:
        event["queryStringParameters"] = {
            name: ",".join(values) for name, values in parse_qs(query, keep_blank_values=True).items()
        }
    return event


def _http_response(response: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
    body = response.get("body") or ""
    data = base64.b64decode(body) if response.get("isBase64Encoded") else str(body).encode()
    headers = {str(k): str(v) for k, v in (response.get("headers") or {}).items()}
    for name, values in (response.get("multiValueHeaders") or {}).items():
        headers[name] = ", ".join(str(v) for v in values)
    return int(response.get("statusCode", 200)), headers, data


def _json_error(status: int, code: str, message: str) -> tuple[int, dict[str, str], bytes]:
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    return status, {"Content-Type": "application/json"}, body


class _RequestHandler(BaseHTTPRequestHandler):
    stack: LocalStack
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == "/":
            self._send_file(DEMO_DIR / DEMO_PAGE)
        elif path.startswith("/demo/"):
            self._send_file(DEMO_DIR / Path(path).name)
        elif path == "/openapi.json":
            self._send(200, {"Content-Type": "application/json"}, json.dumps(self.stack.openapi()).encode())
        else:
            self._api()

    def do_POST(self) -> None:
        self._api()

    def do_PUT(self) -> None:
        self._api()

    def do_DELETE(self) -> None:
        self._api()

    def do_PATCH(self) -> None:
        self._api()

    def _api(self) -> None:
        started = time.perf_counter()
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            self._send(*_json_error(413, "payload_too_large", "The request body is far too large."))
            self.close_connection = True
            return
        body = self.rfile.read(length) if length else b""
        headers: dict[str, str] = {}
        for name, value in self.headers.items():
            key = name.lower()
            headers[key] = f"{headers[key]},{value}" if key in headers else value
        status, response_headers, data = self.stack.invoke(
            self.command, parts.path, parts.query, headers, body, self.client_address[0]
        )
        self._send(status, response_headers, data)
        elapsed = (time.perf_counter() - started) * 1000
        sys.stderr.write(f"{self.command} {self.path} -> {status} ({elapsed:.0f} ms)\n")

    def _send_file(self, path: Path) -> None:
        if not path.is_file():
            self._send(*_json_error(404, "not_found", "No such page."))
            return
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if content_type == "text/javascript":
            content_type = "application/javascript"
        self._send(200, {"Content-Type": f"{content_type}; charset=utf-8"}, path.read_bytes())

    def _send(self, status: int, headers: dict[str, str], data: bytes) -> None:
        self.send_response(
            status, HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else ""
        )
        for name, value in headers.items():
            if name.lower() not in ("content-length", "connection"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """Requests are logged once, with their outcome, in _api."""


def serve(port: int, template_path: Path, moderator_token: str | None = None) -> None:
    """Serve until interrupted; print what a developer needs to start."""
    token = moderator_token or secrets.token_urlsafe(24)
    stack = LocalStack(template_path, token)
    handler_class = type("RequestHandler", (_RequestHandler,), {"stack": stack})
    server = _listen(port, handler_class)
    stack.start()
    from moderation import runtime

    _, scoring = runtime.scoring()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    banner = [
        f"Comment moderation running on {base}  (Ctrl-C to stop)",
        f"  demo page:         {base}/",
        f"  moderator console: {base}/console",
        f"  API:               {base}/posts/{{post_id}}/comments",
        f"  OpenAPI:           {base}/openapi.json",
        f"  moderator token:   {token}",
        f"  scoring:           {scoring}",
    ]
    print("\n".join(banner), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("\nstopped", flush=True)
    finally:
        server.server_close()
        stack.stop()


def _listen(port: int, handler_class: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
    """The server bound to 127.0.0.1:`port`, before anything starts, so a busy port fails at once."""
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), handler_class)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise ToolError(f"port {port} is in use; run with PORT={port + 1} make run") from error
        raise ToolError(f"can't listen on 127.0.0.1:{port}: {error.strerror or error}") from error
    server.daemon_threads = True
    return server

"""`make run`: the real Lambda handlers behind a local HTTP server, with moto's DynamoDB.

Each request becomes an API Gateway HTTP API (payload 2.0) event for the handler that
template.yaml routes it to; moderator routes take `LOCAL_MODERATOR_TOKEN` in place of
Cognito's JWT authorizer.
"""

from __future__ import annotations

import base64
import errno
import hmac
import importlib
import io
import json
import mimetypes
import os
import re
import secrets
import signal
import socket
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from moderation_tools.errors import ToolError
from moderation_tools.local import DEMO_DIR
from moderation_tools.local.alerts import start_pending_alerts
from moderation_tools.local.stream import (
    SHADOW_FUNCTION,
    SPAM_FUNCTION,
    WEBHOOK_FUNCTION,
    StreamRelay,
    webhook_environment,
)
from moderation_tools.local.template import Cors, Route, Template, create_tables
from moderation_tools.model import STARTER_DIR

# The demo blog page is the local stack's own; everything else, the console included, is the API's.
DEMO_PAGE = "index.html"
# Far above the API's own 16 KiB limit: the handler must be the one to refuse, as in AWS.
MAX_BODY_BYTES = 1024 * 1024
LOCAL_MODERATOR = "local-moderator"
# A client that stops sending its body mid-way is answered 400 after this, not waited on forever.
BODY_READ_TIMEOUT_SECONDS = 2.0
# An idle keep-alive connection is closed after this, so it doesn't hold a thread forever.
IDLE_TIMEOUT_SECONDS = 60.0
# From a request's first byte, its request line and headers must all arrive within this, however
# slowly they trickle in: a client that sends half its headers is answered 408, not waited on.
HEADER_TIMEOUT_SECONDS = 10.0
# Connections the kernel completes before the server accepts them: a burst of clients (a local
# load test of 50) waits in this queue instead of being dropped or reset.
LISTEN_BACKLOG = 256
# Pages the local stack serves itself (GET and HEAD); everything else is the template's API.
PAGE_METHODS = ("GET", "HEAD")

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
        # One invocation at a time per function, as one warm Lambda container runs them: a slow
        # submission never holds the read path, which is another function.
        self._locks = {route.function: threading.Lock() for route in self.routes}
        self._handlers: dict[str, Handler] = {}
        # With WEBHOOK_URLS (SHADOW_MODEL_DIR) set, the table's stream reaches the webhook (shadow
        # scoring) function, as in AWS.
        self.relay: StreamRelay | None = None

    def start(self) -> None:
        """Start moto, create the tables, set the functions' environment and import the handlers."""
        _use_fake_aws_credentials()
        import boto3
        from moto import mock_aws

        _one_aws_call_at_a_time()
        # moto copies the whole table for each transaction, its items cost time quadratic in their
        # attributes, and its generic serializer most of a read's time.
        from moderation_tools.local import faster_moto, powertools_requests

        faster_moto.install()
        # Two functions may answer at once here: each reads its own request, not the other's.
        powertools_requests.install()
        self._moto = mock_aws()
        self._moto.start()
        if os.environ.get("SHADOW_MODEL_DIR"):
            check_shadow_model(Path(os.environ["SHADOW_MODEL_DIR"]))
        wanted = {WEBHOOK_FUNCTION: "WEBHOOK_URLS", SHADOW_FUNCTION: "SHADOW_MODEL_DIR"}
        consumers = tuple(function for function, variable in wanted.items() if os.environ.get(variable))
        # The spam filter learns from the stream whatever else is configured.
        create_tables(self.template, boto3.client("dynamodb"), streams=True)
        # The template's model directories are the Lambda layer's /opt/...; locally they are the
        # project's: `make model` output in model/ if there is one, else the committed starter.
        os.environ.setdefault("MODEL_DIR", str(self.template.root / "model"))
        os.environ.setdefault("STARTER_MODEL_DIR", str(self.template.root / STARTER_DIR))
        # Before the template's values: its APP_SECRET is "" (AWS reads the secret's ARN instead).
        os.environ.setdefault("APP_SECRET", secrets.token_urlsafe(32))
        for route in self.routes:
            for key, value in self.template.environment(route.function).items():
                os.environ.setdefault(key, value)
        check_settings()
        if WEBHOOK_FUNCTION in consumers:
            for key, value in webhook_environment(self.template).items():
                os.environ.setdefault(key, value)
        self.relay = StreamRelay(
            self.template,
            lambda function: LambdaContext(function, str(uuid.uuid4()), deadline=time.monotonic() + 300),
            consumers,
            synchronous=(SPAM_FUNCTION,),
        )
        self.relay.start()
        for route in self.routes:
            if route.function not in self._handlers:
                self._handlers[route.function] = _import_handler(route)
        self._stop_alerts = threading.Event()
        # The alert check is its own scheduled function in AWS: it gets a lock of its own.
        start_pending_alerts(threading.Lock(), self._stop_alerts)

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

    def allowed_methods(self, raw_path: str) -> set[str]:
        """The methods the template routes for this path (with HEAD wherever GET is)."""
        methods = {route.method for route in self.routes if route.pattern.fullmatch(raw_path)}
        return methods | {"HEAD"} if "GET" in methods else methods

    def invoke(
        self, method: str, raw_path: str, query: str, headers: dict[str, str], body: bytes, source_ip: str
    ) -> tuple[int, dict[str, str], bytes]:
        # HEAD is GET without the body, which the HTTP layer drops.
        routed = "GET" if method == "HEAD" else method
        for route in self.routes:
            params = route.match(routed, raw_path)
            if params is None:
                continue
            claims = None
            if route.needs_moderator:
                claims = self._authorize(headers.get("authorization", ""))
                if claims is None:
                    return _json_error(401, "unauthorized", "Sign in: send Authorization: Bearer <token>.")
            event = _event(route, routed, raw_path, query, headers, body, source_ip, params, claims)
            context = LambdaContext(
                route.function, event["requestContext"]["requestId"], deadline=time.monotonic() + 10
            )
            with self._locks[route.function]:
                response = self._handlers[route.function](event, context)
                if self.relay is not None:
                    self.relay.collect()
            return _http_response(response)
        return _json_error(404, "not_found", "No such route.")

    def _authorize(self, authorization: str) -> dict[str, Any] | None:
        scheme, _, token = authorization.partition(" ")
        # As bytes: compare_digest refuses str with non-ASCII characters, and any header may hold them.
        offered = token.strip().encode()
        if scheme.lower() != "bearer" or not hmac.compare_digest(offered, self.moderator_token.encode()):
            return None
        return {"sub": LOCAL_MODERATOR, "username": LOCAL_MODERATOR, "cognito:groups": "[moderators]"}


def check_settings() -> None:
    """Settings the functions would refuse at init (a private WEBHOOK_URLS target, thresholds out of
    order, ...) are one clear error at start, not a traceback from the first import."""
    from moderation.settings import Settings
    from pydantic import ValidationError

    try:
        Settings()
    except ValidationError as error:
        reasons = "; ".join(str(detail["msg"]).removeprefix("Value error, ") for detail in error.errors())
        raise ToolError(f"the environment's settings are refused: {reasons}") from error


def check_shadow_model(directory: Path) -> None:
    """A shadow model that can't load is a clear error at start, not a traceback in the relay."""
    from moderation.scoring.manifest import ManifestError, read_manifest

    try:
        read_manifest(directory)
    except (OSError, ManifestError) as error:
        raise ToolError(
            f"SHADOW_MODEL_DIR={directory} holds no model the shadow can load ({error}). Point it at "
            "a `make model` output (or a copy of layers/scoring/starter), or unset it."
        ) from error


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


def _one_aws_call_at_a_time() -> None:
    """moto's in-memory backend is not thread-safe (a query can see a transaction half-copied);
    with one lock per function, calls from two functions can overlap, so serialize moto itself."""
    from moto.core.botocore_stubber import BotocoreStubber

    process = BotocoreStubber.process_request
    if getattr(process, "serialized", False):
        return
    lock = threading.Lock()

    def serialized(self: BotocoreStubber, request: Any) -> Any:
        with lock:
            return process(self, request)

    serialized.serialized = True  # type: ignore[attr-defined]
    BotocoreStubber.process_request = serialized  # type: ignore[method-assign]


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


class BadFraming(Exception):
    """The request's body cannot be delimited: answered 400 and the connection closed."""


class BodyTooLarge(Exception):
    pass


class SlowClient(Exception):
    """The request line and headers did not arrive in time: answered 408 and the connection closed.
    Not a TimeoutError, which http.server would swallow and close on without an answer."""


class _TimedReads(io.RawIOBase):
    """The connection's reads; while `deadline` is set, each may wait only for the time left."""

    def __init__(self, connection: socket.socket):
        self._connection = connection
        self.deadline: float | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.deadline is None:
            return self._connection.recv_into(buffer)
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise SlowClient
        self._connection.settimeout(left)
        try:
            return self._connection.recv_into(buffer)
        except TimeoutError as error:
            raise SlowClient from error


@dataclass(frozen=True)
class CorsPolicy:
    """The template's CorsConfiguration with this stack's origins, answered as API Gateway does."""

    config: Cors
    origins: frozenset[str]

    def allows(self, origin: str | None) -> bool:
        return bool(origin) and ("*" in self.origins or origin in self.origins)

    def response_headers(self, origin: str | None) -> dict[str, str]:
        if not self.allows(origin):
            return {}
        headers = {
            "Access-Control-Allow-Origin": "*" if "*" in self.origins else str(origin),
            "Vary": "Origin",
        }
        if self.config.expose_headers:
            headers["Access-Control-Expose-Headers"] = ",".join(self.config.expose_headers)
        if self.config.allow_credentials:
            headers["Access-Control-Allow-Credentials"] = "true"
        return headers

    def preflight_headers(self, origin: str | None) -> dict[str, str]:
        headers = self.response_headers(origin)
        if not headers:
            return {}
        headers["Access-Control-Allow-Methods"] = ",".join(self.config.allow_methods)
        headers["Access-Control-Allow-Headers"] = ",".join(self.config.allow_headers)
        if self.config.max_age is not None:
            headers["Access-Control-Max-Age"] = str(self.config.max_age)
        return headers


class _RequestHandler(BaseHTTPRequestHandler):
    stack: LocalStack
    cors: CorsPolicy | None
    protocol_version = "HTTP/1.1"
    # What an unparseable request line is answered as: http.server's default, HTTP/0.9, would
    # answer without a status line.
    default_request_version = "HTTP/1.0"
    timeout = IDLE_TIMEOUT_SECONDS
    header_timeout = HEADER_TIMEOUT_SECONDS

    def setup(self) -> None:
        super().setup()
        self.rfile.close()
        self._reads = _TimedReads(self.connection)
        self._buffered = io.BufferedReader(self._reads)
        self.rfile = self._buffered

    def handle_one_request(self) -> None:
        # Idle between requests for up to `timeout`; from the first byte on, the head has a deadline.
        try:
            if not self._buffered.peek(1):
                self.close_connection = True
                return
        except TimeoutError:
            self.close_connection = True
            return
        self._reads.deadline = time.monotonic() + self.header_timeout
        # What an answer before the request line is read logs (http.server sets them only then).
        self.requestline, self.command = "", ""
        try:
            super().handle_one_request()
        except SlowClient:
            self.request_version = self.default_request_version
            self.send_error(408, "The request's headers did not arrive in time.")
        finally:
            self._head_read()

    def parse_request(self) -> bool:
        words = self.raw_requestline.split()
        if len(words) == 2:
            # HTTP/0.9 (no version) sends no headers: answer now instead of waiting for them.
            self.request_version = self.default_request_version
            self.requestline = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
            self.send_error(400, "HTTP/0.9 requests are not supported; send HTTP/1.1.")
            return False
        parsed = super().parse_request()
        self._head_read()
        return parsed

    def _head_read(self) -> None:
        """Back to the plain socket timeout: the body has its own (_body_timeout)."""
        self._reads.deadline = None
        self.connection.settimeout(self.timeout)

    def __getattr__(self, name: str) -> Any:
        # Every method, however unusual, reaches the router: 405 with Allow where the path exists.
        if name.startswith("do_"):
            return self._dispatch
        raise AttributeError(name)

    def _dispatch(self) -> None:
        started = time.perf_counter()
        parts = urlsplit(self.path)
        try:
            body = self._read_body()
        except BadFraming as refused:
            self.close_connection = True
            self._send(*_json_error(400, "bad_request", str(refused)))
            return
        except BodyTooLarge:
            self.close_connection = True
            self._send(*_json_error(413, "payload_too_large", "The request body is far too large."))
            return
        status, headers, data = self._respond(parts.path, parts.query, body)
        origin = self.headers.get("Origin")
        if self.cors is not None and self.command != "OPTIONS":
            headers = {**headers, **self.cors.response_headers(origin)}
        self._send(status, headers, data)
        elapsed = (time.perf_counter() - started) * 1000
        sys.stderr.write(f"{self.command} {self.path} -> {status} ({elapsed:.0f} ms)\n")

    def _respond(self, path: str, query: str, body: bytes) -> tuple[int, dict[str, str], bytes]:
        page = _page(path)
        allowed = (
            set(PAGE_METHODS)
            if page is not None or path == "/openapi.json"
            else self.stack.allowed_methods(path)
        )
        if not allowed:
            return _json_error(404, "not_found", "No such route.")
        if self.command == "OPTIONS" and self.cors is not None:
            # The preflight is API Gateway's to answer, from the CorsConfiguration, for every route.
            return 204, self.cors.preflight_headers(self.headers.get("Origin")), b""
        if self.command not in allowed:
            status, headers, data = _json_error(
                405, "method_not_allowed", f"{self.command} is not allowed here."
            )
            return status, {**headers, "Allow": ", ".join(sorted(allowed | {"OPTIONS"}))}, data
        if page is not None:
            return _file(page)
        if path == "/openapi.json":
            return 200, {"Content-Type": "application/json"}, json.dumps(self.stack.openapi()).encode()
        received: dict[str, str] = {}
        for name, value in self.headers.items():
            key = name.lower()
            received[key] = f"{received[key]},{value}" if key in received else value
        # The handler sees the body as API Gateway passes it: whole, however it was framed.
        received.pop("transfer-encoding", None)
        if body:
            received["content-length"] = str(len(body))
        return self.stack.invoke(self.command, path, query, received, body, self.client_address[0])

    def _read_body(self) -> bytes:
        codings = self.headers.get_all("Transfer-Encoding") or []
        lengths = self.headers.get_all("Content-Length") or []
        if codings:
            # Both framings at once is how requests are smuggled past a proxy: refuse it.
            if lengths:
                raise BadFraming("Send either Content-Length or Transfer-Encoding, not both.")
            if ",".join(codings).strip().lower() != "chunked":
                raise BadFraming("The only transfer coding accepted is chunked.")
            with self._body_timeout():
                return self._read_chunks()
        if not lengths:
            return b""
        if len(lengths) != 1 or not re.fullmatch(r"[0-9]{1,12}", lengths[0].strip()):
            raise BadFraming("Content-Length must be one non-negative number.")
        length = int(lengths[0])
        if length > MAX_BODY_BYTES:
            raise BodyTooLarge
        with self._body_timeout():
            return self._read_exactly(length)

    def _read_chunks(self) -> bytes:
        body = bytearray()
        while True:
            line = self.rfile.readline(1024)
            size_text = line.split(b";", 1)[0].strip()
            if not line.endswith(b"\n") or not re.fullmatch(rb"[0-9A-Fa-f]{1,8}", size_text):
                raise BadFraming("The chunked body is malformed.")
            size = int(size_text, 16)
            if size == 0:
                break
            if len(body) + size > MAX_BODY_BYTES:
                raise BodyTooLarge
            body += self._read_exactly(size)
            if self.rfile.readline(3) not in (b"\r\n", b"\n"):
                raise BadFraming("The chunked body is malformed.")
        # Trailer fields, if any, up to the blank line that ends the message.
        for _ in range(100):
            line = self.rfile.readline(8192)
            if line in (b"\r\n", b"\n"):
                return bytes(body)
            if not line.endswith(b"\n"):
                break
        raise BadFraming("The chunked body is malformed.")

    def _read_exactly(self, length: int) -> bytes:
        data = self.rfile.read(length) if length else b""
        if len(data) < length:
            raise BadFraming("The request body ended before its Content-Length.")
        return data

    @contextmanager
    def _body_timeout(self) -> Iterator[None]:
        self.connection.settimeout(BODY_READ_TIMEOUT_SECONDS)
        try:
            yield
        except TimeoutError as error:
            raise BadFraming("The request body ended before its Content-Length.") from error
        finally:
            self.connection.settimeout(self.timeout)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:  # noqa: ARG002
        """The HTTP parser's own refusals (bad request line, headers too long, ...) in the envelope."""
        self.close_connection = True
        phrase = HTTPStatus(code).phrase if code in HTTPStatus._value2member_map_ else "Error"
        error_code = re.sub(r"\W+", "_", phrase.lower()).strip("_")
        self._send(*_json_error(code, error_code, message or phrase))

    def _send(self, status: int, headers: dict[str, str], data: bytes) -> None:
        self.send_response(
            status, HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else ""
        )
        for name, value in headers.items():
            if name.lower() not in ("content-length", "connection"):
                self.send_header(name, value)
        if status not in (204, 304):
            self.send_header("Content-Length", str(len(data)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and status not in (204, 304):
            self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """Requests are logged once, with their outcome, in _dispatch."""


def _page(path: str) -> Path | None:
    """The local stack's own page at `path`: the demo blog page and its assets."""
    if path == "/":
        return DEMO_DIR / DEMO_PAGE
    if path.startswith("/demo/") and re.fullmatch(
        r"[a-z0-9_-]{1,64}\.(?:html|js|css)", path[len("/demo/") :]
    ):
        return DEMO_DIR / path[len("/demo/") :]
    return None


def _file(path: Path) -> tuple[int, dict[str, str], bytes]:
    from moderation.static import SECURITY_HEADERS

    if not path.is_file():
        return _json_error(404, "not_found", "No such page.")
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if content_type == "text/javascript":
        content_type = "application/javascript"
    headers = {
        "Content-Type": f"{content_type}; charset=utf-8",
        "Cache-Control": "no-cache",
        **SECURITY_HEADERS,
    }
    return 200, headers, path.read_bytes()


def cors_policy(template: Template, own_origin: str) -> CorsPolicy | None:
    """The template's CORS with ALLOWED_ORIGINS (comma-separated), by default this stack's origin."""
    config = template.cors()
    if config is None:
        return None
    configured = os.environ.get("ALLOWED_ORIGINS", "")
    origins = {origin.strip().rstrip("/") for origin in configured.split(",") if origin.strip()}
    return CorsPolicy(config, frozenset(origins or {own_origin}))


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def serve(port: int, template_path: Path, moderator_token: str | None = None) -> None:
    """Serve until interrupted; print what a developer needs to start."""
    token = moderator_token or secrets.token_urlsafe(24)
    stack = LocalStack(template_path, token)
    handler_class: type[_RequestHandler] = type("RequestHandler", (_RequestHandler,), {"stack": stack})
    server = _listen(port, handler_class)
    stack.start()
    from moderation import runtime

    _, scoring = runtime.scoring()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    handler_class.cors = cors_policy(stack.template, base)
    banner = [
        f"Comment moderation running on {base}  (Ctrl-C to stop)",
        f"  demo page:         {base}/",
        f"  moderator console: {base}/console",
        f"  API:               {base}/posts/{{post_id}}/comments",
        f"  OpenAPI:           {base}/openapi.json",
        f"  moderator token:   {token}",
        f"  scoring:           {scoring}",
    ]
    shadow = runtime.shadow_scoring()
    if shadow is not None:
        banner.append(f"  shadow model:      {shadow.model} (scores every new comment; decides nothing)")
    print("\n".join(banner), flush=True)
    # A script's background job starts with SIGINT ignored: Ctrl-C and kill must stop it all the same.
    previous = {signum: signal.signal(signum, signal.default_int_handler) for signum in STOP_SIGNALS}
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("\nstopped", flush=True)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        server.server_close()
        stack.stop()


def _listen(port: int, handler_class: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
    """The server bound to 127.0.0.1:`port`, before anything starts, so a busy port fails at once."""
    try:
        server = _Server(("127.0.0.1", port), handler_class)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise ToolError(f"port {port} is in use; run with PORT={port + 1} make run") from error
        raise ToolError(f"can't listen on 127.0.0.1:{port}: {error.strerror or error}") from error
    return server


class _Server(ThreadingHTTPServer):
    """One thread per connection, and a listen queue deep enough for a burst of clients."""

    request_queue_size = LISTEN_BACKLOG
    daemon_threads = True

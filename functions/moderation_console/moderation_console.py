"""GET /console, /console/config.json, /static/{name}: the moderators' console, deployed with the stack;
GET /embed.js: the comments widget blogs embed.

The files ship in the common layer (moderation/static); the local stack routes these paths to
this same function, so the console on a laptop and in AWS is the same code. Served from the API's own origin,
it needs no CORS and no separate bucket or distribution.
"""

import hashlib
import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path as PathParam
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from moderation import observability, runtime
from moderation.errors import NotFound
from moderation.http import create_resolver, resolve
from moderation.settings import Settings
from moderation.static import SECURITY_HEADERS, STATIC_DIR
from pydantic import BaseModel

logger = Logger()
tracer = observability.tracer()
app = create_resolver()

ASSET_NAME = r"^[a-z0-9_-]{1,64}\.(?:js|css|html|svg)$"
TYPES = {".js": "application/javascript", ".css": "text/css", ".html": "text/html", ".svg": "image/svg+xml"}
# Blogs paste the unversioned /embed.js, so a fix must reach readers soon: five minutes fresh, then a
# revalidation that costs a 304 while the file is unchanged.
EMBED_CACHE = "public, max-age=300, stale-while-revalidate=86400"


class CognitoConfig(BaseModel):
    domain: str
    client_id: str


class ConsoleConfig(BaseModel):
    """What the console needs to sign in; `cognito` is null where a pasted token is the way in."""

    cognito: CognitoConfig | None = None


# Bounded: any name may be asked for, and only a handful of files exist.
@lru_cache(maxsize=16)
def _read(name: str) -> str | None:
    """An asset's text, read once per container: the layer's files never change."""
    path = STATIC_DIR / name
    return path.read_text(encoding="utf-8") if re.fullmatch(ASSET_NAME, name) and path.is_file() else None


def _file(name: str, cache_seconds: int) -> Response[str]:
    body = _read(name)
    if body is None:
        raise NotFound("No such file.")
    return Response(
        status_code=200,
        content_type=f"{TYPES[Path(name).suffix]}; charset=utf-8",
        body=body,
        headers={
            "Cache-Control": f"public, max-age={cache_seconds}" if cache_seconds else "no-cache",
            **SECURITY_HEADERS,
        },
    )


@app.get("/console", summary="The moderators' console", include_in_schema=False)
def page() -> Response[str]:
    return _file("console.html", cache_seconds=0)


@app.get("/static/<name>", summary="The console's scripts and styles", include_in_schema=False)
def asset(name: Annotated[str, PathParam(min_length=1, max_length=80)]) -> Response[str]:
    return _file(name, cache_seconds=300)


@app.get("/embed.js", summary="The comments widget for a blog's pages", include_in_schema=False)
def embed() -> Response[str]:
    body = _read("embed.js")
    if body is None:
        raise NotFound("No such file.")
    etag = _etag(body)
    headers = {
        "Cache-Control": EMBED_CACHE,
        "ETag": etag,
        "X-Content-Type-Options": "nosniff",
        # Loaded by <script> from the blog's origin, including pages that require this opt-in (COEP).
        "Cross-Origin-Resource-Policy": "cross-origin",
    }
    if etag in (app.current_event.headers.get("if-none-match") or "").replace(" ", "").split(","):
        return Response(status_code=304, body="", headers=headers)
    return Response(
        status_code=200,
        content_type="application/javascript; charset=utf-8",
        body=body,
        headers=headers,
    )


@lru_cache(maxsize=4)
def _etag(body: str) -> str:
    return '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'


@app.get("/console/config.json", summary="How the console signs in", include_in_schema=False)
def config(settings: Annotated[Settings, Depends(runtime.settings)]) -> Response[Any]:
    cognito = (
        CognitoConfig(domain=settings.cognito_domain, client_id=settings.cognito_client_id)
        if settings.cognito_domain and settings.cognito_client_id
        else None
    )
    return Response(
        status_code=200,
        content_type=content_types.APPLICATION_JSON,
        body=ConsoleConfig(cognito=cognito).model_dump(mode="json"),
        headers={"Cache-Control": "no-cache"},
    )


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context)

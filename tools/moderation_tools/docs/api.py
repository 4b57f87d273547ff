"""The HTTP API pages, from the OpenAPI document the local stack serves at /openapi.json."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

from moderation_tools.docs import ROOT

MODERATION_PREFIX = "/moderation"


def openapi_document() -> dict[str, Any]:
    """The document `make run` serves: the local stack started in this process, asked, stopped.
    The local stack sets its functions' environment in this process: run it in one of its own."""
    from moderation_tools.local.server import LocalStack

    # Only the document is wanted: no start-up logs, and no warning about a random secret.
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "ERROR")
    os.environ.setdefault("APP_SECRET", secrets.token_urlsafe(32))
    stack = LocalStack(ROOT / "template.yaml", secrets.token_urlsafe(16))
    stack.start()
    try:
        return stack.openapi()
    finally:
        stack.stop()


def document_json(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _schema_name(schema: dict[str, Any]) -> str:
    ref = schema.get("$ref")
    if isinstance(ref, str):
        return f"`{ref.rsplit('/', 1)[-1]}`"
    if "anyOf" in schema:
        return " or ".join(_schema_name(option) for option in schema["anyOf"])
    if "oneOf" in schema:
        return " or ".join(_schema_name(option) for option in schema["oneOf"])
    if schema.get("type") == "array":
        return f"array of {_schema_name(schema.get('items', {}))}"
    return f"`{schema.get('type', 'any')}`"


def _body_schema(container: dict[str, Any]) -> dict[str, Any] | None:
    schema = container.get("content", {}).get("application/json", {}).get("schema")
    return schema if isinstance(schema, dict) else None


def _fields(document: dict[str, Any], schema: dict[str, Any]) -> str:
    """A request body's fields, `?` after the optional ones."""
    ref = schema.get("$ref", "")
    model = document["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {})
    required = set(model.get("required", []))
    names = [name if name in required else f"{name}?" for name in model.get("properties", {})]
    return ", ".join(f"`{name}`" for name in names)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _operation(document: dict[str, Any], method: str, path: str, operation: dict[str, Any]) -> list[str]:
    lines = [f"### `{method.upper()} {path}`", "", operation.get("summary", ""), ""]
    parameters = operation.get("parameters", [])
    if parameters:
        lines += ["| parameter | in | required | schema |", "|---|---|---|---|"]
        for parameter in parameters:
            required = "yes" if parameter.get("required") else "no"
            shape = _schema_name(parameter.get("schema", {}))
            lines.append(f"| `{parameter['name']}` | {parameter['in']} | {required} | {shape} |")
        lines.append("")
    body = operation.get("requestBody")
    if body:
        body_schema = _body_schema(body)
        if body_schema is not None:
            lines += [f"Body (JSON): {_schema_name(body_schema)} — {_fields(document, body_schema)}", ""]
    lines += ["| status | meaning | body |", "|---|---|---|"]
    for status, response in sorted(operation.get("responses", {}).items()):
        answer = _body_schema(response)
        shape = _schema_name(answer) if answer is not None else ""
        lines.append(f"| {status} | {_cell(response.get('description', ''))} | {shape} |")
    return [*lines, ""]


def routes_page(document: dict[str, Any]) -> str:
    """Every route of the document, public ones first, each with its parameters and status codes."""
    operations = [
        (path, method, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    ]
    public = [entry for entry in operations if not entry[0].startswith(MODERATION_PREFIX)]
    moderation = [entry for entry in operations if entry[0].startswith(MODERATION_PREFIX)]
    lines = [
        "# Every route",
        "",
        "<!-- written by `make docs` (python -m moderation_tools.docs) from the OpenAPI document: "
        "do not edit -->",
        "",
        f"The {len(operations)} operations of the OpenAPI document the local stack serves at "
        "`/openapi.json` ([the document itself](openapi.json), with every schema). Every error "
        'answer is `{"error": {"code", "message", "details"}}` (`ErrorResponse`).',
        "",
        "## Public routes",
        "",
    ]
    for path, method, operation in public:
        lines += _operation(document, method, path, operation)
    lines += [
        "## Moderation routes",
        "",
        "Moderators only: `Authorization: Bearer <access token>` (Cognito in AWS, "
        "`LOCAL_MODERATOR_TOKEN` locally); 401 without a token, 403 without the `moderators` group.",
        "",
    ]
    for path, method, operation in moderation:
        lines += _operation(document, method, path, operation)
    return "\n".join(lines).rstrip() + "\n"


def write(document: dict[str, Any], directory: Path) -> None:
    (directory / "openapi.json").write_text(document_json(document))
    (directory / "routes.md").write_text(routes_page(document))

"""The console as the stack deploys it: ConsoleFunction serving the static files and its config."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
from moderation import runtime

from tests.integration.conftest import HttpResult, invoke_handler, load_event


def get(path: str, headers: dict[str, str] | None = None) -> HttpResult:
    event = copy.deepcopy(load_event("list_comments"))
    event["headers"] = {**event.get("headers", {}), **(headers or {})}
    event["routeKey"] = event["requestContext"]["routeKey"] = "GET /console"
    event["rawPath"] = event["requestContext"]["http"]["path"] = path
    event["rawQueryString"] = ""
    event.pop("queryStringParameters", None)
    event.pop("pathParameters", None)
    return invoke_handler("moderation_console", event)


@pytest.fixture(autouse=True)
def _fresh_settings() -> Any:
    runtime.reset()
    yield
    runtime.reset()


def test_the_page_and_its_assets_are_served_with_a_strict_policy() -> None:
    page = get("/console")
    script = get("/static/console.js")

    assert page.status == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<script type="module" src="/static/console.js">' in page.body
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-cache"
    assert script.status == 200
    assert script.headers["content-type"].startswith("application/javascript")
    assert "textContent" in script.body


def test_every_module_the_console_imports_is_served_under_the_same_policy() -> None:
    # GIVEN the console's ES modules, which import each other by relative path (no bundler)
    pending, served = ["console.js"], set[str]()
    while pending:
        name = pending.pop()
        script = get(f"/static/{name}")
        # THEN each is served as JavaScript, with the console's policy
        assert script.status == 200, name
        assert script.headers["content-type"].startswith("application/javascript")
        assert "script-src 'self'" in script.headers["content-security-policy"]
        served.add(name)
        imported = re.findall(r'from "\./([a-z0-9_-]+\.js)"', script.body)
        pending += [found for found in imported if found not in served]
    assert served == {"console.js", "insights.js", "charts.js"}


@pytest.mark.parametrize("path", ["/static/nope.js", "/static/..%2Fstore.py", "/static/server.py"])
def test_only_the_console_files_are_served(path: str) -> None:
    result = get(path)
    assert result.status == 404
    assert result.body["error"]["code"] == "not_found"


def test_config_offers_the_hosted_ui_only_when_the_stack_has_one(monkeypatch: pytest.MonkeyPatch) -> None:
    assert get("/console/config.json").body == {"cognito": None}

    monkeypatch.setenv("COGNITO_DOMAIN", "https://moderation-123456789012.auth.us-east-1.amazoncognito.com")
    monkeypatch.setenv("COGNITO_CLIENT_ID", "4f2q7sm1kexample0client0id")
    runtime.reset()

    assert get("/console/config.json").body == {
        "cognito": {
            "domain": "https://moderation-123456789012.auth.us-east-1.amazoncognito.com",
            "client_id": "4f2q7sm1kexample0client0id",
        }
    }


def test_the_widget_is_served_for_any_page_cached_briefly_and_revalidated_by_etag() -> None:
    # GIVEN a blog page's <script src=".../embed.js">
    script = get("/embed.js")
    assert script.status == 200
    assert script.headers["content-type"].startswith("application/javascript")
    assert "attachShadow" in script.body
    # THEN it may be loaded from another origin and is fresh for five minutes, then revalidated
    assert script.headers["cross-origin-resource-policy"] == "cross-origin"
    assert script.headers["cache-control"].startswith("public, max-age=300")
    etag = script.headers["etag"]
    # WHEN the browser revalidates an unchanged file THEN it gets 304 and no body
    again = get("/embed.js", {"if-none-match": etag})
    assert again.status == 304
    assert not again.body
    assert get("/embed.js", {"if-none-match": '"stale"'}).status == 200

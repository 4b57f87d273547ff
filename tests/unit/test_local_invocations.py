"""Two of the template's functions asked at once through the local stack. In AWS each function is
its own container; locally they share a process, and Powertools keeps the current request in
process-wide state. A console page's favicon (the console function), served while the queue's
counts (the moderation API) were answered, once made the counts read the favicon's event: no
moderator in it, 401, and the moderator was signed out of the console. The stack's start()
installs `powertools_requests`, which gives each request thread its own; real Powertools resolvers
stand in for the two functions here, and the stack is not started (no AWS needed)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.api_gateway import ApiGatewayResolver
from moderation_tools.local import powertools_requests
from moderation_tools.local.server import LocalStack

from tests.support.aws import TEMPLATE

TOKEN = "local-test-token"
# Only reached if an answer never comes: a loaded machine stays far inside it.
GENEROUS_SECONDS = 30.0


@pytest.fixture
def per_thread_requests(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """As the stack's start() does; Powertools' own again for the tests after this one."""
    monkeypatch.setattr(ApiGatewayResolver, "_to_proxy_event", ApiGatewayResolver._to_proxy_event)
    installed_before = "current_event" in ApiGatewayResolver.__dict__
    powertools_requests.install()
    yield
    if not installed_before:
        del ApiGatewayResolver.current_event


def function_of(stack: LocalStack, method: str, path: str) -> str:
    return next(route.function for route in stack.routes if route.match(method, path) is not None)


def test_a_request_answered_while_another_function_runs_never_changes_the_first_ones_request(
    per_thread_requests: None,
) -> None:
    stack = LocalStack(TEMPLATE, TOKEN)
    counts_function = function_of(stack, "GET", "/moderation/counts")
    console_function = function_of(stack, "GET", "/static/favicon.svg")
    assert counts_function != console_function
    moderation, console = APIGatewayHttpResolver(), APIGatewayHttpResolver()
    counting = threading.Event()
    favicon_served = threading.Event()
    order: list[str] = []

    @moderation.get("/moderation/counts")
    def counts() -> dict[str, Any]:
        order.append("counts began")
        counting.set()
        # the favicon is served meanwhile (one function never holds another's requests)
        favicon_served.wait(GENEROUS_SECONDS)
        event = moderation.current_event
        order.append("counts ended")
        return {"path": event.raw_path, "claims": event.request_context.authorizer.jwt_claim}

    @console.get("/static/<name>")
    def static(name: str) -> dict[str, str]:
        order.append("favicon began")
        favicon_served.set()
        return {"name": name}

    stack._handlers = {counts_function: moderation.resolve, console_function: console.resolve}
    answers: dict[str, tuple[int, dict[str, str], bytes]] = {}

    def ask(name: str, path: str, headers: dict[str, str]) -> None:
        answers[name] = stack.invoke("GET", path, "", headers, b"", "198.51.100.7")

    # WHEN a moderator's counts are being answered and the page asks for its favicon meanwhile
    asking_counts = threading.Thread(
        target=ask, args=("counts", "/moderation/counts", {"authorization": f"Bearer {TOKEN}"})
    )
    asking_counts.start()
    assert counting.wait(GENEROUS_SECONDS)
    asking_favicon = threading.Thread(target=ask, args=("favicon", "/static/favicon.svg", {}))
    asking_favicon.start()
    asking_counts.join(GENEROUS_SECONDS)
    asking_favicon.join(GENEROUS_SECONDS)

    # THEN the counts read their own request, the moderator's
    status, _, body = answers["counts"]
    assert status == 200
    read = json.loads(body)
    assert read["path"] == "/moderation/counts"
    assert read["claims"]["cognito:groups"] == "[moderators]"
    assert answers["favicon"][0] == 200
    assert order == ["counts began", "favicon began", "counts ended"]

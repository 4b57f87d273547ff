"""Powertools' current request, one per thread. Its resolvers keep the request being answered in a
class attribute shared by every resolver in the process: right in Lambda, where a process runs
one invocation at a time, wrong in the local stack, where the template's functions share one
process and two of them may answer at once. A console page's favicon (the console function),
served while the queue's counts (the moderation API) were answered, made the counts read the
favicon's request, with no moderator in it: 401, and the moderator was signed out. Here each
request thread reads the request its own resolver was given, as each function's container would."""

from __future__ import annotations

import threading
from typing import Any

from aws_lambda_powertools.event_handler.api_gateway import ApiGatewayResolver
from aws_lambda_powertools.utilities.data_classes.common import BaseProxyEvent


def install() -> None:
    """Every HTTP resolver's `current_event` becomes the one this thread's resolve made (idempotent)."""
    if isinstance(ApiGatewayResolver.__dict__.get("current_event"), property):
        return
    answering = threading.local()
    to_proxy_event = ApiGatewayResolver._to_proxy_event

    # resolve() builds the request's event here, then stores it in the shared class attribute.
    def made_for_this_thread(self: ApiGatewayResolver, event: dict[str, Any]) -> BaseProxyEvent:
        answering.event = to_proxy_event(self, event)
        return answering.event  # type: ignore[no-any-return]

    def current_event(_resolver: ApiGatewayResolver) -> BaseProxyEvent:
        return answering.event  # type: ignore[no-any-return]

    ApiGatewayResolver._to_proxy_event = made_for_this_thread  # type: ignore[method-assign]
    ApiGatewayResolver.current_event = property(current_event)  # type: ignore[assignment]

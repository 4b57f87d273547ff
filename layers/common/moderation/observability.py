"""Tracing only when it is on: importing and configuring the X-Ray SDK costs a cold start tens of
milliseconds, so with tracing off (locally, under `sam local`, or POWERTOOLS_TRACE_DISABLED) the
functions get decorators that do nothing and the SDK is never imported."""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from typing import Any, Protocol, TypeVar, cast

Decorated = TypeVar("Decorated", bound=Callable[..., Any])

# Many requests rightly count nothing (every read, a webhook batch with nothing to send), and
# Powertools' log_metrics warns on each such flush. Its documentation's way of saying that
# empty is expected; every function imports this module before its first request.
warnings.filterwarnings("ignore", message="No application metrics to publish")


class TracerLike(Protocol):
    def capture_method(self, method: Decorated) -> Decorated: ...
    def capture_lambda_handler(self, lambda_handler: Decorated) -> Decorated: ...


class _NoTracer:
    def capture_method(self, method: Decorated) -> Decorated:
        return method

    def capture_lambda_handler(self, lambda_handler: Decorated) -> Decorated:
        return lambda_handler


def tracing_enabled() -> bool:
    """The rule Powertools' Tracer applies: in Lambda, not under `sam local`, not turned off."""
    from aws_lambda_powertools.shared.functions import resolve_truthy_env_var_choice

    turned_off = resolve_truthy_env_var_choice(env=os.getenv("POWERTOOLS_TRACE_DISABLED", "false"))
    return bool(os.getenv("LAMBDA_TASK_ROOT")) and not os.getenv("AWS_SAM_LOCAL") and not turned_off


def tracer() -> TracerLike:
    if not tracing_enabled():
        return _NoTracer()
    from aws_lambda_powertools import Tracer

    # Powertools' decorators accept more (capture_response ...) than the functions use.
    return cast(TracerLike, Tracer())

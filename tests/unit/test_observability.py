"""Tracing costs a cold start only when it is on; a request that counts nothing logs no warning."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = (
    "import sys; from moderation import observability; tracer = observability.tracer(); "
    "print(type(tracer).__name__, 'aws_xray_sdk' in sys.modules)"
)


def tracer_in_a_fresh_process(env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "-c", PROGRAM],
        env={"PYTHONPATH": str(ROOT / "layers" / "common"), "AWS_DEFAULT_REGION": "us-east-1", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"LAMBDA_TASK_ROOT": "/var/task", "POWERTOOLS_TRACE_DISABLED": "true"},
        {"LAMBDA_TASK_ROOT": "/var/task", "AWS_SAM_LOCAL": "true"},
    ],
)
def test_with_tracing_off_the_xray_sdk_is_never_imported(env: dict[str, str]) -> None:
    assert tracer_in_a_fresh_process(env) == "_NoTracer False"


def test_in_lambda_with_tracing_on_the_functions_get_powertools_tracer() -> None:
    assert tracer_in_a_fresh_process({"LAMBDA_TASK_ROOT": "/var/task"}) == "Tracer True"


def test_a_request_that_counts_nothing_logs_no_metrics_warning() -> None:
    # GIVEN a function's handler that publishes no metric for this request (a read)
    program = (
        "from moderation import observability; from aws_lambda_powertools import Metrics\n"
        "metrics = Metrics(namespace='CommentModeration')\n"
        "handler = metrics.log_metrics(lambda event, context: {'statusCode': 200})\n"
        "print(handler({}, None))\n"
    )
    # WHEN it runs, every warning shown
    result = subprocess.run(
        [sys.executable, "-W", "always", "-c", program],
        env={"PYTHONPATH": str(ROOT / "layers" / "common"), "POWERTOOLS_METRICS_DISABLED": "true"},
        capture_output=True,
        text=True,
        check=True,
    )

    # THEN it answers, and its log holds no warning
    assert result.stdout.strip() == "{'statusCode': 200}"
    assert result.stderr == ""

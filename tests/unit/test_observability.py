"""Tracing costs a cold start only when it is on."""

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

"""The submit function's cold start: a fresh process to its first scored response, against a
DynamoDB (moto's server on loopback, tables from template.yaml) that outlives the processes.

Each side is the real handler; only the scorer differs, chosen the way a deployment chooses it.
"""

from __future__ import annotations

import compileall
import json
import logging
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).parent
# The script a side runs in its fresh process: the handler, unless the side names another.
WORKER_VARIABLE = "BENCH_WORKER"
HANDLER_WORKER = "handler_worker.py"
LIBRARIES_WORKER = "libraries_worker.py"
EVENT = REPO / "events" / "submit_comment.json"


@contextmanager
def dynamodb_on_loopback() -> Iterator[dict[str, str]]:
    """moto's server with the template's tables, as the local stack runs moto; yields the environment
    that points boto3 at it."""
    import boto3
    from moderation_tools.local import faster_moto
    from moderation_tools.local.template import Template, create_tables
    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    # moto's own transaction copies the whole table for each of its items: each run would store
    # its comment slower than the run before, as the table grows. DynamoDB's time doesn't grow so.
    faster_moto.install()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    env = {
        "AWS_ENDPOINT_URL_DYNAMODB": f"http://127.0.0.1:{port}",
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    try:
        client = boto3.client(
            "dynamodb",
            endpoint_url=env["AWS_ENDPOINT_URL_DYNAMODB"],
            aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
            region_name=env["AWS_DEFAULT_REGION"],
        )
        names = create_tables(Template.load(REPO / "template.yaml"), client)
        yield {**env, "TABLE_NAME": names["CommentsTable"]}
    finally:
        server.stop()


def cold_start(side_env: dict[str, str], aws_env: dict[str, str], work: Path, run: int) -> float:
    """Seconds from spawning a fresh process to the handler's scored answer (201 or 202)."""
    event = json.loads(EVENT.read_text())
    body = json.loads(event["body"])
    # A new text and key each run: neither the duplicate guard nor idempotency may short-cut it.
    body["body"] = f"{body['body']} (run {run}, {time.time_ns()})"
    event["body"] = json.dumps(body)
    event["headers"].pop("idempotency-key", None)
    event_file = work / f"event-{run}.json"
    event_file.write_text(json.dumps(event))
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": os.pathsep.join(
            [str(REPO / "layers" / "common"), str(REPO / "functions" / "submit_comment"), str(REPO / "bench")]
        ),
        "APP_SECRET": "bench",
        "RATE_LIMIT_PER_MINUTE": "0",
        "POWERTOOLS_LOG_LEVEL": "ERROR",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "PYTHONWARNINGS": "ignore",
        "HF_HUB_OFFLINE": "1",
        **aws_env,
        **side_env,
    }
    worker = side_env.get(WORKER_VARIABLE, HANDLER_WORKER)
    started = time.time()
    result = subprocess.run(
        [sys.executable, str(BENCH / worker), str(started), str(event_file)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    if worker == HANDLER_WORKER and answer["status"] not in (201, 202):
        raise RuntimeError(f"the handler answered {answer['status']}: {result.stdout[-2000:]}")
    return float(answer["cold_start_s"])


def compile_handler_code() -> None:
    """The layers ship their bytecode (layers/lambda.mk), and the venv's packages have theirs: the
    handler's own code starts from bytecode too, whatever ran (or didn't) before the bench."""
    for folder in ("layers/common", "functions/submit_comment", "bench"):
        compileall.compile_dir(REPO / folder, quiet=1)


def measure(sides: dict[str, dict[str, str]], work: Path, runs: int) -> dict[str, Any]:
    """Median cold start per side over `runs` fresh processes, alternating sides so that a slow
    spell of the machine falls on all of them."""
    compile_handler_code()
    times: dict[str, list[float]] = {side: [] for side in sides}
    with dynamodb_on_loopback() as aws_env:
        for run in range(runs):
            for side, side_env in sides.items():
                times[side].append(cold_start(side_env, aws_env, work, run))
    return {side: {"median_s": statistics.median(values), "runs_s": values} for side, values in times.items()}

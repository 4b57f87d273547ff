"""Start `moderation serve` as a developer would, on a free loopback port, and talk to it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support import processes
from tests.support.aws import ROOT


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: Any


@dataclass
class LocalStackProcess:
    base_url: str
    token: str
    log_path: Path
    process: subprocess.Popen[bytes]

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
    ) -> Reply:
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return _reply(response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:
            return _reply(error.code, dict(error.headers), error.read())

    @property
    def log(self) -> str:
        return self.log_path.read_text()


def _reply(status: int, headers: dict[str, str], data: bytes) -> Reply:
    lowered = {k.lower(): v for k, v in headers.items()}
    body: Any = json.loads(data) if "json" in lowered.get("content-type", "") and data else data.decode()
    return Reply(status, lowered, body)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def local_stack(*, as_a_background_job: bool = False, **environment: str) -> Iterator[LocalStackProcess]:
    """`moderation serve` with a scripted scorer unless told otherwise; stopped on exit.
    `as_a_background_job`: started with SIGINT ignored, as a shell script's `make run &` starts it."""
    port = free_port()
    token = "test-moderator-token"
    env = {
        **os.environ,
        # This checkout's code, whatever the virtual environment's editable install points at.
        "PYTHONPATH": os.pathsep.join(
            str(path) for path in (ROOT / "layers" / "common", ROOT / "tools", ROOT)
        ),
        "LOCAL_MODERATOR_TOKEN": token,
        "MODERATION_SCORER": "tests.support.scorers:make",
        "RATE_LIMIT_PER_MINUTE": "0",
        **environment,
    }
    env = {k: v for k, v in env.items() if v != ""}
    with tempfile.NamedTemporaryFile("w+", suffix=".log", delete=False) as log:
        log_path = Path(log.name)
        try:
            with processes.running(
                [
                    sys.executable,
                    *(processes.BACKGROUND_JOB if as_a_background_job else ()),
                    *("-m", "moderation_tools", "serve", "--port", str(port)),
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            ) as process:
                stack = LocalStackProcess(f"http://127.0.0.1:{port}", token, log_path, process)
                _wait_until_serving(stack, process)
                yield stack
        finally:
            log_path.unlink(missing_ok=True)


def _wait_until_serving(stack: LocalStackProcess, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moderation serve exited with {process.returncode}:\n{stack.log}")
        try:
            with urllib.request.urlopen(stack.base_url + "/openapi.json", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"moderation serve did not start within 60 s:\n{stack.log}")

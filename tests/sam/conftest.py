"""The `sam local` path (docs/deploying/sam-local.md) without Docker: `sam build`, `moderation
local-aws`, and each built function run the way `sam local invoke` runs it.

What sam local does, and what stands in for it here:
- the built function and its layers: `.aws-sam/build/<Function>` as /var/task and each layer's
  `python/` on the path (here under build/sam-test, so a developer's own build is left alone);
  values naming /opt (the scoring layer's /opt/model) are mapped to the built layer;
- the environment: SAM CLI's own code merges the template's variables with the env-vars file and
  the shell's credentials (tests/sam/sam_functions.py, run by SAM CLI's Python);
- the runtime: a fresh python3.12 process per invocation whose only package besides the function
  and its layers is boto3, as the Lambda runtime provides it (a small venv, made once);
- the container's route to the local AWS: 127.0.0.1, as `--host-for-containers 127.0.0.1` writes it.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from moderation_tools.local.aws import SAM_SHELL_ENVIRONMENT

from tests.support import processes
from tests.support.aws import ROOT, TEMPLATE

BUILD_ROOT = ROOT / "build" / "sam-test"
SIZE_MODEL_DIR = ROOT / "build" / "size-check-model"
SAM_VENV_BIN = ROOT / ".sam-venv" / "bin"
# The SDK the Lambda runtime brings (functions and layers don't ship boto3); the dev venv's version.
RUNTIME_BOTO3 = "boto3==1.44.8"
HERE = Path(__file__).resolve().parent
DEVELOPMENT_PATH = os.pathsep.join(str(ROOT / part) for part in ("tools", "layers/common", "."))


def python312() -> Path:
    """Lambda's Python, found as the Makefile finds it (pyenv's 3.12, else python3.12 on PATH)."""
    candidates = sorted(Path.home().glob(".pyenv/versions/3.12*/bin/python3.12"))
    found = candidates[-1] if candidates else shutil.which("python3.12")
    if not found:
        pytest.fail("python3.12 is needed for sam build and the runtime (pyenv install 3.12)")
    return Path(found)


def run(command: list[str | Path], **options: Any) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, capture_output=True, text=True, check=False, **options)
    if done.returncode != 0:
        shown = " ".join(map(str, command))
        pytest.fail(f"{shown} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done


@pytest.fixture(scope="session")
def built_template() -> Path:
    """`make build` into build/sam-test: python3.12 and SAM CLI on PATH, the scoring layer's model
    in MODEL_DIR (a model of the default type's shape with random weights, as `make lambda-size`)."""
    if not (SAM_VENV_BIN / "sam").exists():
        pytest.fail("SAM CLI is missing from .sam-venv: `make test` installs it")
    if not (SIZE_MODEL_DIR / "manifest.json").is_file():  # made once; the script imports torch
        run([sys.executable, ROOT / "scripts" / "size_fixture_model.py", SIZE_MODEL_DIR], cwd=ROOT)
    BUILD_ROOT.mkdir(parents=True, exist_ok=True)
    path = f"{python312().parent}{os.pathsep}{SAM_VENV_BIN}{os.pathsep}{os.environ['PATH']}"
    run(
        [
            *("sam", "build", "--template-file", TEMPLATE, "--base-dir", ROOT),
            *("--build-dir", BUILD_ROOT / "build", "--cache-dir", BUILD_ROOT / "cache", "--cached"),
        ],
        cwd=BUILD_ROOT,  # sam build --cached keeps its dependency folders under the working directory
        env={**os.environ, "PATH": path, "SAM_CLI_TELEMETRY": "0", "MODEL_DIR": str(SIZE_MODEL_DIR)},
    )
    return BUILD_ROOT / "build" / "template.yaml"


@pytest.fixture(scope="session")
def runtime_python() -> Path:
    venv = BUILD_ROOT / "runtime"
    made = venv / f".made-with-{RUNTIME_BOTO3}"
    if not made.exists():
        shutil.rmtree(venv, ignore_errors=True)
        run([python312(), "-m", "venv", venv])
        run([venv / "bin" / "pip", "install", "--quiet", "--disable-pip-version-check", RUNTIME_BOTO3])
        made.touch()
    return venv / "bin" / "python"


@dataclass
class LocalAwsProcess:
    """`moderation local-aws` running as a developer starts it."""

    process: subprocess.Popen[str]
    log_path: Path
    env_file: Path
    endpoint: str

    @property
    def log(self) -> str:
        return self.log_path.read_text()

    def interrupt(self) -> int:
        """Ctrl-C, and the exit code."""
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=20)


@contextmanager
def running_local_aws(work: Path, *, as_a_background_job: bool = False) -> Iterator[LocalAwsProcess]:
    """`moderation local-aws` until its banner says it serves; stopped on the way out, also when
    it never got that far. `as_a_background_job`: started with SIGINT ignored, as a shell script's
    `make local-aws &` starts it."""
    env_file, log_path = work / "local-env.json", work / "local-aws.log"
    work.mkdir(parents=True, exist_ok=True)
    with (
        log_path.open("w") as log,
        processes.running(
            [
                sys.executable,
                *(processes.BACKGROUND_JOB if as_a_background_job else ()),
                *("-m", "moderation_tools", "local-aws"),
                *("--port", "0", "--host-for-containers", "127.0.0.1", "--env-file", str(env_file)),
            ],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": DEVELOPMENT_PATH},
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        ) as process,
    ):
        yield LocalAwsProcess(process, log_path, env_file, _endpoint_once_serving(process, log_path))


def _endpoint_once_serving(process: subprocess.Popen[str], log_path: Path) -> str:
    # The banner comes after moto listens and the tables exist; the start is imports and table
    # creation, CPU-bound, so a loaded machine makes it several times slower (5-17 s measured).
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        banner = re.search(r"^Local AWS \(moto\) on (\S+)", log_path.read_text(), re.MULTILINE)
        if banner:
            return banner.group(1)
        if process.poll() is not None:
            pytest.fail(f"moderation local-aws exited with {process.returncode}:\n{log_path.read_text()}")
        time.sleep(0.2)
    pytest.fail(f"moderation local-aws did not start within 60 s:\n{log_path.read_text()}")


@pytest.fixture(scope="session")
def local_aws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalAwsProcess]:
    with running_local_aws(tmp_path_factory.mktemp("local-aws")) as started:
        yield started


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: Any


@dataclass
class SamLocal:
    """The built functions, each invoked as `sam local invoke <Function> -e <event>` would."""

    functions: dict[str, dict[str, Any]]
    python: Path
    work: Path
    _numbers: Iterator[int] = field(default_factory=itertools.count)

    def invoke(self, function: str, event: dict[str, Any]) -> Any:
        spec = self.functions[function]
        assert spec["runtime"] == "python3.12"
        layers = [Path(layer) for layer in spec["layers"]]
        environment = {name: _mapped_to_layer(value, layers) for name, value in spec["environment"].items()}
        environment.update(
            {
                # Lambda's path: the function (/var/task), then the layers (/opt/python), then the runtime.
                "PYTHONPATH": os.pathsep.join([spec["code"], *(str(layer / "python") for layer in layers)]),
                "LAMBDA_TASK_ROOT": spec["code"],
                "_HANDLER": spec["handler"],
                "PATH": "/usr/local/bin:/usr/bin:/bin",
                "LANG": "en_US.UTF-8",
                "TZ": ":UTC",
            }
        )
        number = next(self._numbers)
        event_file = self.work / f"{number}.event.json"
        result_file = self.work / f"{number}.result.json"
        event_file.write_text(json.dumps(event))
        run(
            [self.python, "-s", "-P", HERE / "lambda_bootstrap.py", spec["handler"], event_file, result_file],
            cwd=spec["code"],
            env=environment,
            timeout=120,
        )
        return json.loads(result_file.read_text())

    def http(self, function: str, event: dict[str, Any]) -> Answer:
        response = self.invoke(function, event)
        headers = {name.lower(): value for name, value in (response.get("headers") or {}).items()}
        body = response.get("body")
        parsed = json.loads(body) if body and "json" in headers.get("content-type", "") else body
        return Answer(response["statusCode"], headers, parsed)

    def http_at_once(self, *requests: tuple[str, dict[str, Any]]) -> list[Answer]:
        """Requests that don't depend on each other, each in its own process, side by side."""
        with ThreadPoolExecutor(max_workers=len(requests)) as pool:
            return list(pool.map(lambda request: self.http(*request), requests))


def _mapped_to_layer(value: str, layers: list[Path]) -> str:
    """/opt/<x> is where Lambda unpacks the layers; here it is the built layer that holds <x>."""
    if not value.startswith("/opt/"):
        return value
    inside = value.removeprefix("/opt/")
    return next((str(layer / inside) for layer in layers if (layer / inside).exists()), value)


def functions_as_sam_runs_them(template: Path, env_file: Path) -> dict[str, dict[str, Any]]:
    # The shell that runs sam local, as `moderation local-aws` tells a developer to set it up.
    shell = {"PATH": os.environ["PATH"], "HOME": str(Path.home()), "SAM_CLI_TELEMETRY": "0"}
    done = run(
        [SAM_VENV_BIN / "python", HERE / "sam_functions.py", template, env_file],
        env={**shell, **SAM_SHELL_ENVIRONMENT},
    )
    functions: dict[str, dict[str, Any]] = json.loads(done.stdout)
    return functions


def set_variables(env_file: Path, function: str, **variables: str) -> None:
    """Add variables to one function's entry of the env-vars file, as a developer would."""
    environment = json.loads(env_file.read_text())
    environment[function].update(variables)
    env_file.write_text(json.dumps(environment, indent=2))


@pytest.fixture(scope="session")
def sam_local(
    built_template: Path,
    runtime_python: Path,
    local_aws: LocalAwsProcess,
    tmp_path_factory: pytest.TempPathFactory,
) -> SamLocal:
    # The test model's weights are random, so its scores decide nothing: with both thresholds at 1
    # every decision comes from the rules, while the model still runs and its scores are stored.
    set_variables(local_aws.env_file, "SubmitCommentFunction", REVIEW_THRESHOLD="1", REJECT_THRESHOLD="1")
    functions = functions_as_sam_runs_them(built_template, local_aws.env_file)
    return SamLocal(functions, runtime_python, tmp_path_factory.mktemp("invocations"))

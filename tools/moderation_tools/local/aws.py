"""`make local-aws`: a local DynamoDB for `sam local`, so its containers need no AWS account.

Starts moto in server mode, creates template.yaml's tables in it and writes the file that
`sam local` takes with `--env-vars`: each function pointed at moto through boto3's own
`AWS_ENDPOINT_URL_DYNAMODB`, a fresh `APP_SECRET`, and blanks for what only AWS has (Cognito).

sam local passes a function only the variables template.yaml declares for it: a value for any
other name in the file is silently dropped. The template therefore declares
`AWS_ENDPOINT_URL_DYNAMODB` (empty in AWS, where boto3 ignores an empty endpoint).

Where the containers find this machine depends on Docker:
- Docker Desktop (macOS, Windows, Linux): `host.docker.internal` reaches the host's loopback, so
  moto listens on 127.0.0.1 only.
- Docker Engine on Linux: the default bridge's gateway, 172.17.0.1; moto listens on that address,
  which only this machine and its containers reach. `--docker-network host` (with 127.0.0.1) does
  not help: SAM CLI skips connecting its containers to the `host` network (aws-sam-cli#3609).
moto has no authentication, so it never listens on every interface unless told to (`--bind`).
"""

from __future__ import annotations

import ipaddress
import json
import os
import secrets
import shlex
import signal
import socket
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from moderation_tools.local.template import Template, create_tables, table_name

DEFAULT_PORT = 5000
DOCKER_DESKTOP_HOST = "host.docker.internal"
DEFAULT_ENV_FILE = Path(".aws-sam/local-env.json")
ENDPOINT_VARIABLE = "AWS_ENDPOINT_URL_DYNAMODB"
REGION = "us-east-1"
# sam local hands the functions the shell's credentials and region: dummy ones keep every real
# account out of reach, and the region must be the one the tables were created in.
SAM_SHELL_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
}
SAM_SHELL_UNSET = ("AWS_PROFILE", "AWS_SESSION_TOKEN")
# Exist only in AWS: blank locally, so the console asks for a pasted token instead of Cognito.
AWS_ONLY_VARIABLES = (
    "COGNITO_DOMAIN",
    "COGNITO_CLIENT_ID",
    "WEBHOOK_SECRET_ARN",
    "WEBHOOK_DLQ_URL",
    "ALERT_TOPIC_ARN",
)
# The sample events `sam local invoke` is shown with: a reader's comment, and a moderator's queue.
INVOKE_EXAMPLES = (
    ("SubmitCommentFunction", "events/submit_comment.json"),
    ("ModerationFunction", "events/moderation_queue.json"),
)


class LocalAwsError(Exception):
    """The local AWS cannot start; the message says why and what to do."""


def bind_address(host_for_containers: str) -> str:
    """Listen where the containers connect when that is an address; else (a host name) on loopback."""
    try:
        return str(ipaddress.ip_address(host_for_containers))
    except ValueError:
        return "127.0.0.1"


def endpoint_url(host: str, port: int) -> str:
    return f"http://{host}:{port}"


def local_environment(template: Template, endpoint: str, app_secret: str) -> dict[str, dict[str, str]]:
    """The `--env-vars` file: per function, the values that differ from what the template gives."""
    supplied = {
        ENDPOINT_VARIABLE: endpoint,
        "APP_SECRET": app_secret,
        # Without it the functions would ask Secrets Manager (in AWS) for the template's secret.
        "APP_SECRET_ARN": "",
        **dict.fromkeys(AWS_ONLY_VARIABLES, ""),
    }
    environment = {}
    for function in template.functions():
        declared = template.variables(function)
        if ENDPOINT_VARIABLE not in declared:
            raise LocalAwsError(
                f"template.yaml declares no {ENDPOINT_VARIABLE} for {function}: sam local would drop "
                "the local endpoint and the function would look for DynamoDB in AWS. Declare it "
                'in Globals (`AWS_ENDPOINT_URL_DYNAMODB: ""`).'
            )
        entry = {name: value for name, value in supplied.items() if name in declared}
        entry.update(_table_names(template, declared))
        environment[function] = dict(sorted(entry.items()))
    return environment


def _table_names(template: Template, declared: dict[str, Any]) -> dict[str, str]:
    """Variables that name a table (`!Ref CommentsTable`), as the table is named locally."""
    tables = template.tables()
    resolved = {}
    for name, value in declared.items():
        if isinstance(value, dict) and value.get("Ref") in tables:
            resolved[name] = table_name(value["Ref"], tables[value["Ref"]])
    return resolved


def write_env_file(path: Path, environment: dict[str, dict[str, str]]) -> None:
    """Write the file readable by its owner only: it holds the functions' APP_SECRET."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        json.dump(environment, file, indent=2)
        file.write("\n")


def sam_commands(env_file: Path) -> list[str]:
    """What to run in another shell: dummy credentials, then sam local with the env-vars file."""
    env_vars = shlex.quote(str(env_file))
    shell = " ".join(f"{name}={value}" for name, value in SAM_SHELL_ENVIRONMENT.items())
    return [
        f"export {shell}; unset {' '.join(SAM_SHELL_UNSET)}",
        f".sam-venv/bin/sam local start-api --env-vars {env_vars}",
        *(
            f".sam-venv/bin/sam local invoke {function} -e {event} --env-vars {env_vars}"
            for function, event in INVOKE_EXAMPLES
        ),
    ]


@dataclass
class LocalAws:
    """moto's server with the template's tables, and the env-vars file pointing functions at it."""

    template_path: Path
    port: int
    host_for_containers: str
    bind: str
    env_file: Path

    def start(self) -> None:
        from moto.server import ThreadedMotoServer

        _check_port_free(self.bind, self.port)
        self._server = ThreadedMotoServer(ip_address=self.bind, port=self.port, verbose=False)
        self._server.start()
        try:
            self.port = self._server.get_host_and_port()[1]
            template = Template.load(self.template_path)
            environment = local_environment(template, self.endpoint_for_containers, secrets.token_urlsafe(32))
            self.tables = sorted(create_tables(template, self._client()).values())
            write_env_file(self.env_file, environment)
        except BaseException:
            self._server.stop()
            raise

    def stop(self) -> None:
        self._server.stop()

    @property
    def endpoint_for_containers(self) -> str:
        return endpoint_url(self.host_for_containers, self.port)

    def _client(self) -> Any:
        import boto3

        return boto3.client(
            "dynamodb",
            endpoint_url=endpoint_url(self.bind, self.port),
            region_name=REGION,
            aws_access_key_id=SAM_SHELL_ENVIRONMENT["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=SAM_SHELL_ENVIRONMENT["AWS_SECRET_ACCESS_KEY"],
        )


def _check_port_free(bind: str, port: int) -> None:
    # moto's server thread would die on a taken port and leave start() waiting forever.
    with socket.socket(socket.AF_INET6 if ":" in bind else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((bind, port))
        except OSError as error:
            raise LocalAwsError(
                f"cannot listen on {bind}:{port} ({error.strerror}). Another program may hold the port "
                "(on macOS, AirPlay Receiver takes 5000): pass --port. If the address is not this "
                "machine's, check --host-for-containers / --bind."
            ) from error


def serve_local_aws(
    template_path: Path, port: int, host_for_containers: str, bind: str | None, env_file: Path
) -> None:
    """Run until interrupted; print the commands that use it."""
    address = bind or bind_address(host_for_containers)
    local = LocalAws(template_path, port, host_for_containers, address, env_file)
    local.start()
    banner = [
        f"Local AWS (moto) on {endpoint_url(local.bind, local.port)}  (Ctrl-C to stop)",
        f"  tables:        {', '.join(local.tables)}",
        f"  functions use: {local.endpoint_for_containers}  (from inside sam local's containers)",
        f"  env-vars file: {env_file}  (a fresh APP_SECRET each start)",
        "In another shell, after `make build`:",
        *(f"  {command}" for command in sam_commands(env_file)),
    ]
    try:
        _stop_on_ctrl_c_or_kill()
        print("\n".join(banner), flush=True)
        threading.Event().wait()
    except KeyboardInterrupt:
        print("\nstopped", flush=True)
    finally:
        local.stop()


def _stop_on_ctrl_c_or_kill() -> None:
    # Set, not inherited: a shell script's background job (`make local-aws &`) starts with SIGINT
    # ignored, and then neither Ctrl-C nor `kill -INT` would ever stop it. SIGTERM (`kill`, a
    # process manager) stops it as cleanly, moto's thread shut down.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.default_int_handler)

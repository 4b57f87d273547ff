"""`moderation local-aws`'s choices, without starting it: where moto listens, what the env-vars file holds."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from moderation_tools.local.aws import (
    DOCKER_DESKTOP_HOST,
    LocalAwsError,
    bind_address,
    local_environment,
    sam_commands,
)
from moderation_tools.local.template import Template


def template(tmp_path: Path, variables: dict[str, object]) -> Template:
    document = {
        "Globals": {"Function": {"Environment": {"Variables": variables}}},
        "Resources": {
            "Table": {"Type": "AWS::DynamoDB::Table", "Properties": {"TableName": "Comments"}},
            "Reader": {"Type": "AWS::Serverless::Function", "Properties": {"Handler": "reader.handler"}},
        },
    }
    path = tmp_path / "template.yaml"
    path.write_text(yaml.safe_dump(document))
    return Template.load(path)


@pytest.mark.parametrize(
    ("host_for_containers", "listens_on"),
    [
        # Docker Desktop reaches the host's loopback through its own name: moto stays on loopback.
        (DOCKER_DESKTOP_HOST, "127.0.0.1"),
        # Docker Engine on Linux: the bridge's gateway, which only this machine and its containers reach.
        ("172.17.0.1", "172.17.0.1"),
        ("127.0.0.1", "127.0.0.1"),
    ],
)
def test_moto_listens_where_the_containers_connect_and_never_on_every_interface(
    host_for_containers: str, listens_on: str
) -> None:
    assert bind_address(host_for_containers) == listens_on


def test_the_env_vars_file_points_each_function_at_moto_with_its_table_and_secret(tmp_path: Path) -> None:
    given = template(
        tmp_path,
        {"TABLE_NAME": {"Ref": "Table"}, "APP_SECRET": "resolved-in-aws", "AWS_ENDPOINT_URL_DYNAMODB": ""},
    )

    environment = local_environment(given, "http://172.17.0.1:5000", "fresh")

    assert environment == {
        "Reader": {
            "APP_SECRET": "fresh",
            "AWS_ENDPOINT_URL_DYNAMODB": "http://172.17.0.1:5000",
            "TABLE_NAME": "Comments",
        }
    }


def test_a_template_that_does_not_declare_the_endpoint_is_refused_with_the_fix(tmp_path: Path) -> None:
    # sam local would silently drop the endpoint, and the function would look for its table in AWS.
    given = template(tmp_path, {"TABLE_NAME": {"Ref": "Table"}})

    with pytest.raises(LocalAwsError, match='AWS_ENDPOINT_URL_DYNAMODB: ""'):
        local_environment(given, "http://127.0.0.1:5000", "fresh")


def test_the_printed_commands_run_sam_local_with_dummy_credentials_and_the_env_file() -> None:
    credentials, start_api, *invokes = sam_commands(Path(".aws-sam/local-env.json"))

    assert credentials.startswith("export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local")
    assert credentials.endswith("unset AWS_PROFILE AWS_SESSION_TOKEN")
    assert start_api == ".sam-venv/bin/sam local start-api --env-vars .aws-sam/local-env.json"
    assert all(command.endswith("--env-vars .aws-sam/local-env.json") for command in invokes)

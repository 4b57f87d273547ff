"""The `sam local` page (docs/deploying/sam-local.md), run without Docker (conftest.py: what stands in).

GIVEN `sam build`'s output, `moderation local-aws` and the env-vars file it writes,
WHEN each function runs as `sam local invoke` runs it, with the events in events/,
THEN readers and moderators get the answers the API promises, from the local DynamoDB.
"""

from __future__ import annotations

import copy
import json
import signal
import stat
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.sam.conftest import LocalAwsProcess, SamLocal, running_local_aws
from tests.support.aws import ROOT

POST = "why-we-moderate"


def model_labels() -> set[str]:
    """The labels of the model the build put in the layer (conftest builds it before any test)."""
    labels: list[str] = json.loads((ROOT / "build" / "size-check-model" / "manifest.json").read_text())[
        "labels"
    ]
    return set(labels)


def event(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((ROOT / "events" / f"{name}.json").read_text())
    return loaded


def with_body(name: str, body: dict[str, Any], **headers: str) -> dict[str, Any]:
    edited = copy.deepcopy(event(name))
    edited["body"] = json.dumps(body)
    edited["headers"].update(headers)
    return edited


def for_comment(name: str, comment_id: str) -> dict[str, Any]:
    """A moderation event about another comment, as a developer would edit the sample."""
    edited = copy.deepcopy(event(name))
    path = edited["rawPath"].replace(edited["pathParameters"]["id"], comment_id)
    edited["rawPath"] = edited["requestContext"]["http"]["path"] = path
    edited["pathParameters"] = {"id": comment_id}
    return edited


def test_a_comment_goes_from_the_reader_through_the_moderators_queue_to_the_page(sam_local: SamLocal) -> None:
    # GIVEN a clean comment and one with two links (held for review by the link rule)
    clean = sam_local.http("SubmitCommentFunction", event("submit_comment"))
    linked = sam_local.http(
        "SubmitCommentFunction",
        with_body(
            "submit_comment",
            {"author_name": "Grace", "body": "Sources: https://a.example/1 and https://b.example/2"},
            **{"idempotency-key": "0b3c9a52-8f1e-4d7a-9c2b-6e5f4a3d2c1b"},
        ),
    )
    assert (clean.status, clean.body["status"]) == (201, "published")
    assert (linked.status, linked.body["status"]) == (202, "pending")

    # THEN readers see the published one only, and moderators the held one
    page, queue, counts = sam_local.http_at_once(
        ("ListCommentsFunction", event("list_comments")),
        ("ModerationFunction", event("moderation_queue")),
        ("ModerationFunction", event("moderation_counts")),
    )
    assert page.status == 200
    assert [item["id"] for item in page.body["items"]] == [clean.body["id"]]
    assert queue.status == 200
    [held] = queue.body["items"]
    assert (held["id"], held["reasons"]) == (linked.body["id"], ["too_many_links"])
    # scored by the model in the scoring layer, though only the link rule held it
    assert set(held["scores"]) == {*model_labels(), "spam"}
    assert all(0.0 <= score <= 1.0 for score in held["scores"].values())
    assert counts.status == 200
    assert (counts.body["counts"]["pending"], counts.body["counts"]["published"]) == (1, 1)

    # AND a moderator can claim it and open it
    claimed, detail = sam_local.http_at_once(
        ("ModerationFunction", event("moderation_claims")),
        ("ModerationFunction", for_comment("moderation_comment", held["id"])),
    )
    assert claimed.status == 200
    assert [item["id"] for item in claimed.body["items"]] == [held["id"]]
    assert (detail.status, detail.body["status"]) == (200, "pending")

    # WHEN a moderator approves it
    decision = for_comment("moderation_decision", held["id"])
    decision["body"] = json.dumps({"action": "approve", "note": "Good sources.", "version": held["version"]})
    approved = sam_local.http("ModerationFunction", decision)
    assert (approved.status, approved.body["status"]) == (200, "published")

    # THEN both are on the page, oldest first
    page = sam_local.http("ListCommentsFunction", event("list_comments"))
    assert [item["id"] for item in page.body["items"]] == [clean.body["id"], held["id"]]


def test_without_the_authorizers_claims_the_moderation_routes_answer_401(sam_local: SamLocal) -> None:
    # sam local start-api doesn't run HTTP API JWT authorizers: the event arrives without claims.
    unauthorized = copy.deepcopy(event("moderation_queue"))
    del unauthorized["requestContext"]["authorizer"]

    answer = sam_local.http("ModerationFunction", unauthorized)

    assert (answer.status, answer.body["error"]["code"]) == (401, "unauthorized")


def test_the_console_is_served_and_signs_in_with_a_pasted_token_without_cognito(sam_local: SamLocal) -> None:
    page, script, config = sam_local.http_at_once(
        ("ConsoleFunction", event("console_page")),
        ("ConsoleFunction", event("console_asset")),
        ("ConsoleFunction", event("console_config")),
    )

    assert (page.status, page.headers["content-type"]) == (200, "text/html; charset=utf-8")
    assert (script.status, script.headers["content-type"]) == (200, "application/javascript; charset=utf-8")
    # The template's Cognito values don't resolve outside AWS; blank in the env-vars file, none is offered.
    assert (config.status, config.body) == (200, {"cognito": None})


def test_the_ttl_stream_consumer_takes_its_sample_batch(sam_local: SamLocal) -> None:
    assert sam_local.invoke("CountExpiredFunction", event("count_expired")) == {"batchItemFailures": []}


def test_local_aws_serves_the_tables_writes_a_private_env_file_with_a_new_secret_and_stops_on_ctrl_c(
    local_aws: LocalAwsProcess, tmp_path: Path
) -> None:
    # GIVEN a second start of `moderation local-aws`
    with running_local_aws(tmp_path) as local:
        tables = _client(local).list_tables()["TableNames"]
        environment = json.loads(local.env_file.read_text())
        mode = stat.S_IMODE(local.env_file.stat().st_mode)
        exit_code = local.interrupt()

    # THEN it served the template's table, and the file sam local takes points the functions at it
    assert tables == ["CommentsTable"]
    assert environment["SubmitCommentFunction"]["AWS_ENDPOINT_URL_DYNAMODB"] == local.endpoint
    assert f"sam local start-api --env-vars {local.env_file}" in local.log
    # AND the file holds a secret of its own, readable by its owner only
    earlier = json.loads(local_aws.env_file.read_text())["ListCommentsFunction"]["APP_SECRET"]
    assert len(environment["ListCommentsFunction"]["APP_SECRET"]) >= 32
    assert environment["ListCommentsFunction"]["APP_SECRET"] != earlier
    assert mode == 0o600
    # AND Ctrl-C stops it cleanly
    assert exit_code == 0
    assert "stopped" in local.log.splitlines()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "kill"])
def test_local_aws_started_from_a_scripts_background_job_stops_cleanly_on_ctrl_c_and_on_kill(
    signum: signal.Signals, tmp_path: Path
) -> None:
    # GIVEN `moderation local-aws` started as `make local-aws &` in a script starts it: SIGINT ignored
    with running_local_aws(tmp_path, as_a_background_job=True) as local:
        # WHEN it is sent Ctrl-C's signal, or kill's
        local.process.send_signal(signum)
        exit_code = local.process.wait(timeout=20)

    # THEN it stops, cleanly
    assert exit_code == 0
    assert "stopped" in local.log.splitlines()


def _client(local: LocalAwsProcess) -> Any:
    return boto3.client(
        "dynamodb",
        endpoint_url=local.endpoint,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )

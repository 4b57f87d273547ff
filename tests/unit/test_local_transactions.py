"""The local stack's DynamoDB transactions (moderation_tools.local.transactions) give exactly what
moto's own give — items written, conditions, cancellation reasons, counters — for a fraction of
the work: the same scenario run with each must leave the same table and the same answers."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moderation_tools.local import transactions
from moto import mock_aws
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.responses import DynamoHandler

from tests.support.aws import create_pk_sk_table

ORIGINAL = DynamoDBBackend.transact_write_items
ORIGINAL_REQUEST_CHECKS = DynamoHandler.transact_write_items
TABLE = "t"


def put(pk: str, condition: str | None = None, **attributes: Any) -> dict[str, Any]:
    item = {"pk": {"S": pk}, "sk": {"S": "X"}, **{k: {"S": v} for k, v in attributes.items()}}
    operation: dict[str, Any] = {"TableName": TABLE, "Item": item}
    if condition:
        operation["ConditionExpression"] = condition
    return {"Put": operation}


def add(pk: str, **deltas: int) -> dict[str, Any]:
    return {
        "Update": {
            "TableName": TABLE,
            "Key": {"pk": {"S": pk}, "sk": {"S": "X"}},
            "UpdateExpression": "ADD " + ", ".join(f"#n{i} :v{i}" for i in range(len(deltas))),
            "ExpressionAttributeNames": {f"#n{i}": name for i, name in enumerate(deltas)},
            "ExpressionAttributeValues": {f":v{i}": {"N": str(v)} for i, v in enumerate(deltas.values())},
        }
    }


def set_if(pk: str, expected: str) -> dict[str, Any]:
    return {
        "Update": {
            "TableName": TABLE,
            "Key": {"pk": {"S": pk}, "sk": {"S": "X"}},
            "UpdateExpression": "SET v = :new",
            "ConditionExpression": "v = :old",
            "ExpressionAttributeValues": {":new": {"S": expected + "+"}, ":old": {"S": expected}},
        }
    }


def check_absent(pk: str) -> dict[str, Any]:
    return {
        "ConditionCheck": {
            "TableName": TABLE,
            "Key": {"pk": {"S": pk}, "sk": {"S": "X"}},
            "ConditionExpression": "attribute_not_exists(pk)",
        }
    }


def unused_name(pk: str) -> dict[str, Any]:
    operation = set_if(pk, "x")
    operation["Update"]["ExpressionAttributeNames"] = {"#unused": "v"}
    return operation


def empty_values(operation: dict[str, Any]) -> dict[str, Any]:
    next(iter(operation.values()))["ExpressionAttributeValues"] = {}
    return operation


SCENARIO = [
    [put("a", "attribute_not_exists(pk)", v="1"), add("count", published=1, pending=2), check_absent("b")],
    [put("a", "attribute_not_exists(pk)", v="again"), add("count", published=5), put("c")],  # cancelled
    [set_if("a", "1"), add("count", published=-1, rejected=1), put("b", v="2")],
    [set_if("a", "1"), add("count", published=7)],  # stale: cancelled
    [check_absent("b"), put("d")],  # b exists now: cancelled
    [add("fresh", n=3), add("count", pending=1)],
    [set_if("a", "1+"), add("count", published=1)],  # the same condition, other values: written
    [unused_name("a")],  # refused before anything is checked or written
    [put("e"), empty_values(put("f", "attribute_not_exists(pk)"))],  # refused
    [unused_name("a")],  # refused again (a refusal is not remembered as parsed)
]


def run(scenario: list[list[dict[str, Any]]]) -> tuple[list[Any], list[dict[str, Any]]]:
    client: Any = boto3.client("dynamodb", region_name="us-east-1")
    create_pk_sk_table(client, TABLE)
    answers: list[Any] = []
    for items in scenario:
        try:
            client.transact_write_items(TransactItems=items)
            answers.append("written")
        except ClientError as error:
            reasons = error.response.get("CancellationReasons")
            if reasons is None:
                answers.append(error.response["Error"])
            else:
                answers.append([reason["Code"] for reason in reasons])
    table = sorted(client.scan(TableName=TABLE)["Items"], key=lambda item: item["pk"]["S"])
    return answers, table


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    # moto's own first; monkeypatch puts back whatever was there when the test ends.
    monkeypatch.setattr(DynamoDBBackend, "transact_write_items", ORIGINAL)
    monkeypatch.setattr(DynamoHandler, "transact_write_items", ORIGINAL_REQUEST_CHECKS)


def test_the_same_answers_and_the_same_table_as_motos_own(aws: None) -> None:
    with mock_aws():
        expected = run(SCENARIO)
    transactions.install()
    with mock_aws():
        got = run(SCENARIO)
    answers, _ = expected
    assert answers[1] == ["ConditionalCheckFailed", "None", "None"]  # the scenario does cancel
    assert answers[6] == "written"
    assert [answer["Code"] for answer in answers[7:]] == ["ValidationException"] * 3
    assert got == expected

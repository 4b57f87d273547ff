"""The local stack's DynamoDB transactions (moderation_tools.local.transactions) give exactly what
moto's own give — items written, conditions, cancellation reasons, counters — for a fraction of
the work: the same scenario run with each must leave the same table and the same answers."""

from __future__ import annotations

import json
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
# moto's default account, where its backends keep what mock_aws writes.
ACCOUNT = "123456789012"


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


def update(pk: str, expression: str, names: dict[str, str] | None = None, **values: Any) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "TableName": TABLE,
        "Key": {"pk": {"S": pk}, "sk": {"S": "X"}},
        "UpdateExpression": expression,
        "ExpressionAttributeValues": {f":{name}": value for name, value in values.items()},
    }
    if names:
        operation["ExpressionAttributeNames"] = names
    return {"Update": operation}


ONE, TWO = {"N": "1"}, {"N": "2"}
# The plain updates the local stack applies itself, and their neighbours that moto must answer.
PLAIN_UPDATES = [
    # An insights day: assignments then counters, on a new item and then on it again.
    [
        update(
            "day",
            "SET #v0 = :a, #v1 = :b ADD #c0 :one, #c1 :one",
            {"#v0": "review", "#v1": "model", "#c0": "spam|all|5", "#c1": "*|auto_published"},
            a={"N": "0.5"},
            b={"S": "starter"},
            one=ONE,
        )
    ],
    [
        update(
            "day",
            "SET #v0 = :a ADD #c0 :two, #c1 :one",
            {"#v0": "review", "#c0": "spam|all|5", "#c1": "new"},
            a={"N": "0.55"},
            two=TWO,
            one=ONE,
        )
    ],
    # An author's counts: counters first, then a bare name.
    [
        update(
            "author",
            "ADD #s0 :one SET author_key_kind = :kind",
            {"#s0": "published"},
            one=ONE,
            kind={"S": "email"},
        )
    ],
    [
        update(
            "author",
            "ADD #s0 :one, #s1 :one SET author_key_kind = :kind",
            {"#s0": "published", "#s1": "pending"},
            one=ONE,
            kind={"S": "reader"},
        )
    ],
    # Maps, lists, booleans and nulls are assigned as they are; counters go negative.
    [
        update(
            "thread",
            "SET first_replies = :first, replies_version = :next ADD reply_count :delta",
            first={"L": [{"S": "r1"}, {"M": {"id": {"S": "r2"}}}]},
            next=ONE,
            delta={"N": "-3"},
        )
    ],
    [
        update(
            "flags",
            "SET #a = :yes, #b = :nothing, #c = :m",
            {"#a": "on", "#b": "gone", "#c": "shape"},
            yes={"BOOL": True},
            nothing={"NULL": True},
            m={"M": {"x": {"N": "1.50"}}},
        )
    ],
    # Counting on a text, a reserved word unquoted, overlapping paths, a key, a missing value: each
    # left to moto, which refuses it, and nothing of its transaction is written. A set: moto's too.
    [update("author", "ADD author_key_kind :one", one=ONE), put("untouched-1")],
    [update("fresh", "SET name = :v", v={"S": "x"})],
    [update("fresh", "SET #a = :v ADD #b :one", {"#a": "n", "#b": "n"}, v={"S": "x"}, one=ONE)],
    [update("fresh", "SET #k = :v", {"#k": "sk"}, v={"S": "Y"})],
    [update("fresh", "SET #a = :v", {"#a": "n"}, other={"S": "x"})],
    [update("fresh", "SET #a = :s", {"#a": "tags"}, s={"SS": ["b", "a"]})],
    [update("fresh", "SET #a = :v", {"#a": "n"}, v={"S": "x" * 410_000})],
]


def test_plain_updates_leave_what_motos_own_leaves(aws: None) -> None:
    with mock_aws():
        expected = run(PLAIN_UPDATES)
    transactions.install()
    with mock_aws():
        got = run(PLAIN_UPDATES)
    (answers, table), (got_answers, got_table) = expected, got
    assert answers[:6] == got_answers[:6] == ["written"] * 6
    # Refused by both: moto's own for the whole request, this version as the transaction's
    # cancellation (as it refuses any item that fails when written).
    refused = [*range(6, 11), 12]
    assert all("written" not in (answers[i], got_answers[i]) for i in refused)
    assert answers[11] == got_answers[11] == "written"
    day = next(item for item in table if item["pk"]["S"] == "day")
    assert day["spam|all|5"] == {"N": "3"}
    assert day["review"] == {"N": "0.55"}
    assert got_table == table


def stream_records(client: Any) -> list[dict[str, Any]]:
    """The table's stream as a consumer reads it, without what differs by run (ids, times and the
    size moto counts with the time's text)."""
    # moto's DynamoDB Streams backend, as the local stack reads it (its HTTP API isn't served).
    from moto.dynamodbstreams.models import dynamodbstreams_backends

    streams = dynamodbstreams_backends[ACCOUNT]["us-east-1"]
    arn = client.describe_table(TableName=TABLE)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(arn)["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(arn, shard, "TRIM_HORIZON")
    records = json.loads(json.dumps(streams.get_records(iterator.arn, 1000)["Records"], default=str))
    for record in records:
        del (
            record["eventID"],
            record["dynamodb"]["ApproximateCreationDateTime"],
            record["dynamodb"]["SizeBytes"],
        )
    return list(records)


def run_with_stream(scenario: list[list[dict[str, Any]]]) -> tuple[Any, list[dict[str, Any]]]:
    client: Any = boto3.client("dynamodb", region_name="us-east-1")
    create_pk_sk_table(client, TABLE, stream=True)
    for items in scenario:
        client.transact_write_items(TransactItems=items)
    return client.scan(TableName=TABLE)["Items"], stream_records(client)


def test_plain_updates_leave_the_stream_records_motos_own_leaves(
    aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the stream's consumers (webhooks, the spam filter's learning) are handed must not
    depend on which code wrote the update."""
    with mock_aws():
        expected = run_with_stream(PLAIN_UPDATES[:6])
    transactions.install()
    by_moto: list[str] = []
    own = DynamoDBBackend.update_item

    def counted(
        self: DynamoDBBackend, table_name: str, key: Any, update_expression: str, *args: Any, **kwargs: Any
    ) -> Any:
        by_moto.append(update_expression)
        return own(self, table_name, key, update_expression, *args, **kwargs)

    monkeypatch.setattr(DynamoDBBackend, "update_item", counted)
    with mock_aws():
        got = run_with_stream(PLAIN_UPDATES[:6])
    assert by_moto == []  # all applied directly, none left to moto's expression machinery
    _, records = expected
    assert {record["eventName"] for record in records} == {"INSERT", "MODIFY"}
    assert any("OldImage" in record["dynamodb"] for record in records)
    assert got == expected

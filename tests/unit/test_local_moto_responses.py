"""The local stack's DynamoDB responses (moderation_tools.local.moto_responses) are, byte for byte,
what moto's own serializer writes — for every kind of attribute, nested, empty or binary — so the
functions read exactly the same items, only sooner."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from moderation_tools.local import moto_responses
from moto import mock_aws
from moto.core.serialize import BaseJSONSerializer

from tests.support.aws import create_pk_sk_table

ORIGINAL = BaseJSONSerializer._serialize_type_structure
TABLE = "t"
KEY = {"pk": {"S": "COMMENT#1"}, "sk": {"S": "COMMENT"}}
ITEM = {
    **KEY,
    "text": {"S": "ünïcödé 日本"},
    "empty": {"S": ""},
    "number": {"N": "0.25"},
    "yes": {"BOOL": True},
    "no": {"BOOL": False},
    "nothing": {"NULL": True},
    "words": {"SS": ["a", "b"]},
    "numbers": {"NS": ["1", "2.5"]},
    "bytes_": {"B": b"\x00\x01"},
    "byte_sets": {"BS": [b"\x00", b"\x01"]},
    "scores": {"M": {"toxicity": {"N": "0.25"}, "flags": {"L": [{"BOOL": True}, {"NULL": True}]}}},
    "history": {"L": [{"M": {"by": {"S": "grace"}, "raw": {"B": b"\x02"}}}, {"L": []}, {"M": {}}]},
    "first_replies": {"L": [{"S": "r1"}, {"S": "r2"}]},
    "none_yet": {"L": []},
}


def bodies() -> list[bytes]:
    """The raw body of each answer: a read, a batch read with a projection, a query and a scan."""
    client: Any = boto3.client("dynamodb", region_name="us-east-1")
    create_pk_sk_table(client, TABLE)
    client.put_item(TableName=TABLE, Item=ITEM)
    answers: list[bytes] = []
    client.meta.events.register(
        "after-call.dynamodb", lambda http_response, **_: answers.append(http_response.content)
    )
    client.get_item(TableName=TABLE, Key=KEY)
    read = {"Keys": [KEY], "ProjectionExpression": "pk, scores, history[0], first_replies, yes"}
    client.batch_get_item(RequestItems={TABLE: read})
    client.query(
        TableName=TABLE, KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": KEY["pk"]}
    )
    client.scan(TableName=TABLE)
    return answers


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    # moto's own first; monkeypatch puts back whatever was there when the test ends.
    monkeypatch.setattr(BaseJSONSerializer, "_serialize_type_structure", ORIGINAL)


def test_the_same_bytes_as_motos_own_serializer(aws: None) -> None:
    with mock_aws():
        expected = bodies()
    moto_responses.install()
    with mock_aws():
        got = bodies()
    assert len(expected) == 4
    assert b'"bytes_": {"B": "AAE="}' in expected[0]  # the item, all of it, in each answer
    assert all(b'"first_replies": {"L": [{"S": "r1"}, {"S": "r2"}]}' in body for body in expected)
    assert got == expected


def test_only_plain_values_are_written_directly() -> None:
    assert moto_responses.plain_attribute_value({"M": {"a": {"L": [{"S": "x"}]}}}) == {
        "M": {"a": {"L": [{"S": "x"}]}}
    }
    # Binary values, and values moto holds in another form, take moto's serializer
    assert moto_responses.plain_attribute_value({"B": b"\x00"}) is None
    assert moto_responses.plain_attribute_value({"M": {"a": {"B": b"\x00"}}}) is None
    assert moto_responses.plain_attribute_value({"N": 5}) is None
    assert moto_responses.plain_attribute_value({"S": "x", "N": "1"}) is None

"""The local stack's moto items (moderation_tools.local.moto_items) are built and projected as moto's
own are — the same items read back, the same projections, the same refusal of an item too large —
in time proportional to the item."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moderation_tools.local import moto_items
from moto import mock_aws
from moto.dynamodb.models.dynamo_type import Item

from tests.support.aws import create_pk_sk_table

ORIGINAL = (Item.__init__, Item.project)
TABLE = "t"
ITEM = {
    "pk": {"S": "COMMENT#1"},
    "sk": {"S": "COMMENT"},
    "status": {"S": "published"},
    "reply_count": {"N": "2"},
    "first_replies": {"L": [{"S": "r1"}, {"S": "r2"}]},
    "scores": {"M": {"toxicity": {"N": "0.25"}, "insult": {"N": "0.5"}}},
    "history": {"L": [{"M": {"by": {"S": "grace"}, "note": {"S": "imported"}}}]},
    "tags": {"SS": ["a", "b"]},
    "merged": {"BOOL": True},
    "nothing": {"NULL": True},
    "bytes_": {"B": b"\x00\x01"},
}
PROJECTIONS = [
    ("pk, sk, #s, reply_count, first_replies, merged", {"#s": "status"}),
    ("scores.insult, history[0].by, first_replies[1], absent, scores.absent", None),
    ("scores, scores.toxicity, tags, bytes_, #n", {"#n": "nothing"}),
    ("history[3], first_replies[0], first_replies[1]", None),
]


def scenario() -> list[Any]:
    client: Any = boto3.client("dynamodb", region_name="us-east-1")
    create_pk_sk_table(client, TABLE)
    client.put_item(TableName=TABLE, Item=ITEM)
    answers: list[Any] = [client.get_item(TableName=TABLE, Key={"pk": ITEM["pk"], "sk": ITEM["sk"]})["Item"]]
    for projection, names in PROJECTIONS:
        keys = [{"pk": ITEM["pk"], "sk": ITEM["sk"]}]
        read: dict[str, Any] = {"Keys": keys, "ProjectionExpression": projection}
        if names:
            read["ExpressionAttributeNames"] = names
        answers.append(client.batch_get_item(RequestItems={TABLE: read})["Responses"][TABLE])
    # Just within moto's bound, then just past it (attribute names count too).
    for body in ("x" * (405000 - 200), "x" * 405000):
        item = {"pk": {"S": "big"}, "sk": {"S": "X"}, "body": {"S": body}}
        try:
            client.put_item(TableName=TABLE, Item=item)
            answers.append("stored")
        except ClientError as error:
            answers.append(error.response["Error"]["Message"])
    return answers


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    # moto's own first; monkeypatch puts back whatever was there when the test ends.
    monkeypatch.setattr(Item, "__init__", ORIGINAL[0])
    monkeypatch.setattr(Item, "project", ORIGINAL[1])


def test_the_same_items_projections_and_size_limit_as_motos_own(aws: None) -> None:
    with mock_aws():
        expected = scenario()
    moto_items.install()
    with mock_aws():
        got = scenario()
    assert expected[-2:] == ["stored", "Item size has exceeded the maximum allowed size"]
    assert expected[2] != [{"pk": ITEM["pk"], "sk": ITEM["sk"]}]  # the paths do project something
    assert got == expected

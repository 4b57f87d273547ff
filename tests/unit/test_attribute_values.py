"""The store's values as DynamoDB's low-level client takes them, and back, as boto3 typed them."""

from __future__ import annotations

from decimal import Decimal, Inexact, Rounded

import pytest
from moderation.store.attribute_values import from_response, to_attribute, to_request


def test_an_item_reads_back_as_it_was_written() -> None:
    # GIVEN an item with every kind of value the store writes
    item = {
        "pk": "COMMENT#1",
        "version": 3,
        "scores": {"toxicity": Decimal("0.125")},
        "hits": [1700000000, 1700000060],
        "history": [{"from": "pending", "to": "published", "note": None}],
        "flagged": False,
        "body": "é ✓",
    }

    # WHEN it is typed for a request and read back from a response
    typed = to_request({"Item": item, "ConditionExpression": "attribute_not_exists(pk)"})
    read = from_response({"Item": typed["Item"]})["Item"]

    # THEN the wire holds DynamoDB's types, other parameters are untouched, and numbers come back as Decimal
    assert typed["ConditionExpression"] == "attribute_not_exists(pk)"
    assert typed["Item"]["version"] == {"N": "3"}
    assert typed["Item"]["flagged"] == {"BOOL": False}
    assert typed["Item"]["history"]["L"][0]["M"]["note"] == {"NULL": True}
    assert read == item
    assert isinstance(read["version"], Decimal)


def test_keys_values_and_pages_are_typed_both_ways() -> None:
    typed = to_request(
        {"Key": {"pk": "A"}, "ExpressionAttributeValues": {":n": 1}, "ExclusiveStartKey": {"id": "x"}}
    )
    assert typed == {
        "Key": {"pk": {"S": "A"}},
        "ExpressionAttributeValues": {":n": {"N": "1"}},
        "ExclusiveStartKey": {"id": {"S": "x"}},
    }
    response = from_response(
        {"Items": [{"n": {"N": "2"}}], "LastEvaluatedKey": {"pk": {"S": "B"}}, "Count": 1}
    )
    assert response == {"Items": [{"n": Decimal(2)}], "LastEvaluatedKey": {"pk": "B"}, "Count": 1}


def test_floats_are_refused_as_boto3_refuses_them() -> None:
    with pytest.raises(TypeError):
        to_attribute(0.5)


def test_a_number_dynamodb_would_round_is_refused() -> None:
    with pytest.raises((Inexact, Rounded)):
        to_attribute(Decimal("1." + "1" * 40))
    with pytest.raises(TypeError):
        to_attribute(Decimal("NaN"))

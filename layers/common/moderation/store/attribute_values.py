"""DynamoDB's typed values: the store's plain Python values as botocore's low-level client sends
them, and back.

boto3's resource did this for the store, but importing boto3 (which brings s3transfer) and building
the resource was the largest part of the submit function's cold start after the model; its client
is botocore's, used here directly. Writing follows boto3's TypeSerializer for the types the store
writes; reading is Powertools' TypeDeserializer, boto3's without boto3 (numbers come back as
Decimal, as they did).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Clamped, Context, Decimal, Inexact, Overflow, Rounded, Underflow
from typing import Any

from aws_lambda_powertools.shared.dynamodb_deserializer import TypeDeserializer

# DynamoDB keeps 38 digits: a number that would lose any is refused, as boto3 refuses it.
_NUMBERS = Context(Emin=-128, Emax=126, prec=38, traps=[Clamped, Overflow, Inexact, Rounded, Underflow])
_DESERIALIZER = TypeDeserializer()
# The request and response members that hold attribute maps (item, key or expression values).
_ATTRIBUTE_MAPS = ("Key", "Item", "ExclusiveStartKey", "ExpressionAttributeValues")
_RESPONSE_MAPS = ("Item", "Attributes", "LastEvaluatedKey")


def to_attribute(value: object) -> dict[str, Any]:
    """One value as DynamoDB types it: None, bool, int or Decimal, str, bytes, lists and maps."""
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, int | Decimal):
        number = _NUMBERS.create_decimal(value)
        if not number.is_finite():
            raise TypeError(f"DynamoDB stores no {number}")
        return {"N": str(number)}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, bytes):
        return {"B": value}
    if isinstance(value, list | tuple):
        return {"L": [to_attribute(member) for member in value]}
    if isinstance(value, Mapping):
        return {"M": to_attributes(value)}
    # Floats too, as boto3: DynamoDB's numbers are decimal, so they go as Decimal(str(value)).
    raise TypeError(f"the store writes no {type(value).__name__} to DynamoDB")


def to_attributes(values: Mapping[str, Any]) -> dict[str, Any]:
    return {str(name): to_attribute(value) for name, value in values.items()}


def from_attributes(values: Mapping[str, Any]) -> dict[str, Any]:
    return {name: _DESERIALIZER.deserialize(value) for name, value in values.items()}


def to_request(params: Mapping[str, Any]) -> dict[str, Any]:
    """A request's parameters with its item, key and expression values typed for the wire."""
    return {
        name: to_attributes(value) if name in _ATTRIBUTE_MAPS else value for name, value in params.items()
    }


def from_response(response: Mapping[str, Any]) -> dict[str, Any]:
    """A response with its item(s), attributes and last key as plain values."""
    plain = dict(response)
    for name in _RESPONSE_MAPS:
        if name in plain:
            plain[name] = from_attributes(plain[name])
    if "Items" in plain:
        plain["Items"] = [from_attributes(item) for item in plain["Items"]]
    return plain

"""moto's DynamoDB responses, with item attributes written out directly, for the local stack.

moto 5.2.5 serializes each attribute of an item it answers through its generic serializer: for one
`{"S": "x"}` it looks up each of the ten members of DynamoDB's AttributeValue shape under several
aliases. Reading 25 stored comments back cost more than everything else of the request (40% of a
re-import's time, measured with py-spy). An attribute holding text, numbers, booleans, sets of
text or numbers, maps and lists of those is written here as that serializer writes it; anything
else (binary values, a value moto holds in another form) still goes through moto's serializer.
"""

from __future__ import annotations

from typing import Any

from moto.core.model import StructureShape
from moto.core.serialize import BaseJSONSerializer

ATTRIBUTE_VALUE = "AttributeValue"
SERVICES = ("dynamodb", "dynamodbstreams")
_SCALARS: dict[str, type] = {"S": str, "N": str, "NULL": bool, "BOOL": bool}

_generic = BaseJSONSerializer._serialize_type_structure


def plain_attribute_value(value: Any) -> dict[str, Any] | None:
    """The attribute value as moto's serializer writes it, or None when it takes that serializer."""
    if type(value) is not dict or len(value) != 1:
        return None
    [(kind, inner)] = value.items()
    if kind in _SCALARS:
        return {kind: inner} if type(inner) is _SCALARS[kind] else None
    if kind in ("SS", "NS"):
        return {kind: list(inner)} if type(inner) is list and all(type(v) is str for v in inner) else None
    if kind == "M" and type(inner) is dict:
        members = {name: plain_attribute_value(member) for name, member in inner.items()}
        return None if any(member is None for member in members.values()) else {kind: members}
    if kind == "L" and type(inner) is list:
        items = [plain_attribute_value(item) for item in inner]
        return None if any(item is None for item in items) else {kind: items}
    return None


def serialize_type_structure(
    self: BaseJSONSerializer, serialized: Any, value: Any, shape: StructureShape, key: str
) -> None:
    if key and shape.name == ATTRIBUTE_VALUE and self.service_model.service_name in SERVICES:
        plain = plain_attribute_value(value)
        if plain is not None:
            serialized[self.get_serialized_name(shape, key)] = plain
            return
    _generic(self, serialized, value, shape, key)


def install() -> None:
    """Use this in this process's moto (idempotent)."""
    BaseJSONSerializer._serialize_type_structure = serialize_type_structure  # type: ignore[method-assign]

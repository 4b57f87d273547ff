"""moto's DynamoDB items, built and projected in time proportional to the item, for the local stack.

moto 5.2.5 checks an item's 400 KB limit by summing the sizes of all its attributes again for each
attribute it adds (quadratic in the attributes: a comment has about twenty), and projects an item
by converting the whole item to plain JSON once per projected attribute. Measured on the import
bench, a batch read projecting nine attributes of stored comments cost more than the rest of the
request. These versions give the same items and the same errors: the running size is the sum moto
computes (and refused past the same bound), and each projected attribute is converted on its own.
"""

from __future__ import annotations

import re
from typing import Any

from botocore.utils import merge_dicts
from moto.dynamodb.exceptions import ItemSizeTooLarge
from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict, deserializer, serializer
from moto.dynamodb.models.utilities import bytesize, find_nested_key

# moto's own bound (between the documented 400 KB and what DynamoDB measurably accepts).
MAX_ITEM_BYTES = 405000
# `replies[2]` projects one element of the list attribute `replies` (as moto's find_nested_key reads it).
_LIST_INDEX = re.compile(r"\[\d+\]$")


def item_init(self: Item, hash_key: DynamoType, range_key: DynamoType | None, attrs: dict[str, Any]) -> None:
    self.hash_key = hash_key
    self.range_key = range_key
    self.attrs = LimitedSizeDict()
    size = 0
    for key, value in attrs.items():
        typed = DynamoType(value)
        size += bytesize(key) + typed.size()
        if size > MAX_ITEM_BYTES:
            raise ItemSizeTooLarge
        # The size is checked above: skip LimitedSizeDict's recount of every attribute so far.
        dict.__setitem__(self.attrs, key, typed)


def item_project(self: Item, projection_expressions: list[list[str]]) -> Item:
    result: dict[str, Any] = {}
    for path in projection_expressions:
        name = _LIST_INDEX.sub("", path[0])
        attribute = self.attrs.get(name)
        if attribute is None:
            continue  # moto's find_nested_key finds nothing either
        # A fresh conversion per path, as moto's: merging never shares a value between two paths.
        plain = {name: deserializer.deserialize(attribute.to_regular_json())}
        merge_dicts(result, find_nested_key(path, plain))
    attrs = dict(serializer.serialize(result)["M"])
    return Item(hash_key=self.hash_key, range_key=self.range_key, attrs=attrs)


def install() -> None:
    """Use these versions in this process's moto (idempotent)."""
    Item.__init__ = item_init  # type: ignore[method-assign]
    Item.project = item_project  # type: ignore[method-assign]

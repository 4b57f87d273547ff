"""DynamoDB transactions for the local stack in time proportional to the transaction, not the table.

moto 5.2.5's `transact_write_items` deep-copies the whole table once per item of the transaction
(to roll back), so every comment stored costs time proportional to everything stored before it:
measured here, importing 100 comments one transaction each took 16 s, and a 3,000-comment import
grew the process past 10 GB. This version keeps DynamoDB's semantics — every
condition is checked against the state before the transaction, all items are written or none,
and a cancellation gives one reason per item — and copies only the items it touches. The local
stack serializes every moto call (server._one_aws_call_at_a_time), so nothing interleaves.

The same few conditions and update expressions recur in every transaction an import writes:
each is parsed once (for the request's checks and for evaluating it), not once per item. Plain
updates (assignments and counters, nearly all of them) are applied directly, leaving the items
and stream records moto's own would (tests/unit/test_local_transactions.py).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from moto.core.responses import ActionResult
from moto.dynamodb.comparisons import Func, Op, create_condition_expression_parser, get_filter_expression
from moto.dynamodb.exceptions import (
    ConditionalCheckFailed,
    ExpressionAttributeValuesEmpty,
    ItemSizeToUpdateTooLarge,
    MultipleTransactionsException,
    TooManyTransactionsException,
    TransactionCanceledException,
    TransactWriteSingleOpException,
)
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.utilities import bytesize
from moto.dynamodb.parsing.expressions import ExpressionAttributeName, UpdateExpressionParser  # type: ignore[attr-defined]
from moto.dynamodb.parsing.reserved_keywords import ReservedKeywords
from moto.dynamodb.responses import DynamoHandler, validate_attributes_used, validate_put_has_empty_keys

from moderation_tools.local.moto_items import MAX_ITEM_BYTES

MAX_ITEMS = 100
OPERATIONS = ("ConditionCheck", "Put", "Delete", "Update")


def _key(backend: DynamoDBBackend, op_type: str, op: dict[str, Any]) -> dict[str, Any]:
    if op_type != "Put":
        key: dict[str, Any] = op["Key"]
        return key
    table = backend.get_table(op["TableName"])
    attrs = op["Item"]
    key = {table.hash_key_attr: attrs[table.hash_key_attr]}
    if table.range_key_attr is not None:
        key[table.range_key_attr] = attrs[table.range_key_attr]
    return key


def _condition_error(backend: DynamoDBBackend, op: dict[str, Any], key: dict[str, Any]) -> tuple[Any, ...]:
    """(None, None, None) when the item's condition holds on the current state, else its reason."""
    expression = op.get("ConditionExpression")
    if expression is None:
        return (None, None, None)
    current = backend.get_item(op["TableName"], key)
    names, values = op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
    condition = _condition(expression, names, values)
    if condition.expr(current):
        return (None, None, None)
    item = None
    if op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current:
        item = current.to_json()["Attributes"]
    return ("ConditionalCheckFailed", ConditionalCheckFailed().message, item)


def _condition(expression: str, names: dict[str, str] | None, values: dict[str, Any] | None) -> Op | Func:
    """The parsed condition; the same few conditions recur in every transaction, so each is parsed once."""
    key = _cache_key(names, values)
    return get_filter_expression(expression, names, values) if key is None else _parsed(expression, *key)


def _cache_key(names: dict[str, str] | None, values: dict[str, Any] | None) -> tuple[str, str] | None:
    """Names and values as a hashable key; None for a binary value (then parsed every time, as moto)."""
    try:
        return json.dumps(names, sort_keys=True), json.dumps(values, sort_keys=True)
    except TypeError:
        return None


@lru_cache(maxsize=1024)
def _parsed(expression: str, names: str, values: str) -> Op | Func:
    # A parsed condition only reads the item it is evaluated on: one serves every evaluation.
    return get_filter_expression(expression, json.loads(names), json.loads(values))


# `SET a = :x, #b = :y ADD #c :n` (either clause first, or one alone): plain assignments and
# counters, what nearly every transaction writes. moto's own machinery deep-copies the item, then
# parses and walks the expression several times: over a millisecond for one insights update, more
# with each counter. These are applied directly; anything else (or anything moto would refuse) is
# left to moto, which gives its answer.
_PATH = r"(?:#\w+|[A-Za-z_]\w*)"
_ASSIGNMENTS = rf"SET ({_PATH} = :\w+(?:, {_PATH} = :\w+)*)"
_INCREMENTS = rf"ADD ({_PATH} :\w+(?:, {_PATH} :\w+)*)"
_SET_FIRST = re.compile(rf"{_ASSIGNMENTS}(?: {_INCREMENTS})?")
_ADD_FIRST = re.compile(rf"{_INCREMENTS}(?: {_ASSIGNMENTS})?")
# Values that are assigned as they are (sets and binaries: moto's checks of them apply).
_PLAIN_TYPES = frozenset({"S", "N", "BOOL", "NULL", "M", "L"})
# (SET or ADD, path, value placeholder), in the expression's order (moto's order of attributes).
Actions = tuple[tuple[str, str, str], ...]


@lru_cache(maxsize=1024)
def _simple_update(expression: str) -> Actions | None:
    """What a plain expression does; None if it is not one."""
    if match := _SET_FIRST.fullmatch(expression):
        clauses = [("SET", match.group(1)), ("ADD", match.group(2))]
    elif match := _ADD_FIRST.fullmatch(expression):
        clauses = [("ADD", match.group(1)), ("SET", match.group(2))]
    else:
        return None
    actions = tuple(
        (operation, *_pair(part, " = " if operation == "SET" else " "))
        for operation, text in clauses
        if text
        for part in text.split(", ")
    )
    if any(not path.startswith("#") and path.upper() in _reserved_words() for _, path, _ in actions):
        return None
    return actions


@lru_cache(maxsize=1)
def _reserved_words() -> frozenset[str]:
    return frozenset(word.upper() for word in ReservedKeywords.get_reserved_keywords())


def _pair(part: str, separator: str) -> tuple[str, str]:
    path, value = part.split(separator)
    return path, value


def _apply_simple_update(backend: DynamoDBBackend, op: dict[str, Any], key: dict[str, Any]) -> bool:
    """Apply a plain update directly, with the item and stream records moto's would leave; False
    when it is not one."""
    actions = _simple_update(op["UpdateExpression"])
    if actions is None:
        return False
    table = backend.get_table(op["TableName"])
    names = op.get("ExpressionAttributeNames") or {}
    values = op.get("ExpressionAttributeValues") or {}
    resolved: list[tuple[str, str, dict[str, Any]]] = []
    for operation, path, placeholder in actions:
        name = names.get(path) if path.startswith("#") else path
        if name is None or placeholder not in values:
            return False
        resolved.append((operation, name, values[placeholder]))
    attributes = {name for _, name, _ in resolved}
    item = backend.get_item(op["TableName"], key)
    if (
        len(attributes) < len(resolved)  # overlapping paths: moto's error
        or {table.hash_key_attr, table.range_key_attr} & attributes
        or not all(_plain(operation, value, item, name) for operation, name, value in resolved)
    ):
        return False
    # moto's stream record of an update: the item before it (None when new) and after.
    before = copy.deepcopy(item) if table.stream_shard is not None else None
    if item is None:
        item = table.put_item(dict(key))
    # moto's size check, counted once: its dict recounts the whole item for each attribute set.
    size = sum(bytesize(name) + value.size() for name, value in item.attrs.items())
    for operation, name, value in resolved:
        current = item.attrs.get(name)
        change = DynamoType(value)
        new = change if operation == "SET" or current is None else current + change
        added = bytesize(name) + new.size()
        if size + added > MAX_ITEM_BYTES:
            raise ItemSizeToUpdateTooLarge()
        size += added - (0 if current is None else bytesize(name) + current.size())
        dict.__setitem__(item.attrs, name, new)
    if table.stream_shard is not None:
        table.stream_shard.add(before, item)
    return True


def _plain(operation: str, value: dict[str, Any], item: Any, name: str) -> bool:
    """An assignment of a plain value, or a number added to a number (or to nothing)."""
    if operation == "SET":
        return next(iter(value)) in _PLAIN_TYPES
    current = None if item is None else item.attrs.get(name)
    return "N" in value and (current is None or current.is_number())


def _write(backend: DynamoDBBackend, op_type: str, op: dict[str, Any], key: dict[str, Any]) -> None:
    # The conditions held before any write, and no two operations touch the same item: they
    # still hold, so they are not evaluated twice.
    # moto's own calls pass None for absent names and values, as here; its annotations say dict.
    names: Any = op.get("ExpressionAttributeNames")
    values: Any = op.get("ExpressionAttributeValues")
    condition = None
    if op_type == "Put":
        backend.put_item(
            op["TableName"],
            op["Item"],
            condition_expression=condition,
            expression_attribute_names=names,
            expression_attribute_values=values,
        )
    elif op_type == "Delete":
        backend.delete_item(
            op["TableName"],
            key,
            condition_expression=condition,
            expression_attribute_names=names,
            expression_attribute_values=values,
        )
    elif op_type == "Update" and not _apply_simple_update(backend, op, key):
        backend.update_item(
            op["TableName"],
            key,
            update_expression=op["UpdateExpression"],
            condition_expression=condition,
            expression_attribute_names=names,
            expression_attribute_values=values,
        )


def _snapshot(backend: DynamoDBBackend, table_name: str, key: dict[str, Any]) -> dict[str, Any] | None:
    """The item as DynamoDB JSON, to put back; None when there is none."""
    item = backend.get_item(table_name, key)
    return None if item is None else dict(item.to_json()["Attributes"])


def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    if len(transact_items) > MAX_ITEMS:
        raise TooManyTransactionsException()
    operations: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
    seen: set[tuple[str, str]] = set()
    for item in transact_items:
        if len(item) > 1:
            raise TransactWriteSingleOpException
        op_type, op = next(iter(item.items()))
        if op_type not in OPERATIONS:
            raise ValueError("Unsupported transaction operation")
        key = _key(self, op_type, op)
        identity = (str(op["TableName"]), str(dict(sorted(key.items()))))
        if identity in seen:
            raise MultipleTransactionsException()
        seen.add(identity)
        operations.append((op_type, op, key))
    # Every condition against the state before the transaction, as DynamoDB checks them.
    errors = [_condition_error(self, op, key) for _, op, key in operations]
    if any(code is not None for code, _, _ in errors):
        raise TransactionCanceledException(errors)
    # Then every write; should one still fail, the items already written are put back.
    originals = [(op["TableName"], key, _snapshot(self, op["TableName"], key)) for _, op, key in operations]
    written = 0
    try:
        for op_type, op, key in operations:
            _write(self, op_type, op, key)
            written += 1
    except Exception as error:
        for table_name, key, original in originals[:written]:
            if original is None:
                self.delete_item(table_name, key)
            else:
                self.put_item(table_name, original)
        raise TransactionCanceledException(
            [(None, None, None)] * written
            + [(type(error).__name__, str(error), None)]
            + [(None, None, None)] * (len(operations) - written - 1)
        ) from error


def validated_transact_write_items(self: DynamoHandler) -> ActionResult:
    """moto 5.2.5's TransactWriteItems request checks, in its order and with its errors, each
    recurring expression parsed once (parsing them each time was a tenth of an import's work)."""
    transact_items = self.body["TransactItems"]
    for item in transact_items:
        op = next(iter(item.values()))  # one of Put, Update, Delete, ConditionCheck
        names = op.get("ExpressionAttributeNames", {})
        values = op.get("ExpressionAttributeValues", {})
        used = list(_condition_names(op.get("ConditionExpression"), names, values))
        for op_type in ("Put", "Update"):
            if op_type in item:
                if item[op_type].get("ExpressionAttributeValues") == {}:
                    raise ExpressionAttributeValuesEmpty
                table = self.dynamodb_backend.get_table(item[op_type]["TableName"])
        if "Put" in item:
            validate_put_has_empty_keys(item["Put"]["Item"], table)
        if "Update" in item:
            validate_put_has_empty_keys(
                item["Update"]["Key"],
                table,
                custom_error_msg="One or more parameter values are not valid. The AttributeValue for a key "
                "attribute cannot contain an empty string value. Key: {}",
            )
            used += _update_names(item["Update"]["UpdateExpression"])
        validate_attributes_used(names, used, validation_error_prefix=False)
    self.dynamodb_backend.transact_write_items(transact_items)
    return ActionResult({"ConsumedCapacity": [], "ItemCollectionMetrics": {}})


def _condition_names(expression: str | None, names: dict[str, str], values: dict[str, Any]) -> Iterable[str]:
    """The attribute-name placeholders a condition uses; moto's error when it doesn't parse."""
    key = _cache_key(names, values)
    return _names_found(expression, names, values) if key is None else _parsed_names(expression, *key)


@lru_cache(maxsize=1024)
def _parsed_names(expression: str | None, names: str, values: str) -> tuple[str, ...]:
    return _names_found(expression, json.loads(names), json.loads(values))


def _names_found(expression: str | None, names: dict[str, str], values: dict[str, Any]) -> tuple[str, ...]:
    parser = create_condition_expression_parser(expression, names, values)
    parser.parse()
    return tuple(parser.expr_attr_names_found)


@lru_cache(maxsize=1024)
def _update_names(expression: str) -> tuple[str, ...]:
    clauses = UpdateExpressionParser.make(expression).find_clauses([ExpressionAttributeName])
    return tuple(clause.get_attribute_name_placeholder() for clause in clauses)


def install() -> None:
    """Use these versions in this process's moto (idempotent)."""
    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
    DynamoHandler.transact_write_items = validated_transact_write_items  # type: ignore[method-assign]

"""The spam filter's per-site state: token counts, message counts and each comment's lesson.

| item          | pk                      | sk   | attributes                         |
|---------------|-------------------------|------|------------------------------------|
| token counts  | SPAM#TOKEN#<token>      | SPAM | spam, ham, expires_at              |
| message counts| SPAM#TOTALS             | SPAM | spam, ham                          |
| lesson        | SPAM#LESSON#<comment id>| SPAM | verdict (none once unlearnt), version, tokens, expires_at |

Bounded in size: a comment teaches at most MAX_TOKENS tokens, and a token no lesson touched for
TOKEN_TTL_DAYS is deleted by the table's TTL, as Bayes expiry forgets tokens unseen for long.
The submit path reads the totals and the tokens of the comment being scored only, inside the
submission's one BatchGetItem (store.submissions).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from typing import Any

from moderation.errors import StorageUnavailable
from moderation.spam.bayes import Counts, TokenCounts
from moderation.spam.learning import Lesson
from moderation.store.part import StorePart
from moderation.store.table import failed_items, storage_errors

TOKEN_TTL_DAYS = 180
TOTALS_KEY = {"pk": "SPAM#TOTALS", "sk": "SPAM"}
_TOKEN_PREFIX = "SPAM#TOKEN#"  # noqa: S105 - a key prefix, not a password
_LESSON_PREFIX = "SPAM#LESSON#"


class SpamStateCorrupt(Exception):
    """A spam state item is not what this code writes: the filter can't be trusted with it."""


def token_key(token: str) -> dict[str, str]:
    return {"pk": f"{_TOKEN_PREFIX}{token}", "sk": "SPAM"}


def lesson_key(comment_id: str) -> dict[str, str]:
    return {"pk": f"{_LESSON_PREFIX}{comment_id}", "sk": "SPAM"}


def spam_keys(tokens: Iterable[str]) -> list[dict[str, str]]:
    """The keys the submission reads for the filter: the totals and each of the comment's tokens."""
    return [TOTALS_KEY, *(token_key(token) for token in tokens)]


def learnt_counts(items: Mapping[tuple[str, str], Mapping[str, Any]]) -> Counts:
    """The site's counts among the items read (keyed by pk and sk); SpamStateCorrupt if one is bad."""
    try:
        totals = items.get((TOTALS_KEY["pk"], TOTALS_KEY["sk"]), {})
        found = {
            pk.removeprefix(_TOKEN_PREFIX): TokenCounts(_count(item, "spam"), _count(item, "ham"))
            for (pk, _), item in items.items()
            if pk.startswith(_TOKEN_PREFIX)
        }
        return Counts(_count(totals, "spam"), _count(totals, "ham"), found)
    except (TypeError, ValueError, ArithmeticError) as error:
        raise SpamStateCorrupt(str(error)) from error


def _count(item: Mapping[str, Any], name: str) -> int:
    # An unlearnt token that TTL had deleted in between is re-created below zero: it counts as none.
    return max(0, int(item.get(name, 0)))


class SpamState(StorePart):
    def lesson(self, comment_id: str) -> Lesson | None:
        with storage_errors():
            item = self._db.table.get_item(Key=lesson_key(comment_id), ConsistentRead=True).get("Item")
        if item is None:
            return None
        return Lesson(item.get("verdict"), int(item["version"]), tuple(item.get("tokens", [])))

    def relearn(self, comment_id: str, previous: Lesson | None, lesson: Lesson) -> bool:
        """Replace `previous` (what was learnt from the comment, or None) by `lesson` (its verdict
        None: unlearnt) in one transaction with the counts; False when the stored lesson is no
        longer `previous` (another delivery of the same decision got there first)."""
        # Each token's change and the message counts' (None), the unlearnt and the learnt summed.
        deltas: dict[str | None, dict[str, int]] = {}
        for learnt, sign in ((previous, -1), (lesson, 1)):
            if learnt is None or learnt.verdict is None:
                continue
            for token in (None, *learnt.tokens):
                deltas.setdefault(token, {"spam": 0, "ham": 0})[learnt.verdict] += sign
        now = int(time.time())
        items: list[dict[str, Any]] = [self._lesson_write(comment_id, previous, lesson, now)]
        for token, delta in deltas.items():
            key = TOTALS_KEY if token is None else token_key(token)
            assignments = "ADD spam :spam, ham :ham"
            values: dict[str, Any] = {":spam": delta["spam"], ":ham": delta["ham"]}
            if token is not None:
                assignments += " SET expires_at = :expires"
                values[":expires"] = now + TOKEN_TTL_DAYS * 86400
            items.append(
                {
                    "Update": {
                        "TableName": self._db.name,
                        "Key": key,
                        "UpdateExpression": assignments,
                        "ExpressionAttributeValues": values,
                    }
                }
            )
        cancelled = self._db.transact(items)
        if cancelled is None:
            return True
        if any(pk.startswith(_LESSON_PREFIX) for pk in failed_items(cancelled, items)):
            return False
        raise StorageUnavailable() from cancelled

    def _lesson_write(
        self, comment_id: str, previous: Lesson | None, lesson: Lesson, now: int
    ) -> dict[str, Any]:
        key = lesson_key(comment_id)
        condition: dict[str, Any] = (
            {"ConditionExpression": "attribute_not_exists(pk)"}
            if previous is None
            else {
                "ConditionExpression": "#version = :previous",
                "ExpressionAttributeNames": {"#version": "version"},
                "ExpressionAttributeValues": {":previous": previous.version},
            }
        )
        # An unlearnt lesson stays, without a verdict: it still says which version was learnt last.
        item: dict[str, Any] = {
            **key,
            "version": lesson.version,
            "tokens": list(lesson.tokens),
            # A lesson lives as long as its tokens: after that there is nothing left to reverse.
            "expires_at": now + TOKEN_TTL_DAYS * 86400,
        }
        if lesson.verdict is not None:
            item["verdict"] = lesson.verdict
        return {"Put": {"TableName": self._db.name, "Item": item, **condition}}

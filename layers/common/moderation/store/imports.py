"""Imported comments: each stored once (its id derives from its source), counted as a submission
is, and kept in its thread whichever of a reply and its parent arrives first.

A batch is written in as few transactions as fit DynamoDB's 100 items: each comment's conditional
Put, and the counters (overall, per post, per author) and reply bookkeeping of the whole batch
summed into one update each — a submission's counts, at a fraction of the writes.

A published reply is counted in its parent's `reply_count` and `first_replies` (module threads).
When the parent is not stored yet, the reply is counted in a waiting item instead,
`IMPORT#REPLIES#<parent id>` (`REPLIES`), written on the condition that the parent is still
absent; the parent's own import takes the waiting counts over, on the condition that they are
unchanged since it read them, and marks the item merged (TTL removes it later). Either order,
and both at once, end with the same counts: a transaction that loses the race reads again.

One BatchGetItem per batch reads all of it before scoring (`read_batch`): which comments exist,
their waiting items, and their parents with theirs. The first transaction is planned on that
read; its conditions make a stale read a lost race (read again), never a wrong count.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from moderation.errors import DomainError, ParentNotFound, StorageUnavailable
from moderation.models.base import Status
from moderation.models.comments import StoredComment
from moderation.store.counters import counter_updates
from moderation.store.part import StorePart
from moderation.store.table import batch_get, comment_item, comment_key, failed_items
from moderation.store.threads import FIRST_REPLIES

# What the plan reads of parents and waiting items (no reserved words among them).
BOOKKEEPING = "pk, sk, post_id, reply_count, first_replies, replies_version, merged"
# The batch's read adds each stored comment's status (`status` is a reserved word).
BATCH_READ = f"{BOOKKEEPING}, #status"
# DynamoDB's limit on the items of one transaction.
TRANSACTION_ITEMS = 100
# A transaction that lost a race with another import reads again and retries this often.
IMPORT_ATTEMPTS = 5
# A merged waiting item is only kept until no retry of its parent's import can still need it.
MERGED_TTL_SECONDS = 2 * 24 * 3600

ImportOutcome = Literal["imported", "exists"]


def waiting_key(parent_id: str) -> dict[str, str]:
    return {"pk": f"IMPORT#REPLIES#{parent_id}", "sk": "REPLIES"}


@dataclass
class _Replies:
    """Replies counted for one comment: how many, and the ids of the earliest."""

    count: int = 0
    first: list[str] = field(default_factory=list)

    def plus(self, reply_ids: Iterable[str]) -> _Replies:
        ids = list(reply_ids)
        return _Replies(self.count + len(ids), sorted({*self.first, *ids})[:FIRST_REPLIES])


@dataclass(frozen=True)
class BatchRead:
    """What storage held of a batch's comments, their parents and the waiting items of both: the
    items found (by key) among the keys read. Each item was read consistently, not all at one
    instant; the transaction's conditions check each one it relies on."""

    keys: frozenset[tuple[str, str]]
    found: dict[tuple[str, str], dict[str, Any]]

    def statuses(self, comment_ids: list[str]) -> dict[str, Status]:
        """The status of each of these comments that is stored."""
        found = {comment_id: self.found.get(_pair(comment_key(comment_id))) for comment_id in comment_ids}
        return {comment_id: item["status"] for comment_id, item in found.items() if item is not None}

    def covers(self, keys: Iterable[tuple[str, str]]) -> bool:
        return self.keys.issuperset(keys)


class Imports(StorePart):
    def read_batch(self, comment_ids: list[str], parent_ids: list[str]) -> BatchRead:
        """One BatchGetItem (each item read consistently) of all a batch's import needs to know:
        which of its comments are stored (their status, not their text), and the reply bookkeeping
        of them and of the parents they reply to."""
        keys = [comment_key(comment_id) for comment_id in comment_ids]
        keys += [waiting_key(comment_id) for comment_id in comment_ids]
        keys += [comment_key(parent_id) for parent_id in parent_ids]
        keys += [waiting_key(parent_id) for parent_id in parent_ids]
        unique = _unique(keys)
        items = self._read(unique, BATCH_READ, {"#status": "status"})
        return BatchRead(
            frozenset(_pair(key) for key in unique), {(str(i["pk"]), str(i["sk"])): i for i in items}
        )

    def import_comments(
        self, comments: list[StoredComment], now: int, read: BatchRead | None = None
    ) -> dict[str, ImportOutcome | DomainError]:
        """Store imported comments (oldest first) with their counters and threads' bookkeeping;
        the first transaction is planned on `read` when it holds all it needs.

        Per id: "imported", "exists" (a comment with that id was already stored: nothing of it
        is written) or the domain error that kept it out."""
        outcomes: dict[str, ImportOutcome | DomainError] = {}
        remaining = sorted({c.id: c for c in comments}.values(), key=lambda c: c.id)
        attempts = 0
        while remaining and attempts < IMPORT_ATTEMPTS:
            chunk, refused = self._plan(remaining, read)
            # Once a transaction is written or lost, what was read before is stale: read again.
            read = None
            outcomes.update(refused)
            done = self._write(chunk, now)
            if done is None:
                attempts += 1
                done = {}
            outcomes.update(done)
            remaining = [c for c in remaining if c.id not in outcomes]
        for comment in remaining:
            outcomes[comment.id] = StorageUnavailable("Many imports touched the same thread at once; retry.")
        return outcomes

    def _plan(
        self, comments: list[StoredComment], read: BatchRead | None
    ) -> tuple[_Transaction, dict[str, DomainError]]:
        """The first comments that fit one transaction, with what storage holds for them: as `read`
        found it when it covers them, else as read now."""
        published = [c for c in comments if c.parent_id and c.status == "published"]
        keys = [waiting_key(c.id) for c in comments]
        keys += [comment_key(str(c.parent_id)) for c in published]
        keys += [waiting_key(str(c.parent_id)) for c in published]
        unique = _unique(keys)
        if read is not None and read.covers(_pair(key) for key in unique):
            found = {pair: read.found[pair] for pair in map(_pair, unique) if pair in read.found}
        else:
            found = {(str(item["pk"]), str(item["sk"])): item for item in self._read(unique, BOOKKEEPING)}
        transaction = _Transaction(self._db.name, found)
        refused: dict[str, DomainError] = {}
        for comment in comments:
            parent = found.get(_pair(comment_key(str(comment.parent_id)))) if comment.parent_id else None
            if parent is not None and parent.get("post_id") != comment.post_id:
                refused[comment.id] = ParentNotFound(
                    "The comment this one replies to is on another post.",
                    details={"parent_id": comment.parent_id},
                )
                continue
            if not transaction.fits(comment):
                break
            transaction.add(comment)
        return transaction, refused

    def _read(
        self, keys: list[dict[str, str]], projection: str, names: dict[str, str] | None = None
    ) -> list[dict[str, Any]]:
        """Some attributes of the items that exist among `keys`: whole comments would cost their text."""
        read: dict[str, Any] = {"ProjectionExpression": projection, "ConsistentRead": True}
        if names:
            read["ExpressionAttributeNames"] = names
        return batch_get(self._db, keys, read)

    def _write(self, transaction: _Transaction, now: int) -> dict[str, ImportOutcome | DomainError] | None:
        """The outcome of each comment of the transaction, or None when it lost a race (retry)."""
        if not transaction.comments:
            return {}
        items = transaction.items(self._db, now)
        cancelled = self._db.transact(items)
        if cancelled is None:
            return dict.fromkeys(transaction.ids(), "imported")
        failed = set(failed_items(cancelled, items))
        exists = {comment_id for comment_id in transaction.ids() if comment_key(comment_id)["pk"] in failed}
        if exists:
            # Those are already stored; the others are tried again without them.
            return dict.fromkeys(exists, "exists")
        codes = {reason.get("Code") for reason in cancelled.response.get("CancellationReasons", [])}
        if codes & {"ConditionalCheckFailed", "TransactionConflict"}:
            return None
        raise StorageUnavailable() from cancelled


class _Transaction:
    """Comments written together, and the summed counters and reply bookkeeping they need."""

    def __init__(self, table_name: str, found: dict[tuple[str, str], dict[str, Any]]):
        self.table = table_name
        self.comments: dict[str, StoredComment] = {}
        # What storage held of parents and waiting items when the transaction was planned.
        self.found = found
        self._posts: set[str] = set()
        self._authors: set[str] = set()
        self._parents: set[str] = set()

    def ids(self) -> list[str]:
        return list(self.comments)

    def fits(self, comment: StoredComment) -> bool:
        """Whether the transaction's items, with this comment's, stay within DynamoDB's limit."""
        posts = self._posts | {comment.post_id}
        authors = self._authors | ({comment.author_key} if comment.author_key else set())
        parents = self._parents | (
            {comment.parent_id} if comment.parent_id and comment.status == "published" else set()
        )
        ids = {*self.comments, comment.id}
        # A parent stored before takes one update; an absent one a check and its waiting item's update.
        outside = [parent for parent in parents if parent not in ids]
        parent_items = sum(1 if _pair(comment_key(parent)) in self.found else 2 for parent in outside)
        # Per comment a Put and its waiting check; one overall counter, one per post and author.
        needed = 2 * len(ids) + 1 + len(posts) + len(authors) + parent_items
        return needed <= TRANSACTION_ITEMS

    def add(self, comment: StoredComment) -> None:
        self.comments[comment.id] = comment
        self._posts.add(comment.post_id)
        if comment.author_key:
            self._authors.add(comment.author_key)
        if comment.parent_id and comment.status == "published":
            self._parents.add(comment.parent_id)

    def items(self, db: Any, now: int) -> list[dict[str, Any]]:
        replies: dict[str, list[str]] = defaultdict(list)
        for comment in self.comments.values():
            if comment.parent_id and comment.status == "published":
                replies[comment.parent_id].append(comment.id)
        items: list[dict[str, Any]] = []
        for comment in self.comments.values():
            waiting = self._waiting(comment.id)
            counted = _replies(waiting)
            counted = counted.plus(replies.pop(comment.id, []))
            stored = comment.model_copy(update={"reply_count": counted.count, "first_replies": counted.first})
            items.append(
                {
                    "Put": {
                        "TableName": self.table,
                        "Item": comment_item(stored),
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                }
            )
            items.append(self._take_waiting(comment.id, waiting, now))
        for parent_id, reply_ids in replies.items():
            items.extend(self._count_in_parent(parent_id, reply_ids))
        items.extend(self._counters(db))
        return items

    def _waiting(self, comment_id: str) -> dict[str, Any]:
        """The replies counted while this comment was not stored, unless already taken over."""
        item = self.found.get(_pair(waiting_key(comment_id)))
        return {} if item is None or item.get("merged") else item

    def _take_waiting(self, comment_id: str, waiting: dict[str, Any], now: int) -> dict[str, Any]:
        """Take the waiting counts over exactly as read, or check that none are waiting."""
        if not waiting:
            return {
                "ConditionCheck": {
                    "TableName": self.table,
                    "Key": waiting_key(comment_id),
                    "ConditionExpression": "attribute_not_exists(pk) OR merged = :true",
                    "ExpressionAttributeValues": {":true": True},
                }
            }
        return {
            "Update": {
                "TableName": self.table,
                "Key": waiting_key(comment_id),
                "UpdateExpression": "SET merged = :true, expires_at = :expires",
                "ConditionExpression": "replies_version = :read AND attribute_not_exists(merged)",
                "ExpressionAttributeValues": {
                    ":true": True,
                    ":expires": now + MERGED_TTL_SECONDS,
                    ":read": waiting["replies_version"],
                },
            }
        }

    def _count_in_parent(self, parent_id: str, reply_ids: list[str]) -> list[dict[str, Any]]:
        """Count published replies in their stored parent, or, while it is absent, in its waiting
        item; each on the condition that what was read is still so."""
        parent_item = self.found.get(_pair(comment_key(parent_id)))
        if parent_item is not None:
            counted = _replies(parent_item).plus(reply_ids)
            current = int(parent_item.get("replies_version", 0))
            guard = "replies_version = :current"
            if current == 0:  # comments stored before threads existed have none
                guard = f"(attribute_not_exists(replies_version) OR {guard})"
            return [
                self._replies_update(
                    comment_key(parent_id),
                    counted,
                    len(reply_ids),
                    current,
                    f"attribute_exists(pk) AND {guard}",
                )
            ]
        waiting = self._waiting(parent_id)
        before = _Replies(
            int(waiting.get("reply_count", 0)), [str(r) for r in waiting.get("first_replies", [])]
        )
        current = int(waiting["replies_version"]) if waiting else 0
        guard = "replies_version = :current" if waiting else "attribute_not_exists(pk)"
        return [
            {
                "ConditionCheck": {
                    "TableName": self.table,
                    "Key": comment_key(parent_id),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
            self._replies_update(
                waiting_key(parent_id),
                before.plus(reply_ids),
                len(reply_ids),
                current,
                f"{guard} AND attribute_not_exists(merged)",
            ),
        ]

    def _replies_update(
        self, key: dict[str, str], counted: _Replies, added: int, current: int, condition: str
    ) -> dict[str, Any]:
        values: dict[str, Any] = {":first": counted.first, ":next": current + 1, ":added": added}
        if ":current" in condition:
            values[":current"] = current
        return {
            "Update": {
                "TableName": self.table,
                "Key": key,
                "UpdateExpression": (
                    "SET first_replies = :first, replies_version = :next ADD reply_count :added"
                ),
                "ConditionExpression": condition,
                "ExpressionAttributeValues": values,
            }
        }

    def _counters(self, db: Any) -> list[dict[str, Any]]:
        """The batch's counts summed: one update overall, one per post, one per author."""
        overall: Counter[Status] = Counter()
        posts: dict[str, Counter[Status]] = defaultdict(Counter)
        authors: dict[str, Counter[Status]] = defaultdict(Counter)
        kinds: dict[str, str | None] = {}
        for comment in self.comments.values():
            overall[comment.status] += 1
            posts[comment.post_id][comment.status] += 1
            if comment.author_key:
                authors[comment.author_key][comment.status] += 1
                kinds[comment.author_key] = comment.author_key_kind
        items = []
        for post_id, deltas in posts.items():
            items += [i for i in counter_updates(db, post_id, deltas) if _pk(i).startswith("COUNTS#POST#")]
        any_post = next(iter(posts))
        items += [i for i in counter_updates(db, any_post, overall) if _pk(i) == "COUNTS#ALL"]
        for author_key, deltas in authors.items():
            items += [
                i
                for i in counter_updates(db, any_post, deltas, author_key, kinds[author_key])
                if _pk(i).startswith("AUTHOR#")
            ]
        return items


def _replies(item: dict[str, Any]) -> _Replies:
    return _Replies(int(item.get("reply_count", 0)), [str(reply) for reply in item.get("first_replies", [])])


def _pk(item: dict[str, Any]) -> str:
    return str(item["Update"]["Key"]["pk"])


def _pair(key: dict[str, str]) -> tuple[str, str]:
    return key["pk"], key["sk"]


def _unique(keys: list[dict[str, str]]) -> list[dict[str, str]]:
    return [dict(zip(("pk", "sk"), pair, strict=True)) for pair in dict.fromkeys(_pair(key) for key in keys)]

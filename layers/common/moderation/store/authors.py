"""Authors, keyed by the opaque `author_key`: their comments per status (kept in the same
transactions as every status change, see counters.counter_updates), the standing moderators gave
them (banned, trusted), and the sparse index `ByAuthor` that pages through their comments."""

from __future__ import annotations

from typing import Any

from moderation.models.authors import AuthorRecord
from moderation.store.paging import Page, query_page
from moderation.store.part import StorePart
from moderation.store.table import batch_get, storage_errors

BY_AUTHOR_INDEX = "ByAuthor"


def author_item_key(author_key: str) -> dict[str, str]:
    return {"pk": f"AUTHOR#{author_key}", "sk": "AUTHOR"}


def author_record(author_key: str, item: dict[str, Any] | None) -> AuthorRecord:
    """The record in an author's item; one never seen has no comments and no standing."""
    item = item or {}
    return AuthorRecord(
        author_key=author_key,
        published=int(item.get("published", 0)),
        pending=int(item.get("pending", 0)),
        rejected=int(item.get("rejected", 0)),
        author_key_kind=item.get("author_key_kind"),
        banned=bool(item.get("banned")),
        trusted=bool(item.get("trusted")),
    )


class Authors(StorePart):
    def author(self, author_key: str) -> AuthorRecord:
        """The author's record; one never seen has no comments and no standing."""
        with storage_errors():
            item = self._db.table.get_item(Key=author_item_key(author_key), ConsistentRead=True).get("Item")
        record = author_record(author_key, item)
        if item and record.author_key_kind is None:
            # A record from before reader keys: its first comment says what the key was made from.
            comments, _ = self.list_author(author_key, 1, None)
            if comments:
                return record.model_copy(update={"author_key_kind": comments[0].author_key_kind})
        return record

    def authors(self, author_keys: list[str]) -> dict[str, AuthorRecord]:
        """The records of many authors (one BatchGetItem per 100); unknown ones have zero counts."""
        unique = list(dict.fromkeys(author_keys))
        found = {
            str(item["pk"]).removeprefix("AUTHOR#"): item
            for item in batch_get(self._db, [author_item_key(key) for key in unique])
        }
        return {key: author_record(key, found.get(key)) for key in unique}

    def set_author_standing(
        self, author_key: str, *, banned: bool | None, trusted: bool | None
    ) -> AuthorRecord:
        changes = {
            name: value for name, value in (("banned", banned), ("trusted", trusted)) if value is not None
        }
        with storage_errors():
            response = self._db.table.update_item(
                Key=author_item_key(author_key),
                UpdateExpression="SET " + ", ".join(f"{name} = :{name}" for name in changes),
                ExpressionAttributeValues={f":{name}": value for name, value in changes.items()},
                ReturnValues="ALL_NEW",
            )
        return author_record(author_key, response.get("Attributes"))

    def list_author(self, author_key: str, limit: int, start_key: dict[str, Any] | None) -> Page:
        """One page of the author's comments, whatever their status, oldest first."""
        return query_page(self._db, BY_AUTHOR_INDEX, "author_key", author_key, limit, start_key)

"""A post's moderation settings: pre-moderated, closed. One small item per post that has any."""

from __future__ import annotations

from typing import Any

from moderation.models.authors import PostSettings, PostSettingsUpdate
from moderation.store.part import StorePart
from moderation.store.table import storage_errors


def post_key(post_id: str) -> dict[str, str]:
    return {"pk": f"POST#{post_id}", "sk": "SETTINGS"}


def post_settings_from_item(post_id: str, item: dict[str, Any] | None) -> PostSettings:
    """The settings in a post's item; a post nobody configured is open and not pre-moderated."""
    item = item or {}
    return PostSettings(
        post_id=post_id, premoderate=bool(item.get("premoderate")), closed=bool(item.get("closed"))
    )


class Posts(StorePart):
    def post_settings(self, post_id: str) -> PostSettings:
        """The post's settings; a post nobody configured is open and not pre-moderated."""
        with storage_errors():
            item = self._db.table.get_item(Key=post_key(post_id), ConsistentRead=True).get("Item")
        return post_settings_from_item(post_id, item)

    def update_post_settings(self, post_id: str, update: PostSettingsUpdate) -> PostSettings:
        changes = update.model_dump(exclude_none=True)
        if not changes:
            return self.post_settings(post_id)
        with storage_errors():
            response = self._db.table.update_item(
                Key=post_key(post_id),
                UpdateExpression="SET " + ", ".join(f"#{name} = :{name}" for name in changes),
                ExpressionAttributeNames={f"#{name}": name for name in changes},
                ExpressionAttributeValues={f":{name}": value for name, value in changes.items()},
                ReturnValues="ALL_NEW",
            )
        return post_settings_from_item(post_id, response.get("Attributes"))

"""Moderators' settings for one post: pre-moderate every new comment, or close it to new ones."""

from __future__ import annotations

from typing import Protocol

from moderation.models.authors import PostSettings, PostSettingsUpdate


class PostStore(Protocol):
    def post_settings(self, post_id: str) -> PostSettings: ...
    def update_post_settings(self, post_id: str, update: PostSettingsUpdate) -> PostSettings: ...


class PostModeration:
    def __init__(self, store: PostStore):
        self._store = store

    def settings(self, post_id: str) -> PostSettings:
        return self._store.post_settings(post_id)

    def update(self, post_id: str, update: PostSettingsUpdate) -> PostSettings:
        """Change only what the request names; the answer is the post's settings now."""
        return self._store.update_post_settings(post_id, update)

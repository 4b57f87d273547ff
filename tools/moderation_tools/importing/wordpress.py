"""WordPress's WXR export (`<rss><channel><item>` with `<link>`, `<wp:post_name>` and
`<wp:comment>`s: `comment_id`, `comment_parent`, `comment_author`, `comment_author_email`,
`comment_author_IP`, `comment_date_gmt`, `comment_content`, `comment_approved`, `comment_type`)
read into comments to import. Any WXR version (1.0–1.2): elements are matched by local name."""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element

from moderation.models.base import Status

from moderation_tools.errors import ToolError
from moderation_tools.importing.export import (
    Export,
    ExportComment,
    PostIdFrom,
    author_name,
    children,
    local_name,
    parse_date,
    plain_text,
    post_id_from_slug,
    post_id_from_url,
    read_xml,
    text_of,
    valid_email,
    valid_ip,
)

# comment_approved: 1 shown, 0 waiting; spam, trash and the comments of a trashed post removed.
STATUSES: dict[str, Status] = {
    "1": "published",
    "approve": "published",
    "0": "pending",
    "hold": "pending",
    "spam": "rejected",
    "trash": "rejected",
    "post-trashed": "rejected",
}
COMMENT_TYPES = ("", "comment")
PING_TYPES = ("pingback", "trackback")
NO_POST_ID = "its post has no usable post id"


def read_wordpress(path: Path, post_id_from: PostIdFrom = "url", include_pings: bool = False) -> Export:
    """Every comment of every item. `post_id_from`: `url` (the item's `<link>`) or `slug` (its
    `<wp:post_name>`). Pingbacks and trackbacks are left out unless `include_pings`."""
    root = read_xml(path, "WordPress")
    channel = next(children(root, "channel"), None)
    if local_name(root) != "rss" or channel is None:
        raise ToolError(
            f"{path} is not a WordPress export (WXR: <rss><channel>...), its root is <{local_name(root)}>", 2
        )
    export = Export()
    for item in children(channel, "item"):
        comments = list(children(item, "comment"))
        if not comments:
            continue
        post_id = (
            post_id_from_slug(text_of(item, "post_name"))
            if post_id_from == "slug"
            else post_id_from_url(text_of(item, "link"))
        )
        for comment in comments:
            _read_comment(export, comment, post_id, include_pings)
    return export


def _read_comment(export: Export, comment: Element, post_id: str | None, include_pings: bool) -> None:
    kind = text_of(comment, "comment_type")
    if kind in PING_TYPES and not include_pings:
        export.skip(f"{kind} (--include-pings imports them)")
        return
    if kind not in COMMENT_TYPES and kind not in PING_TYPES:
        export.skip(f"comment type {kind!r}")
        return
    if post_id is None:
        export.skip(NO_POST_ID)
        return
    body = plain_text(text_of(comment, "comment_content"))
    created_at = parse_date(text_of(comment, "comment_date_gmt")) or parse_date(
        text_of(comment, "comment_date")
    )
    if not body:
        export.skip("no text")
        return
    if created_at is None:
        export.skip("no valid date")
        return
    parent = text_of(comment, "comment_parent")
    export.add(
        ExportComment(
            source="wordpress",
            source_id=text_of(comment, "comment_id"),
            post_id=post_id,
            author_name=author_name(text_of(comment, "comment_author")),
            body=body,
            created_at=created_at,
            status=STATUSES.get(text_of(comment, "comment_approved").lower(), "pending"),
            parent_source_id=parent if parent not in ("", "0") else None,
            author_email=valid_email(text_of(comment, "comment_author_email")),
            ip=valid_ip(text_of(comment, "comment_author_IP")),
        )
    )

"""Disqus's export (`<disqus>`: `<thread dsq:id>` with `<link>` and `<id>`, `<post dsq:id>` with
`<message>` (HTML), `<createdAt>`, `<isDeleted>`, `<isSpam>`, `<author>`, `<ipAddress>`,
`<thread dsq:id>` and `<parent dsq:id>`) read into comments to import."""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element

from moderation.models.base import Status

from moderation_tools.errors import ToolError
from moderation_tools.importing.export import (
    Export,
    ExportComment,
    PostIdFrom,
    attribute,
    author_name,
    children,
    local_name,
    parse_date,
    plain_text,
    post_id_from_slug,
    post_id_from_url,
    read_xml,
    valid_email,
    valid_ip,
)

NO_POST_ID = "its thread has no usable post id"


def read_disqus(path: Path, post_id_from: PostIdFrom = "url") -> Export:
    """Every post of the export. `post_id_from`: `url` (the thread's `<link>`) or `slug` (the
    thread's `<id>`, the `disqus_identifier` the blog's embed gave)."""
    root = read_xml(path, "Disqus")
    if local_name(root) != "disqus":
        raise ToolError(f"{path} is not a Disqus export (its root is <{local_name(root)}>, not <disqus>)", 2)
    posts = {
        attribute(thread, "id"): _thread_post_id(thread, post_id_from) for thread in children(root, "thread")
    }
    export = Export()
    for post in children(root, "post"):
        thread = next(children(post, "thread"), None)
        post_id = posts.get(attribute(thread, "id")) if thread is not None else None
        if post_id is None:
            export.skip(NO_POST_ID)
            continue
        body = plain_text(_text(post, "message"))
        created_at = parse_date(_text(post, "createdAt"))
        if not body:
            export.skip("no text (deleted)")
            continue
        if created_at is None:
            export.skip("no valid date")
            continue
        author = next(children(post, "author"), None)
        parent = next(children(post, "parent"), None)
        export.add(
            ExportComment(
                source="disqus",
                source_id=attribute(post, "id"),
                post_id=post_id,
                author_name=author_name(_text(author, "name") or _text(author, "username")),
                body=body,
                created_at=created_at,
                status=_status(post),
                parent_source_id=(attribute(parent, "id") or None) if parent is not None else None,
                author_email=valid_email(_text(author, "email")),
                ip=valid_ip(_text(post, "ipAddress")),
            )
        )
    return export


def _status(post: Element) -> Status:
    """Spam and deleted comments are kept as rejected (moderators still see them); the rest was shown."""
    if _flag(post, "isSpam") or _flag(post, "isDeleted"):
        return "rejected"
    if _text(post, "isApproved").lower() == "false":
        return "pending"
    return "published"


def _thread_post_id(thread: Element, post_id_from: PostIdFrom) -> str | None:
    if post_id_from == "slug":
        return post_id_from_slug(_text(thread, "id"))
    return post_id_from_url(_text(thread, "link"))


def _flag(element: Element, name: str) -> bool:
    return _text(element, name).lower() == "true"


def _text(element: Element | None, name: str) -> str:
    if element is None:
        return ""
    found = next(children(element, name), None)
    return (found.text or "").strip() if found is not None else ""

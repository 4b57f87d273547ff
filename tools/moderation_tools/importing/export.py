"""What the Disqus and WordPress readers share: the comments they find, the one rule that turns a
post's URL or slug into our post id, HTML bodies as the plain text the widget shows, and XML read
with defusedxml, so an export can't expand entities, fetch files or reach the network."""

from __future__ import annotations

import html
import ipaddress
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import parse
from moderation.models.base import MAX_BODY_CHARS, POST_ID_PATTERN, Status

from moderation_tools.errors import ToolError

Source = Literal["disqus", "wordpress"]
PostIdFrom = Literal["url", "slug"]
MAX_NAME_CHARS = 80
ANONYMOUS = "Anonymous"
_POST_ID = re.compile(POST_ID_PATTERN)


@dataclass(frozen=True)
class ExportComment:
    """One comment found in an export, as the bulk route takes it (`to_request`)."""

    source: Source
    source_id: str
    post_id: str
    author_name: str
    body: str
    created_at: datetime
    status: Status
    parent_source_id: str | None = None
    author_email: str | None = None
    ip: str | None = None

    def to_request(self, parent_created_at: datetime | None) -> dict[str, Any]:
        item: dict[str, Any] = {
            "source": self.source,
            "source_id": self.source_id,
            "post_id": self.post_id,
            "author_name": self.author_name,
            "body": self.body,
            "created_at": self.created_at.isoformat(),
            "status": self.status,
        }
        if self.parent_source_id and parent_created_at is not None:
            item["parent_source_id"] = self.parent_source_id
            item["parent_created_at"] = parent_created_at.isoformat()
        if self.author_email:
            item["author_email"] = self.author_email
        if self.ip:
            item["ip"] = self.ip
        return item


@dataclass
class Export:
    """Every comment an export holds that can be imported, and what was left out and why."""

    comments: list[ExportComment] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    """reason → how many comments were left out for it"""

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1

    def add(self, comment: ExportComment) -> None:
        if len(comment.body) > MAX_BODY_CHARS:
            self.skip(f"longer than {MAX_BODY_CHARS} characters")
        else:
            self.comments.append(comment)


def post_id_from_url(url: str) -> str | None:
    """THE rule: the last non-empty segment of the URL's path, lower-cased; None when that is not
    a valid post id (1–128 of A-Z a-z 0-9 . _ -), e.g. a site's root or an encoded character."""
    segments = [segment for segment in urlsplit(url.strip()).path.split("/") if segment]
    return post_id_from_slug(segments[-1]) if segments else None


def post_id_from_slug(slug: str) -> str | None:
    candidate = slug.strip().lower()
    return candidate if _POST_ID.fullmatch(candidate) else None


def author_name(name: str | None) -> str:
    """The name as the API takes it: entities decoded (WordPress keeps `&#039;`), white space
    collapsed, at most 80 characters, never empty."""
    cleaned = " ".join(html.unescape(name or "").split())[:MAX_NAME_CHARS].strip()
    return cleaned or ANONYMOUS


def plain_text(markup: str) -> str:
    """An HTML comment body as plain text: paragraphs and line breaks kept, tags dropped, entities
    decoded, and a link's target kept beside its text when they differ."""
    reader = _TextReader()
    reader.feed(markup)
    reader.close()
    text = "".join(reader.parts)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


class _TextReader(HTMLParser):
    _BREAKS = frozenset({"br", "p", "div", "li", "blockquote", "pre", "ul", "ol", "tr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._links: list[tuple[str, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._BREAKS:
            self.parts.append("\n\n" if tag == "p" else "\n")
        if tag == "a":
            self._links.append((dict(attrs).get("href") or "", len(self.parts)))

    def handle_endtag(self, tag: str) -> None:
        if tag == "p":
            self.parts.append("\n\n")
        if tag == "a" and self._links:
            href, start = self._links.pop()
            shown = "".join(self.parts[start:]).strip()
            if href and href.rstrip("/") != shown.rstrip("/"):
                self.parts.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def read_xml(path: Path, kind: str) -> Element:
    """The export's root element; ToolError (exit 2) for a file that can't be read, isn't XML, or
    tries entity expansion, external entities or a DTD — exports never need one."""
    try:
        with path.open("rb") as file:
            root = parse(file, forbid_dtd=True, forbid_entities=True, forbid_external=True).getroot()
    except OSError as error:
        raise ToolError(f"cannot read {path}: {error.strerror or error}", 2) from error
    except DefusedXmlException as error:
        raise ToolError(
            f"{path} was refused ({type(error).__name__}): it declares a DTD, entities or external "
            f"references, which a {kind} export never does and which can expand without bound or read "
            "local files",
            2,
        ) from error
    except ParseError as error:
        raise ToolError(f"{path} is not well-formed XML: {error}", 2) from error
    if root is None:
        raise ToolError(f"{path} holds no XML element", 2)
    return root


def local_name(element: Element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def children(element: Element, name: str) -> Iterator[Element]:
    """Direct children by local name, whatever their namespace (exports use several versions)."""
    return (child for child in element if local_name(child) == name)


def text_of(element: Element, name: str) -> str:
    found = next(children(element, name), None)
    return (found.text or "").strip() if found is not None else ""


def attribute(element: Element, name: str) -> str:
    """An attribute by local name (`dsq:id` is `{http://disqus.com/disqus-internals}id`)."""
    return next((value for key, value in element.attrib.items() if key.rsplit("}", 1)[-1] == name), "")


def parse_date(text: str) -> datetime | None:
    """An export's date as UTC: ISO 8601 (Disqus: `2013-09-10T10:21:07Z`) or WordPress's
    `2013-09-10 10:21:07` (its `_gmt` field, UTC); None for no date or WordPress's `0000-00-00`."""
    try:
        parsed = datetime.fromisoformat(text.strip().replace(" ", "T", 1))
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def valid_email(text: str) -> str | None:
    """The address when the API would take it; an export's junk (`-`, a name) is dropped, not fatal."""
    return text if len(text) <= 254 and _EMAIL.fullmatch(text) else None


def valid_ip(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None

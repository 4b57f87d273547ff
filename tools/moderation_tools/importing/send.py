"""Sending an export through `POST /moderation/import`: post by post, oldest first, in batches of at
most 25 comments (and well under the route's 512 KiB), a few requests at a time, with a progress
bar on standard error and a summary at the end. Safe to run again: what is already there says `exists`."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TextIO

from moderation.models.imports import ImportedComment
from pydantic import ValidationError
from tqdm import tqdm

from moderation_tools.errors import ToolError
from moderation_tools.importing.export import Export

BATCH_COMMENTS = 25
# The route takes 512 KiB; a batch of long non-ASCII comments is split below it.
BATCH_BYTES = 448 * 1024
DEFAULT_CONCURRENCY = 4
# A throttled (429) or briefly unavailable (503) batch is sent again, after 1, 2, 4 seconds.
ATTEMPTS = 4
ORPHANS = "replies whose parent is not in the export (imported as top-level comments)"


@dataclass
class Summary:
    imported: int = 0
    exists: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    skipped: dict[str, int] = field(default_factory=dict)
    notes: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        lines = [
            f"imported: {self.imported}",
            f"already there: {self.exists}",
            f"errors: {sum(self.errors.values())}"
            + (
                f" ({', '.join(f'{code}: {n}' for code, n in sorted(self.errors.items()))})"
                if self.errors
                else ""
            ),
            f"left out: {sum(self.skipped.values())}",
        ]
        lines += [f"  {reason}: {count}" for reason, count in sorted(self.skipped.items())]
        lines += [f"{note}: {count}" for note, count in sorted(self.notes.items())]
        if self.errors:
            lines.append("Run the same command again to retry: what was imported says 'already there'.")
        return lines


def request_items(export: Export) -> tuple[list[dict[str, Any]], int]:
    """The route's items post by post, each post's oldest first (so parents usually go before their
    replies), and how many replies lost a parent the export doesn't hold (they become top-level
    comments). Comments the route would refuse are left out of the export, with the field that
    failed.

    Post by post, a batch mostly holds one post's comments: its transaction updates one post
    counter instead of one per post, and a batch of 25 fits one transaction where one from across
    the blog took two (measured in docs/benchmarks.md, Importing comments)."""
    dates = {comment.source_id: comment.created_at for comment in export.comments}
    posts = {comment.source_id: comment.post_id for comment in export.comments}
    items, orphans = [], 0
    for comment in sorted(export.comments, key=lambda c: (c.post_id, c.created_at, c.source_id)):
        parent = comment.parent_source_id
        known = parent is not None and parent in dates and posts[parent] == comment.post_id
        item = comment.to_request(dates[parent] if known and parent else None)
        try:
            # The route's own checks: one odd comment must not refuse its whole batch.
            ImportedComment.model_validate(item)
        except ValidationError as error:
            field = ".".join(str(part) for part in error.errors()[0]["loc"]) or "comment"
            export.skip(f"refused by the API's checks ({field})")
            continue
        orphans += parent is not None and not known
        items.append(item)
    return items, orphans


def batches(items: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    size = 0
    for item in items:
        item_size = len(json.dumps(item, ensure_ascii=False).encode()) + 2
        if batch and (len(batch) == BATCH_COMMENTS or size + item_size > BATCH_BYTES):
            yield batch
            batch, size = [], 0
        batch.append(item)
        size += item_size
    if batch:
        yield batch


class ImportClient:
    """POST /moderation/import on one stack, as a moderator."""

    def __init__(self, api: str, token: str, status_policy: str = "keep", timeout: float = 60.0):
        self._url = api.rstrip("/") + "/moderation/import"
        self._token = token
        self._policy = status_policy
        self._timeout = timeout

    def send(self, batch: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The results of one batch; ToolError for what no retry can fix (auth, a refused request)."""
        data = json.dumps({"comments": batch, "status_policy": self._policy}, ensure_ascii=False).encode()
        for attempt in range(ATTEMPTS):
            # The URL's scheme is checked by the command: http or https only.
            request = urllib.request.Request(self._url, data=data, method="POST")  # noqa: S310
            request.add_header("Content-Type", "application/json")
            request.add_header("Authorization", f"Bearer {self._token}")
            try:
                with urllib.request.urlopen(request, timeout=self._timeout) as response:  # noqa: S310
                    results: list[dict[str, Any]] = json.loads(response.read())["results"]
                    return results
            except urllib.error.HTTPError as error:
                if error.code in (429, 503) and attempt + 1 < ATTEMPTS:
                    time.sleep(2**attempt)
                    continue
                raise ToolError(_refusal(error)) from error
            except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
                if attempt + 1 < ATTEMPTS:
                    time.sleep(2**attempt)
                    continue
                reason = getattr(error, "reason", error)
                raise ToolError(
                    f"cannot reach {self._url}: {reason} (is the stack running? `make run` serves it on "
                    "http://127.0.0.1:3000; pass --api for another)"
                ) from error
        raise AssertionError("unreachable")


def _refusal(error: urllib.error.HTTPError) -> str:
    try:
        body = json.loads(error.read())["error"]
        detail = f"{body['code']}: {body['message']}"
        if body.get("details"):
            detail += f" {json.dumps(body['details'])[:500]}"
    except (ValueError, KeyError, TypeError):
        detail = error.reason
    hints = {
        401: " (pass the moderator token with --token or MODERATION_TOKEN; `make run` prints it)",
        403: " (the token's user is not in the moderators group)",
    }
    return f"the import route refused a batch with {error.code} {detail}{hints.get(error.code, '')}"


def send_export(
    export: Export,
    send: Callable[[list[dict[str, Any]]], list[dict[str, Any]]],
    concurrency: int = DEFAULT_CONCURRENCY,
    progress: TextIO | None = None,
) -> Summary:
    """Every importable comment through `send`, `concurrency` batches at a time."""
    items, orphans = request_items(export)
    summary = Summary(skipped=dict(export.skipped), notes={ORPHANS: orphans} if orphans else {})
    with (
        tqdm(total=len(items), unit="comment", file=progress, disable=progress is None) as bar,
        ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool,
    ):
        for results in pool.map(send, batches(items)):
            for result in results:
                if result["result"] == "imported":
                    summary.imported += 1
                elif result["result"] == "exists":
                    summary.exists += 1
                else:
                    summary.errors[str(result.get("error", "error"))] += 1
            bar.update(len(results))
    return summary


def dry_run(export: Export) -> list[str]:
    """What an import would send, without sending anything."""
    items, orphans = request_items(export)
    statuses = Counter(item["status"] for item in items)
    posts = len({item["post_id"] for item in items})
    lines = [
        f"would import: {len(items)} comments on {posts} posts "
        f"({', '.join(f'{status}: {n}' for status, n in sorted(statuses.items())) or 'none'})",
        f"left out: {sum(export.skipped.values())}",
        *(f"  {reason}: {count}" for reason, count in sorted(export.skipped.items())),
    ]
    if orphans:
        lines.append(f"{ORPHANS}: {orphans}")
    return lines

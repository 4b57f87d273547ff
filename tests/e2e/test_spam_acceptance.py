"""The spam acceptance on a fresh local stack (`moderation serve` with the starter model, no
training by moderators): typical spams from first-time authors are kept off the page, civil
comments (some with a link to a source) are published, and a campaign stops once moderators mark
its first comments as spam through the API (the stream teaches the filter before the next post).

Every text here was written for this test and is not in the seed (tools/moderation_tools/spam):
a test on the seed's own rows would prove nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.support.aws import ROOT
from tests.support.local_stack import LocalStackProcess, local_stack

pytestmark = pytest.mark.e2e

POST = "e2e-spam"

TEXTS = json.loads((ROOT / "tests" / "data" / "spam" / "acceptance.json").read_text())
SPAMS = [(row["author"], row["body"]) for row in TEXTS["spam"]]
CIVIL = [(row["author"], row["body"]) for row in TEXTS["civil"]]
CAMPAIGN: list[str] = TEXTS["campaign"]
CAMPAIGN_AUTHORS = ("Mike", "Sarah J.", "Drain Rescue", "Tom W.", "Amanda", "Rescue Team")


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStackProcess]:
    # The starter model, as `make run` has it on a fresh clone (MODERATION_SCORER unset).
    with local_stack(MODERATION_SCORER="") as running:
        yield running


def published(stack: LocalStackProcess, author: str, body: str) -> bool:
    reply = stack.request("POST", f"/posts/{POST}/comments", {"author_name": author, "body": body})
    assert reply.status in (201, 202), reply.body
    # A comment held or rejected as spam is answered as a held one: 202 "pending".
    assert (reply.status == 201) == (reply.body["status"] == "published"), reply.body
    return reply.status == 201


def test_typical_spam_stays_off_the_page_and_civil_comments_are_published(stack: LocalStackProcess) -> None:
    spam_published = [body for author, body in SPAMS if published(stack, author, body)]
    civil_held = [body for author, body in CIVIL if not published(stack, author, body)]

    assert len(SPAMS) == len(CIVIL) == 24
    assert len(spam_published) <= 2, spam_published
    assert len(civil_held) <= 1, civil_held


def test_a_campaign_stops_once_moderators_mark_its_first_comments_as_spam(stack: LocalStackProcess) -> None:
    moderator = {"Authorization": f"Bearer {stack.token}"}
    first = []
    for n, body in enumerate(CAMPAIGN[:6]):
        reply = stack.request(
            "POST", f"/posts/{POST}/comments", {"author_name": CAMPAIGN_AUTHORS[n], "body": body}
        )
        assert reply.status in (201, 202), reply.body
        first.append(reply.body["id"])

    # WHEN moderators mark the first six as spam, in bulk as the console does
    marked = stack.request(
        "POST", "/moderation/decisions", {"ids": first, "action": "spam"}, headers=moderator
    )
    assert marked.status == 200, marked.body
    assert all("status" in result for result in marked.body["results"]), marked.body

    # THEN at most one of the next six is published
    later = [body for n, body in enumerate(CAMPAIGN[6:]) if published(stack, CAMPAIGN_AUTHORS[n], body)]
    assert len(later) <= 1, later

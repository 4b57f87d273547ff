"""The console in real headless Chromium against a real local stack (`moderation serve`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Dialog, Page, expect

from tests.support.local_stack import LocalStackProcess, local_stack

pytestmark = pytest.mark.browser

POST = "browser-post"
MARKUP = "<img src=x onerror=alert(1)><b>bold</b>"


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStackProcess]:
    with local_stack() as running:
        yield running


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    opened = context.new_page()
    opened.set_default_timeout(10_000)
    yield opened
    context.close()


def submit(stack: LocalStackProcess, author: str, body: str) -> str:
    reply = stack.request("POST", f"/posts/{POST}/comments", {"author_name": author, "body": body})
    assert reply.status == 202, reply.body
    comment_id: str = reply.body["id"]
    return comment_id


def published_ids(stack: LocalStackProcess) -> list[str]:
    return [item["id"] for item in stack.request("GET", f"/posts/{POST}/comments").body["items"]]


def sign_in(page: Page, stack: LocalStackProcess, token: str) -> None:
    page.goto(f"{stack.base_url}/console")
    page.get_by_label("Token").fill(token)
    page.get_by_role("button", name="Use this token").click()


def test_a_wrong_token_is_refused_plainly(page: Page, stack: LocalStackProcess) -> None:
    sign_in(page, stack, "not-the-token")
    expect(page.locator("#notice")).to_contain_text("not accepted")
    expect(page.get_by_label("Token")).to_be_visible()


def test_moderating_in_the_console_changes_the_public_list(page: Page, stack: LocalStackProcess) -> None:
    dialogs: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        # An alert() here would mean a reader's markup ran as script.
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    first = submit(stack, "Ada", "Borderline but fair [[insult=0.6]]")
    second = submit(stack, "Bob", "Rude and pointless [[insult=0.7]]")
    third = submit(stack, "Eve <script>", f"{MARKUP} [[toxicity=0.55]]")
    assert published_ids(stack) == []

    # GIVEN a signed-in moderator looking at one post's queue
    sign_in(page, stack, stack.token)
    page.get_by_label("Post").fill(POST)
    page.get_by_role("button", name="Show").click()
    items = page.locator("#queue > li")
    expect(items).to_have_count(3)
    expect(page.locator('#counts dd[data-status="pending"]')).to_have_text("3")

    # THEN markup a reader wrote is shown as text, never run
    markup_item = items.nth(2)
    expect(markup_item.locator(".body")).to_have_text(f"{MARKUP} [[toxicity=0.55]]")
    expect(markup_item.locator(".author")).to_have_text("Eve <script>")
    expect(page.locator("#queue img, #queue b, #queue script")).to_have_count(0)
    # and the score that held each comment is the highlighted one
    expect(items.nth(0).locator(".scores li.drove")).to_have_text(["insult 0.60"])
    expect(items.nth(2).locator(".scores li.drove")).to_have_text(["toxicity 0.55"])
    expect(items.nth(0).locator(".reasons")).to_contain_text("score:insult")

    # WHEN approving the first with a note, by clicking
    items.nth(0).locator(".note").fill("fair point")
    items.nth(0).get_by_role("button", name="Approve").click()
    expect(page.locator("#notice")).to_contain_text("Approved")
    expect(items).to_have_count(2)
    # and rejecting the second with the keyboard: j to the next, k back, r to reject
    page.keyboard.press("j")
    expect(items.nth(1)).to_have_class(re.compile(r"\bselected\b"))
    page.keyboard.press("k")
    expect(items.nth(0)).to_have_class(re.compile(r"\bselected\b"))
    page.keyboard.press("r")
    expect(page.locator("#notice")).to_contain_text("Rejected")
    expect(items).to_have_count(1)

    # THEN the public list and the counts changed
    assert published_ids(stack) == [first]
    expect(page.locator('#counts dd[data-status="published"]')).to_have_text("1")
    expect(page.locator('#counts dd[data-status="rejected"]')).to_have_text("1")
    expect(page.locator('#counts dd[data-status="pending"]')).to_have_text("1")
    detail = stack.request(
        "GET", f"/moderation/comments/{second}", headers={"Authorization": f"Bearer {stack.token}"}
    ).body
    assert [(h["from"], h["to"]) for h in detail["history"]] == [("pending", "rejected")]

    # WHEN someone else decides the last one behind this console's back
    _decide_elsewhere(stack, third)
    page.keyboard.press("a")
    # THEN the conflict is said plainly and the queue is refreshed
    expect(page.locator("#notice")).to_contain_text("Conflict")
    expect(items).to_have_count(0)
    expect(page.locator("#empty")).to_be_visible()
    assert dialogs == []


def _decide_elsewhere(stack: LocalStackProcess, comment_id: str) -> Any:
    reply = stack.request(
        "POST",
        f"/moderation/comments/{comment_id}/decision",
        {"action": "reject", "note": "decided in another tab", "version": 1},
        headers={"Authorization": f"Bearer {stack.token}"},
    )
    assert reply.status == 200
    return reply.body

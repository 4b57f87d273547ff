"""The console in real headless Chromium against a real local stack (`moderation serve`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Dialog, Page, expect

from tests.support.local_stack import LocalStackProcess, local_stack

pytestmark = pytest.mark.browser

POST = "browser-post"
MARKUP = "<img src=x onerror=alert(1)><b>bold</b>"


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
    expect(page.locator("#notice")).to_have_text(
        "That token was not accepted: it may be mistyped or expired. Check it and sign in again."
    )
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
    page.locator("#filters").get_by_label("Post").fill(POST)
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
    # and the reasons are said in words, with the score that fired
    expect(items.nth(0).locator(".reasons")).to_have_text(["The model scored it insult 0.60."])

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


def test_with_no_post_chosen_no_post_settings_or_bulk_bar_show(page: Page, stack: LocalStackProcess) -> None:
    posts_asked: list[str] = []
    page.on(
        "request",
        lambda request: (
            posts_asked.append(f"{request.method} {request.url}")
            if "/moderation/posts" in request.url
            else None
        ),
    )
    # GIVEN a moderator looking at every post's queue, nothing selected
    submit(stack, "Nell", "Waiting on any post [[insult=0.6]]")
    sign_in(page, stack, stack.token)
    expect(page.locator("#queue > li").first).to_be_visible()
    # THEN neither "This post:" nor the bar for selected comments is there to act on
    settings = page.locator("#post-settings")
    expect(settings).to_be_hidden()
    expect(page.locator("#bulk")).to_be_hidden()

    # WHEN one post is shown, THEN its settings are, read from that post
    filters = page.locator("#filters")
    filters.get_by_label("Post").fill(POST)
    filters.get_by_role("button", name="Show").click()
    expect(settings.get_by_label("every new comment waits for a moderator")).to_be_visible()
    # and WHEN back to all posts, THEN they go again
    filters.get_by_label("Post").fill("")
    filters.get_by_role("button", name="Show").click()
    expect(settings).to_be_hidden()
    expect(page.locator("#queue > li").first).to_be_visible()
    assert posts_asked == [f"GET {stack.base_url}/moderation/posts/{POST}"]


def test_after_scrolling_the_claim_confirmation_and_the_chosen_comment_stay_below_the_sticky_header(
    page: Page, stack: LocalStackProcess
) -> None:
    post = "browser-claim"
    for n in range(12):
        reply = stack.request(
            "POST", f"/posts/{post}/comments", {"author_name": "Cat", "body": f"Held {n} [[insult=0.6]]"}
        )
        assert reply.status == 202, reply.body
    # GIVEN a long queue, scrolled down until the Claim button sits just below the sticky header
    sign_in(page, stack, stack.token)
    filters = page.locator("#filters")
    filters.get_by_label("Post").fill(post)
    filters.get_by_role("button", name="Show").click()
    items = page.locator("#queue > li")
    expect(items).to_have_count(12)
    page.evaluate(
        """() => {
          const below = document.querySelector("header.bar").getBoundingClientRect().bottom;
          window.scrollBy(0, document.querySelector("#claim").getBoundingClientRect().top - below - 4);
        }"""
    )
    assert page.evaluate("window.scrollY") > 0

    # WHEN claiming
    page.get_by_role("button", name="Claim the next 10").click()
    notice = page.locator("#notice")
    expect(notice).to_contain_text("You hold 10 comment(s) until")
    expect(items.first.locator(".claim")).to_contain_text("claimed by local-moderator")

    # THEN the confirmation is in view, below the header rather than under it
    header = page.locator("header.bar").bounding_box()
    said = notice.bounding_box()
    viewport = page.viewport_size
    assert header is not None
    assert said is not None
    assert viewport is not None
    assert said["y"] >= header["y"] + header["height"]
    assert said["y"] + said["height"] <= viewport["height"]

    # WHEN moving down the queue with the keyboard and back up to the first comment
    for key in ["j"] * 11 + ["k"] * 11:
        page.keyboard.press(key)
    expect(items.first).to_have_class(re.compile(r"\bselected\b"))
    # THEN it was scrolled into view below the sticky header and the notice, not under them
    chosen = items.first.bounding_box()
    assert chosen is not None
    assert page.evaluate("window.scrollY") > 0
    assert chosen["y"] >= said["y"] + said["height"]


def _decide_elsewhere(stack: LocalStackProcess, comment_id: str) -> Any:
    reply = stack.request(
        "POST",
        f"/moderation/comments/{comment_id}/decision",
        {"action": "reject", "note": "decided in another tab", "version": 1},
        headers={"Authorization": f"Bearer {stack.token}"},
    )
    assert reply.status == 200
    return reply.body


def moderator_call(stack: LocalStackProcess, method: str, path: str, body: Any = None) -> Any:
    reply = stack.request(method, path, body, headers={"Authorization": f"Bearer {stack.token}"})
    assert reply.status == 200, reply.body
    return reply.body


@pytest.fixture(scope="module")
def reporting_stack() -> Iterator[LocalStackProcess]:
    # The local stack sees every reader at 127.0.0.1: one report is the threshold here.
    with local_stack(REPORT_THRESHOLD="1") as running:
        yield running


def test_detail_view_bulk_decisions_and_the_reported_queue(
    page: Page, reporting_stack: LocalStackProcess
) -> None:
    stack = reporting_stack
    post = "browser-detail"
    parent = stack.request("POST", f"/posts/{post}/comments", {"author_name": "Ada", "body": "The parent"})
    assert parent.status == 201
    reply = stack.request(
        "POST",
        f"/posts/{post}/comments",
        {"author_name": "Bob", "body": "A sharp reply [[insult=0.6]]", "parent_id": parent.body["id"]},
    )
    spam = [
        stack.request(
            "POST", f"/posts/{post}/comments", {"author_name": "Spam", "body": f"buy {n} [[toxicity=0.7]]"}
        )
        for n in range(2)
    ]
    moderator_call(
        stack,
        "POST",
        f"/moderation/comments/{reply.body['id']}/decision",
        {"action": "reject", "note": "too sharp"},
    )
    moderator_call(
        stack,
        "POST",
        f"/moderation/comments/{reply.body['id']}/decision",
        {"action": "approve", "note": "on reflection, fair"},
    )
    # a reader reports the parent, which sends it back to review
    answer = stack.request(
        "POST",
        f"/posts/{post}/comments/{parent.body['id']}/reports",
        {"reason": "off_topic", "note": "not about the post"},
    )
    assert answer.status == 202, answer.body

    # GIVEN a signed-in moderator, named as the API names them
    sign_in(page, stack, stack.token)
    expect(page.locator("#who-name")).to_have_text("local-moderator")
    filters = page.locator("#filters")
    filters.get_by_label("Post").fill(post)

    # WHEN looking at the published comments, THEN approving is not offered for them
    filters.get_by_label("Status").select_option("published")
    filters.get_by_role("button", name="Show").click()
    items = page.locator("#queue > li")
    expect(items).to_have_count(1)
    expect(items.nth(0).get_by_role("button", name="Approve")).to_be_disabled()

    # WHEN opening the reply's details: its history with notes, and the comment it answers
    expect(items.nth(0).locator(".reply-to")).to_be_visible()
    items.nth(0).get_by_role("button", name="Details").click()
    detail = page.locator("#detail")
    expect(detail.locator(".history li")).to_have_count(2)
    expect(detail.locator(".history li").nth(0)).to_contain_text("local-moderator: pending → rejected")
    expect(detail.locator(".history li").nth(0)).to_contain_text("too sharp")
    expect(detail.locator(".history li").nth(1)).to_contain_text("on reflection, fair")
    expect(detail.locator(".parent-body")).to_have_text("The parent")
    expect(detail.locator(".parent-status")).to_have_text("(pending)")

    # WHEN switching to the reported queue, THEN the details close and the reports are there
    filters.get_by_label("Status").select_option("reported")
    filters.get_by_role("button", name="Show").click()
    expect(detail).to_be_hidden()
    expect(items).to_have_count(1)
    expect(items.nth(0).locator(".reasons")).to_have_text(["Readers reported it (1 of them)."])
    page.keyboard.press("o")
    expect(detail.locator(".reports li")).to_have_count(1)
    expect(detail.locator(".reports li").nth(0)).to_contain_text("off_topic: not about the post")
    page.keyboard.press("Escape")
    expect(detail).to_be_hidden()

    # WHEN selecting both spam comments and rejecting them at once with one note
    filters.get_by_label("Status").select_option("pending")
    filters.get_by_role("button", name="Show").click()
    expect(items).to_have_count(3)
    items.nth(1).locator(".pick").check()
    items.nth(2).locator(".pick").check()
    expect(page.locator("#bulk-count")).to_have_text("2 selected")
    page.locator("#bulk").get_by_label("Note for all").fill("spam wave")
    page.get_by_role("button", name="Reject selected").click()
    expect(page.locator("#notice")).to_have_text("Rejected 2 of 2 comment(s).")
    expect(items).to_have_count(1)
    for comment in spam:
        history = moderator_call(stack, "GET", f"/moderation/comments/{comment.body['id']}")["history"]
        assert [(h["to"], h["note"]) for h in history] == [("rejected", "spam wave")]

    # WHEN trusting the remaining comment's author from its details, THEN their record says so
    expect(items.nth(0).locator(".author-record")).to_contain_text("author: ")
    items.nth(0).get_by_role("button", name="Details").click()
    detail.get_by_role("button", name="Trust the author").click()
    expect(detail.locator(".author-record")).to_contain_text("trusted")
    expect(detail.get_by_role("button", name="Untrust")).to_be_enabled()

    # WHEN closing the post from the console, THEN readers can't comment on it any more
    page.locator("#post-settings").get_by_label("closed to new comments").check()
    expect(page.locator("#notice")).to_have_text("This post is closed: new comments are refused.")
    late = stack.request("POST", f"/posts/{post}/comments", {"author_name": "Late", "body": "Hello?"})
    assert (late.status, late.body["error"]["code"]) == (403, "comments_closed")

    # WHEN the view changes, THEN the last view's notice goes
    filters.get_by_role("button", name="Show").click()
    expect(page.locator("#notice")).to_be_hidden()

    # WHEN signing out, THEN nothing of the session stays on screen
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator('#counts dd[data-status="pending"]')).to_have_text("–")
    expect(page.locator("#queue > li")).to_have_count(0)
    expect(page.locator("#who-name")).to_have_text("")


def test_the_spam_key_marks_a_comment_as_spam_and_the_reasons_say_why(
    page: Page, stack: LocalStackProcess
) -> None:
    # GIVEN a held comment, and a loan spam the filter rejected (its poster was told "pending")
    held = submit(stack, "Cal", "Probably fine [[insult=0.6]]")
    spam = submit(
        stack,
        "Quick Loans",
        "Payday loan today, no credit check, instant approval! Apply at https://loans.example",
    )
    sign_in(page, stack, stack.token)
    page.locator("#filters").get_by_label("Post").fill(POST)

    # THEN the rejected queue says the spam filter rejected it, with its score
    page.locator("#filters").get_by_label("Status").select_option("rejected")
    page.get_by_role("button", name="Show").click()
    rejected = page.locator(f'#queue > li[data-id="{spam}"]')
    expect(rejected.locator(".reasons li").first).to_have_text(
        re.compile(r"^Spam: the spam filter scored its words (0\.9[7-9]|1\.00)\.$")
    )
    expect(rejected.locator(".scores li.drove")).to_have_text([re.compile(r"^spam (0\.9[7-9]|1\.00)$")])

    # WHEN the moderator presses s on the held comment
    page.locator("#filters").get_by_label("Status").select_option("pending")
    page.get_by_role("button", name="Show").click()
    # the pending queue (not the rejected one still on screen): select the held comment
    pending = page.locator(f'#queue > li[data-id="{held}"]')
    pending.locator(".body").click()
    expect(pending).to_have_class(re.compile(r"\bselected\b"))
    page.keyboard.press("s")

    # THEN it is rejected as spam (the history says so) and leaves the queue
    expect(page.locator("#notice")).to_contain_text("Marked as spam")
    expect(pending).to_have_count(0)
    detail = moderator_call(stack, "GET", f"/moderation/comments/{held}")
    assert [(h["to"], h.get("action")) for h in detail["history"]] == [("rejected", "spam")], detail
    # AND the button marks a rejected comment as spam too
    page.locator("#filters").get_by_label("Status").select_option("rejected")
    page.get_by_role("button", name="Show").click()
    expect(rejected).to_be_visible()
    rejected.get_by_role("button", name="Spam").click()
    expect(page.locator("#notice")).to_contain_text("Marked as spam")
    history = moderator_call(stack, "GET", f"/moderation/comments/{spam}")["history"]
    assert [h.get("action") for h in history] == ["spam"]

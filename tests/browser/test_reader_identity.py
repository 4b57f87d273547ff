"""Standing that belongs to a person, in real headless Chromium: the widget keeps the reader key
the API hands it (across origins, by CORS) and sends it back; the console says which kind of key
an author has, and states whom blocking an address reaches before the moderator confirms it."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Request, expect

from tests.browser.test_console import moderator_call, sign_in
from tests.browser.test_widget import Blog, blog, fill_form, post
from tests.support.local_stack import LocalStackProcess

__all__ = ["blog"]

pytestmark = pytest.mark.browser

POST_ID = "reader-keys"


def comment_posts(page: Page) -> list[dict[str, Any]]:
    """The bodies of the comments this page POSTs, as they leave the browser."""
    sent: list[dict[str, Any]] = []

    def on_request(request: Request) -> None:
        if request.method == "POST" and request.url.endswith(f"/posts/{POST_ID}/comments"):
            sent.append(json.loads(request.post_data or "{}"))

    page.on("request", on_request)
    return sent


def say(stack: LocalStackProcess, name: str, body: str) -> Any:
    return stack.request("POST", f"/posts/{POST_ID}/comments", {"author_name": name, "body": body})


def published(page: Page) -> None:
    expect(page.get_by_role("status").filter(has_text="your comment is published")).to_be_visible()


def test_the_widget_keeps_the_key_it_is_given_and_sends_it_with_the_next_comment(
    browser: Browser, blog: Blog
) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    sent = comment_posts(page)
    page.goto(blog.url(POST_ID))

    # WHEN a reader posts their first comment, THEN the browser keeps the key the answer carried
    fill_form(page, "Ada", "My first comment from this browser")
    post(page)
    published(page)
    key = page.evaluate("name => localStorage.getItem(name)", f"comments:reader:{blog.stack.base_url}")
    assert key
    assert "reader_key" not in sent[0]

    # WHEN they post again (after a reload), THEN the widget sends the key back
    page.reload()
    fill_form(page, "Ada", "And a second one")
    post(page)
    published(page)
    assert sent[1]["reader_key"] == key
    context.close()

    # THEN both comments are one author's, a browser's; another browser on the same address is not it
    other = browser.new_context()
    stranger = other.new_page()
    stranger.goto(blog.url(POST_ID))
    fill_form(stranger, "Bob", "Someone else, same network")
    post(stranger)
    published(stranger)
    other.close()
    items = moderator_call(blog.stack, "GET", f"/moderation/queue?status=published&post_id={POST_ID}")[
        "items"
    ]
    keys = {item["body"]: (item["author_key"], item["author_key_kind"]) for item in items}
    assert keys["My first comment from this browser"] == keys["And a second one"]
    assert keys["And a second one"][1] == "browser"
    assert keys["Someone else, same network"][0] != keys["And a second one"][0]


def test_the_console_names_the_key_kind_and_states_an_address_blocks_reach_first(
    page: Page, blog: Blog
) -> None:
    stack = blog.stack
    # GIVEN readers behind one address (every reader of the local stack is 127.0.0.1), one held
    for name in ("Cleo", "Dan", "Eve"):
        assert say(stack, name, "Hi").status == 201
    held = say(stack, "Fay", "Sharp [[insult=0.6]]").body["id"]
    reach = moderator_call(stack, "GET", f"/moderation/comments/{held}/address")
    assert reach["authors_seen"] >= 4

    sign_in(page, stack, stack.token)
    page.locator("#filters").get_by_label("Post").fill(POST_ID)
    page.get_by_role("button", name="Show").click()
    item = page.locator("#queue > li").filter(has_text="Fay")
    expect(item.locator(".author-record")).to_contain_text(
        "author: 0 published, 1 pending, 0 rejected · browser key"
    )
    item.get_by_role("button", name="Details").click()
    detail = page.locator("#detail")
    expect(detail.locator(".author-kind")).to_contain_text(
        "Browser key: Ban and trust follow this reader's browser"
    )

    # WHEN the moderator asks to block the comment's address, THEN the console says whom it reaches
    detail.get_by_role("button", name="Block this address…").click()
    expect(detail.locator(".address-reach")).to_contain_text(
        "This blocks every reader posting from this address — "
        f"{reach['authors_seen']} authors seen from it in the last 30 days"
    )
    expect(detail.locator(".address-reach")).to_contain_text("wait for a moderator for 30 days")
    assert say(stack, "Gus", "Yo").status == 201

    # WHEN they confirm, THEN new comments from the address wait, and the console says until when
    detail.get_by_role("button", name="Block the address").click()
    expect(detail.locator(".address-state")).to_contain_text(re.compile(r"This address is blocked until .+"))
    blocked = say(stack, "Hal", "Hello")
    assert blocked.status == 202
    assert moderator_call(stack, "GET", f"/moderation/comments/{blocked.body['id']}")["reasons"] == [
        "blocked_address"
    ]

    detail.get_by_role("button", name="Unblock the address").click()
    expect(detail.get_by_role("button", name="Block this address…")).to_be_visible()
    assert say(stack, "Ivy", "Hi").status == 201

"""The comments widget in real headless Chromium, embedded in a blog page on another origin.

The blog is a tiny http.server on its own loopback port whose page holds only the two-line snippet;
the widget comes from the local stack (`moderation serve`), which allows the blog's origin by CORS.
"""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Dialog, Page, Request, Response, Route, expect

from tests.support.local_stack import LocalStackProcess, free_port, local_stack

pytestmark = pytest.mark.browser

BUDGET_GZIPPED = 15 * 1024
MARKUP = "<img src=x onerror=alert(1)><b>bold</b>"
SELF_HOSTED_COPY = "/assets/embed.js"
FORM_MIN_SECONDS = 1


@dataclass
class Blog:
    origin: str
    stack: LocalStackProcess

    def url(self, post_id: str, **attributes: str) -> str:
        query = "&".join(f"{name}={value}" for name, value in attributes.items())
        return f"{self.origin}/{post_id}" + (f"?{query}" if query else "")

    def comment(self, post_id: str, author: str, body: str, parent_id: str | None = None) -> str:
        payload = {"author_name": author, "body": body, **({"parent_id": parent_id} if parent_id else {})}
        reply = self.stack.request("POST", f"/posts/{post_id}/comments", payload)
        assert reply.status == 201, reply.body
        comment_id: str = reply.body["id"]
        return comment_id


def blog_page(script: str, post_id: str, attributes: dict[str, str]) -> bytes:
    """A blog post as its owner would write it: some prose and the two lines."""
    extra = "".join(f' data-{escape(name)}="{escape(value)}"' for name, value in attributes.items())
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>A blog post</title></head>"
        f"<body><article><h1>A post</h1><p>Some words.</p></article>"
        f'<div data-comments data-post-id="{escape(post_id)}"{extra}></div>\n'
        f'<script src="{script}" async></script></body></html>'
    ).encode()


@pytest.fixture(scope="module")
def blog() -> Iterator[Blog]:
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    # A reader here types for a second or more: the form token's too-fast bound says so.
    with local_stack(ALLOWED_ORIGINS=origin, FORM_MIN_SECONDS=str(FORM_MIN_SECONDS)) as stack:

        class BlogHandler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                content_type = "text/html"
                if parts.path == SELF_HOSTED_COPY:
                    # The blog's own copy of the script, as behind a CDN: the API is then data-api.
                    data, content_type = stack.request("GET", "/embed.js").body.encode(), "text/javascript"
                else:
                    attributes = {name: values[0] for name, values in parse_qs(parts.query).items()}
                    script = SELF_HOSTED_COPY if "api" in attributes else f"{stack.base_url}/embed.js"
                    data = blog_page(script, parts.path.strip("/"), attributes)
                self.send_response(200)
                self.send_header("Content-Type", f"{content_type}; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: the test's failures say what matters."""

        server = ThreadingHTTPServer(("127.0.0.1", port), BlogHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield Blog(origin, stack)
        finally:
            server.shutdown()
            server.server_close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    opened = context.new_page()
    opened.set_default_timeout(10_000)
    dialogs: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        # An alert() would mean a reader's markup ran as script.
        dialogs.append(dialog.message)
        dialog.dismiss()

    opened.on("dialog", on_dialog)
    yield opened
    context.close()
    assert dialogs == []


def comment_in(page: Page, comment_id: str) -> Any:
    return page.locator(f'[data-comment-id="{comment_id}"]')


def fill_form(page: Page, name: str, body: str) -> None:
    page.locator('form [name="author_name"]').fill(name)
    page.locator('form [name="body"]').fill(body)


def post(page: Page) -> None:
    page.get_by_role("button", name="Post comment").click()


def test_replies_render_inside_their_parent_and_more_load_on_demand(page: Page, blog: Blog) -> None:
    # GIVEN Ada's comment, then Carol's, then replies to Ada posted after Carol's
    post_id = "threads"
    ada = blog.comment(post_id, "Ada", "First!")
    carol = blog.comment(post_id, "Carol", "Second.")
    replies = [blog.comment(post_id, "Bob", f"Reply {n} to Ada", parent_id=ada) for n in range(1, 6)]
    nested = blog.comment(post_id, "Dan", "A reply to Bob's first reply", parent_id=replies[0])

    # WHEN the blog page loads the widget from the API's origin
    page.goto(blog.url(post_id))

    # THEN each reply sits inside Ada's element, not under Carol's, and the reply's own reply inside it
    expect(comment_in(page, ada)).to_be_visible()
    expect(comment_in(page, ada).locator(f'[data-comment-id="{replies[0]}"]')).to_be_visible()
    expect(comment_in(page, carol).locator("[data-comment-id]")).to_have_count(0)
    # three replies come with the thread; the other two and the nested one on request
    expect(comment_in(page, ada).locator("[data-comment-id]")).to_have_count(3)
    page.get_by_role("button", name="Show more replies (2)").click()
    for reply in replies[3:]:
        expect(comment_in(page, ada).locator(f'[data-comment-id="{reply}"]')).to_have_count(1)
    comment_in(page, replies[0]).get_by_role("button", name="Show more replies (1)").click()
    expect(comment_in(page, replies[0]).locator(f'[data-comment-id="{nested}"]')).to_be_visible()

    # WHEN a reader replies to Ada through the form THEN the reply appears inside Ada's element
    comment_in(page, ada).get_by_role("button", name="Reply to Ada").click()
    expect(page.get_by_text("Replying to Ada")).to_be_visible()
    fill_form(page, "Eve", "Welcome, Ada")
    post(page)
    expect(page.get_by_role("status").filter(has_text="published")).to_be_visible()
    expect(comment_in(page, ada).locator(".c-body", has_text="Welcome, Ada")).to_be_visible()


def test_every_answer_is_shown_to_the_reader(page: Page, blog: Blog) -> None:
    post_id = "answers"
    page.goto(blog.url(post_id))
    expect(page.get_by_text("No comments yet")).to_be_visible()

    # A clean comment appears at once, and the form is ready for the next one
    fill_form(page, "Ada", "A clean and kind comment")
    post(page)
    expect(page.get_by_role("status").filter(has_text="your comment is published")).to_be_visible()
    expect(page.locator("[data-comment-id] .c-body")).to_have_text(["A clean and kind comment"])
    expect(page.locator('form [name="body"]')).to_have_value("")

    # A held one is shown to its writer only, as awaiting moderation, and still after a reload
    fill_form(page, "Bob", "Hmm, borderline: see https://a.example and https://b.example")
    post(page)
    expect(page.get_by_role("status").filter(has_text="once a moderator has approved it")).to_be_visible()
    awaiting = page.locator("[data-comment-id]", has_text="borderline")
    expect(awaiting).to_contain_text("Awaiting moderation")
    public = blog.stack.request("GET", f"/posts/{post_id}/comments").body["items"]
    assert [item["body"] for item in public] == ["A clean and kind comment"]
    page.reload()
    expect(page.locator("[data-comment-id]", has_text="borderline")).to_contain_text("Awaiting moderation")

    # A rejected one keeps its text in the form and says why in words
    rejected_text = "You will regret this [[threat=0.97]]"
    fill_form(page, "Eve", rejected_text)
    post(page)
    page.get_by_role("button", name="Post anyway").click()
    notice = page.get_by_role("status").filter(has_text="not published")
    expect(notice).to_contain_text("may come across as threatening")
    expect(notice).not_to_contain_text("score:")
    expect(page.locator('form [name="body"]')).to_have_value(rejected_text)


def test_a_nudge_asks_first_and_post_anyway_posts(page: Page, blog: Blog) -> None:
    post_id = "nudge"
    page.goto(blog.url(post_id))
    fill_form(page, "Bob", "That is a dim take [[insult=0.7]]")
    post(page)
    # THEN the writer is asked to think again, and nothing was stored
    nudge = page.get_by_role("status").filter(has_text="may come across as insulting")
    expect(nudge).to_contain_text("Edit it, or post it anyway")
    assert (
        blog.stack.request("GET", f"/moderation/queue?post_id={post_id}", headers=auth(blog)).body["items"]
        == []
    )
    # WHEN they post it anyway THEN it is decided as usual: held, and shown to them as awaiting
    page.get_by_role("button", name="Post anyway").click()
    expect(page.locator("[data-comment-id]", has_text="dim take")).to_contain_text("Awaiting moderation")
    [held] = blog.stack.request("GET", f"/moderation/queue?post_id={post_id}", headers=auth(blog)).body[
        "items"
    ]
    assert held["reasons"] == ["score:insult"]


def auth(blog: Blog) -> dict[str, str]:
    return {"Authorization": f"Bearer {blog.stack.token}"}


def test_the_honeypot_is_out_of_sight_and_reach_and_a_post_carries_a_valid_token(
    page: Page, blog: Blog
) -> None:
    post_id = "honeypot"
    with page.expect_response(lambda response: response.url.endswith(f"/posts/{post_id}/form")) as shown:
        page.goto(blog.url(post_id))
    assert shown.value.status == 200
    expect(page.get_by_text("No comments yet")).to_be_visible()

    # THEN the honeypot is in the form, but off-screen, hidden from screen readers and not focusable
    honeypot = page.locator('form [name="website"]')
    expect(honeypot).to_have_count(1)
    expect(honeypot).to_have_attribute("tabindex", "-1")
    expect(honeypot).to_have_attribute("autocomplete", "off")
    box = honeypot.bounding_box()
    assert box is not None
    assert box["x"] + box["width"] <= 0
    expect(page.get_by_role("textbox", name="Website")).to_have_count(0)
    expect(page.get_by_role("textbox")).to_have_count(3)

    # WHEN a reader writes a comment (taking the time people take) and posts it
    sent: list[Any] = []

    def keep_posts(request: Request) -> None:
        if request.method == "POST":
            sent.append(request.post_data_json)

    page.on("request", keep_posts)
    fill_form(page, "Ada", "Written by a person, at a person's pace")
    # (with an address of her own: every reader of this stack shares one client address)
    page.locator('form [name="author_email"]').fill("ada.honeypot@example.org")
    page.wait_for_timeout(FORM_MIN_SECONDS * 1000 + 100)
    post(page)
    expect(page.get_by_role("status").filter(has_text="published")).to_be_visible()

    # THEN it carried the form's token and an empty honeypot, and the edge saw nothing amiss
    [payload] = sent
    assert payload["website"] == ""
    assert payload["form_token"]
    [item] = blog.stack.request(
        "GET", f"/moderation/queue?status=published&post_id={post_id}", headers=auth(blog)
    ).body["items"]
    assert item["spam_signals"] == ["first_comment"]


def test_a_form_left_open_for_hours_gets_a_fresh_token_when_the_reader_starts_writing(
    page: Page, blog: Blog
) -> None:
    post_id = "open-tab"
    tokens: list[str] = []

    def keep_tokens(response: Response) -> None:
        if response.url.endswith(f"/posts/{post_id}/form"):
            tokens.append(response.json()["token"])

    page.on("response", keep_tokens)
    with page.expect_response(lambda response: response.url.endswith("/form")):
        page.goto(blog.url(post_id))
    # WHEN the reader comes back to the tab two hours later and clicks into the form
    page.evaluate("document.querySelector('[data-comments]').commentsWidget.formTokenAt -= 2 * 3600 * 1000")
    with page.expect_response(lambda response: response.url.endswith("/form")):
        page.locator('form [name="author_name"]').click()
    # THEN a second token was fetched, and moving on to the next field fetches no third
    assert len(set(tokens)) == 2
    fetched_at = "document.querySelector('[data-comments]').commentsWidget.formTokenAt"
    renewed = page.evaluate(fetched_at)
    page.locator('form [name="body"]').click()
    assert page.evaluate(fetched_at) == renewed


def test_markup_a_reader_wrote_is_shown_as_text(page: Page, blog: Blog) -> None:
    post_id = "markup"
    stored = blog.comment(post_id, "Mallory <script>", MARKUP)
    page.goto(blog.url(post_id))
    expect(comment_in(page, stored).locator(".c-body")).to_have_text(MARKUP)
    expect(comment_in(page, stored).locator(".c-author")).to_have_text("Mallory <script>")
    # and the same for what the reader just posted
    fill_form(page, "Trudy <b>", f"Mine too: {MARKUP}")
    post(page)
    expect(page.locator(".c-body", has_text="Mine too")).to_have_text(f"Mine too: {MARKUP}")
    expect(page.locator("[data-comments] img, [data-comments] b, [data-comments] script")).to_have_count(0)


def test_the_form_works_with_the_keyboard_alone(page: Page, blog: Blog) -> None:
    page.goto(blog.url("keyboard"))
    expect(page.get_by_text("No comments yet")).to_be_visible()
    # Tab from the page into the widget: name, e-mail, comment, then the button
    page.locator("body").focus()
    focused_name = "document.activeElement.shadowRoot?.activeElement?.name ?? ''"
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate(focused_name) == "author_name":
            break
    assert page.evaluate(focused_name) == "author_name"
    page.keyboard.type("Keyboard Kim")
    page.keyboard.press("Tab")
    assert page.evaluate(focused_name) == "author_email"
    page.keyboard.press("Tab")
    assert page.evaluate(focused_name) == "body"
    page.keyboard.type("Typed without a mouse")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator(".c-body")).to_have_text(["Typed without a mouse"])
    # and Space on the button posts too
    page.locator('form [name="body"]').fill("And a second one")
    page.locator('form button[type="submit"]').focus()
    page.keyboard.press("Space")
    expect(page.locator(".c-body")).to_have_text(["Typed without a mouse", "And a second one"])


def test_a_network_failure_is_retried_with_the_same_idempotency_key(page: Page, blog: Blog) -> None:
    post_id = "flaky"
    page.goto(blog.url(post_id))
    expect(page.get_by_text("No comments yet")).to_be_visible()
    keys: list[str] = []

    def drop_the_first(route: Route, request: Request) -> None:
        if request.method != "POST":
            route.continue_()
            return
        keys.append(request.headers["idempotency-key"])
        if len(keys) == 1:
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route(f"{blog.stack.base_url}/posts/{post_id}/comments", drop_the_first)
    fill_form(page, "Ada", "Sent over a flaky network")
    post(page)
    expect(page.locator(".c-body")).to_have_text(["Sent over a flaky network"])
    assert len(keys) == 2
    assert keys[0] == keys[1]
    assert len(blog.stack.request("GET", f"/posts/{post_id}/comments").body["items"]) == 1


@pytest.mark.parametrize(
    ("status", "error", "headers", "said"),
    [
        (429, {"code": "rate_limited"}, {"Retry-After": "42"}, "try again in 42 seconds"),
        (409, {"code": "duplicate_comment"}, {}, "You already posted this comment"),
        (403, {"code": "comments_closed"}, {}, "Comments are closed"),
    ],
)
def test_refusals_are_said_plainly_and_keep_the_text(
    page: Page, blog: Blog, status: int, error: dict[str, str], headers: dict[str, str], said: str
) -> None:
    post_id = "refusals"
    page.goto(blog.url(post_id))

    def refuse(route: Route, request: Request) -> None:
        if request.method != "POST":
            route.continue_()
            return
        route.fulfill(
            status=status,
            headers={
                **headers,
                "Access-Control-Allow-Origin": blog.origin,
                "Access-Control-Expose-Headers": "retry-after",
            },
            content_type="application/json",
            body=json.dumps({"error": {**error, "message": "refused"}}),
        )

    page.route(f"{blog.stack.base_url}/posts/{post_id}/comments", refuse)
    fill_form(page, "Ada", "Kept whatever happens")
    post(page)
    expect(page.get_by_role("status").filter(has_text=said)).to_be_visible()
    expect(page.locator('form [name="body"]')).to_have_value("Kept whatever happens")


def test_another_language_with_data_lang(page: Page, blog: Blog) -> None:
    post_id = "sprache"
    page.goto(blog.url(post_id, lang="de"))
    expect(page.get_by_role("heading", name="Kommentare")).to_be_visible()
    fill_form(page, "Ada", "Du wirst es bereuen [[threat=0.97]]")
    page.get_by_role("button", name="Kommentar senden").click()
    expect(page.get_by_role("status").filter(has_text="könnte als bedrohlich ankommen")).to_be_visible()
    page.get_by_role("button", name="Trotzdem senden").click()
    expect(page.get_by_role("status").filter(has_text="nicht veröffentlicht")).to_contain_text("bedrohlich")


def test_the_demo_page_uses_the_widget_and_shows_the_snippet(page: Page, blog: Blog) -> None:
    # Same origin: the local stack's own page at /
    stack = blog.stack
    stack.request("POST", "/posts/hello-world/comments", {"author_name": "Ada", "body": "On the demo"})
    page.goto(f"{stack.base_url}/")
    expect(page.locator("[data-comment-id] .c-body")).to_contain_text(["On the demo"])
    fill_form(page, "Bob", "Posted from the demo page")
    post(page)
    expect(page.locator("[data-comment-id] .c-body")).to_contain_text(
        ["On the demo", "Posted from the demo page"]
    )
    expect(page.locator("#snippet")).to_have_text(
        '<div data-comments data-post-id="my-post-slug"></div>\n'
        f'<script src="{stack.base_url}/embed.js" async></script>'
    )


def test_the_widget_fits_the_size_budget(blog: Blog) -> None:
    served = blog.stack.request("GET", "/embed.js")
    assert served.status == 200
    size = len(gzip.compress(served.body.encode(), compresslevel=9))
    assert size <= BUDGET_GZIPPED, f"embed.js is {size} bytes gzipped, over {BUDGET_GZIPPED}"


def test_pages_load_on_demand(page: Page, blog: Blog) -> None:
    post_id = "busy"
    ids = [blog.comment(post_id, "Reader", f"Comment number {n}") for n in range(21)]
    page.goto(blog.url(post_id))
    expect(page.locator("[data-comment-id]")).to_have_count(20)
    page.get_by_role("button", name="Load more comments").click()
    expect(page.locator("[data-comment-id]")).to_have_count(21)
    assert (
        page.locator("[data-comment-id]").evaluate_all("nodes => nodes.map(n => n.dataset.commentId)") == ids
    )
    expect(page.get_by_role("button", name="Load more comments")).to_be_hidden()


def test_a_held_preview_goes_once_published_or_a_week_old(page: Page, blog: Blog) -> None:
    post_id = "previews"
    page.goto(blog.url(post_id))
    for text in (
        "First held https://a.example https://b.example",
        "Second held https://c.example https://d.example",
    ):
        fill_form(page, "Ada", text)
        post(page)
        expect(page.locator("[data-comment-id]", has_text=text)).to_contain_text("Awaiting moderation")
    queue = blog.stack.request("GET", f"/moderation/queue?post_id={post_id}", headers=auth(blog)).body[
        "items"
    ]
    first, second = (item["id"] for item in queue)
    # WHEN a moderator publishes the first, and the second has waited more than a week
    approved = blog.stack.request(
        "POST", f"/moderation/comments/{first}/decision", {"action": "approve"}, headers=auth(blog)
    )
    assert approved.status == 200
    page.evaluate(
        """id => {
          const key = Object.keys(localStorage).find(k => k.startsWith("comments:awaiting:"));
          const kept = JSON.parse(localStorage.getItem(key));
          kept.find(item => item.id === id).saved_at -= 8 * 24 * 3600 * 1000;
          localStorage.setItem(key, JSON.stringify(kept));
        }""",
        second,
    )
    page.reload()
    # THEN the first shows as published, the second's preview is gone, and nothing is kept
    expect(comment_in(page, first)).to_be_visible()
    expect(comment_in(page, first)).not_to_contain_text("Awaiting moderation")
    expect(comment_in(page, second)).to_have_count(0)
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('comments:awaiting:'))") == []


def test_themable_with_custom_properties_and_dark_by_preference(browser: Browser, blog: Blog) -> None:
    blog.comment("theme", "Ada", "Colours")
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    try:
        page.goto(blog.url("theme"))
        card = page.locator("[data-comment-id] .c-card")
        button = page.locator('form button[type="submit"]')
        # dark by the reader's preference
        expect(card).to_have_css("background-color", "rgb(21, 27, 35)")
        # and the blog's own accent colour through a custom property on the element
        page.locator("[data-comments]").evaluate(
            "host => host.style.setProperty('--comments-accent', 'rgb(1, 2, 3)')"
        )
        expect(button).to_have_css("background-color", "rgb(1, 2, 3)")
    finally:
        context.close()


def test_data_api_points_a_self_hosted_copy_at_the_api(page: Page, blog: Blog) -> None:
    # GIVEN the script served from the blog's own origin, and the API named by data-api
    post_id = "self-hosted"
    blog.comment(post_id, "Ada", "Found through data-api")
    page.goto(blog.url(post_id, api=blog.stack.base_url))
    # THEN the comments come from the API, and posting goes there too
    expect(page.locator("[data-comment-id] .c-body")).to_have_text(["Found through data-api"])
    fill_form(page, "Bob", "Posted through data-api")
    post(page)
    expect(page.locator("[data-comment-id] .c-body")).to_have_text(
        ["Found through data-api", "Posted through data-api"]
    )
    assert len(blog.stack.request("GET", f"/posts/{post_id}/comments").body["items"]) == 2

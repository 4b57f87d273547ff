"""The local stack over HTTP, as the blog's frontend and a developer use it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.support.aws import ROOT
from tests.support.local_stack import LocalStackProcess, local_stack

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStackProcess]:
    with local_stack() as running:
        yield running


def comments_path(post: str) -> str:
    return f"/posts/{post}/comments"


def test_banner_prints_the_urls_and_the_token(stack: LocalStackProcess) -> None:
    assert f"{stack.base_url}/console" in stack.log
    assert f"moderator token:   {stack.token}" in stack.log
    assert "MODERATION_SCORER" in stack.log


def test_demo_page_and_openapi_are_served(stack: LocalStackProcess) -> None:
    page = stack.request("GET", "/")
    assert page.status == 200
    assert '<div data-comments data-post-id="hello-world">' in page.body
    assert '<script src="/embed.js" async>' in page.body
    assert stack.request("GET", "/demo/snippet.js").status == 200
    assert stack.request("GET", "/embed.js").status == 200
    spec = stack.request("GET", "/openapi.json").body
    assert {"get", "post"} <= set(spec["paths"]["/posts/{post_id}/comments"])


def test_publish_hold_reject_and_list(stack: LocalStackProcess) -> None:
    path = comments_path("e2e-flow")
    published = stack.request("POST", path, {"author_name": "Ada", "body": "Great read"})
    held = stack.request("POST", path, {"author_name": "Bob", "body": "meh [[insult=0.6]]"})
    rejected = stack.request("POST", path, {"author_name": "Eve", "body": "abuse [[threat=0.95]]"})
    assert [published.status, held.status, rejected.status] == [201, 202, 422]
    assert rejected.body["error"]["details"]["reasons"] == ["score:threat"]
    listed = stack.request("GET", path)
    assert [item["id"] for item in listed.body["items"]] == [published.body["id"]]


def test_paging_over_http(stack: LocalStackProcess) -> None:
    path = comments_path("e2e-paging")
    ids = [
        stack.request("POST", path, {"author_name": "R", "body": f"comment {n}"}).body["id"] for n in range(5)
    ]
    seen, query = [], "?limit=2"
    while True:
        page = stack.request("GET", path + query).body
        seen += [item["id"] for item in page["items"]]
        if not page["next_cursor"]:
            break
        query = f"?limit=2&cursor={page['next_cursor']}"
    assert seen == ids


def test_errors_over_http(stack: LocalStackProcess) -> None:
    path = comments_path("e2e-errors")
    assert stack.request("POST", path, raw=b"{nope").body["error"]["code"] == "invalid_json"
    too_big = stack.request("POST", path, {"author_name": "A", "body": "x" * 17000})
    assert (too_big.status, too_big.body["error"]["code"]) == (413, "payload_too_large")
    bad_post = stack.request("POST", "/posts/bad%20id/comments", {"author_name": "A", "body": "x"})
    assert (bad_post.status, bad_post.body["error"]["code"]) == (400, "invalid_post_id")
    assert stack.request("GET", path + "?cursor=forged").body["error"]["code"] == "invalid_cursor"
    assert stack.request("GET", "/nowhere").status == 404


def test_idempotent_retry_over_http(stack: LocalStackProcess) -> None:
    path = comments_path("e2e-idempotency")
    body = {"author_name": "Ada", "body": "sent twice over a flaky network"}
    first = stack.request("POST", path, body, headers={"Idempotency-Key": "abc-123"})
    again = stack.request("POST", path, body, headers={"Idempotency-Key": "abc-123"})
    assert (again.status, again.body) == (first.status, first.body)
    assert len(stack.request("GET", path).body["items"]) == 1


def test_after_an_erasure_the_authors_key_and_text_are_forgotten_over_http(stack: LocalStackProcess) -> None:
    # GIVEN a reader's comment posted with an Idempotency-Key (the local stack's transactions)
    path = comments_path("e2e-erasure")
    body = {"author_name": "Ida", "body": "words to forget", "author_email": "ida@example.com"}
    first = stack.request("POST", path, body, headers={"Idempotency-Key": "ida-1"})
    assert stack.request("POST", path, body).status == 409  # a duplicate, before the erasure
    # WHEN a moderator erases the reader
    moderator = {"Authorization": f"Bearer {stack.token}"}
    erased = stack.request(
        "POST", "/moderation/authors/erase", {"email": "ida@example.com"}, headers=moderator
    )
    assert erased.body == {"erased": 1}
    # THEN the key no longer replays the erased comment, and the text is no duplicate any more
    again = stack.request("POST", path, body, headers={"Idempotency-Key": "ida-1"})
    assert again.status == 201
    assert again.body["id"] != first.body["id"]


def test_concurrent_posts_are_each_stored_once(stack: LocalStackProcess) -> None:
    path = comments_path("e2e-concurrent")

    def post(n: int) -> int:
        return stack.request("POST", path, {"author_name": f"R{n}", "body": f"parallel {n}"}).status

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(post, range(40)))
    assert statuses == [201] * 40
    bodies = [item["body"] for item in stack.request("GET", path + "?limit=100").body["items"]]
    assert sorted(bodies) == sorted(f"parallel {n}" for n in range(40))


def test_without_any_model_it_starts_loudly_and_holds_everything(tmp_path: object) -> None:
    with local_stack(MODERATION_SCORER="", MODEL_DIR=str(tmp_path), STARTER_MODEL_DIR=str(tmp_path)) as bare:
        assert "SCORING UNAVAILABLE" in bare.log
        assert "make model" in bare.log
        reply = bare.request("POST", comments_path("no-model"), {"author_name": "A", "body": "hello"})
        assert (reply.status, reply.body["status"]) == (202, "pending")


def test_a_fresh_clone_scores_with_the_starter_model_from_the_project(tmp_path: object) -> None:
    # No `make model` output: MODEL_DIR points where nothing is, as on a fresh clone; nor APP_SECRET.
    with local_stack(
        MODERATION_SCORER="", MODEL_DIR=str(tmp_path), STARTER_MODEL_DIR="", APP_SECRET=""
    ) as fresh:
        scoring = next(line for line in fresh.log.splitlines() if line.strip().startswith("scoring:"))
        assert "starter:alt-profanity-check==1.9.1" in scoring
        assert str(ROOT / "layers" / "scoring" / "starter") in scoring
        assert "/opt/" not in scoring
        assert "make model" in scoring
        path = comments_path("fresh-clone")
        hello = fresh.request("POST", path, {"author_name": "A", "body": "hello there, nice post"})
        insult = fresh.request("POST", path, {"author_name": "B", "body": "you are a fucking idiot"})
        assert (hello.status, hello.body["status"]) == (201, "published")
        assert (insult.status, insult.body["status"]) == (202, "pending")
        published = [item["body"] for item in fresh.request("GET", path).body["items"]]
        assert published == ["hello there, nice post"]
        queue = fresh.request("GET", "/moderation/queue", headers={"Authorization": f"Bearer {fresh.token}"})
        assert [item["body"] for item in queue.body["items"]] == ["you are a fucking idiot"]
        # AND a first run warns of nothing: `make run` sets the random APP_SECRET the README says
        assert '"level":"WARNING"' not in fresh.log
        assert "Warning" not in fresh.log


def test_the_model_is_looked_for_in_the_project_not_in_lambdas_opt() -> None:
    with local_stack(MODERATION_SCORER="", MODEL_DIR="") as default:
        scoring = next(line for line in default.log.splitlines() if line.strip().startswith("scoring:"))
        assert str(ROOT / "model") in scoring
        assert "/opt/" not in scoring


def test_model_dirs_artifact_comes_before_the_starter(tmp_path: Path) -> None:
    artifact = tmp_path / "model"
    shutil.copytree(ROOT / "layers" / "scoring" / "starter", artifact)
    with local_stack(MODERATION_SCORER="", MODEL_DIR=str(artifact)) as configured:
        scoring = next(line for line in configured.log.splitlines() if line.strip().startswith("scoring:"))
        # MODEL_DIR's artifact comes first; the starter only when MODEL_DIR holds none.
        assert f"from {artifact}" in scoring
        assert "no model in MODEL_DIR" not in scoring
        assert "/opt/" not in scoring


def test_reports_closed_posts_and_bulk_decisions_over_http(stack: LocalStackProcess) -> None:
    path = comments_path("e2e-moderators")
    moderator = {"Authorization": f"Bearer {stack.token}"}
    published = stack.request("POST", path, {"author_name": "Ada", "body": "Great read"}).body["id"]

    # a reader reports it: received, and nothing public says so
    report = stack.request("POST", f"{path}/{published}/reports", {"reason": "spam"})
    assert (report.status, report.body) == (202, {"status": "received"})
    assert "report_count" not in stack.request("GET", path).body["items"][0]
    unknown = stack.request("POST", f"{path}/01KB0000000000000000000000/reports", {"reason": "spam"})
    assert (unknown.status, unknown.body["error"]["code"]) == (404, "not_found")

    # a moderator closes the post: new comments are refused
    closed = stack.request("POST", "/moderation/posts/e2e-moderators", {"closed": True}, headers=moderator)
    assert closed.body == {"post_id": "e2e-moderators", "premoderate": False, "closed": True}
    refused = stack.request("POST", path, {"author_name": "Bob", "body": "Late"})
    assert (refused.status, refused.body["error"]["code"]) == (403, "comments_closed")

    # a decision that changes nothing is refused; several at once say what became of each
    same = stack.request(
        "POST", f"/moderation/comments/{published}/decision", {"action": "approve"}, headers=moderator
    )
    assert (same.status, same.body["error"]["code"]) == (409, "no_change")
    bulk = stack.request(
        "POST",
        "/moderation/decisions",
        {"ids": [published], "action": "reject", "note": "spam"},
        headers=moderator,
    )
    assert bulk.body == {"results": [{"id": published, "status": "rejected"}]}
    assert stack.request("GET", "/moderation/me", headers=moderator).body == {"name": "local-moderator"}


def test_the_form_token_route_and_its_signals_over_http(stack: LocalStackProcess) -> None:
    # GIVEN the widget's form, shown on a page of an allowed origin
    shown = stack.request("GET", "/posts/e2e-form/form", headers={"Origin": stack.base_url})
    assert shown.status == 200
    assert shown.headers["access-control-allow-origin"] == stack.base_url
    assert "/posts/{post_id}/form" in stack.request("GET", "/openapi.json").body["paths"]
    token = shown.body["token"]

    # WHEN a comment comes back with it at once, and then another with the same token
    path = comments_path("e2e-form")
    first = stack.request(
        "POST", path, {"author_name": "Ada", "body": "Quick", "form_token": token, "website": ""}
    )
    again = stack.request(
        "POST", path, {"author_name": "Ada", "body": "Again", "form_token": token, "website": ""}
    )

    # THEN both are accepted, and moderators see what the edge saw of each
    assert (first.status, again.status) == (201, 201)
    moderator = {"Authorization": f"Bearer {stack.token}"}
    seen = [
        stack.request("GET", f"/moderation/comments/{posted.body['id']}", headers=moderator).body[
            "spam_signals"
        ]
        for posted in (first, again)
    ]
    assert "too_fast" in seen[0]
    assert "replayed_form" not in seen[0]
    assert "replayed_form" in seen[1]

"""`moderation import disqus|wordpress FILE` end to end: the command, run in this process, against
`moderation serve` over loopback HTTP — twice, with one result."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from moderation_tools.cli import main

from tests.support.aws import ROOT
from tests.support.local_stack import LocalStackProcess, local_stack

pytestmark = pytest.mark.e2e

FIXTURES = ROOT / "tests" / "fixtures" / "import"


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStackProcess]:
    with local_stack(SCORING_DEADLINE_SECONDS="8") as running:
        yield running


def run_import(stack: LocalStackProcess, source: str, file: Path, *options: str) -> int:
    return main(["import", source, str(file), "--api", stack.base_url, "--token", stack.token, *options])


def counts(stack: LocalStackProcess, post_id: str) -> dict[str, int]:
    reply = stack.request("GET", f"/moderation/counts?post_id={post_id}", headers=auth(stack))
    assert reply.status == 200, reply.body
    result: dict[str, int] = reply.body["counts"]
    return result


def auth(stack: LocalStackProcess) -> dict[str, str]:
    return {"Authorization": f"Bearer {stack.token}"}


def test_a_disqus_export_imports_twice_with_one_result(
    stack: LocalStackProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    # WHEN the Disqus export is imported
    assert run_import(stack, "disqus", FIXTURES / "disqus.xml") == 0
    first = capsys.readouterr().out
    # THEN its comments are there, threads and statuses kept
    assert "imported: 6" in first
    assert counts(stack, "hello-world") == {"published": 4, "pending": 0, "rejected": 2}
    threads = stack.request("GET", "/posts/hello-world/comments?view=threads").body["items"]
    assert [item["author_name"] for item in threads] == ["Ada", "Di"]
    [reply] = threads[0]["replies"]
    assert (reply["author_name"], reply["body"], reply["reply_count"]) == (
        "Zoë",
        "ありがとう — très bien 👍",
        1,
    )
    assert threads[0]["body"] == "First! Great post & thanks.\n\nSee this (https://example.org/more)."
    nested = stack.request("GET", f"/posts/hello-world/comments/{reply['id']}/replies").body["items"]
    assert [item["author_name"] for item in nested] == ["Bob"]
    # WHEN it is imported again
    assert run_import(stack, "disqus", FIXTURES / "disqus.xml") == 0
    second = capsys.readouterr().out
    # THEN nothing is added, and the summary says so
    assert "imported: 0" in second
    assert "already there: 6" in second
    assert counts(stack, "hello-world") == {"published": 4, "pending": 0, "rejected": 2}


def test_a_wordpress_export_keeps_statuses_and_leaves_pings_out(
    stack: LocalStackProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_import(stack, "wordpress", FIXTURES / "wordpress.xml", "--post-id-from", "slug") == 0
    out = capsys.readouterr().out
    assert "imported: 6" in out
    assert "pingback (--include-pings imports them): 1" in out
    assert counts(stack, "second-post") == {"published": 3, "pending": 1, "rejected": 2}
    [top] = stack.request("GET", "/posts/second-post/comments?view=threads").body["items"]
    assert (top["author_name"], top["reply_count"]) == ("Seán O'Brien", 1)
    assert top["replies"][0]["author_name"] == "李雷"
    # The held one waits in the moderators' queue with its scores
    queue = stack.request("GET", "/moderation/queue?post_id=second-post", headers=auth(stack)).body["items"]
    assert [item["body"] for item in queue] == ["Still in the queue."]
    assert queue[0]["scores"]
    assert run_import(stack, "wordpress", FIXTURES / "wordpress.xml", "--post-id-from", "slug") == 0
    assert "already there: 6" in capsys.readouterr().out
    assert counts(stack, "second-post") == {"published": 3, "pending": 1, "rejected": 2}


def test_a_wrong_token_is_a_clear_error_not_a_traceback(
    stack: LocalStackProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["import", "disqus", str(FIXTURES / "disqus.xml"), "--api", stack.base_url, "--token", "nope"]
    )
    assert code == 1
    err = capsys.readouterr().err
    assert "401" in err
    assert "--token" in err
    assert "Traceback" not in err

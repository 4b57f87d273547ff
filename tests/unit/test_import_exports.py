"""Reading Disqus and WordPress exports: what is imported, with which status, post id and parent;
what is left out and why; and hostile XML refused with a message, never expanded or fetched."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from moderation.models.imports import ImportRequest
from moderation_tools.cli import main
from moderation_tools.importing.disqus import read_disqus
from moderation_tools.importing.export import Export, ExportComment, plain_text, post_id_from_url
from moderation_tools.importing.send import BATCH_BYTES, batches, request_items
from moderation_tools.importing.wordpress import read_wordpress

from tests.support.aws import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "import"


def by_id(export: Export) -> dict[str, ExportComment]:
    return {comment.source_id: comment for comment in export.comments}


def test_disqus_keeps_threads_authors_dates_and_statuses() -> None:
    export = read_disqus(FIXTURES / "disqus.xml")
    comments = by_id(export)
    # Deleted and spam comments are kept as rejected; a deleted one without text is left out
    assert {key: c.status for key, c in comments.items()} == {
        "3001": "published",
        "3002": "published",
        "3003": "published",
        "3004": "rejected",
        "3005": "rejected",
        "3007": "published",
    }
    assert export.skipped == {"no text (deleted)": 1, "its thread has no usable post id": 1}
    first, reply, nested = comments["3001"], comments["3002"], comments["3003"]
    assert (reply.parent_source_id, nested.parent_source_id) == ("3001", "3002")
    assert first.post_id == "hello-world"  # the URL's last path segment, lower-cased
    assert first.created_at == datetime(2019, 3, 14, 9, tzinfo=UTC)
    assert (first.author_name, first.author_email, first.ip) == ("Ada", "ada@example.com", "203.0.113.7")
    # An address or IP that isn't one is dropped, not fatal; non-ASCII text stays as it is
    assert (reply.author_name, reply.author_email, reply.ip) == ("Zoë", None, None)
    assert reply.body == "ありがとう — très bien 👍"
    assert nested.ip == "2001:db8::1"


def test_disqus_post_ids_can_come_from_the_thread_identifier() -> None:
    export = read_disqus(FIXTURES / "disqus.xml", post_id_from="slug")
    assert {c.post_id for c in export.comments} == {"hello-world-ident", "ueber-uns"}


def test_wordpress_maps_approval_to_status_and_leaves_pings_out_unless_asked() -> None:
    export = read_wordpress(FIXTURES / "wordpress.xml", post_id_from="slug")
    comments = by_id(export)
    assert {key: c.status for key, c in comments.items()} == {
        "41": "published",
        "42": "published",
        "43": "published",
        "44": "pending",
        "45": "rejected",
        "46": "rejected",
    }
    assert set(export.skipped) == {
        "pingback (--include-pings imports them)",
        "trackback (--include-pings imports them)",
    }
    assert comments["41"].author_name == "Seán O'Brien"
    assert comments["41"].body == "Lovely write-up.\nSecond line & more."
    assert comments["41"].created_at == datetime(2019, 5, 2, 9, tzinfo=UTC)  # comment_date_gmt
    assert (comments["42"].parent_source_id, comments["43"].parent_source_id) == ("41", "42")
    assert comments["42"].author_email is None
    with_pings = read_wordpress(FIXTURES / "wordpress.xml", include_pings=True)
    assert {"47", "48"} <= set(by_id(with_pings))
    assert {c.post_id for c in with_pings.comments} == {"second-post"}


@pytest.mark.parametrize(
    ("url", "post_id"),
    [
        ("https://blog.example/2019/03/Hello-World/", "hello-world"),
        ("https://blog.example/posts/my_post.html?utm=x#comments", "my_post.html"),
        ("/relative/path", "path"),
        ("https://blog.example/", None),  # no segment: the site's root
        ("https://blog.example/?p=123", None),
        ("https://blog.example/%C3%BCber-uns/", None),  # percent-encoded: not a valid post id
        ("https://blog.example/" + "a" * 129, None),
    ],
)
def test_the_post_id_rule(url: str, post_id: str | None) -> None:
    assert post_id_from_url(url) == post_id


def test_html_bodies_become_the_text_readers_saw() -> None:
    assert plain_text("<p>One &amp; two</p><p>Three<br>four</p>") == "One & two\n\nThree\nfour"
    assert plain_text('<a href="https://x.example/">https://x.example</a>') == "https://x.example"
    assert plain_text("<b>bold</b> <script>x</script>") == "bold x"


def test_every_item_sent_is_one_the_route_accepts_and_orphans_become_top_level() -> None:
    export = read_disqus(FIXTURES / "disqus.xml")
    items, orphans = request_items(export)
    assert orphans == 1
    request = ImportRequest.model_validate({"comments": items[:25]})
    by_source = {item.source_id: item for item in request.comments}
    assert by_source["3007"].parent_source_id is None
    assert by_source["3002"].parent_created_at == datetime(2019, 3, 14, 9, tzinfo=UTC)
    # Oldest first: every parent goes before its replies
    assert [item["source_id"] for item in items][:3] == ["3001", "3002", "3003"]


def test_batches_hold_at_most_25_comments_and_stay_under_the_size_limit() -> None:
    small = [{"body": "x"}] * 60
    assert [len(batch) for batch in batches(small)] == [25, 25, 10]
    # 25 comments of 5,000 four-byte characters are 500 KB: over the route's 512 KiB with the rest
    longest = [{"body": "😀" * 5000}] * 25
    split = list(batches(longest))
    assert len(split) == 2
    assert all(len(json.dumps(batch, ensure_ascii=False).encode()) <= BATCH_BYTES for batch in split)


@pytest.mark.parametrize(
    ("source", "name"),
    [("disqus", "billion_laughs.xml"), ("wordpress", "external_entity.xml"), ("disqus", "external_dtd.xml")],
)
def test_hostile_xml_is_refused_with_a_message_not_expanded_or_fetched(
    source: str, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", source, str(FIXTURES / name), "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert "was refused" in err
    assert "Traceback" not in err


def test_a_file_that_is_not_an_export_is_named_as_such(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_text("<disqus><post>")
    assert main(["import", "disqus", str(broken), "--dry-run"]) == 2
    assert main(["import", "wordpress", str(FIXTURES / "disqus.xml"), "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert "not well-formed XML" in err
    assert "is not a WordPress export" in err


def test_without_a_token_nothing_is_sent(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("MODERATION_TOKEN", raising=False)
    monkeypatch.delenv("LOCAL_MODERATOR_TOKEN", raising=False)
    assert main(["import", "disqus", str(FIXTURES / "disqus.xml"), "--api", "http://127.0.0.1:9"]) == 2
    assert "no moderator token" in capsys.readouterr().err


def test_a_comment_the_route_would_refuse_is_left_out_not_its_whole_batch() -> None:
    # GIVEN an export with a comment whose text is only an invisible character
    export = Export()
    created = datetime(2020, 1, 1, tzinfo=UTC)
    for source_id, body in (("1", "Fine words"), ("2", "\u200b")):
        export.add(ExportComment("disqus", source_id, "post", "Ada", body, created, "published"))
    # WHEN its items are prepared
    items, _ = request_items(export)
    # THEN the other comment goes, and the summary names why this one doesn't
    assert [item["source_id"] for item in items] == ["1"]
    assert export.skipped == {"refused by the API's checks (body)": 1}


def test_comments_go_post_by_post_each_posts_oldest_first() -> None:
    # GIVEN a blog whose two posts were commented on in turn, one reply among them
    export = Export()
    start = datetime(2020, 1, 1, tzinfo=UTC)
    for number in range(6):
        post = ("b-post", "a-post")[number % 2]
        parent = "1" if number == 5 else None
        created = start + timedelta(hours=number)
        export.add(ExportComment("disqus", str(number), post, "Ada", "Words", created, "published", parent))
    # WHEN its items are prepared
    items, _ = request_items(export)
    # THEN each post's comments go together (a batch updates one post's counters), oldest first,
    # so the reply follows its parent
    assert [(item["post_id"], item["source_id"]) for item in items] == [
        ("a-post", "1"),
        ("a-post", "3"),
        ("a-post", "5"),
        ("b-post", "0"),
        ("b-post", "2"),
        ("b-post", "4"),
    ]
    assert items[2]["parent_source_id"] == "1"

"""Request validation as the contract states it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from moderation.models.comments import NewComment, StoredComment
from pydantic import ValidationError


def test_body_is_trimmed_and_limited_after_trimming() -> None:
    assert NewComment(author_name="Ada", body="  hello  ").body == "hello"
    assert len(NewComment(author_name="Ada", body=" " * 10 + "x" * 5000 + " " * 10).body) == 5000
    with pytest.raises(ValidationError):
        NewComment(author_name="Ada", body="x" * 5001)


@pytest.mark.parametrize("body", ["", "   ", "\n\t "])
def test_blank_body_is_refused(body: str) -> None:
    with pytest.raises(ValidationError):
        NewComment(author_name="Ada", body=body)


@pytest.mark.parametrize("name", ["", " ", "x" * 81, " " + "x" * 80])
def test_author_name_is_1_to_80_characters(name: str) -> None:
    with pytest.raises(ValidationError):
        NewComment(author_name=name, body="hi")


@pytest.mark.parametrize("text", ["\u200b\u200b", "\u2060\u00ad", "\u200d \ufeff", "\u2800\u3164"])
def test_a_body_or_name_of_invisible_characters_only_is_refused(text: str) -> None:
    with pytest.raises(ValidationError):
        NewComment(author_name="Ada", body=text)
    with pytest.raises(ValidationError):
        NewComment(author_name=text, body="hi")


def test_bidi_controls_and_nul_are_removed_from_names() -> None:
    assert (
        NewComment(author_name="\u202eAda\x00 \u2066Lovelace\u2069", body="hi").author_name == "Ada Lovelace"
    )
    with pytest.raises(ValidationError):
        NewComment(author_name="\u202e\x00", body="hi")


def test_unknown_fields_and_bad_email_are_refused() -> None:
    with pytest.raises(ValidationError):
        NewComment.model_validate({"author_name": "Ada", "body": "hi", "is_admin": True})
    with pytest.raises(ValidationError):
        NewComment(author_name="Ada", body="hi", author_email="not-an-email")


def test_public_view_carries_no_private_field() -> None:
    stored = StoredComment(
        id="01ABC",
        post_id="p1",
        author_name="Ada",
        body="hi",
        created_at=datetime(2026, 11, 27, 10, tzinfo=UTC),
        status="published",
        scores={"toxicity": 0.1},
        reasons=["x"],
        author_email_hash="e" * 64,
        client_hash="c" * 32,
    )
    public = stored.public().model_dump()
    assert set(public) == {"id", "post_id", "parent_id", "author_name", "body", "created_at", "status"}

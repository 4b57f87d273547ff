"""With nothing installed but the project, the submit handler scores with the starter model."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from moderation import runtime

from tests.integration.conftest import HttpResult
from tests.support.aws import ROOT

Post = Callable[..., HttpResult]
STARTER = ROOT / "layers" / "scoring" / "starter"


@pytest.fixture
def starter_only(aws: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No plugin, no `make model` output, no thresholds set: what a fresh clone has."""
    monkeypatch.delenv("MODERATION_SCORER")
    for name in ("REVIEW_THRESHOLD", "REJECT_THRESHOLD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MODEL_DIR", str(tmp_path / "no-model-here"))
    monkeypatch.setenv("STARTER_MODEL_DIR", str(STARTER))
    runtime.reset()


def post(post_comment: Post, body: str) -> HttpResult:
    return post_comment({"author_name": "Reader", "body": body})


@pytest.mark.usefixtures("starter_only")
def test_the_starter_is_the_scorer_and_says_so() -> None:
    scorer, description = runtime.scoring()

    assert scorer is not None
    assert description.startswith(f"starter:alt-profanity-check==1.9.1 from {STARTER}")
    assert "make model" in description


@pytest.mark.usefixtures("starter_only")
def test_a_civil_comment_is_published(post_comment: Post) -> None:
    result = post(post_comment, "hello there, nice post")

    assert (result.status, result.body["status"]) == (201, "published")


@pytest.mark.usefixtures("starter_only")
def test_a_plain_insult_is_held_for_a_moderator(post_comment: Post, aws: Any) -> None:
    result = post(post_comment, "you are a fucking idiot")

    assert (result.status, result.body["status"]) == (202, "pending")
    [item] = [item for item in aws.scan()["Items"] if item["pk"].startswith("COMMENT#")]
    assert item["reasons"] == ["score:toxicity"]
    assert float(item["scores"]["toxicity"]) > 0.99


@pytest.mark.usefixtures("starter_only")
def test_profanity_in_praise_is_held_not_rejected(post_comment: Post) -> None:
    # The starter can't tell swearing from abuse: its recommended reject threshold leaves it to people.
    result = post(post_comment, "This is fucking brilliant reporting")

    assert (result.status, result.body["status"]) == (202, "pending")


@pytest.mark.usefixtures("starter_only")
def test_the_environment_still_overrides_the_starters_thresholds(
    post_comment: Post, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REJECT_THRESHOLD", "0.99")
    runtime.reset()

    result = post(post_comment, "you are a fucking idiot")

    assert (result.status, result.body["error"]["code"]) == (422, "comment_rejected")


@pytest.mark.parametrize(
    "spec", ["no_such_module:make", "tests.support.scorers:missing", "tests.support.scorers"]
)
def test_a_plugin_that_cannot_load_holds_every_comment_and_never_crashes(
    post_comment: Post, aws: Any, monkeypatch: pytest.MonkeyPatch, spec: str
) -> None:
    monkeypatch.setenv("MODERATION_SCORER", spec)
    runtime.reset()

    result = post(post_comment, "hello there, nice post")

    assert (result.status, result.body["status"]) == (202, "pending")
    [item] = [item for item in aws.scan()["Items"] if item["pk"].startswith("COMMENT#")]
    assert item["reasons"] == ["scoring_unavailable"]
    assert f"MODERATION_SCORER={spec!r}" in runtime.scoring()[1]

"""`moderation serve` with SHADOW_MODEL_DIR: the local stack's stream relay feeds the shadow scoring
function, as the table's stream does in AWS, and the insights compare the two models."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from moderation.policy import Thresholds, decide
from moderation.scoring.base import score_text, scorer_from_dir

from tests.support.aws import ROOT
from tests.support.local_stack import LocalStackProcess, local_stack

pytestmark = pytest.mark.e2e

POST = "e2e-shadow"
TEXTS = ("What a thoughtful article", "You are a damn idiot", "meh [[insult=0.6]] shit")


def shadow_artifact(directory: Path) -> Path:
    """The starter model under another name: a second artifact whose scores a test can compute."""
    shutil.copytree(ROOT / "layers" / "scoring" / "starter", directory)
    manifest = json.loads((directory / "manifest.json").read_text())
    manifest["source"] = {"kind": "unverified", "name": "starter-copy"}
    (directory / "manifest.json").write_text(json.dumps(manifest))
    return directory


def wait_for_shadow(stack: LocalStackProcess, headers: dict[str, str], scored: int) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while True:
        report = stack.request("GET", f"/moderation/insights?post_id={POST}", headers=headers)
        assert report.status == 200, report.body
        shadow: dict[str, Any] | None = report.body["shadow"]
        if shadow is not None and shadow["scored"] == scored:
            return shadow
        assert time.monotonic() < deadline, f"shadow block: {shadow}\n{stack.log}"
        time.sleep(0.2)


def test_the_shadow_model_scores_every_new_comment_without_changing_it(tmp_path: Path) -> None:
    # GIVEN the local stack with the scripted live scorer and the starter model as its shadow
    artifact = shadow_artifact(tmp_path / "shadow")
    with local_stack(SHADOW_MODEL_DIR=str(artifact)) as stack:
        moderator = {"Authorization": f"Bearer {stack.token}"}
        # WHEN readers post three comments
        posted = [
            stack.request("POST", f"/posts/{POST}/comments", {"author_name": "Ada", "body": text})
            for text in TEXTS
        ]
        assert [reply.status for reply in posted] == [201, 201, 202]
        # THEN the shadow model scores each of them off the request path
        shadow = wait_for_shadow(stack, moderator, scored=3)
        detail = stack.request("GET", f"/moderation/comments/{posted[2].body['id']}", headers=moderator)
        public = stack.request("GET", f"/posts/{POST}/comments")

    # AND its decisions are compared with the live ones, exactly (the same thresholds, 0.5 / 0.9)
    starter = scorer_from_dir(artifact)
    thresholds = Thresholds(review=0.5, reject=0.9)
    live = ["published", "published", "held"]
    candidate = [_outcome(decide(score_text(starter, text), [], thresholds).status) for text in TEXTS]
    assert shadow["model"] == "unverified:starter-copy"
    assert shadow["agreement_with_live"] == pytest.approx(
        sum(a == b for a, b in zip(live, candidate, strict=True)) / 3
    )
    assert sum(sum(row.values()) for row in shadow["changes"].values()) == 3
    assert shadow["overall"]["automatic"] == {
        name: candidate.count(name) for name in ("published", "held", "rejected")
    }
    # AND the comments keep their status and version; the public listing shows no scores of any model
    assert (detail.body["status"], detail.body["version"]) == ("pending", 1)
    assert public.status == 200
    assert all("scores" not in item and "shadow_scores" not in item for item in public.body["items"])


def _outcome(status: str) -> str:
    return "held" if status == "pending" else status


def test_a_shadow_model_dir_without_a_model_is_a_clear_error(tmp_path: Path) -> None:
    from moderation_tools.errors import ToolError
    from moderation_tools.local.server import check_shadow_model

    with pytest.raises(ToolError, match=r"SHADOW_MODEL_DIR=.*holds no model"):
        check_shadow_model(tmp_path)
    check_shadow_model(shadow_artifact(tmp_path / "shadow"))

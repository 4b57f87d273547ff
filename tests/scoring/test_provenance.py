"""Every artifact says where its weights came from, and a fake model says so loudly at start."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from moderation.scoring.base import load_scorer, scorer_name
from moderation.scoring.manifest import read_manifest
from moderation.settings import Settings
from moderation_tools.model.provenance import checkpoint_source

RELEASE = "unbiased-albert-c8519128.ckpt"


def test_a_checkpoint_matching_detoxifys_release_is_verified() -> None:
    source = checkpoint_source(Path("/tmp") / RELEASE, "c8519128" + "0" * 56, "unbiased-small", False)

    assert (source.kind, source.name, source.file) == ("detoxify-release", "unbiased-small", RELEASE)
    assert source.describe() == "detoxify:unbiased-small (sha256 c8519128…)"


@pytest.mark.parametrize(
    ("name", "digest"),
    [(RELEASE, "deadbeef" + "0" * 56), ("my-finetune.ckpt", "c8519128" + "0" * 56)],
)
def test_any_other_checkpoint_is_unverified(name: str, digest: str) -> None:
    source = checkpoint_source(Path(name), digest, "unbiased-small", False)

    assert source.kind == "unverified"
    assert source.describe() == f"unverified:{name} (sha256 {digest[:8]}…)"


def test_the_test_artifacts_are_random_weights_and_warn_at_start(
    artifact: Callable[[str, str], Path], caplog: pytest.LogCaptureFixture
) -> None:
    model_dir = artifact("unbiased-small", "int8")

    scorer, description = load_scorer(Settings(model_dir=model_dir))

    assert scorer is not None
    assert read_manifest(model_dir).provenance.kind == "random-weights"
    assert scorer_name(scorer).startswith("random-weights:")
    assert description.startswith("random-weights:")
    warnings = [record.getMessage() for record in caplog.records if record.levelname == "WARNING"]
    assert any("NOT A REAL MODEL" in message for message in warnings)

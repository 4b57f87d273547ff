"""Base-size models: the artifact fetched from S3 at init (MODEL_S3_URI), here from moto's S3."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import boto3
import pytest
from moderation.scoring.base import load_scorer
from moderation.scoring.onnx_scorer import OnnxScorer
from moderation.settings import Settings
from moto import mock_aws


@pytest.fixture
def bucket() -> Iterator[str]:
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="models")
        yield "models"


def upload(directory: Path, bucket: str, prefix: str) -> None:
    s3 = boto3.client("s3", region_name="us-east-1")
    for path in directory.iterdir():
        s3.upload_file(str(path), bucket, f"{prefix}/{path.name}")


def test_the_exported_artifact_is_fetched_and_scores(
    artifact: Callable[[str, str], Path], bucket: str, tmp_path: Path
) -> None:
    # GIVEN `make model`'s directory uploaded as is
    exported = artifact("unbiased-small", "int8")
    upload(exported, bucket, "unbiased-small")

    # WHEN the function starts with MODEL_S3_URI
    settings = Settings(model_s3_uri=f"s3://{bucket}/unbiased-small", model_dir=tmp_path / "model")
    scorer, description = load_scorer(settings)

    # THEN it scores exactly as the artifact on disk does
    assert isinstance(scorer, OnnxScorer), description
    for name in ("manifest.json", "model.onnx", "tokenizer.json"):
        assert (tmp_path / "model" / name).read_bytes() == (exported / name).read_bytes()
    assert scorer.predict(["hello there"]) == OnnxScorer.from_dir(exported).predict(["hello there"])


def test_a_missing_artifact_holds_every_comment_and_says_how_to_fix_it(bucket: str, tmp_path: Path) -> None:
    settings = Settings(model_s3_uri=f"s3://{bucket}/nothing-here", model_dir=tmp_path / "model")

    scorer, description = load_scorer(settings)

    assert scorer is None
    assert "HELD FOR REVIEW" in description
    assert "s3:GetObject" in description
    # Nothing half-downloaded may pass for a model at the next start.
    assert not (tmp_path / "model" / "manifest.json").exists()


def test_a_uri_that_is_not_s3_is_refused(tmp_path: Path) -> None:
    scorer, description = load_scorer(Settings(model_s3_uri="https://example.com/m", model_dir=tmp_path))
    assert scorer is None
    assert "s3://bucket/prefix" in description

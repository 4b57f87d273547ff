"""The artifact manifest: read back exactly what export wrote; anything else is a clear error."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from moderation.scoring.base import load_scorer
from moderation.scoring.manifest import (
    MANIFEST_NAME,
    ManifestError,
    ModelManifest,
    ModelSource,
    RecommendedThresholds,
    read_manifest,
)
from moderation.settings import Settings

WRITTEN = {
    "model_type": "unbiased-small",
    "labels": ["toxicity", "severe_toxicity", "obscene", "identity_attack", "insult", "threat"],
    "max_tokens": 512,
    "pad_token_id": 0,
    "quantization": "int8",
    "checkpoint_sha256": "ab" * 32,
    "versions": {"onnxruntime": "1.32.0"},
    "onnx_file": "model.onnx",
    "tokenizer_file": "tokenizer.json",
    "format_version": 1,
}
STARTER = {
    "kind": "tfidf",
    "model_type": "alt-profanity-check-tfidf-svm",
    "labels": ["toxicity"],
    "source": {"kind": "package", "name": "alt-profanity-check", "version": "1.9.1", "licence": "MIT"},
    "thresholds": {"review": 0.5, "reject": 1.0},
    "tokenizer_file": "vocabulary.json",
    "weights_file": "weights.f64",
    "format_version": 3,
}


def manifest_text(**changes: Any) -> str:
    return json.dumps({**WRITTEN, **changes})


def test_what_export_writes_reads_back_equal(tmp_path: Path) -> None:
    manifest = ModelManifest.from_json(manifest_text())
    (tmp_path / MANIFEST_NAME).write_text(manifest.to_json())

    assert read_manifest(tmp_path) == manifest
    assert manifest.labels == WRITTEN["labels"]
    assert (manifest.onnx_file, manifest.tokenizer_file, manifest.format_version) == (
        "model.onnx",
        "tokenizer.json",
        1,
    )


# What a manifest held before format 3: what a deployed stack of that release can read.
FIELDS_BEFORE_FORMAT_3 = {
    "model_type",
    "labels",
    "kind",
    "max_tokens",
    "pad_token_id",
    "quantization",
    "checkpoint_sha256",
    "source",
    "thresholds",
    "versions",
    "onnx_file",
    "tokenizer_file",
    "format_version",
}


def test_a_transformer_manifest_is_written_as_the_release_before_wrote_it() -> None:
    """A model exported now still loads in a stack not yet upgraded (a rollback, a shadow)."""
    written = json.loads(ModelManifest.from_json(manifest_text(format_version=2)).to_json())
    exported = json.loads(
        ModelManifest(model_type="x", labels=["toxicity"], max_tokens=8, pad_token_id=0).to_json()
    )

    assert set(written) <= FIELDS_BEFORE_FORMAT_3
    assert (written["format_version"], exported["format_version"]) == (2, 2)
    assert "weights_file" not in exported


def test_a_tfidf_manifest_names_no_network() -> None:
    written = json.loads(ModelManifest.from_json(json.dumps(STARTER)).to_json())

    assert "onnx_file" not in written
    assert (written["weights_file"], written["format_version"]) == ("weights.f64", 3)


def test_a_manifest_from_before_provenance_reads_as_unverified() -> None:
    manifest = ModelManifest.from_json(manifest_text())

    assert manifest.kind == "transformer"
    assert manifest.source is None
    assert manifest.provenance.kind == "unverified"
    assert not manifest.provenance.is_real_model
    assert manifest.provenance.describe() == "unverified:unbiased-small (sha256 abababab…)"


def test_the_starter_manifest_round_trips_with_source_and_thresholds() -> None:
    manifest = ModelManifest.from_json(json.dumps(STARTER))

    assert ModelManifest.from_json(manifest.to_json()) == manifest
    assert (manifest.kind, manifest.format_version, manifest.max_tokens) == ("tfidf", 3, None)
    assert manifest.thresholds == RecommendedThresholds(review=0.5, reject=1.0)
    assert manifest.provenance.is_real_model
    assert manifest.provenance.describe() == "starter:alt-profanity-check==1.9.1"


@pytest.mark.parametrize(
    ("source", "name"),
    [
        (
            ModelSource(kind="detoxify-release", name="unbiased-small", file="x.ckpt", sha256="c8519128" * 8),
            "detoxify:unbiased-small (sha256 c8519128…)",
        ),
        (
            ModelSource(kind="unverified", name="unbiased", file="mine.ckpt", sha256="12" * 32),
            "unverified:mine.ckpt (sha256 12121212…)",
        ),
        (ModelSource(kind="random-weights", name="original", file="tiny.ckpt"), "random-weights:tiny.ckpt"),
    ],
)
def test_every_source_has_a_short_name(source: ModelSource, name: str) -> None:
    assert source.describe() == name
    assert source.is_real_model == (source.kind == "detoxify-release")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"source": {"kind": "trust-me", "name": "x"}}, "kind must be"),
        ({"source": {"kind": "package", "name": "x", "url": "http://x"}}, r"unknown fields \['url'\]"),
        ({"source": "alt-profanity-check"}, "source must be ModelSource or null"),
        ({"thresholds": {"review": 0.9, "reject": 0.5}}, "review <= reject"),
        ({"thresholds": {"review": True, "reject": 1.0}}, "review must be float"),
        ({"kind": "bag-of-words"}, "'transformer' or 'tfidf'"),
        ({"format_version": 2}, "regenerate it with `make starter-model`"),
        ({"weights_file": "../weights.f64"}, "not a file name"),
        ({"weights_file": ""}, "not a file name"),
    ],
)
def test_a_wrong_new_field_is_named_in_the_error(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ManifestError, match=message):
        ModelManifest.from_json(json.dumps({**STARTER, **changes}))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"max_tokens": True}, "max_tokens must be int"),
        ({"max_tokens": "512"}, "max_tokens must be int"),
        ({"max_tokens": 0}, "positive max_tokens"),
        ({"max_tokens": None}, "positive max_tokens"),
        ({"labels": []}, "at least one label"),
        ({"labels": ["toxicity", 3]}, r"labels must be list\[str\]"),
        ({"versions": {"onnxruntime": 1.32}}, r"versions must be dict\[str, str\]"),
        ({"quantization": "int4"}, "'int8' or 'none'"),
        ({"format_version": 4}, "format_version must be 1 or 2 or 3"),
        ({"onnx_file": "../model.onnx"}, "not a file name"),
        ({"tokenizer_file": "/etc/passwd"}, "not a file name"),
        ({"extra": 1}, r"unknown fields \['extra'\]"),
    ],
)
def test_a_wrong_field_is_named_in_the_error(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ManifestError, match=message):
        ModelManifest.from_json(manifest_text(**changes))


def test_a_missing_field_is_named_in_the_error() -> None:
    without_labels = {key: value for key, value in WRITTEN.items() if key != "labels"}

    with pytest.raises(ManifestError, match="'labels'"):
        ModelManifest.from_json(json.dumps(without_labels))


@pytest.mark.parametrize("text", ["", "[1, 2]", "{not json"])
def test_a_manifest_that_is_not_a_json_object_is_refused(text: str) -> None:
    with pytest.raises(ManifestError):
        ModelManifest.from_json(text)


def test_a_bad_manifest_means_hold_all_with_the_file_and_the_fix(tmp_path: Path) -> None:
    (tmp_path / MANIFEST_NAME).write_text(manifest_text(labels="toxicity"))

    scorer, description = load_scorer(Settings(model_dir=tmp_path))

    assert scorer is None
    assert "HELD FOR REVIEW" in description
    assert str(tmp_path / MANIFEST_NAME) in description
    assert "make model" in description

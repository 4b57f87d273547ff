"""Base-size models don't fit a zip Lambda's 250 MB: fetch the artifact from S3 at init instead.

`MODEL_S3_URI=s3://bucket/prefix` names a directory written by `moderation model export`; its
files go to local storage (Lambda's /tmp) once per execution environment.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import boto3

from moderation.scoring.manifest import MANIFEST_NAME, ModelManifest


def fetch_model(uri: str, target: Path) -> Path:
    """Download manifest, model and tokenizer from `uri` into `target` (skipped if already there)."""
    parts = urlsplit(uri)
    if parts.scheme != "s3" or not parts.netloc:
        raise ValueError(f"MODEL_S3_URI must look like s3://bucket/prefix, got {uri!r}")
    bucket, prefix = parts.netloc, parts.path.strip("/")
    if (target / MANIFEST_NAME).is_file():
        return target
    s3 = boto3.client("s3")
    target.mkdir(parents=True, exist_ok=True)
    partial = target / f"{MANIFEST_NAME}.partial"
    s3.download_file(bucket, _key(prefix, MANIFEST_NAME), str(partial))
    # Checked before anything else is fetched: its file names must stay inside `target`.
    manifest = ModelManifest.from_json(partial.read_text(encoding="utf-8"))
    for name in manifest.files:
        s3.download_file(bucket, _key(prefix, name), str(target / name))
    # The manifest lands last, so an interrupted download is never mistaken for a complete one.
    partial.rename(target / MANIFEST_NAME)
    return target


def _key(prefix: str, name: str) -> str:
    return f"{prefix}/{name}" if prefix else name

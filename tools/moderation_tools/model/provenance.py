"""Where a Detoxify checkpoint came from, as the manifest records it (see ModelSource)."""

from __future__ import annotations

import re
from pathlib import Path

from moderation.scoring.manifest import ModelSource

# Detoxify's release files carry the start of their SHA-256: `unbiased-albert-c8519128.ckpt`.
_DIGEST_IN_NAME = re.compile(r"-([0-9a-f]{8,})\.ckpt$")


def checkpoint_source(checkpoint: Path, digest: str, model_type: str, random_weights: bool) -> ModelSource:
    """A Detoxify release if the file is one of Detoxify's and its SHA-256 matches, else unverified."""
    if random_weights:
        return ModelSource(kind="random-weights", name=model_type, file=checkpoint.name, sha256=digest)
    from detoxify.detoxify import MODEL_URLS

    for release_type, url in MODEL_URLS.items():
        release_file = url.rsplit("/", 1)[-1]
        expected = _DIGEST_IN_NAME.search(release_file)
        if checkpoint.name == release_file and expected and digest.startswith(expected.group(1)):
            return ModelSource(
                kind="detoxify-release",
                name=release_type,
                file=release_file,
                sha256=digest,
                licence="Apache-2.0",
            )
    return ModelSource(kind="unverified", name=model_type, file=checkpoint.name, sha256=digest)

"""Export a model of the default type's real shape (random weights) for `sam build`'s size check.

Real weights can't be downloaded in CI; the artifact's size depends on the shape, not the values.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from moderation.scoring.manifest import MANIFEST_NAME
from moderation_tools.model.download import DEFAULT_MODEL_TYPE
from moderation_tools.model.export import export_model

from tests.scoring.checkpoints import build_checkpoint


def main(out: Path) -> None:
    if (out / MANIFEST_NAME).is_file():
        return
    with tempfile.TemporaryDirectory() as work:
        built = build_checkpoint(DEFAULT_MODEL_TYPE, Path(work), max_length=512, full=True)
        export_model(built.checkpoint, built.hf_config, out, quantize="int8", random_weights=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]))

"""An export that can't be done ends in one line naming the file, not a traceback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import torch
from moderation_tools.cli import main

from tests.scoring.checkpoints import Built


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\x00not a checkpoint at all", "not a Detoxify checkpoint"),
        ({"state_dict": {}}, "not a Detoxify checkpoint ('config')"),
    ],
)
def test_a_file_that_is_not_a_detoxify_checkpoint_is_refused(
    content: bytes | dict[str, object],
    reason: str,
    built: Callable[[str], Built],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    checkpoint = tmp_path / "broken.ckpt"
    if isinstance(content, bytes):
        checkpoint.write_bytes(content)
    else:
        torch.save(content, checkpoint)
    hf_config = built("unbiased-small").hf_config

    code = main(
        [
            "model",
            "export",
            "--checkpoint",
            str(checkpoint),
            "--hf-config",
            str(hf_config),
            "--out",
            str(tmp_path / "model"),
        ]
    )

    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith(f"moderation: {checkpoint} is {reason}")
    assert err.count("\n") == 1
    assert not (tmp_path / "model" / "manifest.json").exists()

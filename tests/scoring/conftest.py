"""Tiny Detoxify checkpoints of every model type, their exports, and Detoxify as the reference."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"  # before transformers is imported: nothing may be downloaded

from tests.scoring.checkpoints import FAMILIES, Built, build_checkpoint


@pytest.fixture(scope="session")
def checkpoints_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("checkpoints")


@pytest.fixture(scope="session")
def built(checkpoints_dir: Path) -> Callable[[str], Built]:
    cache: dict[str, Built] = {}

    def get(model_type: str) -> Built:
        if model_type not in cache:
            cache[model_type] = build_checkpoint(model_type, checkpoints_dir)
        return cache[model_type]

    return get


@pytest.fixture(scope="session")
def artifact(
    built: Callable[[str], Built], tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str, str], Path]:
    """The exported artifact directory for a model type and quantization, exported once."""
    from moderation_tools.model.export import export_model

    cache: dict[tuple[str, str], Path] = {}

    def get(model_type: str, quantize: str) -> Path:
        key = (model_type, quantize)
        if key not in cache:
            source = built(model_type)
            out = tmp_path_factory.mktemp(f"artifact-{model_type}-{quantize}")
            export_model(source.checkpoint, source.hf_config, out, quantize=quantize, random_weights=True)  # type: ignore[arg-type]
            cache[key] = out
        return cache[key]

    return get


@pytest.fixture(scope="session")
def detoxify(built: Callable[[str], Built], checkpoints_dir: Path) -> Callable[[str], Any]:
    """Detoxify itself, loaded offline the documented way, fixed here independently of export."""
    import torch
    from detoxify import Detoxify

    cache: dict[str, Any] = {}

    def get(model_type: str) -> Any:
        if model_type not in cache:
            source = built(model_type)
            family = FAMILIES[model_type]
            config_dir = checkpoints_dir / f"{model_type}-reference-hf"
            shutil.copytree(source.hf_config, config_dir)
            config = json.loads((config_dir / "config.json").read_text())
            (config_dir / "config.json").write_text(json.dumps({**config, "num_labels": family.num_classes}))
            tokenizer_config = json.loads((config_dir / "tokenizer_config.json").read_text())
            limit = config["max_position_embeddings"] - (
                config["pad_token_id"] + 1 if "roberta" in config["model_type"] else 0
            )
            (config_dir / "tokenizer_config.json").write_text(
                json.dumps({**tokenizer_config, "model_max_length": limit})
            )
            loaded = torch.load(source.checkpoint, weights_only=False)
            loaded["config"]["arch"]["args"]["model_type"] = str(config_dir)
            checkpoint = checkpoints_dir / f"{model_type}-reference.ckpt"
            torch.save(loaded, checkpoint)
            cache[model_type] = Detoxify(checkpoint=str(checkpoint), huggingface_config_path=str(config_dir))
        return cache[model_type]

    return get

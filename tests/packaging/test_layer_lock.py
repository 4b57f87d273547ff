"""The layers ship exactly what uv.lock pins, and uv.lock pins what the tests run."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from importlib.metadata import version
from pathlib import Path

import pytest

from scripts import lock_layers
from scripts.lock_layers import LAYERS, RUNTIME_PROVIDED, Lock, render, stale

UV = Path(sys.executable).with_name("uv")


def pinned(layer: lock_layers.Layer) -> dict[str, str]:
    return dict(line.split("==") for line in render(Lock.load(), layer).splitlines() if "==" in line)


def test_uv_lock_is_in_step_with_pyproject() -> None:
    # GIVEN pyproject.toml and uv.lock as committed
    # WHEN uv checks the lock without the network
    checked = subprocess.run(
        [str(UV), "lock", "--check", "--offline"], cwd=lock_layers.ROOT, capture_output=True, text=True
    )
    # THEN it needs no change (else: run `make lock`)
    assert checked.returncode == 0, checked.stderr


def test_the_layers_requirements_are_what_uv_lock_gives() -> None:
    assert stale(Lock.load()) == [], "run `make lock`"


def test_a_hand_edited_requirements_file_is_caught(tmp_path: Path) -> None:
    # GIVEN the common layer's requirements with one pin changed by hand
    edited = tmp_path / "requirements.txt"
    edited.write_text(LAYERS[0].requirements.read_text().replace("pydantic==", "pydantic==0.0.1\n# was "))
    # WHEN the check compares it with what uv.lock gives, THEN it names that file
    assert stale(Lock.load(), [replace(LAYERS[0], requirements=edited)]) == [edited]


def test_the_common_layer_leaves_the_sdk_to_the_runtime() -> None:
    common = pinned(LAYERS[0])
    assert "aws-xray-sdk" in common  # Powertools' tracer, which depends on botocore...
    assert not set(common) & RUNTIME_PROVIDED  # ...that the runtime provides, with its boto3
    assert {"aws-lambda-powertools", "pydantic", "pydantic-settings", "python-ulid"} <= set(common)


def test_the_scoring_layer_is_what_the_scorer_imports_and_nothing_else() -> None:
    assert set(pinned(LAYERS[1])) == {"numpy", "onnxruntime", "tokenizers"}


@pytest.mark.parametrize("layer", LAYERS, ids=lambda layer: layer.requirements.parent.name)
def test_the_layers_ship_the_versions_the_tests_run(layer: lock_layers.Layer) -> None:
    # The tests run on Python 3.11 and Lambda on 3.12: the lock holds both to the same versions.
    assert {name: version(name) for name in pinned(layer)} == pinned(layer)

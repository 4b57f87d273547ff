"""The README's promise for a new user: a plain `sam build` of a fresh clone succeeds before
`make model` has run, and the scoring layer carries the starter model.

A fresh clone is the tracked files copied to an empty folder (so no model/). The build's output
and SAM's cache live under build/sam-fresh-clone, apart from the other tests' build (which puts a
model in the layer): SAM's cache knows a layer by its source alone, not by MODEL_DIR.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from tests.sam.conftest import SAM_VENV_BIN, python312, run
from tests.support.aws import ROOT

FRESH_BUILD = ROOT / "build" / "sam-fresh-clone"
STARTER = ROOT / "layers" / "scoring" / "starter"


def fresh_clone(into: Path) -> Path:
    tracked = (
        subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, tracked):
        source = ROOT / name
        if source.is_file():  # a tracked file deleted in the working tree is not in a clone
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, into / name)
    return into


def test_a_plain_sam_build_of_a_fresh_clone_puts_the_starter_model_in_the_scoring_layer(
    tmp_path: Path,
) -> None:
    # GIVEN a fresh clone, where `make model` never ran
    clone = fresh_clone(tmp_path / "clone")
    assert not (clone / "model").exists()

    # WHEN `sam build` runs on it with no MODEL_DIR (python3.12 and SAM CLI on PATH)
    FRESH_BUILD.mkdir(parents=True, exist_ok=True)
    shell = {name: value for name, value in os.environ.items() if name != "MODEL_DIR"}
    path = os.pathsep.join([str(python312().parent), str(SAM_VENV_BIN), os.environ["PATH"]])
    run(
        [
            *("sam", "build", "--template-file", clone / "template.yaml", "--base-dir", clone),
            *("--build-dir", FRESH_BUILD / "build", "--cache-dir", FRESH_BUILD / "cache", "--cached"),
        ],
        cwd=FRESH_BUILD,  # where sam build --cached keeps its build.toml
        env={**shell, "PATH": path, "SAM_CLI_TELEMETRY": "0"},
    )

    # THEN the scoring layer carries the committed starter model, and no other model
    layer = FRESH_BUILD / "build" / "ScoringLayer"
    carried = {path.name: path.read_bytes() for path in (layer / "starter").iterdir()}
    assert carried == {path.name: path.read_bytes() for path in STARTER.iterdir()}
    assert not (layer / "model").exists()

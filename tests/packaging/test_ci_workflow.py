"""The repository host's CI runs the README's `make test` on Linux and on macOS."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

WORKFLOW = Path(__file__).resolve().parents[2] / ".github/workflows/test.yml"


def job() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text())
    test_job: dict[str, Any] = document["jobs"]["test"]
    return test_job


def test_make_test_runs_on_linux_and_macos() -> None:
    assert set(job()["strategy"]["matrix"]["os"]) == {"ubuntu-latest", "macos-latest"}
    assert job()["steps"][-1]["run"] == "make test"


def test_python311_is_python3_and_python312_is_there_for_sam_build() -> None:
    setup = next(step for step in job()["steps"] if step.get("uses", "").startswith("actions/setup-python@"))
    # setup-python makes the last version listed the default `python3`.
    assert setup["with"]["python-version"].split() == ["3.12", "3.11"]


def test_pip_and_playwright_caches_are_kept_on_both_platforms() -> None:
    cache = next(step for step in job()["steps"] if step.get("uses", "").startswith("actions/cache@"))
    assert set(cache["with"]["path"].split()) == {
        "~/.cache/pip",
        "~/Library/Caches/pip",
        "~/.cache/ms-playwright",
        "~/Library/Caches/ms-playwright",
    }

"""Every test runs offline against fakes or moto; nothing can reach AWS or a model hub."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import settings

os.environ.update(
    {
        "HF_HUB_OFFLINE": "1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_DISABLED": "true",
        # Disabled metrics are never flushed; at 100 values Powertools serializes, which needs this.
        "POWERTOOLS_METRICS_NAMESPACE": "CommentModeration",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
    }
)
os.environ.pop("AWS_PROFILE", None)

# `make test` runs the same examples every time (seeded from each test's source, no example
# database), so it passes or fails the same way; `make fuzz` loads `fuzz` for random seeds.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("fuzz", max_examples=int(os.environ.get("FUZZ_EXAMPLES", "500")))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def _environment_restored() -> Iterator[None]:
    """Commands run in-process (the CLI's `main`) may set variables, as a process would: undo them."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)

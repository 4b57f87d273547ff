"""The Detoxify-based handler of `make bench`: Detoxify (torch) as the submit function's scorer,
through MODERATION_SCORER=detoxify_scorer:make, loading the same-shape checkpoint."""

import os
from typing import Any


def make() -> Any:
    from detoxify import Detoxify

    return Detoxify(
        checkpoint=os.environ["BENCH_DETOXIFY_CHECKPOINT"],
        huggingface_config_path=os.environ["BENCH_DETOXIFY_HF_CONFIG"],
    )

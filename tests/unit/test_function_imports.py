"""Each function builds only what it uses: the read path and the moderators' API never load the model."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WATCHED = ("moderation", "onnxruntime", "tokenizers", "numpy", "boto3", "s3transfer", "botocore")
PROGRAM = f"""
import importlib, json, sys
module = importlib.import_module(sys.argv[1])
print(json.dumps(sorted(name for name in sys.modules if name.split(".")[0] in {WATCHED!r})))
"""


def after_init(program: str, function_dir: str, module: str, **variables: str) -> set[str]:
    """What `program` prints (a JSON list, last) in a fresh process that imported the function."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            [str(ROOT / "layers" / "common"), str(ROOT / "functions" / function_dir)]
        ),
        "TABLE_NAME": "Comments",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "APP_SECRET": "test-secret",
    } | variables
    result = subprocess.run(
        [sys.executable, "-c", program, module], env=env, capture_output=True, text=True, check=True
    )
    # The last line: the functions log their start-up to standard output before it.
    return set(json.loads(result.stdout.splitlines()[-1]))


def modules_loaded_at_init(function_dir: str, module: str) -> set[str]:
    return after_init(PROGRAM, function_dir, module)


@pytest.mark.parametrize(
    ("function_dir", "module"),
    [
        ("list_comments", "list_comments"),
        ("moderation_api", "moderation_api"),
        ("moderation_console", "moderation_console"),
        ("count_expired", "count_expired"),
        ("pending_alert", "pending_alert"),
        ("spam_learning", "spam_learning"),
    ],
)
def test_functions_that_do_not_score_never_import_the_scorer(function_dir: str, module: str) -> None:
    loaded = modules_loaded_at_init(function_dir, module)

    assert "moderation.runtime" in loaded
    assert not {name for name in loaded if name.startswith("moderation.scoring")}
    assert not {name for name in loaded if name.split(".")[0] in ("onnxruntime", "tokenizers", "numpy")}


def test_the_submit_function_loads_its_scorer_at_init() -> None:
    loaded = modules_loaded_at_init("submit_comment", "submit_comment")

    assert "moderation.scoring.base" in loaded
    # and its spam filter with the seed: the first comment doesn't wait for them
    assert "moderation.spam.seed" in loaded


def test_the_submit_function_scoring_with_the_starter_loads_no_numpy_or_onnxruntime(tmp_path: Path) -> None:
    """Importing them and opening a session took about 0.1 s of the cold start; the starter needs neither."""
    loaded = after_init(
        PROGRAM,
        "submit_comment",
        "submit_comment",
        MODEL_DIR=str(tmp_path / "no-model"),
        STARTER_MODEL_DIR=str(ROOT / "layers" / "scoring" / "starter"),
    )

    assert "moderation.scoring.tfidf_scorer" in loaded
    assert not {name for name in loaded if name.split(".")[0] in ("onnxruntime", "tokenizers", "numpy")}


@pytest.mark.parametrize(
    ("function_dir", "module"),
    [
        ("submit_comment", "submit_comment"),
        ("list_comments", "list_comments"),
        ("moderation_api", "moderation_api"),
    ],
)
def test_the_store_starts_on_botocore_alone(function_dir: str, module: str) -> None:
    """boto3 (and the s3transfer it imports) was the largest cost of the start after the model."""
    loaded = modules_loaded_at_init(function_dir, module)

    assert "botocore.client" in loaded
    assert not {name for name in loaded if name.split(".")[0] in ("boto3", "s3transfer")}


BUILT_MODELS = """
import importlib, json, sys
importlib.import_module(sys.argv[1])
from pydantic import BaseModel
import moderation.models, pkgutil
modules = [importlib.import_module(f"moderation.models.{info.name}")
           for info in pkgutil.iter_modules(moderation.models.__path__)]
print(json.dumps(sorted({
    name for module in modules for name, model in vars(module).items()
    if isinstance(model, type) and issubclass(model, BaseModel) and model.__pydantic_complete__
})))
"""


def test_the_submit_function_builds_at_init_the_validators_a_submission_uses_and_no_others() -> None:
    built = after_init(BUILT_MODELS, "submit_comment", "submit_comment")

    assert {"NewComment", "StoredComment", "PublicComment", "PostSettings", "AuthorRecord"} <= built
    assert not built & {"ModerationQueuePage", "DecisionRequest", "BulkDecisionRequest", "ThreadPage"}

"""The deployed scorer needs onnxruntime, tokenizers and numpy: no torch, transformers or pydantic."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(REPO / "layers" / "common")}
# What site.py may load before the program runs, whatever the program imports (the editable
# install's finder among them).
STARTUP = {"__main__", "_distutils_hack"}


def loaded_by_the_program(names: str) -> set[str]:
    return {name for name in names.split() if name not in STARTUP and not name.startswith("__editable__")}


def test_scoring_imports_only_onnxruntime_tokenizers_and_numpy(artifact: Callable[[str, str], Path]) -> None:
    program = (
        "import sys; from pathlib import Path; from moderation.scoring.onnx_scorer import OnnxScorer; "
        "OnnxScorer.from_dir(Path(sys.argv[1])).predict(['hello']); "
        "print(' '.join({name.split('.')[0] for name in sys.modules} - set(sys.stdlib_module_names)))"
    )

    result = subprocess.run(
        [sys.executable, "-c", program, str(artifact("unbiased-small", "int8"))],
        env=ENV,
        check=True,
        capture_output=True,
        text=True,
    )

    assert loaded_by_the_program(result.stdout) == {"moderation", "onnxruntime", "tokenizers", "numpy"}


def test_the_scoring_package_imports_without_onnxruntime() -> None:
    program = "import sys; sys.modules['onnxruntime'] = None; import moderation.scoring"

    subprocess.run([sys.executable, "-c", program], env=ENV, check=True)


STARTER = REPO / "layers" / "scoring" / "starter"


def test_the_starter_imports_nothing_beyond_the_standard_library() -> None:
    program = (
        "import sys; from pathlib import Path; from moderation.scoring.tfidf_scorer import TfidfScorer; "
        "TfidfScorer.from_dir(Path(sys.argv[1])).predict(['hello']); "
        "print(' '.join({name.split('.')[0] for name in sys.modules} - set(sys.stdlib_module_names)))"
    )

    result = subprocess.run(
        [sys.executable, "-c", program, str(STARTER)], env=ENV, check=True, capture_output=True, text=True
    )

    assert loaded_by_the_program(result.stdout) == {"moderation"}


def test_the_service_falling_back_to_the_starter_never_loads_scikit_learn(tmp_path: Path) -> None:
    program = (
        "import sys; from pathlib import Path; from moderation.scoring.base import load_scorer; "
        "from moderation.settings import Settings; "
        "settings = Settings(model_dir=Path(sys.argv[1]), starter_model_dir=Path(sys.argv[2])); "
        "scorer, _ = load_scorer(settings); "
        "scorer.predict(['hello']); print(' '.join(sys.modules))"
    )

    result = subprocess.run(
        [sys.executable, "-c", program, str(tmp_path), str(STARTER)],
        env=ENV,
        check=True,
        capture_output=True,
        text=True,
    )

    loaded = {name.split(".")[0] for name in result.stdout.split()}
    assert "moderation" in loaded
    assert loaded.isdisjoint({"sklearn", "scipy", "joblib", "profanity_check", "tokenizers", "torch"})

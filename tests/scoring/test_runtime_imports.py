"""The deployed scorer needs onnxruntime, tokenizers and numpy: never torch or transformers."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(REPO / "layers" / "common")}


def test_scoring_imports_neither_torch_nor_transformers(artifact: Callable[[str, str], Path]) -> None:
    program = (
        "import sys; from pathlib import Path; from moderation.scoring.onnx_scorer import OnnxScorer; "
        "OnnxScorer.from_dir(Path(sys.argv[1])).predict(['hello']); "
        "heavy = sorted({'torch', 'transformers', 'detoxify'} & set(sys.modules)); "
        "assert not heavy, heavy"
    )

    subprocess.run(
        [sys.executable, "-c", program, str(artifact("unbiased-small", "int8"))], env=ENV, check=True
    )


def test_the_scoring_package_imports_without_onnxruntime() -> None:
    program = "import sys; sys.modules['onnxruntime'] = None; import moderation.scoring"

    subprocess.run([sys.executable, "-c", program], env=ENV, check=True)

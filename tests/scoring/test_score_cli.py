"""`moderation score`: one JSON object per input line, with the policy's status."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from moderation.scoring.base import scorer_from_dir
from moderation_tools.model.score import score_lines

from tests.scoring.checkpoints import TRIGGER_WORD
from tests.support.scorers import ScriptedScorer

REPO = Path(__file__).resolve().parents[2]


def test_each_line_becomes_one_json_object_with_scores_and_status(
    artifact: Callable[[str, str], Path],
) -> None:
    model_dir = artifact("unbiased-small", "int8")
    stdin = io.StringIO(f"thanks for the post\n\nyou {TRIGGER_WORD}\nÜnïcödé 🙂\r\n")
    stdout = io.StringIO()

    code = score_lines(scorer_from_dir(model_dir), stdin, stdout, review_threshold=0.5, reject_threshold=0.9)

    rows = [json.loads(line) for line in stdout.getvalue().splitlines()]
    assert code == 0
    assert [row["text"] for row in rows] == ["thanks for the post", f"you {TRIGGER_WORD}", "Ünïcödé 🙂"]
    assert rows[1]["status"] == "rejected"
    for row in rows:
        worst = max(row["scores"].values())
        expected = "rejected" if worst >= 0.9 else "pending" if worst >= 0.5 else "published"
        assert row["status"] == expected


def test_thresholds_decide_the_status(artifact: Callable[[str, str], Path]) -> None:
    stdout = io.StringIO()

    score_lines(scorer_from_dir(artifact("unbiased-small", "int8")), io.StringIO("hello\n"), stdout, 0.0, 1.0)

    assert json.loads(stdout.getvalue())["status"] == "pending"


def test_end_to_end_in_a_fresh_process(artifact: Callable[[str, str], Path]) -> None:
    program = (
        "import sys; from pathlib import Path; from moderation_tools.model.score import score_lines; "
        "from moderation.scoring.base import scorer_from_dir; "
        "sys.exit(score_lines(scorer_from_dir(Path(sys.argv[1])), sys.stdin, sys.stdout, 0.5, 0.9))"
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(str(REPO / part) for part in ("layers/common", "tools")),
    }

    result = subprocess.run(
        [sys.executable, "-c", program, str(artifact("original", "int8"))],
        input=f"first comment\nsecond comment {TRIGGER_WORD}\n",
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )

    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["status"] for row in rows][1] == "rejected"
    assert len(rows) == 2


def test_without_a_model_dir_it_scores_as_the_service_does_with_the_starter(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(str(REPO / part) for part in ("layers/common", "tools", ".")),
        "MODEL_DIR": str(tmp_path / "nothing-here"),
    }
    for name in ("STARTER_MODEL_DIR", "REVIEW_THRESHOLD", "REJECT_THRESHOLD", "MODERATION_SCORER"):
        env.pop(name, None)

    result = subprocess.run(
        [sys.executable, "-m", "moderation_tools", "score"],
        input="hello there, nice post\nyou are a fucking idiot\n",
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )

    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["status"] for row in rows] == ["published", "pending"]
    assert list(rows[0]["scores"]) == ["toxicity"]
    assert "starter:alt-profanity-check==1.9.1" in result.stderr


def test_the_starter_command_writes_the_artifact(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from moderation_tools.cli import main

    assert main(["model", "starter", "--out", str(tmp_path)]) == 0

    assert (tmp_path / "manifest.json").read_bytes() == (
        REPO / "layers" / "scoring" / "starter" / "manifest.json"
    ).read_bytes()
    assert "starter:alt-profanity-check==1.9.1, MIT" in capsys.readouterr().out


def test_comments_are_scored_in_batches_of_similar_length_and_written_in_input_order() -> None:
    # GIVEN comments of very different lengths, one with a marker that makes it insulting
    lines = ["a" * 300, "short", "b" * 40 + " [[insult=0.95]]", "c" * 5000, "mid " * 10]
    scorer = ScriptedScorer()
    stdout = io.StringIO()
    # WHEN they are scored, two per batch
    score_lines(scorer, io.StringIO("\n".join(lines) + "\n"), stdout, 0.5, 0.9, lookahead=512, batch=2)
    # THEN each batch holds neighbours in length, and every answer is the right line's, in order
    assert scorer.calls == [["short", "mid " * 10], ["b" * 40 + " [[insult=0.95]]", "a" * 300], ["c" * 5000]]
    rows = [json.loads(line) for line in stdout.getvalue().splitlines()]
    assert [row["text"] for row in rows] == lines
    assert [row["status"] for row in rows] == ["published", "published", "rejected", "published", "published"]

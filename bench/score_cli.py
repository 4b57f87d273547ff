"""`python bench/score_cli.py --model-dir DIR [--comments N]`: `moderation score`'s throughput with
comments batched in input order (32 lines read at a time, as before) against batched by length
(512 read, sorted, scored 32 at a time), side by side on the same comments, rounds alternating.

Use a transformer artifact (`make model`, or the size check's full-shape random-weight export
`build/size-check-model` that `make lambda-size` writes): latency doesn't depend on the weights.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from moderation.scoring.base import Scorer, scorer_from_dir  # noqa: E402
from moderation_tools.model.score import BATCH, LOOKAHEAD, score_lines  # noqa: E402

WORDS = [
    "the",
    "a",
    "post",
    "great",
    "thanks",
    "article",
    "point",
    "agree",
    "data",
    "model",
    "policy",
    "city",
    "council",
    "budget",
    "idea",
    "people",
]


def comments(count: int, seed: int = 14) -> str:
    """Blog comments' lengths: most short, a long tail (5–400 words)."""
    rng = random.Random(seed)
    lines = []
    for _ in range(count):
        words = min(400, max(5, int(rng.lognormvariate(3.3, 0.9))))
        lines.append(" ".join(rng.choice(WORDS) for _ in range(words)))
    return "\n".join(lines) + "\n"


def seconds(scorer: Scorer, text: str, lookahead: int) -> float:
    started = time.perf_counter()
    score_lines(scorer, io.StringIO(text), io.StringIO(), 0.5, 0.9, lookahead=lookahead)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model-dir", type=Path, required=True)
    parser.add_argument("--comments", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    scorer = scorer_from_dir(args.model_dir)
    text = comments(args.comments)
    seconds(scorer, text[:2000], LOOKAHEAD)  # warm-up: the session's first runs are slower
    runs: dict[str, list[float]] = {"input order": [], "by length": []}
    for _ in range(args.rounds):
        runs["input order"].append(seconds(scorer, text, BATCH))
        runs["by length"].append(seconds(scorer, text, LOOKAHEAD))
    medians = {name: statistics.median(values) for name, values in runs.items()}
    print(f"{getattr(scorer, 'name', type(scorer).__name__)}, {args.comments} comments, {args.rounds} rounds")
    for name, median in medians.items():
        print(f"{name:<12} {median:8.2f} s  {args.comments / median:8.1f} comments/s")
    print(f"by length / input order: {medians['input order'] / medians['by length']:.2f}x the throughput")
    return 0


if __name__ == "__main__":
    sys.exit(main())

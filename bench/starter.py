"""The starter model against alt-profanity-check's own `predict_prob`, side by side.

Both load once in this process; each comment is scored by one and then the other, alternating
which goes first, so a slow spell of the machine falls on both. Per-comment latency is batch 1,
as the submit function scores; the batch row scores all comments in one call.

Usage: python bench/starter.py  (needs the `starter` extra: scikit-learn, alt-profanity-check)
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "layers" / "common"), str(REPO)]

STARTER = REPO / "layers" / "scoring" / "starter"
ROUNDS = 5


def main() -> None:
    from moderation.scoring.tfidf_scorer import TfidfScorer
    from profanity_check import predict_prob

    from tests.scoring.checkpoints import comments

    texts = comments(200, seed=2024, min_words=10, max_words=80)
    ours = TfidfScorer.from_dir(STARTER)
    sides: dict[str, Callable[[list[str]], object]] = {"ours": ours.predict, "scikit-learn": predict_prob}
    timings: dict[str, list[float]] = {name: [] for name in sides}
    for side in sides.values():
        side(texts[:5])  # warm up
    for round_number in range(ROUNDS):
        order = list(sides) if round_number % 2 == 0 else list(reversed(sides))
        for text in texts:
            for name in order:
                started = time.perf_counter()
                sides[name]([text])
                timings[name].append(time.perf_counter() - started)
    batch = {}
    for name, side in sides.items():
        started = time.perf_counter()
        side(texts)
        batch[name] = (time.perf_counter() - started) / len(texts)

    def p(name: str, q: int) -> float:
        return statistics.quantiles(timings[name], n=100)[q - 1] * 1000

    print("| measure | scikit-learn | ours | ours / scikit-learn |")
    print("|---|---|---|---|")
    for label, q in (("p50", 50), ("p95", 95)):
        theirs_ms, ours_ms = p("scikit-learn", q), p("ours", q)
        _row(f"latency {label} per comment (batch 1)", theirs_ms, ours_ms)
    theirs_ms, ours_ms = batch["scikit-learn"] * 1000, batch["ours"] * 1000
    _row(f"per comment in one batch of {len(texts)}", theirs_ms, ours_ms)
    size = sum(path.stat().st_size for path in STARTER.iterdir()) / 2**20
    print(f"\nartifact: {size:.2f} MiB ({', '.join(sorted(path.name for path in STARTER.iterdir()))})")


def _row(measure: str, theirs_ms: float, ours_ms: float) -> None:
    print(f"| {measure} | {theirs_ms:.3f} ms | {ours_ms:.3f} ms | {ours_ms / theirs_ms:.3f} |")


if __name__ == "__main__":
    main()

"""The word and link filters on adversarial bodies against prose of the same length, side by side.

Each body is 5,000 characters (the longest comment allowed). A filter whose time grows faster
than the length shows here as a ratio far above 1; the old link counter took ~350 ms on `a.a.a.…`
against 0.4 ms on prose.

Usage: python bench/filters.py [--repeat 30]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "layers" / "common"), str(REPO)]

from moderation.content_rules import WordLists, count_links  # noqa: E402

from tests.support.filter_corpus import BANNED, SUSPECT, lines  # noqa: E402

LENGTH = 5000


def prose() -> str:
    text = " ".join(lines("clean_comments.txt"))
    return (text * (LENGTH // len(text) + 1))[:LENGTH]


def adversarial() -> dict[str, str]:
    """Bodies built to make a backtracking pattern or a nested loop blow up."""
    return {
        "a.a.a.…": ("a." * LENGTH)[:LENGTH],
        "aaaa…": "a" * LENGTH,
        "dots …": "." * LENGTH,
        "[.][.]…": ("a[.]" * LENGTH)[:LENGTH],
        "a-a-a-…": ("a-" * LENGTH)[:LENGTH],
        "a a a …": ("a " * LENGTH)[:LENGTH],
        "1l1l…": ("1l" * LENGTH)[:LENGTH],
        "::::…": (":" * LENGTH),
        "<<<<…": ("<a" * LENGTH)[:LENGTH],
        "ha ha http://…": ("http://a." * LENGTH)[:LENGTH],
        "i d i o …": ("i d i o " * LENGTH)[:LENGTH],
        "RLO a RLO a …": ("\u202ea" * LENGTH)[:LENGTH],
        "RLO RLI a PDI PDF …": ("\u202e\u2067a\u2069\u202c" * LENGTH)[:LENGTH],
        "a•a•a•…": ("a\u2022" * LENGTH)[:LENGTH],
        "a.a⏎a.a⏎…": ("a.a\n" * LENGTH)[:LENGTH],
        "magnet:?magnet:?…": ("magnet:?" * LENGTH)[:LENGTH],
        "🇦🇦🇦…": "\U0001f1e6" * LENGTH,
    }


def best_time(function: Callable[[str], object], text: str, repeat: int) -> float:
    """The fastest of `repeat` runs: the least disturbed by anything else on the machine."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        function(text)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    words = WordLists.from_words(BANNED, SUSPECT)
    filters: dict[str, Callable[[str], object]] = {"links": count_links, "words": words.matches}
    baseline = {name: best_time(function, prose(), args.repeat) for name, function in filters.items()}
    print(f"{'body (5,000 characters)':<26}" + "".join(f"{name + ' ms':>12}{'ratio':>8}" for name in filters))
    print(f"{'prose':<26}" + "".join(f"{baseline[name] * 1e3:>12.2f}{1:>8.1f}" for name in filters))
    worst = 0.0
    for label, body in adversarial().items():
        row = f"{label:<26}"
        for name, function in filters.items():
            seconds = best_time(function, body, args.repeat)
            worst = max(worst, seconds / baseline[name])
            row += f"{seconds * 1e3:>12.2f}{seconds / baseline[name]:>8.1f}"
        print(row)
    print(f"worst ratio to prose: {worst:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

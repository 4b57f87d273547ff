"""`moderation score [--model-dir DIR]`: one comment per input line, one JSON object per output line.

For operators re-scoring past comments and tuning thresholds; the status is the model's alone
(the service may also hold a comment for links or word lists).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import islice
from typing import TextIO

from moderation.policy import decide, effective_thresholds
from moderation.scoring.base import Scorer

# Lines scored per call: batching is faster, and output still flows while input streams in.
CHUNK = 32


def score_lines(
    scorer: Scorer,
    stdin: TextIO,
    stdout: TextIO,
    review_threshold: float | None = None,
    reject_threshold: float | None = None,
) -> int:
    """Score every non-empty line of `stdin`; returns the exit code.

    Thresholds left unset are the model's recommended ones, else the defaults, as in the service.
    """
    thresholds = effective_thresholds(
        review_threshold, reject_threshold, getattr(scorer, "recommended_thresholds", None)
    )
    for chunk in _chunks(line.rstrip("\r\n") for line in stdin):
        texts = [text for text in chunk if text.strip()]
        if not texts:
            continue
        scores = scorer.predict(texts)
        for index, text in enumerate(texts):
            comment_scores = {label: values[index] for label, values in scores.items()}
            status = decide(comment_scores, [], thresholds).status
            stdout.write(
                json.dumps({"text": text, "scores": comment_scores, "status": status}, ensure_ascii=False)
            )
            stdout.write("\n")
        stdout.flush()
    return 0


def _chunks(lines: Iterator[str]) -> Iterator[list[str]]:
    while chunk := list(islice(lines, CHUNK)):
        yield chunk

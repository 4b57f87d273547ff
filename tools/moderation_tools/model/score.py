"""`moderation score [--model-dir DIR]`: one comment per input line, one JSON object per output line.

For operators re-scoring past comments and tuning thresholds; the status is the model's alone
(the service may also hold a comment for links or word lists).

Lines are read LOOKAHEAD at a time, ordered by length and scored BATCH at a time in that order, so
each batch holds comments of similar length: a transformer pads a batch to its longest comment,
and a batch of one long comment with short ones is mostly padding. The output keeps input order.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from itertools import islice
from typing import TextIO

from moderation.policy import decide, effective_thresholds
from moderation.scoring.base import Scorer

# Lines read before scoring: the wider, the better the sort; output flows every LOOKAHEAD lines.
LOOKAHEAD = 512
# Comments per predict call.
BATCH = 32


def score_lines(
    scorer: Scorer,
    stdin: TextIO,
    stdout: TextIO,
    review_threshold: float | None = None,
    reject_threshold: float | None = None,
    lookahead: int = LOOKAHEAD,
    batch: int = BATCH,
) -> int:
    """Score every non-empty line of `stdin`; returns the exit code.

    Thresholds left unset are the model's recommended ones, else the defaults, as in the service.
    """
    thresholds = effective_thresholds(
        review_threshold, reject_threshold, getattr(scorer, "recommended_thresholds", None)
    )
    for chunk in _chunks((line.rstrip("\r\n") for line in stdin), lookahead):
        texts = [text for text in chunk if text.strip()]
        for text, comment_scores in zip(texts, scores_by_length(scorer, texts, batch), strict=True):
            status = decide(comment_scores, [], thresholds).status
            stdout.write(
                json.dumps({"text": text, "scores": comment_scores, "status": status}, ensure_ascii=False)
            )
            stdout.write("\n")
        stdout.flush()
    return 0


def scores_by_length(scorer: Scorer, texts: Sequence[str], batch: int = BATCH) -> list[dict[str, float]]:
    """Each text's scores, in the order given, computed in batches of texts of similar length."""
    order = sorted(range(len(texts)), key=lambda index: len(texts[index]))
    scores: list[dict[str, float]] = [{} for _ in texts]
    for start in range(0, len(order), batch):
        chosen = order[start : start + batch]
        predicted = scorer.predict([texts[index] for index in chosen])
        for position, index in enumerate(chosen):
            scores[index] = {label: float(values[position]) for label, values in predicted.items()}
    return scores


def _chunks(lines: Iterator[str], size: int) -> Iterator[list[str]]:
    while chunk := list(islice(lines, size)):
        yield chunk

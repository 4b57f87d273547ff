"""The shipped evaluation set: a few hundred labelled comments, every class well represented."""

from __future__ import annotations

import json
import re
from collections import Counter

from moderation_tools.eval.dataset import CLASSES, DEFAULT_EVAL_SET, IDENTITY_CLASS, load_eval_set

MIN_PER_CLASS = 20
# Words whose absence makes a threat one a profanity filter cannot see.
_PROFANITY = re.compile(r"f\W*u?\W*c?\W*k|shit|bastard|damn|hell\b|bitch|ass", re.IGNORECASE)


def test_every_line_is_a_labelled_comment_of_a_known_class() -> None:
    raw = DEFAULT_EVAL_SET.read_text(encoding="utf-8").splitlines()
    comments = load_eval_set(DEFAULT_EVAL_SET)  # validates classes and expected decisions

    assert all(set(json.loads(line)) == {"text", "class", "expected"} for line in raw)
    assert len(comments) == len(raw)
    assert 300 <= len(comments) <= 450


def test_no_comment_appears_twice() -> None:
    texts = Counter(" ".join(c.text.casefold().split()) for c in load_eval_set(DEFAULT_EVAL_SET))
    assert [text for text, count in texts.items() if count > 1] == []


def test_each_class_has_enough_examples() -> None:
    counts = Counter(c.comment_class for c in load_eval_set(DEFAULT_EVAL_SET))
    assert set(counts) == set(CLASSES)
    assert {name: n for name, n in counts.items() if n < MIN_PER_CLASS} == {}


def test_labels_follow_the_rule() -> None:
    comments = load_eval_set(DEFAULT_EVAL_SET)
    # Abusive comments are never for publishing; civil identity mentions always are.
    assert [c.text for c in comments if c.abusive and c.expected == "published"] == []
    assert [c.text for c in comments if c.comment_class == IDENTITY_CLASS and c.expected != "published"] == []
    assert [
        c.text for c in comments if c.comment_class == "profanity_untargeted" and c.expected != "published"
    ] == []


def test_the_set_holds_the_cases_filters_miss() -> None:
    comments = load_eval_set(DEFAULT_EVAL_SET)
    clean_threats = [c for c in comments if c.comment_class == "threat" and not _PROFANITY.search(c.text)]
    masked = [c for c in comments if c.comment_class == "profanity_untargeted" and "*" in c.text]
    long_ones = [c for c in comments if len(c.text) > 500]

    assert len(clean_threats) >= 15
    assert len(masked) >= 3
    assert len(long_ones) >= 8

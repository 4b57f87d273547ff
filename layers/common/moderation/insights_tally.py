"""What one comment contributes to the insights aggregates: pure, so the counts can be tested by hand.

A comment's contribution is a function of its state (scores, the automatic decision, its history).
Every write that changes that state adds `contribution(after) - contribution(before)` to the
aggregates in the same transaction, so a moderator who changes their mind moves the comment from
one histogram to the other and the counts always describe the latest decisions.

Counter names (flat attributes of the day items, see store/insights.py):

- `<scope>|<counter>` with scope `*` (the comment's score, the max over labels) or a label, and
  counter one of COUNTERS;
- `<scope>|<kind>|<bin>`: histograms, kind `all` / `approved` / `rejected`, bin 0..BIN_COUNT-1;
- shadow items also carry SHADOW_COUNTERS and `change|<live>|<shadow>`;
- the spam filter's own (`spam|<counter>`, SPAM_FILTER_COUNTERS): comments it held or rejected
  (`flagged`) and the latest moderator verdict on them, for its precision.

A moderator's "spam" decision is a rejection (its score goes to the `rejected` histogram), counted
apart from the other rejections (abuse) as `moderators_spam`.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from typing import Literal

from moderation.models.base import Status
from moderation.models.comments import AutomaticDecision, HistoryEntry, StoredComment
from moderation.models.insights import BIN_COUNT
from moderation.policy import SPAM_LABEL, Thresholds, comment_score, decide, toxicity_scores

OVERALL = "*"
Outcome = Literal["published", "held", "rejected"]
Verdict = Literal["approved", "rejected"]
Decision = Literal["approved", "rejected", "spam"]
OUTCOMES: tuple[Outcome, ...] = ("published", "held", "rejected")
HISTOGRAMS = ("all", "approved", "rejected")
COUNTERS = (
    "auto_published",
    "auto_held",
    "auto_rejected",
    "moderators_approved",
    "moderators_rejected",
    "moderators_spam",
    "held_approved",
    "held_rejected",
    "rejected_to_published",
    "published_to_rejected",
    "reported",
)
SHADOW_COUNTERS = ("scored", "agree_live", "moderated", "agree_moderators")
SPAM_FILTER_COUNTERS = ("flagged", "flagged_confirmed", "flagged_cleared")


def score_bin(score: float) -> int:
    """Bin i holds [i/20, (i+1)/20); 1.0 falls in the last. The epsilon keeps a score written as a
    bin edge (0.55, whose float is a hair below) in the bin a threshold of 0.55 starts."""
    return min(BIN_COUNT - 1, max(0, math.floor(score * BIN_COUNT + 1e-9)))


def outcome(status: Status) -> Outcome:
    return "held" if status == "pending" else status


def _decision(entry: HistoryEntry) -> Decision | None:
    """A moderator's decision: a change to published or rejected, or a mark as spam (which may
    leave a rejected comment rejected). Readers' reports only ever send a comment back to pending,
    and erasures keep the status, so neither is one."""
    if entry.action == "spam":
        return "spam"
    if entry.from_status == entry.to_status or entry.to_status == "pending":
        return None
    return "approved" if entry.to_status == "published" else "rejected"


def _verdict(entry: HistoryEntry) -> Verdict | None:
    decision = _decision(entry)
    return "rejected" if decision == "spam" else decision


def latest_verdict(history: list[HistoryEntry]) -> Verdict | None:
    """The latest moderator decision (spam is a rejection)."""
    return next((verdict for entry in reversed(history) if (verdict := _verdict(entry))), None)


def _decisions(history: list[HistoryEntry]) -> Counter[Decision]:
    return Counter(decision for entry in history if (decision := _decision(entry)))


def _reports(history: list[HistoryEntry]) -> int:
    """Times readers' reports took the comment down (published back to pending)."""
    return sum(1 for entry in history if entry.from_status == "published" and entry.to_status == "pending")


def figures(scores: Mapping[str, float], decided: Outcome, history: list[HistoryEntry]) -> Counter[str]:
    """The comment's contribution to Figures, for the model whose `scores` decided `decided`."""
    # The overall score is the model's (toxicity); spam is a label of its own.
    scopes: list[tuple[str, float | None]] = [
        (OVERALL, comment_score(scores) if toxicity_scores(scores) else None)
    ]
    scopes += sorted(scores.items())
    verdict = latest_verdict(history)
    decisions = _decisions(history)
    reports = _reports(history)
    counts: Counter[str] = Counter()
    for scope, score in scopes:
        counts[f"{scope}|auto_{decided}"] += 1
        for kind, times in decisions.items():
            counts[f"{scope}|moderators_{kind}"] += times
        if reports:
            counts[f"{scope}|reported"] += reports
        if verdict is not None:
            if decided == "held":
                counts[f"{scope}|held_{verdict}"] += 1
            if decided == "rejected" and verdict == "approved":
                counts[f"{scope}|rejected_to_published"] += 1
            if decided == "published" and verdict == "rejected":
                counts[f"{scope}|published_to_rejected"] += 1
        if score is not None:
            counts[f"{scope}|all|{score_bin(score)}"] += 1
            if verdict is not None:
                counts[f"{scope}|{verdict}|{score_bin(score)}"] += 1
    return counts


def thresholds(automatic: AutomaticDecision) -> Thresholds:
    return Thresholds(review=automatic.review, reject=automatic.reject)


def model_outcome(scores: Mapping[str, float], automatic: AutomaticDecision) -> Outcome:
    """What the scores alone decide under the thresholds the live decision used (no word lists,
    links or standing: those apply to both models alike, so the comparison leaves them out)."""
    return outcome(decide(scores, [], thresholds(automatic)).status)


def live(comment: StoredComment) -> Counter[str]:
    """The comment's contribution to the live aggregates; nothing for comments stored before them."""
    if comment.automatic is None:
        return Counter()
    counts = figures(comment.scores, outcome(comment.automatic.status), comment.history)
    counts.update(spam_filter(comment))
    return counts


def spam_filter(comment: StoredComment) -> Counter[str]:
    """Whether the spam filter held or rejected the comment, and whether moderators agreed."""
    counts: Counter[str] = Counter()
    if not any(reason.startswith("spam:") for reason in comment.reasons):
        return counts
    counts[f"{SPAM_LABEL}|flagged"] += 1
    verdict = latest_verdict(comment.history)
    if verdict == "rejected":
        counts[f"{SPAM_LABEL}|flagged_confirmed"] += 1
    elif verdict == "approved":
        counts[f"{SPAM_LABEL}|flagged_cleared"] += 1
    return counts


def shadow(comment: StoredComment) -> Counter[str]:
    """The contribution to the shadow aggregates of a comment the shadow model scored (and whose
    live model scored it too: there is nothing to compare otherwise)."""
    automatic = comment.automatic
    if automatic is None or not comment.shadow_scores or not toxicity_scores(comment.scores):
        return Counter()
    candidate = model_outcome(comment.shadow_scores, automatic)
    current = model_outcome(comment.scores, automatic)
    counts = figures(comment.shadow_scores, candidate, comment.history)
    counts["scored"] += 1
    counts[f"change|{current}|{candidate}"] += 1
    if candidate == current:
        counts["agree_live"] += 1
    verdict = latest_verdict(comment.history)
    if verdict is not None:
        counts["moderated"] += 1
        if (verdict == "approved") == (candidate == "published"):
            counts["agree_moderators"] += 1
    return counts


def difference(after: Counter[str], before: Counter[str]) -> dict[str, int]:
    """after - before, keeping negative entries and dropping zeros (Counter's `-` drops negatives)."""
    return {
        name: delta
        for name in after.keys() | before.keys()
        if (delta := after.get(name, 0) - before.get(name, 0)) != 0
    }

"""`make spam-seed`: count the tokens of the project's labelled comments into the seed the
run-time ships (layers/common/moderation/spam/seed.json), and say how well it does on the rows
held out of its own training.

The comments (seed_comments.jsonl) were written by hand for this project, never scraped. One row
in five (by a hash of its text, so the split never changes when rows are added elsewhere) is held
out: a filter counted from the others decides them, and precision and recall are printed, for
the chi-squared filter the run-time uses and for a plain multinomial naive Bayes over the same
tokens (the comparison behind the choice). The shipped seed is then counted from every row.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from moderation.settings import DEFAULT_SPAM_REVIEW
from moderation.spam.bayes import Counts, SpamFilter, TokenCounts
from moderation.spam.evidence import SpamEvidence
from moderation.spam.form_token import FormCheck
from moderation.spam.seed import SEED_PATH, seed_data
from moderation.spam.signals import edge_evidence
from moderation.spam.tokens import comment_text, tokens

COMMENTS = Path(__file__).with_name("seed_comments.jsonl")
HELD_OUT_ONE_IN = 5
# The filter says "unsure" with 0.5, so the figures are taken where it holds a comment: at the
# default SPAM_REVIEW_THRESHOLD (moderation.settings).
SPAM_AT = DEFAULT_SPAM_REVIEW


@dataclass(frozen=True)
class Labelled:
    author: str
    body: str
    spam: bool

    @property
    def text(self) -> str:
        return comment_text(self.author, self.body)

    @property
    def evidence(self) -> SpamEvidence:
        """The edge's features of the text (domains, link counts, contacts), as the service sees them;
        a form's signals are no part of a written text."""
        found = edge_evidence(self.author, self.body, honeypot=None, form=FormCheck())
        return SpamEvidence(features=found.features)

    @property
    def held_out(self) -> bool:
        return int(hashlib.sha256(self.text.encode()).hexdigest(), 16) % HELD_OUT_ONE_IN == 0


def read_comments(path: Path = COMMENTS) -> list[Labelled]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            rows.append(Labelled(row["author"], row["body"], row["label"] == "spam"))
    return rows


def count(rows: Iterable[Labelled]) -> Counts:
    spam_counts: Counter[str] = Counter()
    ham_counts: Counter[str] = Counter()
    spam_messages = ham_messages = 0
    for row in rows:
        found = tokens(row.text, row.evidence)
        if row.spam:
            spam_messages += 1
            spam_counts.update(found)
        else:
            ham_messages += 1
            ham_counts.update(found)
    every = spam_counts.keys() | ham_counts.keys()
    return Counts(
        spam_messages,
        ham_messages,
        {token: TokenCounts(spam_counts[token], ham_counts[token]) for token in every},
    )


def naive_bayes_spam(counts: Counts, row: Labelled) -> float:
    """Multinomial-style naive Bayes with Laplace smoothing over the same token sets: the baseline."""
    vocabulary = len(counts.tokens) + 1
    spam_total = sum(c.spam for c in counts.tokens.values())
    ham_total = sum(c.ham for c in counts.tokens.values())
    log_spam = math.log(counts.spam_messages / (counts.spam_messages + counts.ham_messages))
    log_ham = math.log(counts.ham_messages / (counts.spam_messages + counts.ham_messages))
    for token in tokens(row.text, row.evidence):
        seen = counts.tokens.get(token, TokenCounts())
        log_spam += math.log((seen.spam + 1) / (spam_total + vocabulary))
        log_ham += math.log((seen.ham + 1) / (ham_total + vocabulary))
    return 1.0 / (1.0 + math.exp(min(log_ham - log_spam, 700.0)))


@dataclass(frozen=True)
class Figures:
    precision: float
    recall: float
    true_positive: int
    false_positive: int
    false_negative: int
    spam: int
    ham: int


def figures(truth: list[bool], predicted: list[bool]) -> Figures:
    tp = sum(t and p for t, p in zip(truth, predicted, strict=True))
    fp = sum(p and not t for t, p in zip(truth, predicted, strict=True))
    fn = sum(t and not p for t, p in zip(truth, predicted, strict=True))
    return Figures(
        precision=tp / (tp + fp) if tp + fp else 1.0,
        recall=tp / (tp + fn) if tp + fn else 1.0,
        true_positive=tp,
        false_positive=fp,
        false_negative=fn,
        spam=sum(truth),
        ham=len(truth) - sum(truth),
    )


def held_out_report(rows: list[Labelled]) -> dict[str, Figures]:
    trained = count(row for row in rows if not row.held_out)
    held = [row for row in rows if row.held_out]
    truth = [row.spam for row in held]
    chi = SpamFilter(trained)
    return {
        "chi-squared (shipped)": figures(
            truth, [chi.score(row.text, row.evidence).score >= SPAM_AT for row in held]
        ),
        "naive Bayes (baseline)": figures(truth, [naive_bayes_spam(trained, row) >= SPAM_AT for row in held]),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--comments", type=Path, default=COMMENTS)
    parser.add_argument("--out", type=Path, default=SEED_PATH)
    args = parser.parse_args(argv)
    rows = read_comments(args.comments)
    for name, result in held_out_report(rows).items():
        print(
            f"held out ({result.spam} spam, {result.ham} ham) {name}: precision {result.precision:.3f}"
            f" recall {result.recall:.3f} (false positives {result.false_positive},"
            f" missed {result.false_negative}) at {SPAM_AT}"
        )
    seed = count(rows)
    args.out.write_text(json.dumps(seed_data(seed), ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"wrote {args.out}: {seed.spam_messages} spam, {seed.ham_messages} ham, {len(seed.tokens)} tokens")


if __name__ == "__main__":
    main()

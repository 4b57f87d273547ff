"""The spam filter: Robinson's token probabilities, combined with Fisher's chi-squared method over
the most interesting tokens, as SpamAssassin's Bayes and Bogofilter do.

Each token's spam probability comes from how often it was seen in spam and in ham (the seed's
counts plus the site's own lessons), pulled towards a prior by Robinson's f(w) = (s·x + n·p)/(s + n),
so a token seen once says little. The tokens that say most (farthest from 0.5, at most
MAX_INTERESTING) are combined: H and S are the chi-squared probabilities that the tokens' ham and
spam probabilities are random; the score (1 + S − H) / 2 is near 1 when the evidence is for spam,
near 0 for ham and 0.5 when it is mixed or absent. The edge's signals are tokens of fixed prior
weight (SIGNAL_PRIORS): they move the score, never decide alone.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from moderation.spam.evidence import SpamEvidence
from moderation.spam.tokens import NO_EVIDENCE
from moderation.spam.tokens import tokens as comment_tokens

# Robinson's strength of the prior and the prior itself, for words.
PRIOR_STRENGTH = 1.0
PRIOR = 0.5
# Tokens nearer than this to 0.5 say nothing; at most MAX_INTERESTING are combined.
MIN_DEVIATION = 0.1
MAX_INTERESTING = 150
# Fewer interesting tokens than this are padded with neutral ones (0.5): "Hi" alone, one word seen
# mostly in spam, must not score like a spam; a comment's verdict takes several tokens' agreement.
MIN_EVIDENCE = 10
# A signal's weight is a prior this strong (in messages), so the site's lessons barely move it.
SIGNAL_STRENGTH = 5.0
SIGNAL_PRIORS: Mapping[str, float] = {
    "honeypot": 0.99,
    "too_fast": 0.9,
    "tampered_form": 0.9,
    "replayed_form": 0.85,
    "duplicate": 0.85,
    "link_in_name": 0.85,
    "contact_scheme": 0.8,
    "missing_form": 0.7,
    "rejected_before": 0.7,
    "expired_form": 0.6,
}
# Not weighed: "link" (the words' own `url` and `links:<n>` tokens carry it, learnt from the seed)
# and "first_comment" (on a new site every reader's first comment is one).


@dataclass(frozen=True)
class TokenCounts:
    """How many spam and ham messages held a token."""

    spam: int = 0
    ham: int = 0


@dataclass(frozen=True)
class Counts:
    """Token counts and the number of messages they were counted from."""

    spam_messages: int = 0
    ham_messages: int = 0
    tokens: Mapping[str, TokenCounts] = field(default_factory=dict)


NOTHING_LEARNT = Counts()


@dataclass(frozen=True)
class SpamVerdict:
    """The filter's score in [0, 1], the tokens it read and the reasons it would give."""

    score: float
    tokens: tuple[str, ...]
    reasons: tuple[str, ...]


class SpamFilter:
    def __init__(self, seed: Counts):
        self._seed = seed

    def tokens(self, text: str, evidence: SpamEvidence = NO_EVIDENCE) -> tuple[str, ...]:
        """The tokens whose site counts the score wants (read with the submission)."""
        return comment_tokens(text, evidence)

    def score(
        self,
        text: str,
        evidence: SpamEvidence = NO_EVIDENCE,
        learnt: Counts = NOTHING_LEARNT,
        words: tuple[str, ...] | None = None,
    ) -> SpamVerdict:
        """`words`: the comment's `tokens`, when the caller already has them (the submit path reads
        the site's counts for them first); the edge's later signals don't change them."""
        words = comment_tokens(text, evidence) if words is None else words
        probabilities = [self._probability(token, learnt) for token in words]
        probabilities.extend(
            _smoothed(SIGNAL_PRIORS[signal], SIGNAL_STRENGTH, 0, 0.5)
            for signal in evidence.signals
            if signal in SIGNAL_PRIORS
        )
        reasons = ("spam:content", *(f"spam:{signal}" for signal in evidence.signals))
        return SpamVerdict(chi_squared_score(probabilities), words, reasons)

    def _probability(self, token: str, learnt: Counts) -> float:
        seed = self._seed.tokens.get(token, TokenCounts())
        site = learnt.tokens.get(token, TokenCounts())
        spam_messages = self._seed.spam_messages + learnt.spam_messages
        ham_messages = self._seed.ham_messages + learnt.ham_messages
        spam, ham = seed.spam + site.spam, seed.ham + site.ham
        if spam + ham == 0 or spam_messages == 0 or ham_messages == 0:
            return PRIOR
        spam_rate, ham_rate = spam / spam_messages, ham / ham_messages
        return _smoothed(PRIOR, PRIOR_STRENGTH, spam + ham, spam_rate / (spam_rate + ham_rate))


def _smoothed(prior: float, strength: float, seen: int, observed: float) -> float:
    """Robinson's f(w): the observed probability, trusted in proportion to how often it was seen."""
    return (strength * prior + seen * observed) / (strength + seen)


def chi_squared_score(probabilities: list[float]) -> float:
    """Fisher-Robinson combining of the most interesting probabilities: (1 + S − H) / 2."""
    interesting = sorted(
        (p for p in probabilities if abs(p - 0.5) >= MIN_DEVIATION), key=lambda p: -abs(p - 0.5)
    )[:MAX_INTERESTING]
    if not interesting:
        return 0.5
    # Clamped away from 0 and 1: one token must never make a logarithm infinite.
    clamped = [min(max(p, 0.001), 0.999) for p in interesting]
    clamped += [0.5] * (MIN_EVIDENCE - len(clamped))
    count = len(clamped)
    ham = chi2q(-2.0 * sum(math.log(p) for p in clamped), 2 * count)
    spam = chi2q(-2.0 * sum(math.log(1.0 - p) for p in clamped), 2 * count)
    return (1.0 + ham - spam) / 2.0


def chi2q(chi: float, degrees: int) -> float:
    """P(X >= chi) for a chi-squared variable with an even number of degrees of freedom."""
    half = chi / 2.0
    term = total = math.exp(-half)
    for i in range(1, degrees // 2):
        term *= half / i
        total += term
    return min(total, 1.0)

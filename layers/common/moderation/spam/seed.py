"""The seed: token counts trained from the project's own labelled comments (`make spam-seed`),
shipped beside the code and loaded once at init. Every site starts from it; its moderators'
lessons are added on top (moderation.spam.learning)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from moderation.spam.bayes import Counts, TokenCounts

SEED_PATH = Path(__file__).with_name("seed.json")


class SeedError(Exception):
    """The seed is missing or not what `make spam-seed` writes."""


def load_seed(path: Path | None = None) -> Counts:
    path = path or SEED_PATH
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return seed_from_data(data)
    except (OSError, ValueError, TypeError, KeyError) as error:
        raise SeedError(f"the spam seed {path} can't be read: {error}") from error


def seed_from_data(data: dict[str, Any]) -> Counts:
    spam_messages, ham_messages = int(data["spam_messages"]), int(data["ham_messages"])
    tokens = {str(token): TokenCounts(int(spam), int(ham)) for token, (spam, ham) in data["tokens"].items()}
    if spam_messages <= 0 or ham_messages <= 0:
        raise ValueError("the seed needs both spam and ham")
    return Counts(spam_messages, ham_messages, tokens)


def seed_data(counts: Counts) -> dict[str, Any]:
    """The seed as written to seed.json: sorted, so a rebuild of the same data is the same file."""
    return {
        "spam_messages": counts.spam_messages,
        "ham_messages": counts.ham_messages,
        "tokens": {token: [c.spam, c.ham] for token, c in sorted(counts.tokens.items())},
    }

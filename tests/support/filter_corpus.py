"""The filters' corpora in tests/data/filters: clean comments, and evasions that must be caught."""

from __future__ import annotations

import re
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1] / "data" / "filters"
_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})")

# A realistic list: the Scunthorpe problem needs words hidden inside innocent ones.
BANNED = [
    "idiot",
    "ass",
    "cunt",
    "cock",
    "anal",
    "rapist",
    "shit",
    "dick",
    "tit",
    "bitch",
    "slut",
    "whore",
    "fuck",
    "bastard",
    "moron",
    "retard",
    "twat",
    "wanker",
    "piss",
    "prick",
]
SUSPECT = ["scam", "casino", "viagra", "porn", "crypto"]


def lines(name: str) -> list[str]:
    """The file's lines without comments, `\\uXXXX` escapes decoded (for invisible characters)."""
    text = (CORPUS / name).read_text(encoding="utf-8")
    return [
        _ESCAPE.sub(lambda match: chr(int(match[1] or match[2], 16)), line)
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    ]

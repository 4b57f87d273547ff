"""The spam filter's tokens: what of a comment its counts are kept for.

Words are read as a reader sees them (markup and entities undone, look-alike letters mapped to
ASCII, case folded), so "Ⅽasino" and "casino" are one token. Besides words: the author name's words
apart (a name like "Best Loans" says more than the same words in a sentence), the shape of numbers
(`shape:+9-999-999-9999`: a phone number's digits say nothing, its shape does), currency signs,
shouting and runs of "!". The edge's features arrive as they are: the linked sites (`domain:…`),
how many links (`links:<n>`), contacts (`contact:whatsapp`, ...). A comment is its set of tokens:
repeating a word a hundred times counts once, as in SpamAssassin's and Bogofilter's Bayes.
"""

from __future__ import annotations

import re

from moderation.content_rules.text import skeleton, without_markup
from moderation.spam.evidence import SpamEvidence

# At most this many tokens of one comment are counted or looked up: one comment's reads and
# lessons stay one bounded BatchGetItem and one transaction.
MAX_TOKENS = 79
MIN_WORD = 2
MAX_WORD = 24

_WORD = re.compile(r"[^\W_](?:[\w'’.+-]*[^\W_])?")
_DIGITS = re.compile(r"\d")
_MONEY = re.compile(r"[$€£¥₹₿]")
_SHOUT = re.compile(r"\b[A-Z]{4,}\b")
_BANG = re.compile(r"[!?]{2,}")


NO_EVIDENCE = SpamEvidence()


def comment_text(author_name: str, body: str) -> str:
    """What the filter reads of a comment: the author's name, a new line, the body."""
    return f"{author_name}\n{body}"


def tokens(text: str, evidence: SpamEvidence = NO_EVIDENCE) -> tuple[str, ...]:
    """The comment's tokens, each once, the edge's features first (the cap never drops them), then
    the name's and the body's words in the order they appear."""
    name, _, body = text.partition("\n")
    found: dict[str, None] = dict.fromkeys(evidence.features)
    for word in _words(name):
        found[f"name:{word}"] = None
    if _MONEY.search(body):
        found["sym:money"] = None
    if len(_SHOUT.findall(body)) >= 2:
        found["style:shout"] = None
    if _BANG.search(body):
        found["style:bangs"] = None
    for word in _words(body):
        found[word] = None
    return tuple(found)[:MAX_TOKENS]


def _words(text: str) -> list[str]:
    words = []
    for match in _WORD.finditer(skeleton(without_markup(text))):
        word = match.group().strip(".'’-+")
        if _DIGITS.search(word):
            words.append("shape:" + _DIGITS.sub("9", word)[:MAX_WORD])
        elif MIN_WORD <= len(word) <= MAX_WORD:
            words.append(word)
        elif len(word) > MAX_WORD:
            # Bogofilter and SpamAssassin keep only that a very long "word" was there.
            words.append("style:long_word")
    return words

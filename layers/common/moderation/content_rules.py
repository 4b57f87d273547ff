"""Rules on the text itself: links and word lists, robust to simple obfuscation."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

_LINK = re.compile(
    r"(?:https?://|www\.)\S+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|info|biz|io|ru|cn|xyz|top)\b",
    re.IGNORECASE,
)
# Spammers write "fr33" and "$pam"; map the usual look-alikes back to letters.
_LOOKALIKES = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
_SEPARATORS_INSIDE_WORD = re.compile(r"(?<=\w)[.\-_*'’](?=\w)")
_REPEATS = re.compile(r"(.)\1+")


def count_links(text: str) -> int:
    return len(_LINK.findall(text))


def _normalise_word(word: str) -> str:
    return _REPEATS.sub(r"\1", word)


def normalised_words(text: str) -> list[str]:
    """Lower-case words with look-alikes mapped, separators dropped, repeated letters collapsed.

    Runs of single letters ("i d i o t") are joined, so spacing a word out doesn't hide it.
    """
    text = unicodedata.normalize("NFKC", text).casefold().translate(_LOOKALIKES)
    text = _SEPARATORS_INSIDE_WORD.sub("", text)
    tokens = re.findall(r"\w+", text)
    words: list[str] = []
    letters: list[str] = []
    for token in tokens:
        if len(token) == 1:
            letters.append(token)
            continue
        if letters:
            words.append("".join(letters))
            letters = []
        words.append(token)
    if letters:
        words.append("".join(letters))
    return [_normalise_word(word) for word in words]


@dataclass(frozen=True)
class WordLists:
    banned: frozenset[str]
    suspect: frozenset[str]

    @classmethod
    def from_words(cls, banned: Iterable[str], suspect: Iterable[str]) -> WordLists:
        def prepare(words: Iterable[str]) -> frozenset[str]:
            return frozenset(w for word in words for w in normalised_words(word))

        return cls(prepare(banned), prepare(suspect))

    def matches(self, text: str) -> tuple[bool, bool]:
        """(has a banned word, has a suspect word)."""
        words = set(normalised_words(text))
        return bool(words & self.banned), bool(words & self.suspect)

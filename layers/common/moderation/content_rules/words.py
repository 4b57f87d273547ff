"""Banned and suspect words, matched as whole words through the disguises a reader sees through.

Both the configured words and the comment go through the same steps: markup and entities undone
(`id<b></b>iot`), NFKC and case folding, invisible characters and accents dropped, look-alike
letters mapped to ASCII (Unicode TR39: Cyrillic "і", Greek "ο"), and the usual digits and symbols
read as letters (`1d10t`, `id!ot`, `|d|ot`, `$cam`). A word then matches:

- as a whole word, alone or joined to its neighbours by separators (`you-idiot`, `big_idiot`);
- split by separators inside (`id.iot`, `i.d.i.o.t`) or spaced out letter by letter (`i d i o t`);
- with its letters repeated (`idiooot`), in the plural (`idiots`, `bitches`, `ladies`) and the
  possessive (`idiot's`).

It doesn't match inside another word (`Scunthorpe`, `classic`, `therapist`): each letter of the
word must appear, in order and at least as often, in one token or a short chain of tokens.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from moderation.content_rules.text import skeleton, without_markup

# Digits and symbols read as letters. "1", "!" and "|" stand for "i" as often as for "l", so they
# stay one ambiguous character ("1") that a word's "i" or "l" accepts.
_LEET = str.maketrans({"0": "o", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "1", "|": "1"})
_AMBIGUOUS = "1"
_EDGE_SYMBOLS = "0123456789!|$@"
# A token: letters and digits of any script, and the symbols above. Possessive: no backtracking.
_TOKEN = re.compile(r"(?:[^\W_]|[!|$@])++")
_REPEATS = re.compile(r"(.)\1+")
_WHITESPACE = re.compile(r"\s")
# Chains of up to this many tokens joined by separators are read as one word (`id.iot`, `a-s-s`
# reads through single letters anyway).
_CHAIN = 3
# A word with more "i"/"l" runs than this gets no further variants with the ambiguous character.
_MAX_AMBIGUOUS_RUNS = 8

Runs = tuple[int, ...]


def _runs(text: str) -> tuple[str, Runs]:
    """("idiot", (1, 1, 1, 3, 1)) for "idiooot": letters without repeats, and each one's count."""
    groups = [(letter, len(list(group))) for letter, group in itertools.groupby(text)]
    return "".join(letter for letter, _ in groups), tuple(count for _, count in groups)


def _forms(word: str) -> Iterator[str]:
    """The word, its plurals; possessives split at the apostrophe, so they need nothing more."""
    yield word
    yield word + "s"
    yield word + "es"
    if word.endswith("y"):
        yield word[:-1] + "ies"


def _variants(letters: str, counts: Runs) -> Iterator[tuple[str, Runs]]:
    """The word with any of its "i" and "l" runs written as the ambiguous character."""
    positions = [i for i, letter in enumerate(letters) if letter in "il"][:_MAX_AMBIGUOUS_RUNS]
    for chosen in itertools.product((False, True), repeat=len(positions)):
        replaced = list(letters)
        for position, ambiguous in zip(positions, chosen, strict=True):
            if ambiguous:
                replaced[position] = _AMBIGUOUS
        merged = [(letter, sum(c for _, c in group)) for letter, group in itertools.groupby(zip(replaced, counts, strict=True), key=lambda pair: pair[0])]
        yield "".join(letter for letter, _ in merged), tuple(count for _, count in merged)


def _tokens(text: str) -> list[tuple[str, bool]]:
    """(token, joined to the previous one by separators and no white space)."""
    view = skeleton(without_markup(text))
    tokens: list[tuple[str, bool]] = []
    end = 0
    for match in _TOKEN.finditer(view):
        gap = view[end : match.start()]
        tokens.append((match.group(), bool(tokens) and bool(gap) and not _WHITESPACE.search(gap)))
        end = match.end()
    return tokens


def _single_character(token: str) -> str:
    """The token's one character, if it is one (a trailing "!" or "$" doesn't count: `t!`)."""
    if len(token) == 1:
        return token
    letter = token.strip("!|$@")
    return letter if len(letter) == 1 else ""


@dataclass(frozen=True)
class _Entry:
    counts: Runs
    banned: bool


class WordLists:
    """Banned and suspect words, compiled once into an index of their spellings."""

    def __init__(self, banned: Iterable[str], suspect: Iterable[str]):
        self._index: dict[str, list[_Entry]] = {}
        for words, is_banned in ((banned, True), (suspect, False)):
            for word in words:
                for token, _ in _tokens(word):
                    self._add(token.translate(_LEET), is_banned)
        self._lengths = sorted({len(key) for key in self._index})

    @classmethod
    def from_words(cls, banned: Iterable[str], suspect: Iterable[str]) -> WordLists:
        return cls(banned, suspect)

    def _add(self, word: str, banned: bool) -> None:
        for form in _forms(word):
            for letters, counts in _variants(*_runs(form)):
                self._index.setdefault(letters, []).append(_Entry(counts, banned))

    def matches(self, text: str) -> tuple[bool, bool]:
        """(has a banned word, has a suspect word)."""
        found_banned = found_suspect = False
        for candidate in self._candidates(text):
            for entry in self._lookup(candidate):
                found_banned |= entry.banned
                found_suspect |= not entry.banned
            if found_banned and found_suspect:
                break
        return found_banned, found_suspect

    def _lookup(self, candidate: str) -> Iterator[_Entry]:
        entries = self._index.get(_REPEATS.sub(r"\1", candidate))
        if not entries:
            return
        _, counts = _runs(candidate)
        for entry in entries:
            if all(have >= need for have, need in zip(counts, entry.counts, strict=True)):
                yield entry

    def _candidates(self, text: str) -> Iterator[str]:
        if not self._index:
            return
        tokens = _tokens(text)
        for position, (token, _) in enumerate(tokens):
            yield token.translate(_LEET)
            yield token.strip(_EDGE_SYMBOLS).translate(_LEET)
            chained = token
            for following, joined in tokens[position + 1 : position + _CHAIN]:
                if not joined:
                    break
                chained += following
                yield chained.translate(_LEET)
        yield from self._spelled_out(tokens)

    def _spelled_out(self, tokens: list[tuple[str, bool]]) -> Iterator[str]:
        """Words inside runs of single characters, whatever separates them (`u r a n i d i o t`)."""
        characters = (_single_character(token) for token, _ in tokens)
        singles = (
            "".join(run) for is_single, run in itertools.groupby(characters, key=bool) if is_single
        )
        for run in singles:
            if len(run) < 2:
                continue
            letters, counts = _runs(run.translate(_LEET))
            for start in range(len(letters)):
                for length in self._lengths:
                    if start + length > len(letters):
                        break
                    end = start + length
                    yield "".join(letter * count for letter, count in zip(letters[start:end], counts[start:end], strict=True))

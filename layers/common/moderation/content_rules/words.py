"""Banned and suspect words, matched as whole words through the disguises a reader sees through.

Both the configured words and the comment go through the same steps: markup and entities undone
(`id<b></b>iot`), bidirectional overrides applied (an RLO before "toidi" displays "idiot"; the
stored order is read as well), NFKC and case folding, invisible characters and accents dropped,
look-alike letters mapped to ASCII (Unicode TR39: Cyrillic "і", Greek "ο"; small capitals `ᴅ`
and regional indicators `🇸` by their Unicode names), and the usual digits and symbols read as
letters (`1d10t`, `id!ot`, `|d|ot`, `$cam`). A word then matches:

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

from moderation.content_rules.bidi import has_controls, stored
from moderation.content_rules.text import skeleton, without_markup

# Digits and symbols read as letters. "1", "!" and "|" stand for "i" as often as for "l", so they
# stay one ambiguous character ("1") that a word's "i" or "l" accepts.
_LEET = str.maketrans(
    {"0": "o", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "1", "|": "1"}
)
_AMBIGUOUS = "1"
_EDGE_SYMBOLS = "0123456789!|$@"
# A token: letters and digits of any script, and the symbols above. Possessive: no backtracking.
_TOKEN = re.compile(r"(?:[^\W_]|[!|$@])++")
_REPEATS = re.compile(r"(.)\1+")
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
        merged = [
            (letter, sum(c for _, c in group))
            for letter, group in itertools.groupby(
                zip(replaced, counts, strict=True), key=lambda pair: pair[0]
            )
        ]
        yield "".join(letter for letter, _ in merged), tuple(count for _, count in merged)


def _tokens(text: str) -> list[tuple[str, bool]]:
    """(token, joined to the previous one by separators and no white space)."""
    view = skeleton(without_markup(text))
    tokens: list[tuple[str, bool]] = []
    end = 0
    for match in _TOKEN.finditer(view):
        gap = view[end : match.start()]
        tokens.append((match.group(), bool(tokens) and " " not in gap and gap.isprintable()))
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
    word: str


class WordLists:
    """Banned and suspect words, compiled once into an index of their spellings."""

    def __init__(self, banned: Iterable[str], suspect: Iterable[str]):
        self._index: dict[str, list[_Entry]] = {}
        for words, is_banned in ((banned, True), (suspect, False)):
            for word in words:
                for token, _ in _tokens(word):
                    self._add(token.translate(_LEET), is_banned, word)
        self._lengths = sorted({len(key) for key in self._index})

    @classmethod
    def from_words(cls, banned: Iterable[str], suspect: Iterable[str]) -> WordLists:
        return cls(banned, suspect)

    def _add(self, word: str, banned: bool, listed: str) -> None:
        for form in _forms(word):
            for letters, counts in _variants(*_runs(form)):
                self._index.setdefault(letters, []).append(_Entry(counts, banned, listed))

    def matches(self, text: str) -> tuple[bool, bool]:
        """(has a banned word, has a suspect word)."""
        banned, suspect = self.matched_words(text)
        return bool(banned), bool(suspect)

    def matched_words(self, text: str) -> tuple[list[str], list[str]]:
        """(the banned words found, the suspect words found), each once and as listed, in the
        order found; for moderators, never for the comment's author."""
        banned: dict[str, None] = {}
        suspect: dict[str, None] = {}
        if not self._index:
            return [], []
        # Read as displayed; under a bidirectional override also as stored, since a word reversed
        # there (`\u202eidiot`, displayed "toidi") was written so on purpose.
        readings = [text, stored(text)] if has_controls(text) else [text]
        for reading in readings:
            tokens = _tokens(reading)
            for letters, counts in itertools.chain(self._written(tokens), self._spelled_out(tokens)):
                for entry in self._index[letters]:
                    if all(have >= need for have, need in zip(counts, entry.counts, strict=True)):
                        (banned if entry.banned else suspect)[entry.word] = None
        return list(banned), list(suspect)

    def _written(self, tokens: list[tuple[str, bool]]) -> Iterator[tuple[str, Runs]]:
        """Candidates whose letters, repeats collapsed, are a listed spelling."""
        for candidate in _candidates(tokens):
            letters = _REPEATS.sub(_first_of_run, candidate) if _REPEATS.search(candidate) else candidate
            if letters in self._index:
                yield _runs(candidate)

    def _spelled_out(self, tokens: list[tuple[str, bool]]) -> Iterator[tuple[str, Runs]]:
        """Words inside runs of single characters, whatever separates them (`u r a n i d i o t`)."""
        characters = (_single_character(token) for token, _ in tokens)
        for is_single, run in itertools.groupby(characters, key=bool):
            spelled = "".join(run) if is_single else ""
            if len(spelled) < 2:
                continue
            letters, counts = _runs(spelled.translate(_LEET))
            for start in range(len(letters)):
                for length in self._lengths:
                    end = start + length
                    if end > len(letters):
                        break
                    if letters[start:end] in self._index:
                        yield letters[start:end], counts[start:end]


def _candidates(tokens: list[tuple[str, bool]]) -> Iterator[str]:
    """Each token as written and without digits or symbols at its edges, and short chains of
    tokens joined by separators (`id.iot`)."""
    for position, (token, _) in enumerate(tokens):
        mapped = token.translate(_LEET)
        yield mapped
        core = token.strip(_EDGE_SYMBOLS)
        if core != token:
            yield core.translate(_LEET)
        for following, joined in tokens[position + 1 : position + _CHAIN]:
            if not joined:
                break
            mapped += following.translate(_LEET)
            yield mapped


def _first_of_run(run: re.Match[str]) -> str:
    return run[1]

"""Links and word lists, including the obfuscations spammers use."""

from __future__ import annotations

import pytest
from moderation.content_rules import WordLists, count_links


@pytest.mark.parametrize(
    ("text", "links"),
    [
        ("no links here, just an opinion.", 0),
        ("see https://example.com/a?b=c for more", 1),
        ("www.spam.example and http://x.io and cheap-pills.com", 3),
        ("e.g. this sentence. Another one.", 0),
    ],
)
def test_count_links(text: str, links: int) -> None:
    assert count_links(text) == links


WORDS = WordLists.from_words(banned=["idiot"], suspect=["viagra", "casino"])


@pytest.mark.parametrize(
    "text",
    ["You IDIOT", "you i d i o t", "you i.d.i.o.t", "you idiooooot", "you 1d10t", "you I-D-I-O-T!"],
)
def test_banned_word_survives_simple_obfuscation(text: str) -> None:
    assert WORDS.matches(text) == (True, False)


@pytest.mark.parametrize("text", ["cheap v1agra", "best c a s i n o online", "CASINOOO"])
def test_suspect_words_are_found(text: str) -> None:
    assert WORDS.matches(text)[1]


@pytest.mark.parametrize("text", ["idiomatic python", "a casino-royale review? no: casinos", "I did it"])
def test_whole_words_only_so_innocent_text_passes(text: str) -> None:
    assert WORDS.matches(text) == (False, False)

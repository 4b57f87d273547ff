"""What a reader sees: invisible characters, look-alikes and white space, and the linear cost."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from moderation.content_rules import WordLists, bidi, count_links, is_visibly_empty, normalised_for_comparison

from tests.support.filter_corpus import BANNED, SUSPECT, lines


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Great post!", "great   POST!"),
        ("Great post!", "Great\u200b post!\u2060"),
        ("Great post!", "\uff27reat post\uff01"),
        ("Great post!", "  Great\n\tpost!  "),
        ("Straße", "STRASSE"),
        ("Great post!", "\u202e!tsop taerG\u202c"),
        ("Great post!", "Great \u202et\u202dos\u202cp\u202c!"),
    ],
)
def test_texts_that_look_the_same_compare_equal(first: str, second: str) -> None:
    assert normalised_for_comparison(first) == normalised_for_comparison(second)


@pytest.mark.parametrize(
    ("stored", "displayed"),
    [
        ("\u202etoidi\u202c", "idiot"),
        ("\u202etoidi\nuoy", "idiot\nuoy"),
        ("\u202bidiot\u202c \u2067idiot\u2069 \u2068idiot\u2069", "idiot idiot idiot"),
        ("\u202e" * 200 + "toidi" + "\u202c" * 200, "idiot"),
        ("\u202e\u2067toidi\u202c\u2069", "toidi"),
        ('\u202e<a href="//evil.de">live</a>\u202c', '</a>evil<a href="//evil.de">'),
    ],
)
def test_overrides_reverse_what_they_hold_and_nothing_else(stored: str, displayed: str) -> None:
    """GIVEN bidirectional controls THEN the text reads in UAX #9's display order: an override
    reverses its content (to the line's end if unclosed, through any nesting depth); embeddings
    and isolates don't reverse Latin letters, and a PDF can't close an override outside an
    isolate; a tag is never reversed."""
    assert bidi.displayed(stored) == displayed


def test_different_texts_stay_different() -> None:
    assert normalised_for_comparison("Great post") != normalised_for_comparison("Great host")


@pytest.mark.parametrize(
    "text",
    ["", "   ", "\u200b\u200c\u200d", "\u2060 \ufeff", "\u00ad\n\u3164", "\u2800\u2800", "\u0301\u0308"],
)
def test_only_invisible_characters_is_visibly_empty(text: str) -> None:
    assert is_visibly_empty(text)


@pytest.mark.parametrize("text", ["a", "\u200bok", ".", "é", "\U0001f389"])
def test_anything_a_reader_sees_is_not_empty(text: str) -> None:
    assert not is_visibly_empty(text)


def test_the_shipped_tables_are_what_the_generator_makes_from_its_sources() -> None:
    """GIVEN the tables in the layer THEN they equal what Unicode's data and the pinned Public
    Suffix List give today: no hand edits, and no package upgrade without regenerating."""
    from moderation_tools.rule_tables import (
        TOP_LEVEL_DOMAINS,
        UNICODE_DATA,
        render_top_level_domains,
        render_unicode_data,
    )

    assert Path(UNICODE_DATA).read_text(encoding="utf-8") == render_unicode_data()
    assert Path(TOP_LEVEL_DOMAINS).read_text(encoding="utf-8") == render_top_level_domains()


def _fastest(function: Callable[[str], object], text: str, repeat: int = 15) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        function(text)
        best = min(best, time.perf_counter() - started)
    return best


ADVERSARIAL = {
    "a.a.a": ("a." * 2500),
    "a" * 3: "a" * 5000,
    "dots": "." * 5000,
    "defanged": "a[.]" * 1250,
    "spaced": "a " * 2500,
    "tags": "<a" * 2500,
    "schemes": "http://a." * 555,
    "overrides": "\u202ea" * 2500,
    "opened and closed": "\u202e\u2067a\u2069\u202c" * 1000,
    "bullets": "a\u2022" * 2500,
    "broken lines": "a.a\n" * 1250,
    "magnets": "magnet:?" * 625,
    "regional indicators": "\U0001f1e6" * 5000,
}


@pytest.mark.parametrize("body", ADVERSARIAL.values(), ids=ADVERSARIAL.keys())
def test_adversarial_bodies_cost_about_what_prose_costs(body: str) -> None:
    """A ratio in one process, not a time: quadratic work on 5,000 characters is ~1000x prose,
    linear work a small multiple; 20x leaves room for a busy machine without hiding a blow-up."""
    text = " ".join(lines("clean_comments.txt"))
    prose = (text * 2)[:5000]
    words = WordLists.from_words(BANNED, SUSPECT)
    for function in (count_links, words.matches):
        assert _fastest(function, body) < 20 * _fastest(function, prose)

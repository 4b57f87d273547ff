"""What a reader sees of a comment: markup, entities, invisible characters and look-alikes undone."""

from __future__ import annotations

import html
import re
import unicodedata

from moderation.content_rules.bidi import displayed
from moderation.content_rules.public_suffixes import TOP_LEVEL_DOMAINS
from moderation.content_rules.unicode_data import (
    ASCII_CONFUSABLES,
    COMBINING_MARKS,
    DEFAULT_IGNORABLE,
    NAMED_LETTERS,
)


def _character_class(ranges: tuple[tuple[int, int], ...]) -> str:
    return "".join(
        re.escape(chr(start)) + ("-" + re.escape(chr(end)) if end > start else "") for start, end in ranges
    )


_INVISIBLE = re.compile(f"[{_character_class(DEFAULT_IGNORABLE)}]+")
_INVISIBLE_OR_MARK = re.compile(f"[{_character_class(DEFAULT_IGNORABLE + COMBINING_MARKS)}]+")
# What reads as ASCII: TR39's look-alikes, and the letters Unicode names as forms of a Latin
# letter (small capitals `ᴀ`, regional indicators `🇸`).
READ_AS_ASCII: dict[int, str] = {**NAMED_LETTERS, **ASCII_CONFUSABLES}
# TR39 maps some capitals ("Т") whose case-folded letter it doesn't list; the text is folded first.
_FOLDED_CONFUSABLES = {
    **{
        ord(chr(code_point).casefold()): prototype
        for code_point, prototype in READ_AS_ASCII.items()
        if len(chr(code_point).casefold()) == 1 and not chr(code_point).casefold().isascii()
    },
    **READ_AS_ASCII,
}
# Adjacent regional indicators, which a renderer pairs into flags from the left.
_INDICATORS = re.compile("[\U0001f1e6-\U0001f1ff]{2,}+")
_REGION = str.maketrans({0x1F1E6 + i: chr(ord("a") + i) for i in range(26)})
_FLAG = "\u2691"
# Blank glyphs that are neither white space nor default-ignorable.
_BLANK = re.compile("[\u2800\u3164]+")
_WHITESPACE = re.compile(r"\s+")
# A tag: `<` then a letter, `/` or `!`, up to the next `>`. The possessive run can't backtrack.
_TAG = re.compile(r"<[/!]?([a-zA-Z][a-zA-Z0-9]*+)?[^<>]*+>")
# Tags that start a new line or block where they are rendered; other tags (b, i, span, a ...)
# sit inside a word without splitting it, as `id<b></b>iot` shows.
_BREAKING_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)


def _tag_replacement(match: re.Match[str]) -> str:
    name = (match.group(1) or "").lower()
    return " " if name in _BREAKING_TAGS else ""


def without_markup(text: str) -> str:
    """Entities decoded and HTML tags removed, as a browser would render the text."""
    return _TAG.sub(_tag_replacement, html.unescape(text))


def visible(text: str) -> str:
    """In display order (bidirectional overrides applied), NFKC, without default-ignorable
    characters (zero-width, joiners, soft hyphen ...)."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", displayed(text)))


def folded(text: str) -> str:
    """`visible`, case-folded."""
    return visible(text).casefold()


def skeleton(text: str) -> str:
    """`folded`, then accents and other combining marks dropped and look-alikes mapped to ASCII.

    Cyrillic "і", Greek "ο" and the like become the Latin letters they imitate (Unicode TR39), and
    regional indicators the letters they show, unless they show flags.
    """
    decomposed = unicodedata.normalize("NFD", folded(_INDICATORS.sub(_flags, text)))
    return _INVISIBLE_OR_MARK.sub("", decomposed).translate(_FOLDED_CONFUSABLES)


def _flags(run: re.Match[str]) -> str:
    """A run of regional indicators that is all flags (`🇹🇼🇦🇹`: Taiwan, Austria) is read as flags,
    not as the word its letters spell; a run with one pair that is no flag (`🇸🇵🇦🇲`: "SP"), or
    with an odd one out, shows letter glyphs and is read as letters. A pair is a flag when its
    letters are a country-code top-level domain, which is how ISO 3166 regions are delegated."""
    indicators = run.group()
    pairs = [indicators[i : i + 2] for i in range(0, len(indicators), 2)]
    if len(indicators) % 2 == 0 and all(pair.translate(_REGION) in TOP_LEVEL_DOMAINS for pair in pairs):
        return _FLAG * len(pairs)
    return indicators


def normalised_for_comparison(text: str) -> str:
    """The text as a reader would compare it: NFKC, case-folded, invisible characters removed,
    white space collapsed. Two comments that look the same give the same string."""
    return _WHITESPACE.sub(" ", folded(text)).strip()


def is_visibly_empty(text: str) -> bool:
    """True when nothing would be seen: only white space, invisible characters and blank glyphs."""
    return not _BLANK.sub("", _INVISIBLE_OR_MARK.sub("", _WHITESPACE.sub("", folded(text))))

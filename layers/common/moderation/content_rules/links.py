"""Counting the links in a comment, however they are written.

A link is a URL with any scheme (`https://`, `ftp://`, the defanged `hxxp://`), a scheme-relative
`//host`, an IPv4 or IPv6 address, or a bare domain whose last label is a top-level domain of the
Public Suffix List (`bit.ly`, `t.co`, `x.co.uk`, `пример.рф`, `xn--e1afmkfd.xn--p1ai`). Before
looking, the text is read as a reader would: entities decoded, NFKC (fullwidth `．`), invisible
characters removed, the ideographic full stops `。` and `｡` and other look-alikes of "." made
dots, and defanged dots (`[.]`, `(dot)`, ` dot `) undone. Markdown and HTML links are found by
their targets. The count is of distinct targets (host and path), so a link written twice, or as
`<a href="http://x.de">x.de</a>`, counts once.

File names whose extension is a top-level domain (`setup.py`, `notes.md`, `archive.zip`) look
exactly like domains and count; other file names (`report.pdf`), decimals (`3.5`), abbreviations
(`e.g.`, `U.S.`) and most sentences missing the space after the full stop (`end.Next`) don't.

Every pattern is anchored at the start of a token and uses possessive repeats, so the time is
linear in the length of the comment: `a.a.a.…` costs about what prose of the same length costs.
"""

from __future__ import annotations

import html
import ipaddress
import re
import unicodedata

from moderation.content_rules.public_suffixes import TOP_LEVEL_DOMAINS
from moderation.content_rules.text import visible
from moderation.content_rules.unicode_data import ASCII_CONFUSABLES

# IDNA's label separators (RFC 3490, 3.1) and the TR39 look-alikes of "." (NFKC maps the rest).
_DOTS = str.maketrans(
    {
        "\u3002": ".",
        "\uff61": ".",
        **{chr(code_point): "." for code_point, prototype in ASCII_CONFUSABLES.items() if prototype == "."},
    }
)
_BRACKETED_DOT = re.compile(r"[\[({<] {0,3}(?:\.|dot) {0,3}[\])}>]", re.IGNORECASE)
_SPACED_DOT = re.compile(r"(?<=[^\W_]) {1,3}(?:\.|dot) {1,3}(?=[^\W_])", re.IGNORECASE)
_DEFANGED_COLON = re.compile(r"[\[({<]:[\])}>]")
_URL = re.compile(
    r"""
    (?<![\w.-])
    (?:
        # A scheme, then any host: `http://localhost`, `hxxp://evil`, `ftp://user:pw@[::1]`.
        (?P<scheme>[a-z][a-z0-9+.-]{0,30}+) :(?://|\\\\)
        (?:[\w.~%!$&'()*+;=:-]{1,64}+@)?
        (?P<host> \[[0-9a-f:.]{2,60}+\] | [\w-]++(?:\.[\w-]++)*+ )
    |
        # No scheme: a dotted name, `//` before it or not. A word without a dot never matches, so
        # ordinary prose costs one failed step per word.
        (?P<relative>//)?
        (?P<bare> \[[0-9a-f:.]{2,60}+\] | [\w-]++(?:\.[\w-]++)++ )
    )
    (?::[0-9]{1,5}+)?
    (?P<path>[/?#][^\s<>"'`,\[\]{}|\\^]*+)?
    """,
    re.VERBOSE | re.IGNORECASE,
)
_IPV6 = re.compile(r"(?<![\w:.\[])[0-9a-f]{0,4}+(?::[0-9a-f]{0,4}+){2,7}+(?![\w:])", re.IGNORECASE)
# "end.Next": a lower-case word, a full stop and a capitalised word is a sentence missing its space.
_SENTENCE_BREAK = re.compile(r"[^\W\d_]*[a-z\u00df-\u00ff]\.[A-Z][a-z]+")
_PATH_END = ".,;:!?)]}'\"/"


def link_view(text: str) -> str:
    """The text with dots, colons and look-alikes as a browser would take them."""
    # Entities decoded but tags kept: a link's target is in its `href`.
    view = visible(html.unescape(text)).translate(_DOTS)
    view = _SPACED_DOT.sub(".", _BRACKETED_DOT.sub(".", view))
    return _DEFANGED_COLON.sub(":", view)


def count_links(text: str) -> int:
    """How many distinct links the comment holds."""
    return len(link_targets(text))


def link_targets(text: str) -> set[tuple[str, str]]:
    """Each distinct link's canonical host (decoded IDNA labels, canonical IP addresses) and path."""
    view = link_view(text)
    targets: set[tuple[str, str]] = set()
    for match in _URL.finditer(view):
        host = (match["host"] or match["bare"]).rstrip(".")
        bare = not (match["scheme"] or match["relative"] or match["path"])
        if bare and _SENTENCE_BREAK.fullmatch(host):
            continue
        if _is_link(host.casefold(), has_scheme=match["scheme"] is not None):
            targets.add((_canonical_host(host.casefold()), (match["path"] or "").rstrip(_PATH_END)))
    for match in _IPV6.finditer(view):
        if _is_ip(match.group()):
            targets.add((_canonical_host(match.group()), ""))
    return targets


def _is_link(host: str, has_scheme: bool) -> bool:
    if host.startswith("["):
        return _is_ip(host[1:-1])
    if has_scheme:
        return bool(host)
    labels = host.split(".")
    if len(labels) < 2 or not all(labels):
        return False
    if len(labels) == 4 and all(label.isdigit() for label in labels):
        return _is_ip(host)
    return labels[0] == "www" or is_top_level_domain(labels[-1])


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _canonical_host(host: str) -> str:
    address = host.strip("[]")
    if _is_ip(address):
        return str(ipaddress.ip_address(address))
    return ".".join(_decoded_label(label) for label in host.split("."))


def _decoded_label(label: str) -> str:
    if label.startswith("xn--") and label.isascii():
        try:
            return label.encode("ascii").decode("idna")
        except UnicodeError:
            return label
    return label


def is_top_level_domain(label: str) -> bool:
    """Whether the label is a top-level domain of the Public Suffix List: `de`, `ly`, `рф`,
    `xn--p1ai`, or the same written with look-alike letters (`сом` in Cyrillic)."""
    decoded = unicodedata.normalize("NFC", _decoded_label(label))
    return decoded in TOP_LEVEL_DOMAINS or decoded.translate(ASCII_CONFUSABLES) in TOP_LEVEL_DOMAINS

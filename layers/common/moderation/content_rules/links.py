"""Counting the links in a comment, however they are written.

A link is a URL with any scheme (`https://`, `ftp://`, the defanged `hxxp://`; a web scheme also
without its slashes, `http:evil.de`), a scheme-relative `//host.name` or `\\host.name` (a browser
fetches it from the page's own scheme, whatever the top-level label), an IPv4 or IPv6 address
(also as one number, `//3232235777`, as browsers read it), a bare domain whose last label is a
top-level domain of the Public Suffix List (`bit.ly`, `t.co`, `x.co.uk`, `пример.рф`,
`xn--e1afmkfd.xn--p1ai`), an e-mail address's domain (`mailto:` or not), or a URI without `//`
whose click still leads somewhere: a torrent (`magnet:?`), an inline document (`data:`), a
payment, a call or a chat.

Before looking, the text is read as a reader would: in display order (bidirectional overrides
applied), entities decoded, NFKC (fullwidth `．`), invisible characters removed, the ideographic
full stops `。` and `｡` (except between two Han or kana characters, where they end a sentence)
and other look-alikes of "." made dots, look-alikes of the middle dot (`•`, `·`, `‧`, `∙`)
between two letters or digits made dots (not in the Catalan `l·l`, nor between Han or kana),
defanged dots (`[.]`, `(dot)`, ` dot `) undone, and a host broken by a line break or `<br>`
(`evil.exa⏎mple.com`) joined again when the joined name ends in a top-level domain. Markdown and
HTML links are found by their targets. The count is of distinct targets (host and path), so a
link written twice, or as `<a href="http://x.de">x.de</a>`, counts once.

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
from moderation.content_rules.text import READ_AS_ASCII, visible
from moderation.content_rules.unicode_data import ASCII_CONFUSABLES, DOT_LIKES

# The TR39 look-alikes of "." (NFKC maps the rest, and `｡` to `。`).
_DOTS = str.maketrans(
    {chr(code_point): "." for code_point, prototype in ASCII_CONFUSABLES.items() if prototype == "."}
)
# IDNA's ideographic label separator (RFC 3490, 3.1); between two Han or kana characters it ends a
# Chinese or Japanese sentence (`買いました。クラウド`: `.クラウド` is a TLD).
_IDEOGRAPHIC_STOP = re.compile("\u3002")
_DOT_LIKE_CLASS = "[" + "".join(re.escape(chr(c)) for c in sorted(DOT_LIKES)) + "]"
_BRACKETED_DOT = re.compile(r"[\[({<] {0,3}(?:\.|dot|" + _DOT_LIKE_CLASS + r") {0,3}[\])}>]", re.IGNORECASE)
_SPACED_DOT = re.compile(r"(?<=[^\W_]) {1,3}(?:\.|dot) {1,3}(?=[^\W_])", re.IGNORECASE)
_DEFANGED_COLON = re.compile(r"[\[({<]:[\])}>]")
# A middle dot or bullet between two letters or digits of a name (`evil•com`). The dot is matched
# first: a look-behind at every position would cost more than the rest of the view.
_DOT_LIKE = re.compile(_DOT_LIKE_CLASS + "(?<=[^\\W_].)(?=[^\\W_])")
_HOST_LABEL = re.compile(r"[^\W_]++(?:-++[^\W_]++)*+")
# Han, kana and their halfwidth forms: where a middle dot separates the words of a name.
_CJK = re.compile("[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]{2}")
# A dotted name broken by a line break inside it: `evil.exa` then `mple.com` on the next line,
# indented or not.
_BROKEN_HOST = re.compile(
    r"(?<![\w.-])([\w-]++(?:\.[\w-]++)++)(?:\r?\n[ \t]*+|<br\s*+/?>)(\.?[\w-]++(?:\.[\w-]++)*+)",
    re.IGNORECASE,
)
# URIs without `//` whose click still leads somewhere (a torrent, an inline document, a payment,
# a call, a chat, a place, a song, a newsgroup), each with the shape of what follows its colon,
# so that prose ("Note:this", "std::vector") isn't one; `javascript:` leads nowhere. An e-mail
# address counts by its domain, `mailto:` or not.
_OPAQUE = {
    "magnet": r"\?.+",
    "data": r"(?:[\w.+-]+/[\w.+-]+)?(?:;[\w.+-]+(?:=[\w.+%-]*)?)*,.*",
    **dict.fromkeys(
        ("bitcoin", "bitcoincash", "ethereum", "litecoin", "dogecoin", "monero", "zcash", "lightning"),
        r"[a-z0-9]{20,}(?:\?.*)?",
    ),
    **dict.fromkeys(
        ("tel", "sms", "mms", "callto", "facetime", "facetime-audio"), r"\+?[0-9][0-9().-]{2,}(?:[?;,].*)?"
    ),
    **dict.fromkeys(("sip", "sips", "xmpp"), r"[\w.+-]+@.+"),
    **dict.fromkeys(("skype", "tg", "whatsapp", "viber", "sgnl", "maps"), r"[\w.-]*\?.+"),
    "matrix": r"[ru]/.+",
    "spotify": r"(?:track|album|artist|playlist|show|episode|user):\w+.*",
    "geo": r"-?[0-9]{1,3}(?:\.[0-9]+)?,-?[0-9]{1,3}(?:\.[0-9]+)?.*",
    "news": r"[\w-]+(?:\.[\w-]+)+",
    **dict.fromkeys(("ipfs", "ipns"), r"[a-z0-9]{20,}.*"),
}
_OPAQUE_SHAPES = {scheme: re.compile(shape, re.IGNORECASE | re.DOTALL) for scheme, shape in _OPAQUE.items()}
_URL = re.compile(
    r"""
    (?<![\w.-])
    (?:
        # A scheme, then any host: `http://localhost`, `hxxp://evil`, `ftp://user:pw@[::1]`.
        (?:
            (?P<scheme>[a-z][a-z0-9+.-]{0,30}+) :(?://|\\\\)
            # Browsers take a web scheme's slashes as optional and `\` as `/` (`http:evil.de`).
          | (?P<web>h[tx]{2}ps?|ftp|wss?) :[/\\]{0,3}+
        )
        (?:[\w.~%!$&'()*+;=:-]{1,64}+@)?
        (?P<host> \[[0-9a-f:.]{2,60}+\] | [\w-]++(?:\.[\w-]++)*+ )
    |
        # No scheme: a dotted name, `//` before it or not. A word without a dot never matches, so
        # ordinary prose costs one failed step per word.
        (?P<relative>[/\\]{2})?
        (?P<bare> \[[0-9a-f:.]{2,60}+\] | [\w-]++(?:\.[\w-]++)++ )
    |
        # `//` and one label: a link only if it is an IPv4 address written as one number.
        [/\\]{2} (?P<number> [0-9a-fx]{1,12}+ ) (?=[/\\:?#])
    |
        # A scheme without `//` (`magnet:?xt=…`, `tel:+1555…`): whether it is a link, `_OPAQUE` says.
        # Last, so that `evil.de:8080` is a name and a port.
        (?P<opaque_scheme>[a-z][a-z0-9+-]{0,30}+) : (?P<opaque>[^\s<>"'`/\\][^\s<>"'`]*+)
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
    view = _DOT_LIKE.sub(_dot_like, _IDEOGRAPHIC_STOP.sub(_ideographic_stop, view))
    view = _DEFANGED_COLON.sub(":", _SPACED_DOT.sub(".", _BRACKETED_DOT.sub(".", view)))
    return _BROKEN_HOST.sub(_joined_host, view) if "\n" in view or "<" in view else view


def _ideographic_stop(match: re.Match[str]) -> str:
    around = match.string[match.start() - 1 : match.start()] + match.string[match.end() : match.end() + 1]
    return match.group() if _CJK.fullmatch(around) else "."


def _dot_like(match: re.Match[str]) -> str:
    """A dot, except where the middle dot is spelling: the Catalan `l·l` (`novel·la`), and the
    Chinese and Japanese name separator (`列夫·托尔斯泰`, `アマゾン・ストア`: `.ストア` is a TLD)."""
    around = match.string[match.start() - 1] + match.string[match.end()]
    if match.group() == "\u00b7" and around.casefold() == "ll":
        return match.group()
    return match.group() if _CJK.fullmatch(around) else "."


def _joined_host(match: re.Match[str]) -> str:
    """The two halves as one name, if that is what they are: the joined name ends in a
    top-level domain, and they aren't two names on two lines (`evil.de⏎bad.de`)."""
    before, after = match[1], match[2]
    joined = before + after
    if not is_top_level_domain(joined.rpartition(".")[2].casefold()):
        return match.group()
    # Host names have no `_` and the broken label is a word, not a number (`size=27.0892⏎x.cc`).
    if before.rpartition(".")[2].isdigit() or not all(
        _HOST_LABEL.fullmatch(label) for label in joined.split(".")
    ):
        return match.group()
    if "." in after and _is_link(before.casefold(), "") and _is_link(after.casefold(), ""):
        return match.group()
    return joined


def count_links(text: str) -> int:
    """How many distinct links the comment holds."""
    return len(link_targets(text))


def link_targets(text: str) -> set[tuple[str, str]]:
    """Each distinct link's canonical host (decoded IDNA labels, canonical IP addresses) and path."""
    view = link_view(text)
    targets: set[tuple[str, str]] = set()
    position = 0
    while match := _URL.search(view, position):
        position = match.end()
        if match["opaque"] is not None:
            scheme, rest = match["opaque_scheme"].casefold(), match["opaque"].rstrip(_PATH_END)
            shape = _OPAQUE_SHAPES.get(scheme)
            if scheme == "mailto" and "@" in rest:
                targets.add((_canonical_host(rest.partition("@")[2].partition("?")[0].casefold()), ""))
            elif shape and shape.fullmatch(rest):
                targets.add((scheme, rest))
            else:
                # Not a link: what follows the colon may still hold one (`see:evil.com`).
                position = match.start("opaque")
            continue
        if match["number"]:
            number = _ipv4_number(match["number"])
            if number:
                targets.add((number, (match["path"] or "").rstrip(_PATH_END)))
            continue
        host = (match["host"] or match["bare"]).rstrip(".")
        has_scheme = bool(match["scheme"] or match["web"])
        bare = not (has_scheme or match["relative"] or match["path"])
        if bare and _SENTENCE_BREAK.fullmatch(host):
            continue
        # A web scheme written without its `//` is taken as `//` is: any dotted name.
        prefix = "scheme" if match["scheme"] else "//" if match["web"] or match["relative"] else ""
        if _is_link(host.casefold(), prefix):
            targets.add((_canonical_host(host.casefold()), (match["path"] or "").rstrip(_PATH_END)))
    for match in _IPV6.finditer(view):
        if _is_ip(match.group()):
            targets.add((_canonical_host(match.group()), ""))
    return targets


def _is_link(host: str, prefix: str) -> bool:
    """Whether the host is one a browser goes to, after `scheme://`, `//` or nothing."""
    if host.startswith("["):
        return _is_ip(host[1:-1])
    if prefix == "scheme":
        return bool(host)
    labels = host.split(".")
    if len(labels) < 2 or not all(labels):
        return False
    if len(labels) == 4 and all(label.isdigit() for label in labels):
        return _is_ip(host)
    if prefix == "//":
        # After `//` a browser resolves any name (`//evil.example`); a number isn't a name.
        return not labels[-1].isdigit()
    return labels[0] == "www" or is_top_level_domain(labels[-1])


def _ipv4_number(text: str) -> str | None:
    """The address a browser reads in one number (`3232235777`, `0xc0a80101`), if it is one."""
    try:
        value = int(text, 16) if text[:2] in ("0x", "0X") else int(text, 8) if text[:1] == "0" else int(text)
    except ValueError:
        return None
    return str(ipaddress.IPv4Address(value)) if value < 2**32 else None


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
    number = _ipv4_number(host) if "." not in host else None
    if number:
        return number
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
    return decoded in TOP_LEVEL_DOMAINS or decoded.translate(READ_AS_ASCII) in TOP_LEVEL_DOMAINS

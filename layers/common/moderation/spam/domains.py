"""The domain a link belongs to: what a campaign keeps while it varies the rest of the address.

`shop.example.co.uk/buy?id=7` and `www.example.co.uk` are one site, `example.co.uk`. Without
the whole Public Suffix List (only its top-level labels ship, see content_rules), a
country's common second-level labels (`co.uk`, `com.br`, `ne.jp`) stand for its private
suffixes; look-alike letters are read as the ASCII they imitate, so `exаmple.com` written
with a Cyrillic "а" is `example.com`.
"""

from __future__ import annotations

import ipaddress

from moderation.content_rules.unicode_data import ASCII_CONFUSABLES

_SECOND_LEVEL = frozenset(
    {
        "ac",
        "co",
        "com",
        "edu",
        "gov",
        "gob",
        "go",
        "net",
        "org",
        "or",
        "ne",
        "ltd",
        "plc",
        "nom",
        "mil",
        "sch",
    }
)


def registrable_domain(host: str) -> str:
    """The site a host is part of: its last two labels, or three under a country's second level;
    an IP address stays itself."""
    host = host.strip("[]").rstrip(".").casefold()
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    labels = [label.translate(ASCII_CONFUSABLES) for label in host.split(".") if label]
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL else 2
    return ".".join(labels[-keep:])

"""Which addresses a webhook may reach: only public ones, unless local development opts in.

A webhook URL is configuration that makes this function send signed requests on its behalf; one
pointing at the cloud's metadata service, loopback or a private network would turn it into a
probe of its own surroundings. The addresses are read as the resolver reads them (glibc accepts
`127.1`, `0x7f000001` and `2130706433` for 127.0.0.1), and judged by the stdlib's `ipaddress`.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# host, port -> every address the name has now.
Resolver = Callable[[str, int], list[IPAddress]]

OPT_IN = "WEBHOOK_ALLOW_PRIVATE=true"
DEFAULT_PORTS = {"http": 80, "https": 443}
# RFC 6052's well-known NAT64 prefix: a gateway turns 64:ff9b::a9fe:a9fe into 169.254.169.254.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class UnsafeTarget(ValueError):
    """A webhook URL that would reach a non-public address."""


def is_public(address: IPAddress) -> bool:
    """Globally routable unicast, and so is any IPv4 address it carries inside."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None and not is_public(embedded):
            return False
    return address.is_global and not address.is_multicast


def host_and_port(url: str) -> tuple[str, int]:
    """The host a URL names (without brackets) and the port it connects to."""
    parts = urlsplit(url)
    if not parts.hostname:
        raise UnsafeTarget(f"webhook URL {url!r} names no host")
    return parts.hostname, parts.port or DEFAULT_PORTS[parts.scheme]


def literal_addresses(host: str, port: int) -> list[IPAddress] | None:
    """The addresses `host` spells in any numeric form the resolver accepts; None for a name."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST)
    except socket.gaierror:
        return None
    return [_address(str(entry[4][0])) for entry in found]


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` has now (raises OSError if it has none)."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(_address(str(entry[4][0])) for entry in found))


def check_configured(url: str, allow_private: bool) -> None:
    """At start, without DNS: a URL must name a host; unless `allow_private`, not a non-public
    address in any spelling, nor a loopback name."""
    host, port = host_and_port(url)
    if allow_private:
        return
    name = host.lower().rstrip(".")
    # RFC 6761: localhost and every name under it mean the loopback interface.
    if name == "localhost" or name.endswith(".localhost"):
        raise UnsafeTarget(_refusal(url, "a loopback name"))
    for address in literal_addresses(host, port) or ():
        if not is_public(address):
            raise UnsafeTarget(_refusal(url, f"{address}, not a public address"))


def check_resolved(url: str, addresses: list[IPAddress]) -> None:
    """At delivery: refuse if any address the name resolved to is not public."""
    for address in addresses:
        if not is_public(address):
            raise UnsafeTarget(_refusal(url, f"{address}, not a public address"))


def _refusal(url: str, what: str) -> str:
    return f"webhook URL {url!r} points at {what}; set {OPT_IN} to allow it in local development"


def _address(text: str) -> IPAddress:
    # getaddrinfo appends an IPv6 zone (fe80::1%eth0); the zone does not change what it is.
    return ipaddress.ip_address(text.split("%", 1)[0])

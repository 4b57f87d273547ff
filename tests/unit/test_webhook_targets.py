"""WEBHOOK_URLS may reach only public addresses, in whatever spelling the URL hides them, unless
WEBHOOK_ALLOW_PRIVATE opts in for local development."""

from __future__ import annotations

import ipaddress
import re

import pytest
from moderation.settings import Settings
from moderation.webhook_targets import UnsafeTarget, check_configured, check_resolved, is_public
from moderation_tools.errors import ToolError
from moderation_tools.local.server import check_settings
from pydantic import ValidationError

REFUSED = [
    # the cloud's metadata service, IPv4 and IPv6 (EC2's fd00:ec2::254)
    "http://169.254.169.254/latest/meta-data/",
    "http://[fd00:ec2::254]/latest/meta-data/",
    # loopback in every spelling the resolver reads as 127.0.0.1 or ::1
    "http://127.0.0.1:9000/hook",
    "http://0x7f000001/hook",
    "http://2130706433/hook",
    "http://127.1/hook",
    "http://0177.0.0.1/hook",
    "http://[::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://localhost:8080/hook",
    "http://LocalHost./hook",
    "http://hooks.localhost/hook",
    # private, shared and special ranges
    "http://10.1.2.3/hook",
    "http://172.16.0.1/hook",
    "http://172.31.255.255/hook",
    "http://192.168.1.1/hook",
    "https://[fc00::1]/hook",
    "https://[fe80::1]/hook",
    "http://100.64.0.1/hook",
    "http://0.0.0.0/hook",
    "http://0/hook",
    "http://224.0.0.1/hook",
    "http://[ff02::1]/hook",
    "http://240.0.0.1/hook",
    "http://255.255.255.255/hook",
    "http://192.0.2.10/hook",
    # IPv4 carried inside IPv6: mapped, NAT64, 6to4
    "http://[::ffff:a9fe:a9fe]/hook",
    "http://[64:ff9b::a9fe:a9fe]/hook",
    "http://[2002:7f00:1::]/hook",
]

ALLOWED = [
    "https://hooks.example.com/comments",
    "https://hooks.slack.com/services/T000/B000/XXXX",
    "http://93.184.215.14:8080/hook",
    "https://[2606:4700::1111]/hook",
]


@pytest.mark.parametrize("url", REFUSED)
def test_a_non_public_target_is_refused_at_start_naming_the_url_and_the_opt_in(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WEBHOOK_URLS", f"https://hooks.example.com/ok,{url}")
    monkeypatch.delenv("WEBHOOK_ALLOW_PRIVATE", raising=False)
    with pytest.raises(ValidationError) as refused:
        Settings()
    assert url in str(refused.value)
    assert "WEBHOOK_ALLOW_PRIVATE=true" in str(refused.value)


@pytest.mark.parametrize("url", REFUSED)
def test_local_development_opts_in_to_private_targets(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEBHOOK_URLS", url)
    monkeypatch.setenv("WEBHOOK_ALLOW_PRIVATE", "true")
    assert Settings().webhook_urls == (url,)


@pytest.mark.parametrize("url", ALLOWED)
def test_public_targets_and_names_pass_the_start_check(url: str) -> None:
    check_configured(url, allow_private=False)


@pytest.mark.parametrize("allow_private", [False, True])
def test_a_url_without_a_host_is_refused_even_with_the_opt_in(allow_private: bool) -> None:
    with pytest.raises(UnsafeTarget, match="names no host"):
        check_configured("http:///hook", allow_private)


def test_at_delivery_every_resolved_address_must_be_public() -> None:
    public, private = ipaddress.ip_address("93.184.215.14"), ipaddress.ip_address("10.0.0.7")
    check_resolved("https://hooks.example.com/", [public])
    # One private answer among public ones is enough to refuse: the connection could go there.
    with pytest.raises(UnsafeTarget, match=re.escape("10.0.0.7")):
        check_resolved("https://hooks.example.com/", [public, private])


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2606:4700::1111", True),
        ("::ffff:8.8.8.8", True),
        ("169.254.169.254", False),
        ("::ffff:169.254.169.254", False),
        ("2002:a9fe:a9fe::1", False),  # 6to4 carrying 169.254.169.254
        ("fd00:ec2::254", False),
        ("100.100.100.200", False),  # CGNAT: Alibaba's metadata service
    ],
)
def test_is_public_judges_embedded_ipv4_too(address: str, public: bool) -> None:
    assert is_public(ipaddress.ip_address(address)) is public


def test_the_local_stack_refuses_a_loopback_receiver_without_the_opt_in_in_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WEBHOOK_URLS", "http://127.0.0.1:9000/hook")
    monkeypatch.delenv("WEBHOOK_ALLOW_PRIVATE", raising=False)
    with pytest.raises(ToolError) as refused:
        check_settings()
    assert str(refused.value) == (
        "the environment's settings are refused: webhook URL 'http://127.0.0.1:9000/hook' points at"
        " 127.0.0.1, not a public address; set WEBHOOK_ALLOW_PRIVATE=true to allow it in local development"
    )
    monkeypatch.setenv("WEBHOOK_ALLOW_PRIVATE", "true")
    check_settings()

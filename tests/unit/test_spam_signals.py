"""The edge's spam signals, each on its own: pure functions of the text, the token and the record."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from moderation.models.authors import AuthorRecord
from moderation.spam.contacts import contacts
from moderation.spam.domains import registrable_domain
from moderation.spam.evidence import SpamEvidence
from moderation.spam.form_token import FormCheck, FormTokens
from moderation.spam.near_duplicates import band_digests
from moderation.spam.signals import edge_evidence, with_reads, with_signal

NOW = 1_800_000_000


REGULAR = AuthorRecord(author_key="a", published=3)
GOOD_FORM = FormCheck()


def evidence(
    body: str = "A kind and civil comment",
    name: str = "Ada",
    *,
    honeypot: str | None = None,
    form: FormCheck = GOOD_FORM,
    form_replayed: bool = False,
    near_duplicate: bool = False,
    author: AuthorRecord | None = REGULAR,
) -> SpamEvidence:
    """The evidence of one submission: what the request shows, then what the read found."""
    shown = edge_evidence(name, body, honeypot=honeypot, form=form)
    return with_reads(shown, form_replayed=form_replayed, near_duplicate=near_duplicate, author=author)


# --- phone numbers, messengers, e-mail -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "features"),
    [
        ("Contact Dr. Okoro on WhatsApp +234 803 555 0199 today", {"contact:phone", "contact:whatsapp"}),
        ("Message me on whatsapp: +1 (555) 123-4567", {"contact:phone", "contact:whatsapp"}),
        ("Call 555.123.4567 for a loan", {"contact:phone"}),
        ("Ring 0049 30 1234 5678", {"contact:phone"}),
        ("wa.me/15551234567", {"contact:whatsapp"}),
        ("Join t.me/cryptosignals for 10x gains", {"contact:telegram"}),
        ("telegram @CryptoKingBot", {"contact:telegram"}),
        ("Reach me on Signal: +44 7700 900123", {"contact:phone", "contact:signal"}),
        ("Add me on WeChat: loan_fast88", {"contact:wechat"}),
        ("my skype is live:cheapessays", {"contact:skype"}),
        ("ICQ 123456789 for essays", {"contact:icq"}),
        ("Add me on 微信 loan88", {"contact:wechat"}),
        ("write to john.doe@example.com", {"contact:email"}),
        ("write to john [at] gmail dot com", {"contact:email"}),
        ("write to john at gmail dot com", {"contact:email"}),
        ("write to john(at)essays(dot)net", {"contact:email"}),
    ],
)
def test_ways_to_reach_someone_off_the_page_are_contacts(text: str, features: set[str]) -> None:
    assert contacts(text).features == features
    assert contacts(text).offers


@pytest.mark.parametrize(
    "text",
    [
        "I looked at example.com yesterday and liked it",
        "The study ran from 2019-2020 with 1.000.000 people",
        "The meeting is at 10:30 on 15.01.2024",
        "Prices rose 3.5% to 1,234,567 units",
        "Order 12345678901 was late",
        "See ISBN 978-3-16-148410-0 for the book",
        "The server at 192.168.100.200 was down",
        "The budget was 15 000 000 000 euros",
        "That was a signal that things had changed",
        "@anna I agree with your point",
    ],
)
def test_numbers_dates_and_prose_are_not_contacts(text: str) -> None:
    assert contacts(text).features == set()
    assert not contacts(text).offers


def test_a_messenger_merely_named_is_a_feature_but_offers_no_contact() -> None:
    text = "Facebook bought WhatsApp in 2014"
    assert contacts(text).features == {"contact:whatsapp"}
    assert not contacts(text).offers


def test_an_address_hidden_with_look_alike_dots_is_found() -> None:
    assert contacts("sales@cheap-essays\u3002com").email


# --- domains ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "domain"),
    [
        ("shop.example.com", "example.com"),
        ("www.example.co.uk", "example.co.uk"),
        ("a.b.example.com.br", "example.com.br"),
        ("example.de", "example.de"),
        ("ex\u0430mple.com", "example.com"),  # a Cyrillic "а"
        ("2001:db8::1", "2001:db8::1"),
        ("Example.COM.", "example.com"),
    ],
)
def test_a_host_belongs_to_its_registrable_domain(host: str, domain: str) -> None:
    assert registrable_domain(host) == domain


# --- near duplicates -------------------------------------------------------------------------

SPAM = (
    "Great article! I have been looking for information like this for ages. Visit my shop at "
    "cheapwatches.example for the best deals on replica watches."
)


def test_a_copy_shares_its_bands_whatever_the_case_and_spacing() -> None:
    bands = band_digests(SPAM)
    assert bands
    assert band_digests(SPAM.upper().replace(" ", "  ")) == bands


def test_a_lightly_varied_copy_shares_some_bands() -> None:
    varied = SPAM.replace("Great article!", "Great article!!").replace("cheapwatches", "bestwatches")
    assert set(band_digests(SPAM)) & set(band_digests(varied))


def test_unrelated_comments_share_no_band() -> None:
    other = (
        "I disagree with the point about caching: in my experience the invalidation costs outweigh "
        "the gains for small sites like mine."
    )
    assert not set(band_digests(SPAM)) & set(band_digests(other))


def test_a_short_text_has_no_bands() -> None:
    assert band_digests("Great post, thanks!") == ()


def test_bands_are_named_by_their_number() -> None:
    numbers = [int(digest.split(":")[0]) for digest in band_digests(SPAM)]
    assert numbers == sorted(set(numbers))


# --- the form token --------------------------------------------------------------------------


@pytest.fixture
def tokens() -> FormTokens:
    return FormTokens(b"secret", min_seconds=3, max_age_seconds=3600)


def test_a_token_used_after_a_human_pause_carries_no_signal(tokens: FormTokens) -> None:
    token = tokens.issue("p1", NOW)
    check = tokens.check("p1", token, from_widget=True, now=NOW + 20)
    assert check.signal is None
    assert check.nonce
    assert check.expires_at == NOW + 3600


@pytest.mark.parametrize(
    ("seconds_later", "signal"),
    [(0.5, "too_fast"), (2.9, "too_fast"), (3, None), (3600, None), (3601, "expired_form")],
)
def test_how_soon_a_token_comes_back(tokens: FormTokens, seconds_later: float, signal: str | None) -> None:
    check = tokens.check("p1", tokens.issue("p1", NOW), from_widget=True, now=NOW + seconds_later)
    assert check.signal == signal


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token.replace(token.split(".")[0], str(NOW - 60), 1),  # an older issue time
        lambda token: token[:-1] + ("0" if token[-1] != "0" else "1"),  # a changed signature
        lambda token: "not-a-token",
        lambda token: token + ".",
        lambda token: "9" * 12 + token[10:],
    ],
)
def test_a_tampered_token_is_a_signal(tokens: FormTokens, tamper: object) -> None:
    token = tokens.issue("p1", NOW)
    check = tokens.check("p1", tamper(token), from_widget=True, now=NOW + 10)  # type: ignore[operator]
    assert (check.signal, check.nonce) == ("tampered_form", None)


def test_a_token_for_another_post_or_from_another_secret_is_tampered(tokens: FormTokens) -> None:
    assert tokens.check("p2", tokens.issue("p1", NOW), True, NOW + 10).signal == "tampered_form"
    other = FormTokens(b"other secret", 3, 3600).issue("p1", NOW)
    assert tokens.check("p1", other, True, NOW + 10).signal == "tampered_form"


def test_a_token_from_the_future_is_tampered(tokens: FormTokens) -> None:
    assert tokens.check("p1", tokens.issue("p1", NOW + 600), True, NOW).signal == "tampered_form"


def test_no_token_is_a_signal_only_from_the_widget(tokens: FormTokens) -> None:
    assert tokens.check("p1", None, from_widget=True, now=NOW) == FormCheck("missing_form")
    assert tokens.check("p1", None, from_widget=False, now=NOW) == FormCheck()


def test_each_token_has_its_own_nonce(tokens: FormTokens) -> None:
    assert tokens.issue("p1", NOW) != tokens.issue("p1", NOW)


# --- the evidence of a submission ------------------------------------------------------------


def test_a_regular_authors_civil_comment_has_no_signals() -> None:
    assert evidence() == SpamEvidence()


def test_each_fact_of_the_edge_becomes_its_signal() -> None:
    seen = evidence(
        honeypot="http://spam.example",
        form=FormCheck("too_fast"),
        form_replayed=True,
        near_duplicate=True,
        author=None,
    )
    assert seen.signals == ("duplicate", "first_comment", "honeypot", "replayed_form", "too_fast")


def test_an_empty_honeypot_is_no_signal() -> None:
    assert "honeypot" not in evidence(honeypot="").signals


def test_links_give_their_domains_and_count() -> None:
    seen = evidence("See https://shop.example.com/a, www.example.com and http://other.example.org/x?y")
    assert "link" in seen.signals
    assert {"domain:example.com", "domain:example.org", "links:3"} <= set(seen.features)


def test_a_link_to_no_site_counts_as_a_link_but_names_no_domain() -> None:
    seen = evidence("Try http://localhost:8080/admin")
    assert "link" in seen.signals
    assert seen.features == ("links:1",)


def test_a_link_or_an_address_in_the_name_is_a_signal() -> None:
    assert evidence(name="Cheap Essays essays.example.com").signals == ("link_in_name",)
    seen = evidence(name="sales@essays-help.com")
    assert "contact_scheme" in seen.signals
    assert {"name:email", "contact:email"} <= set(seen.features)


def test_a_contact_in_the_body_is_a_signal_with_its_scheme() -> None:
    seen = evidence("Contact Dr. Okoro on WhatsApp +234 803 555 0199, he helped me")
    assert seen.signals == ("contact_scheme",)
    assert seen.features == ("contact:phone", "contact:whatsapp")


def test_the_authors_standing() -> None:
    assert evidence(author=AuthorRecord(author_key="a")).signals == ("first_comment",)
    earlier = AuthorRecord(author_key="a", published=1, rejected=2)
    assert evidence(author=earlier).signals == ("rejected_before",)


def test_what_the_request_shows_is_known_before_the_read() -> None:
    shown = edge_evidence(
        "Ada", "WhatsApp +1 555 123 4567, https://loans.example.com", honeypot="x", form=FormCheck()
    )
    assert shown.signals == ("contact_scheme", "honeypot", "link")
    assert shown.features == ("contact:phone", "contact:whatsapp", "domain:example.com", "links:1")


def test_a_signal_added_later_keeps_them_sorted_and_unique() -> None:
    seen = SpamEvidence(signals=("first_comment", "too_fast"))
    assert with_signal(seen, "replayed_form").signals == ("first_comment", "replayed_form", "too_fast")
    assert with_signal(seen, "too_fast") == seen


# --- the cost --------------------------------------------------------------------------------

PROSE = (
    "Thanks for the write-up. The part about DynamoDB transactions was exactly what I needed for "
    "my own project this week, though I would have liked more on the cost of retries. "
) * 30
ADVERSARIAL = {
    "digits": "1" * 5000,
    "spaced digits": "1 " * 2500,
    "dotted digits": "1." * 2500,
    "parentheses": "(1)" * 1666,
    "plus": "+1-" * 1666,
    "at signs": "a@b." * 1250,
    "local part": "a" * 4990 + "@b.com",
    "spelled at": "a at " * 1000,
    "bracketed at": "[at]" * 1250,
    "handles": "@abcd " * 833,
    "messengers": "whatsapp " * 555,
}


def _fastest(function: Callable[[str], object], text: str, repeat: int = 7) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        function(text)
        best = min(best, time.perf_counter() - started)
    return best


def _evidence_of(body: str) -> SpamEvidence:
    return edge_evidence("Ada", body, honeypot=None, form=GOOD_FORM)


@pytest.mark.parametrize("body", ADVERSARIAL.values(), ids=ADVERSARIAL.keys())
def test_adversarial_bodies_cost_about_what_prose_costs(body: str) -> None:
    """A ratio in one process, not a time (see test_text_rules): linear work is a small multiple
    of prose of the same length, quadratic work hundreds of times it."""
    prose = PROSE[: len(body)]
    for function in (_evidence_of, band_digests):
        assert _fastest(function, body) < 20 * _fastest(function, prose)

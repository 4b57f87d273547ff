"""The edge's signals of a submission, each a reason in words; none of them alone a verdict.

| signal          | when                                                                  |
|-----------------|-----------------------------------------------------------------------|
| `honeypot`      | the widget's hidden field, which people never see, was filled in      |
| `too_fast`      | posted within FORM_MIN_SECONDS of the form being shown                |
| `expired_form`  | the form was shown longer ago than FORM_MAX_AGE_SECONDS               |
| `replayed_form` | the form's token was already used for another comment                 |
| `tampered_form` | the token was not one this service issued for this post               |
| `missing_form`  | the request came from the widget (it sent the honeypot) but no token  |
| `link`          | the body holds a link                                                 |
| `link_in_name`  | the author's name holds a link or a domain                            |
| `contact_scheme`| a phone number, e-mail address or messenger contact in body or name   |
| `duplicate`     | nearly the same text came lately from another author or on another post |
| `first_comment` | the author has no published comment yet                               |
| `rejected_before` | the author had comments rejected                                    |

Features are what a classifier learns beside the words: `domain:<site>` for each linked site,
`links:<n>` (3 for three or more), `contact:<scheme>`, `name:link`, `name:email`.
"""

from __future__ import annotations

from dataclasses import replace

from moderation.content_rules.links import link_targets
from moderation.models.authors import AuthorRecord
from moderation.spam.contacts import contacts
from moderation.spam.domains import registrable_domain
from moderation.spam.evidence import SpamEvidence
from moderation.spam.form_token import FormCheck

# `links:3` stands for three or more: beyond that the count says nothing new.
MOST_LINKS_COUNTED = 3


def edge_evidence(author_name: str, body: str, *, honeypot: str | None, form: FormCheck) -> SpamEvidence:
    """What the request itself shows: the honeypot, the form token, links, domains and contacts.
    Pure, so it is known before the submission's read (the filter's tokens include its features)."""
    signals: set[str] = set()
    features: set[str] = set()
    if honeypot:
        signals.add("honeypot")
    if form.signal:
        signals.add(form.signal)
    links, name_links = link_targets(body), link_targets(author_name)
    if links:
        signals.add("link")
        features.add(f"links:{min(len(links), MOST_LINKS_COUNTED)}")
    if name_links:
        signals.add("link_in_name")
        features.add("name:link")
    features.update(f"domain:{registrable_domain(host)}" for host in _sites(links | name_links))
    in_body, in_name = contacts(body), contacts(author_name)
    if in_name.email:
        features.add("name:email")
    if in_body.offers or in_name.offers:
        signals.add("contact_scheme")
    features.update(in_body.features | in_name.features)
    return SpamEvidence(signals=tuple(sorted(signals)), features=tuple(sorted(features)))


def with_reads(
    evidence: SpamEvidence, *, form_replayed: bool, near_duplicate: bool, author: AuthorRecord | None
) -> SpamEvidence:
    """The edge's evidence and what the submission's read found: the token used before, a recent
    near-duplicate, and the author's standing."""
    signals = set(evidence.signals)
    if form_replayed:
        signals.add("replayed_form")
    if near_duplicate:
        signals.add("duplicate")
    if author is None or author.published == 0:
        signals.add("first_comment")
    if author is not None and author.rejected > 0:
        signals.add("rejected_before")
    return replace(evidence, signals=tuple(sorted(signals)))


def _sites(targets: set[tuple[str, str]]) -> set[str]:
    """The hosts among the links that name a site: a dotted name or an IP address, not a bare
    `localhost` (nor what the link counter takes from a scheme alone, such as `tel:`)."""
    return {host for host, _ in targets if "." in host or ":" in host}


def with_signal(evidence: SpamEvidence, signal: str) -> SpamEvidence:
    """The same evidence with one more signal (kept sorted and unique)."""
    return replace(evidence, signals=tuple(sorted({*evidence.signals, signal})))

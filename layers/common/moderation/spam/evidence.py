"""What the edge saw of a submission besides its words."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SpamEvidence:
    """What the edge saw of a submission besides its words; none of it alone a verdict."""

    signals: tuple[str, ...] = ()
    # edge signals, sorted and unique, reported as reasons "spam:<name>" when the comment is held
    # or rejected as spam: "honeypot", "too_fast", "replayed_form", "tampered_form", "missing_form",
    # "link", "known_domain"?, "contact_scheme", "duplicate", "first_comment", ...
    features: tuple[str, ...] = ()
    # classifier features beside the words, e.g. "domain:example.com", "contact:phone",
    # "contact:whatsapp", "contact:telegram", "contact:email", "links:2"

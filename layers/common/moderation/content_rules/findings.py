"""The content rules applied to one comment: what they hold or reject it for, and what they matched."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from moderation.content_rules.links import count_links
from moderation.content_rules.words import WordLists

if TYPE_CHECKING:
    from moderation.settings import Settings


@dataclass
class RuleFindings:
    hold: list[str] = field(default_factory=list)
    reject: list[str] = field(default_factory=list)
    # What each rule matched, for moderators: the comment's author only ever sees the rule.
    matched: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class ContentRules:
    max_links: int
    words: WordLists

    @classmethod
    def from_settings(cls, settings: Settings) -> ContentRules:
        return cls(settings.max_links, WordLists.from_words(settings.banned_words, settings.suspect_words))

    def check(self, body: str) -> RuleFindings:
        findings = RuleFindings()
        links = count_links(body)
        if links >= self.max_links:
            findings.hold.append("too_many_links")
            findings.matched["too_many_links"] = [f"{links} distinct links"]
        banned, suspect = self.words.matched_words(body)
        if banned:
            findings.reject.append("banned_word")
            findings.matched["banned_word"] = banned
        if suspect:
            findings.hold.append("suspect_word")
            findings.matched["suspect_word"] = suspect
        return findings

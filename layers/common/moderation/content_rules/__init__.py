"""Rules on the text itself: banned and suspect words, links, and what "the same text" means.

Each rule reads the comment as a reader sees it, so invisible characters, reversing controls,
look-alike letters, markup and defanged dots don't hide what is there.
"""

from moderation.content_rules.findings import ContentRules, RuleFindings
from moderation.content_rules.links import count_links
from moderation.content_rules.text import is_visibly_empty, normalised_for_comparison
from moderation.content_rules.words import WordLists

__all__ = [
    "ContentRules",
    "RuleFindings",
    "WordLists",
    "count_links",
    "is_visibly_empty",
    "normalised_for_comparison",
]

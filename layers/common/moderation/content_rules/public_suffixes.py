"""The top-level domains of the Public Suffix List, as `python -m moderation_tools.rule_tables`
took them from the snapshot the publicsuffixlist package ships (nothing here touches the network).

Only the last label of a host decides whether it is a domain, so the top-level labels of the
list's ICANN section are all the link counter needs: about 1,450 labels, read in well under a
millisecond.
"""

from __future__ import annotations

import json
from pathlib import Path

TOP_LEVEL_DOMAINS: frozenset[str] = frozenset(
    json.loads(Path(__file__).with_name("top_level_domains.json").read_text(encoding="utf-8"))[
        "top_level_domains"
    ]
)

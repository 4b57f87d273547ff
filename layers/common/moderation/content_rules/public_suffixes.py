"""The top-level domains of the Public Suffix List, from the snapshot the publicsuffixlist package ships.

Only the last label of a host decides whether it is a domain, so the set of top-level labels of the
list's ICANN section is all the link counter needs. Reading it is a few milliseconds at import;
building the package's full `PublicSuffixList` took 40 ms of every cold start, and nothing here
ever fetches the list from the network.
"""

from __future__ import annotations

from pathlib import Path

import publicsuffixlist


def _top_level_domains(source: str) -> frozenset[str]:
    start = source.index("===BEGIN ICANN DOMAINS===")
    end = source.index("===END ICANN DOMAINS===")
    rules = (line.strip() for line in source[start:end].splitlines())
    return frozenset(
        rule.rpartition(".")[2].lstrip("!*") for rule in rules if rule and not rule.startswith("//")
    )


TOP_LEVEL_DOMAINS = _top_level_domains(
    (Path(publicsuffixlist.__file__).parent / "public_suffix_list.dat").read_text(encoding="utf-8")
)

"""The top-level domains of the Public Suffix List, from the snapshot the publicsuffixlist package ships.

Only the last label of a host decides whether it is a domain, so the set of top-level labels of the
list's ICANN section is all the link counter needs. Reading it takes about 7 ms at import, where
building the package's full `PublicSuffixList` took 40 ms (and tldextract, with requests, 300 ms)
of every cold start; nothing here ever fetches the list from the network.
"""

from __future__ import annotations

import re
from importlib.util import find_spec
from pathlib import Path


# A rule: a line that is neither empty nor a "//" comment.
_RULE = re.compile(r"^[^/\s][^\n]*", re.MULTILINE)


def _top_level_domains(source: str) -> frozenset[str]:
    """The last label of every rule of the ICANN section ("za" of "co.za", "ck" of "*.ck")."""
    start = source.index("===BEGIN ICANN DOMAINS===")
    end = source.index("===END ICANN DOMAINS===")
    return frozenset(
        rule.rpartition(".")[2].lstrip("!*").strip() for rule in _RULE.findall(source, start, end)
    )


def _bundled_list() -> Path:
    # Located, not imported: importing the package costs 10 ms and we only need its data file.
    spec = find_spec("publicsuffixlist")
    if spec is None or spec.origin is None:
        raise ImportError("publicsuffixlist is not installed (see layers/common/requirements.txt)")
    return Path(spec.origin).with_name("public_suffix_list.dat")


TOP_LEVEL_DOMAINS = _top_level_domains(_bundled_list().read_text(encoding="utf-8"))

"""The docs site's generated parts: the configuration table, the HTTP API and the layers drawn.

Each is written from the code it describes (`python -m moderation_tools.docs`, run by `make docs`),
and `--check` fails when a committed page no longer matches it, so the pages can't drift.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DOCS = ROOT / "docs"


@dataclass(frozen=True)
class Block:
    """A generated stretch of a hand-written page, between two marker comments."""

    page: Path
    name: str

    def replace_in(self, text: str, generated: str) -> str:
        begin, end = f"<!-- generated: {self.name} -->", f"<!-- end generated: {self.name} -->"
        pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.DOTALL)
        if not pattern.search(text):
            raise ValueError(f"{self.page} has no {begin} ... {end} block")
        note = f"{begin}\n<!-- written by `make docs` (python -m moderation_tools.docs): do not edit -->\n"
        return pattern.sub(lambda _: note + generated.rstrip() + "\n" + end, text)

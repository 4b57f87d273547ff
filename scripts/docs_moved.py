"""Which text of a Markdown file is not on the docs site: for carrying README edits over to docs/.

Usage: python scripts/docs_moved.py FILE [FILE ...]     (e.g. a branch's README: git show b:README.md > f)

Each file is cut into blocks — paragraphs, list items, table rows, fenced code blocks — under
their headings, and each block is looked for in the pages under docs/ and the README, compared
with links reduced to their text and white space collapsed (pages re-wrap lines and re-point
links). Prints each heading with the blocks found nowhere, and exits 1 if there are any.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINK = re.compile(r"\[([^\]]*)\]\([^)\s]*\)")


def normalised(text: str) -> str:
    return " ".join(LINK.sub(r"\1", text).split())


def blocks(text: str) -> list[tuple[str, str]]:
    """(heading, block) for every block of a Markdown text, code fences kept whole."""
    found: list[tuple[str, str]] = []
    heading, fence = "(top)", False
    current: list[str] = []

    def flush() -> None:
        if current:
            found.append((heading, "\n".join(current)))
            current.clear()

    for line in text.splitlines():
        if line.startswith("```"):
            current.append(line)
            if fence:
                flush()
            fence = not fence
        elif fence:
            current.append(line)
        elif line.startswith("#"):
            flush()
            heading = line.lstrip("#").strip()
        elif not line.strip():
            flush()
        elif line.startswith(("|", "- ")):
            flush()
            current.append(line)
            flush()
        else:
            current.append(line)
    flush()
    return [(where, block) for where, block in found if not re.fullmatch(r"\|[-| ]*\|", block.strip())]


def site_text() -> str:
    pages = [*sorted((ROOT / "docs").rglob("*.md")), ROOT / "README.md"]
    return normalised("\n".join(page.read_text() for page in pages))


def missing(path: Path, site: str) -> dict[str, list[str]]:
    absent: dict[str, list[str]] = {}
    for heading, block in blocks(path.read_text()):
        if normalised(block) not in site:
            absent.setdefault(heading, []).append(block)
    return absent


def main(argv: list[str]) -> int:
    site = site_text()
    total = 0
    for name in argv:
        for heading, absent in missing(Path(name), site).items():
            print(f"## {heading} ({name}): {len(absent)} not on the site")
            for block in absent:
                print("    " + block.replace("\n", "\n    "))
            total += len(absent)
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

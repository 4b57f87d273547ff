"""The docs site can't drift from the code: its generated pages are what the code gives today.

`make docs` regenerates them and builds the site strictly; these tests fail first, in `make test`,
when a committed page is stale (a settings field added, a route changed, a module moved).
"""

from __future__ import annotations

import re
import subprocess
import sys

from moderation.settings import Settings
from moderation_tools.docs import DOCS, ROOT, Block
from moderation_tools.docs.configuration import settings_table

README = ROOT / "README.md"


def test_every_generated_page_is_in_step_with_the_code() -> None:
    # GIVEN the committed pages, WHEN the generator compares them with what the code gives now
    # (the settings model, the OpenAPI document the local stack serves, the package's imports)
    checked = subprocess.run(
        [sys.executable, "-m", "moderation_tools.docs", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    # THEN none is stale (else: run `make docs`)
    stale = [line for line in checked.stderr.splitlines() if "stale" in line or line.startswith("layers:")]
    assert checked.returncode == 0, stale or checked.stderr[-2000:]


def test_the_configuration_page_lists_every_settings_variable() -> None:
    page = (DOCS / "configuration.md").read_text()
    generated = page.split("<!-- generated: settings -->")[1].split("<!-- end generated: settings -->")[0]
    listed = set(re.findall(r"^\| `([A-Z0-9_]+)` \|", generated, re.MULTILINE))
    assert listed == {name.upper() for name in Settings.model_fields}


def test_a_hand_edit_inside_a_generated_block_is_undone() -> None:
    # GIVEN the configuration page with a row of its generated table edited by hand
    block = Block(DOCS / "configuration.md", "settings")
    committed = block.page.read_text()
    edited = committed.replace("| `MAX_LINKS` |", "| `MAX_LINKZ` |")
    # WHEN the block is written again, THEN it is the committed page again (the check sees the edit)
    assert edited != committed
    assert block.replace_in(edited, settings_table()) == committed


def test_the_readme_is_short_and_starts_with_the_two_commands() -> None:
    lines = README.read_text().splitlines()
    assert len(lines) <= 200
    top = "\n".join(lines[:40])
    assert "make run" in top
    assert "make test" in top


def test_the_readme_links_to_pages_that_exist() -> None:
    links = re.findall(r"\]\(((?!https?:|#)[^)#\s]+)(?:#[^)]*)?\)", README.read_text())
    assert links, "the README links into the docs"
    assert [link for link in links if not (ROOT / link).exists()] == []

"""scripts/docs_moved.py finds the text of a README that the docs site doesn't hold yet."""

from __future__ import annotations

from pathlib import Path

from scripts.docs_moved import missing, site_text


def test_only_the_text_missing_from_the_site_is_reported(tmp_path: Path) -> None:
    # GIVEN a README section with a paragraph the site holds (re-wrapped, its link re-pointed),
    # a table row and a code block the site holds, and one new paragraph
    held = (Path(__file__).parents[2] / "docs" / "moderators" / "bulk.md").read_text()
    assert "one per id in the order" in held
    readme = tmp_path / "README.md"
    readme.write_text(
        "## Moderators\n\n"
        "The route behind it, `POST /moderation/decisions`, takes\n"
        '`{"ids": [1–50 ids], "action", "note"?}` and answers 200 `{"results": [{"id", "status"} or {"id",\n'
        '"error"}]}`, one per id in the order given. Each is its own versioned decision (see\n'
        "[Decisions are one conditional write](docs/moderation.md#decisions)), so one that\n"
        "fails (`no_change`, `not_found`, ...) leaves the others decided.\n\n"
        "| `PORT` | port on 127.0.0.1 for `make run` | 3000 |\n\n"
        "A moderator can now undo a decision for ten minutes.\n"
    )
    # WHEN it is compared with the site, THEN only the new paragraph is missing, under its heading
    assert missing(readme, site_text()) == {
        "Moderators": ["A moderator can now undo a decision for ten minutes."]
    }

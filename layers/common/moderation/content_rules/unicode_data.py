"""Unicode's own tables, as `python -m moderation_tools.rule_tables` generated them.

Read from JSON once at import: about 1 ms, where compiling the same tables as Python source took
25–100 ms of every cold start without cached bytecode.
"""

from __future__ import annotations

import json
from pathlib import Path

_TABLES = json.loads(Path(__file__).with_name("unicode_data.json").read_text(encoding="utf-8"))

DEFAULT_IGNORABLE: tuple[tuple[int, int], ...] = tuple(
    (start, end) for start, end in _TABLES["default_ignorable"]
)
COMBINING_MARKS: tuple[tuple[int, int], ...] = tuple(
    (start, end) for start, end in _TABLES["combining_marks"]
)
ASCII_CONFUSABLES: dict[int, str] = {int(key): value for key, value in _TABLES["ascii_confusables"].items()}
NAMED_LETTERS: dict[int, str] = {int(key): value for key, value in _TABLES["named_letters"].items()}
DOT_LIKES: frozenset[int] = frozenset(_TABLES["dot_likes"])

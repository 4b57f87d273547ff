"""The configuration page's table, from the settings model: every field, its variable and default."""

from __future__ import annotations

from pathlib import Path

from moderation.settings import Settings
from pydantic.fields import FieldInfo


def _default(field: FieldInfo) -> str:
    value = field.default
    if value is None:
        return "unset"
    if value in ("", ()):
        return "empty"
    # Before int: a bool is an int. Written as the environment spells it.
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, Path):
        return f"`{value}`"
    if isinstance(value, str):
        return f"`{value}`"
    return str(value)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def settings_table() -> str:
    """One row per field of `Settings`, in the model's order: the variable is the field's name."""
    rows = ["| variable | meaning | default |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        if not field.description:
            raise ValueError(f"Settings.{name} has no description: the configuration page needs one")
        rows.append(f"| `{name.upper()}` | {_cell(field.description)} | {_default(field)} |")
    return "\n".join(rows) + "\n"

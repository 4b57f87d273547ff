"""Files the API serves to browsers: the moderators' console (and, later, the comments widget)."""

from pathlib import Path

STATIC_DIR = Path(__file__).parent

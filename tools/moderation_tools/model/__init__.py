"""Build-time model tooling: export a Detoxify checkpoint, build the starter, score from the command line."""

from pathlib import Path

# The committed starter artifact, relative to the project root (the scoring layer's /opt/starter).
STARTER_DIR = Path("layers") / "scoring" / "starter"

"""The local stack: template.yaml's routes and handlers served over HTTP with moto's DynamoDB."""

from pathlib import Path

# The demo blog page; the console's files are the runtime package's (moderation.static).
DEMO_DIR = Path(__file__).parent / "static"

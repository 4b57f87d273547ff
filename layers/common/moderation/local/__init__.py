"""The local stack: template.yaml's routes and handlers served over HTTP with moto's DynamoDB."""

from pathlib import Path

# The demo page and the console: served by the local stack, and in AWS by the console function.
STATIC_DIR = Path(__file__).parent / "static"

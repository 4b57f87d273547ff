"""moto tables built from template.yaml, so the test table cannot drift from the deployed one."""

from __future__ import annotations

from pathlib import Path

import boto3
from moderation_tools.local.template import Template, create_tables

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"


def create_tables_from_template() -> dict[str, str]:
    return create_tables(Template.load(TEMPLATE), boto3.client("dynamodb"))

"""moto tables built from template.yaml, so the test table cannot drift from the deployed one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
from moderation_tools.local.template import Template, create_tables

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"


def create_tables_from_template() -> dict[str, str]:
    return create_tables(Template.load(TEMPLATE), boto3.client("dynamodb"))


def create_pk_sk_table(client: Any, name: str, stream: bool = False) -> None:
    """A bare on-demand table keyed (pk, sk) as ours is: for comparing the local stack's versions of
    moto's code with moto's own on the same calls. `stream`: with the template's stream."""
    extra: dict[str, Any] = {}
    if stream:
        extra["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    client.create_table(
        **extra,
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )

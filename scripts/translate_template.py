"""Print template.yaml as CloudFormation after the SAM transform, for cfn-lint to read inside it.

`sam validate --lint` no longer looks inside AWS::Serverless::* resources, so the translated
template is linted as well.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import boto3
from samtranslator.public.translator import ManagedPolicyLoader
from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse


class _OfflinePolicies(ManagedPolicyLoader):  # type: ignore[misc]
    """Managed policy ARNs built from their names, so translating needs no AWS account."""

    def __init__(self) -> None:
        super().__init__(boto3.client("iam", region_name="us-east-1"))

    def load(self) -> dict[str, str]:
        return {}


def _as_packaged(template: dict[str, Any]) -> None:
    """Point local code folders at S3, as `sam package` would, since the translator needs S3 URIs."""
    for name, resource in template.get("Resources", {}).items():
        properties = resource.get("Properties", {})
        for key in ("CodeUri", "ContentUri"):
            if isinstance(properties.get(key), str) and not properties[key].startswith("s3://"):
                properties[key] = f"s3://packaged-artifacts/{name}.zip"


def main(path: str) -> None:
    template = yaml_parse(Path(path).read_text())
    _as_packaged(template)
    translated = transform(template, {}, _OfflinePolicies())
    json.dump(translated, sys.stdout, indent=1)


if __name__ == "__main__":
    main(sys.argv[1])

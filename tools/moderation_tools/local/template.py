"""Reading template.yaml: its routes, handlers, environment and tables, so local and AWS can't drift."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from samtranslator.yaml_helper import yaml_parse


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    function: str
    code_uri: Path
    handler: str
    needs_moderator: bool
    pattern: re.Pattern[str] = field(compare=False)

    def match(self, method: str, path: str) -> dict[str, str] | None:
        if method != self.method and self.method != "ANY":
            return None
        found = self.pattern.fullmatch(path)
        return found.groupdict() if found else None


@dataclass(frozen=True)
class Cors:
    """The HTTP API's CorsConfiguration; its origins come from a parameter, set per deployment."""

    allow_methods: tuple[str, ...] = ()
    allow_headers: tuple[str, ...] = ()
    expose_headers: tuple[str, ...] = ()
    max_age: int | None = None
    allow_credentials: bool = False


@dataclass(frozen=True)
class Template:
    root: Path
    document: dict[str, Any]

    @classmethod
    def load(cls, path: Path) -> Template:
        # SAM's own reader: CloudFormation's short tags (!Ref, !GetAtt, !Sub ...) in their long form.
        document: dict[str, Any] = yaml_parse(path.read_text())
        return cls(path.parent.resolve(), document)

    @property
    def resources(self) -> dict[str, dict[str, Any]]:
        return dict(self.document.get("Resources", {}))

    def routes(self) -> list[Route]:
        routes = []
        default_auth = self._default_authorizers()
        global_function = self.document.get("Globals", {}).get("Function", {})
        for name, resource in self.resources.items():
            if resource.get("Type") != "AWS::Serverless::Function":
                continue
            props = {**global_function, **resource["Properties"]}
            for event in props.get("Events", {}).values():
                if event.get("Type") != "HttpApi":
                    continue
                event_props = event["Properties"]
                api = event_props.get("ApiId", {}).get("Ref")
                authorizer = event_props.get("Auth", {}).get("Authorizer", default_auth.get(api))
                routes.append(
                    Route(
                        method=event_props.get("Method", "ANY").upper(),
                        path=event_props["Path"],
                        function=name,
                        code_uri=self.root / props["CodeUri"],
                        handler=props["Handler"],
                        needs_moderator=bool(authorizer) and authorizer != "NONE",
                        pattern=_path_pattern(event_props["Path"]),
                    )
                )
        return routes

    def cors(self) -> Cors | None:
        """The CorsConfiguration of the template's HTTP API, if it has one."""
        for resource in self.resources.values():
            if resource.get("Type") != "AWS::Serverless::HttpApi":
                continue
            config = resource["Properties"].get("CorsConfiguration")
            if config:
                return Cors(
                    allow_methods=tuple(config.get("AllowMethods", ())),
                    allow_headers=tuple(config.get("AllowHeaders", ())),
                    expose_headers=tuple(config.get("ExposeHeaders", ())),
                    max_age=config.get("MaxAge"),
                    allow_credentials=bool(config.get("AllowCredentials", False)),
                )
        return None

    def tables(self) -> dict[str, dict[str, Any]]:
        return {
            name: resource["Properties"]
            for name, resource in self.resources.items()
            if resource.get("Type") == "AWS::DynamoDB::Table"
        }

    def functions(self) -> list[str]:
        """Logical ids of the template's Lambda functions."""
        return [
            name
            for name, resource in self.resources.items()
            if resource.get("Type") == "AWS::Serverless::Function"
        ]

    def variables(self, function: str) -> dict[str, Any]:
        """The function's environment as written: Globals' variables, then its own, unresolved."""
        global_vars = self.document.get("Globals", {}).get("Function", {}).get("Environment", {})
        own_vars = self.resources[function]["Properties"].get("Environment", {})
        return {**global_vars.get("Variables", {}), **own_vars.get("Variables", {})}

    def environment(self, function: str) -> dict[str, str]:
        """The function's variables with Refs to tables and parameters resolved as locally named."""
        resolved = {}
        for key, value in self.variables(function).items():
            local = self._resolve(value)
            if local is not None:
                resolved[key] = local
        return resolved

    def _resolve(self, value: Any) -> str | None:
        if isinstance(value, str | int | float):
            return str(value)
        if isinstance(value, dict) and "Ref" in value:
            target = value["Ref"]
            parameter = self.document.get("Parameters", {}).get(target)
            if parameter is not None:
                default = parameter.get("Default")
                return None if default is None else str(default)
            if self.resources.get(target, {}).get("Type") == "AWS::DynamoDB::Table":
                return table_name(target, self.resources[target]["Properties"])
        # Anything else (secrets, ARNs) exists only in AWS; the local stack supplies its own.
        return None

    def _default_authorizers(self) -> dict[str, str]:
        return {
            name: resource["Properties"].get("Auth", {}).get("DefaultAuthorizer", "")
            for name, resource in self.resources.items()
            if resource.get("Type") == "AWS::Serverless::HttpApi"
        }


def table_name(logical_id: str, properties: dict[str, Any]) -> str:
    name = properties.get("TableName")
    return name if isinstance(name, str) else logical_id


def _path_pattern(path: str) -> re.Pattern[str]:
    # HTTP API path parameters match one segment; a greedy `{name+}` matches the rest.
    regex = re.sub(r"\\\{(\w+)\\\+\\\}", r"(?P<\1>.+)", re.escape(path))
    regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", regex)
    return re.compile(regex)


def create_tables(template: Template, client: Any, streams: bool = False) -> dict[str, str]:
    """Create the template's DynamoDB tables with `client` (moto's); returns logical id -> name.

    `streams`: enable the template's streams too. Only when something reads them (webhooks): moto
    keeps every record, and copies them with the table on each transaction."""
    names = {}
    for logical_id, props in template.tables().items():
        request: dict[str, Any] = {
            "TableName": table_name(logical_id, props),
            "AttributeDefinitions": props["AttributeDefinitions"],
            "KeySchema": props["KeySchema"],
            "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
        }
        if props.get("GlobalSecondaryIndexes"):
            request["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
        stream = props.get("StreamSpecification")
        if streams and stream:
            request["StreamSpecification"] = {"StreamEnabled": True, **stream}
        client.create_table(**request)
        ttl = props.get("TimeToLiveSpecification")
        if ttl:
            client.update_time_to_live(TableName=request["TableName"], TimeToLiveSpecification=ttl)
        names[logical_id] = request["TableName"]
    return names

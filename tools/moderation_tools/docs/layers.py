"""The run-time package's layers, checked against its imports (read with `ast`) and drawn from them.

A unit is a top-level module or subpackage of `moderation`. LAYERS places every unit; a unit may
import units of its own layer or of any layer below, never above, and units never import in a
cycle. A new unit fails the check until it is placed here: one line in LAYERS.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from moderation_tools.docs import ROOT

PACKAGE = ROOT / "layers" / "common" / "moderation"
HERE = "tools/moderation_tools/docs/layers.py"


@dataclass(frozen=True)
class Layer:
    name: str
    says: str
    units: tuple[str, ...]


# Top to bottom. Each layer may import its own and the ones below it.
LAYERS: tuple[Layer, ...] = (
    Layer(
        "composition and the HTTP edge",
        "runtime builds each function's objects at init; http is the resolver, the error envelope "
        "and status codes (what the handlers in functions/ import)",
        ("runtime", "http"),
    ),
    Layer(
        "use cases",
        "what a reader or a moderator does: submitting, reviewing, reports, authors, address blocks, "
        "posts, importing, privacy, insights, events and their webhooks, alerts, expiry",
        (
            "service",
            "review",
            "reports",
            "authors",
            "addresses",
            "posts",
            "importing",
            "privacy",
            "insights",
            "events",
            "webhooks",
            "alerts",
            "expiry",
        ),
    ),
    Layer("storage", "the only package that knows DynamoDB's keys", ("store",)),
    Layer(
        "decisions and reads",
        "pure steps the use cases and the store share: the policy, an author's standing and identity "
        "(author keys, reader keys, client hashes), the public read path, the shadow model, insights' "
        "tally, the rate limit, cursors, the queue's age, what a submission comes to",
        (
            "policy",
            "standing",
            "identity",
            "reading",
            "shadow",
            "insights_tally",
            "rate_limit",
            "cursor",
            "queue_age",
            "outcomes",
        ),
    ),
    Layer(
        "models, rules and scoring",
        "the pydantic models, the word and link rules, the spam signals and filter, the scorers",
        ("models", "content_rules", "spam", "scoring"),
    ),
    Layer(
        "core",
        "settings, domain errors, ids, SnapStart's hooks, tracing, static files, the addresses a "
        "webhook may reach",
        ("settings", "errors", "ids", "snapstart", "observability", "static", "webhook_targets"),
    ),
)


def units(package: Path = PACKAGE) -> set[str]:
    found = {path.stem for path in package.glob("*.py") if path.stem != "__init__"}
    return found | {path.parent.name for path in package.glob("*/__init__.py")}


def _unit_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "moderation" and len(parts) > 1 else None


def _imported(path: Path, package: Path) -> set[str]:
    """The `moderation` modules a file imports, absolute and relative imports alike."""
    module = ".".join(("moderation", *path.relative_to(package).with_suffix("").parts))
    here = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    [*here[: len(here) - node.level + 1], *([node.module] if node.module else [])]
                )
            # `from moderation import store` imports the unit `store`, not the package.
            targets.update(f"{base}.{alias.name}" if base == "moderation" else base for alias in node.names)
    return targets


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    """Unit -> the other units it imports."""
    graph: dict[str, set[str]] = {unit: set() for unit in units(package)}
    for path in package.rglob("*.py"):
        relative = path.relative_to(package)
        if relative.parts == ("__init__.py",):
            continue
        unit = relative.parts[0].removesuffix(".py")
        for target in _imported(path, package):
            imported = _unit_of(target)
            if imported is not None and imported != unit:
                graph[unit].add(imported)
    return graph


def layer_of(layers: tuple[Layer, ...] = LAYERS) -> dict[str, int]:
    return {unit: rank for rank, layer in enumerate(layers) for unit in layer.units}


def _cycle(graph: Mapping[str, set[str]]) -> list[str] | None:
    """One import cycle, as the units along it, or None."""
    done: set[str] = set()

    def visit(unit: str, path: list[str]) -> list[str] | None:
        if unit in path:
            return [*path[path.index(unit) :], unit]
        if unit in done:
            return None
        for imported in sorted(graph.get(unit, ())):
            found = visit(imported, [*path, unit])
            if found:
                return found
        done.add(unit)
        return None

    for unit in sorted(graph):
        found = visit(unit, [])
        if found:
            return found
    return None


def problems(graph: Mapping[str, set[str]], layers: tuple[Layer, ...] = LAYERS) -> list[str]:
    """What breaks the layering: units in no layer, imports running up a layer, a cycle."""
    rank = layer_of(layers)
    found = [
        f"moderation.{unit} is in no layer: add {unit!r} to one of LAYERS in {HERE} "
        f"(the layers, top to bottom: {', '.join(layer.name for layer in layers)})"
        for unit in sorted(set(graph) - set(rank))
    ]
    found += [
        f"moderation.{unit} ({layers[rank[unit]].name}) imports moderation.{imported} "
        f"({layers[rank[imported]].name}), a layer above it"
        for unit in sorted(graph)
        for imported in sorted(graph[unit])
        if unit in rank and imported in rank and rank[imported] < rank[unit]
    ]
    found += [
        f"moderation.{unit} is declared in LAYERS but no longer exists"
        for unit in sorted(set(rank) - set(graph))
    ]
    cycle = _cycle(graph)
    if cycle:
        found.append("an import cycle: " + " -> ".join(f"moderation.{unit}" for unit in cycle))
    return found


def _node(unit: str) -> str:
    return f"u_{unit}"


def mermaid(graph: Mapping[str, set[str]], layers: tuple[Layer, ...] = LAYERS) -> str:
    """The layers as a stack of subgraphs, top to bottom, with the imports inside each layer drawn
    unit to unit (the imports between layers are the table's: nearly every layer reaches them all)."""
    rank = layer_of(layers)
    lines = ["```mermaid", "flowchart TB"]
    for index, layer in enumerate(layers):
        lines.append(f'  subgraph L{index}["{layer.name}"]')
        lines.append("    direction LR")
        lines += [f'    {_node(unit)}["{unit}"]' for unit in layer.units]
        lines += [
            f"    {_node(unit)} --> {_node(imported)}"
            for unit in layer.units
            for imported in sorted(graph.get(unit, ()))
            if rank[imported] == index
        ]
        lines.append("  end")
    lines += [f"  L{index} ==> L{index + 1}" for index in range(len(layers) - 1)]
    return "\n".join([*lines, "```"]) + "\n"


def rules_table(graph: Mapping[str, set[str]], layers: tuple[Layer, ...] = LAYERS) -> str:
    """Per layer: what it is, what it may import, and which units below it it imports today."""
    rank = layer_of(layers)
    rows = ["| layer | what it is | may import | imports today, from below |", "|---|---|---|---|"]
    for index, layer in enumerate(layers):
        below = ", ".join(other.name for other in layers[index + 1 :]) or "nothing of ours"
        today = sorted(
            {imported for unit in layer.units for imported in graph.get(unit, ()) if rank[imported] > index},
            key=lambda unit: (rank[unit], unit),
        )
        rows.append(
            f"| **{layer.name}**: {', '.join(f'`{unit}`' for unit in layer.units)} | {layer.says} "
            f"| its own layer; {below} | {', '.join(f'`{unit}`' for unit in today) or 'nothing of ours'} |"
        )
    return "\n".join(rows) + "\n"

"""Write the layers' requirements from uv.lock: exact pins for Lambda's python3.12 on x86_64.

Usage: python scripts/lock_layers.py [--check]

uv.lock is the one source of versions (`make lock` refreshes it from pyproject.toml, then runs
this). Each layer's requirements.txt is generated, never edited by hand; `--check` exits 1 when
a file differs from what uv.lock gives. The layers install them with `pip --no-deps`, so what is
listed is exactly what ships:

- CommonLayer: the project's run-time dependencies and theirs, less what the python3.12 runtime
  provides (boto3 and botocore come as a matched pair from the runtime; aws-xray-sdk's
  dependency on botocore is met there too).
- ScoringLayer: the `scoring` extra alone, without its own dependencies: onnxruntime's
  (protobuf, sympy, flatbuffers, packaging) serve its tooling and training, not an
  InferenceSession, and tokenizers' huggingface_hub only downloads, which reading
  tokenizer.json never does.
"""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.markers import Marker
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
LOCKFILE = ROOT / "uv.lock"
PROJECT = "comment-moderation"

# The python3.12 Lambda runtime ships these (boto3 with the botocore it was released with).
RUNTIME_PROVIDED = frozenset(
    {"boto3", "botocore", "s3transfer", "jmespath", "urllib3", "python-dateutil", "six"}
)

# Marker values of Lambda's python3.12 on x86_64 (Amazon Linux 2023).
LAMBDA_ENVIRONMENT = {
    "implementation_name": "cpython",
    "os_name": "posix",
    "platform_machine": "x86_64",
    "platform_python_implementation": "CPython",
    "platform_system": "Linux",
    "python_full_version": "3.12.0",
    "python_version": "3.12",
    "sys_platform": "linux",
}


@dataclass(frozen=True)
class Layer:
    requirements: Path
    title: str
    extra: str | None  # None: the project's own dependencies
    transitive: bool


LAYERS = (
    Layer(
        ROOT / "layers/common/requirements.txt",
        "CommonLayer: the run-time dependencies, less what the python3.12 runtime provides",
        extra=None,
        transitive=True,
    ),
    Layer(
        ROOT / "layers/scoring/requirements.txt",
        "ScoringLayer: what OnnxScorer imports (the `scoring` extra), without their dependencies",
        extra="scoring",
        transitive=False,
    ),
)


class Lock:
    """The packages of a uv.lock, as they resolve on Lambda."""

    def __init__(self, document: Mapping[str, Any]):
        self._packages: dict[str, list[dict[str, Any]]] = {}
        for package in document["package"]:
            self._packages.setdefault(package["name"], []).append(package)

    @classmethod
    def load(cls, path: Path = LOCKFILE) -> Lock:
        return cls(tomllib.loads(path.read_text(encoding="utf-8")))

    def package(self, name: str, version: str | None = None) -> dict[str, Any]:
        candidates = [p for p in self._packages[name] if version is None or p["version"] == version]
        if len(candidates) != 1:
            raise ValueError(f"uv.lock: {name} {version or ''} is not one package: {len(candidates)}")
        return candidates[0]

    def dependencies(self, package: Mapping[str, Any], extras: Iterable[str] = ()) -> list[dict[str, Any]]:
        """The package's dependencies (with those of `extras`) that apply on Lambda."""
        found = list(package.get("dependencies", []))
        for extra in extras:
            found.extend(package.get("optional-dependencies", {})[extra])
        return [dep for dep in found if _applies(dep.get("marker"))]

    def pins(self, layer: Layer) -> list[str]:
        project = self.package(PROJECT)
        roots = (
            self.dependencies(project)
            if layer.extra is None
            else [dep for dep in project["optional-dependencies"][layer.extra] if _applies(dep.get("marker"))]
        )
        pinned: dict[str, str] = {}
        pending = list(roots)
        while pending:
            dep = pending.pop()
            name = canonicalize_name(dep["name"])
            if name in RUNTIME_PROVIDED or name in pinned:
                continue
            package = self.package(dep["name"], dep.get("version"))
            pinned[name] = package["version"]
            if layer.transitive:
                pending.extend(self.dependencies(package, dep.get("extra", [])))
        return [f"{name}=={version}" for name, version in sorted(pinned.items())]


def _applies(marker: str | None) -> bool:
    return marker is None or Marker(marker).evaluate(dict(LAMBDA_ENVIRONMENT))


def render(lock: Lock, layer: Layer) -> str:
    header = [
        "# Generated from uv.lock by `make lock` (scripts/lock_layers.py): do not edit.",
        f"# {layer.title}.",
        "# Installed with pip --no-deps: exactly these, for python3.12 on x86_64.",
    ]
    return "\n".join([*header, *lock.pins(layer)]) + "\n"


def stale(lock: Lock, layers: Iterable[Layer] = LAYERS) -> list[Path]:
    """The layers' requirements files that differ from what uv.lock gives."""
    return [
        layer.requirements
        for layer in layers
        if not layer.requirements.is_file() or layer.requirements.read_text() != render(lock, layer)
    ]


def main(argv: list[str]) -> int:
    lock = Lock.load()
    if argv == ["--check"]:
        outdated = stale(lock)
        for path in outdated:
            print(f"{path.relative_to(ROOT)} is not what uv.lock gives: run `make lock`", file=sys.stderr)
        return 1 if outdated else 0
    if argv:
        print(__doc__, file=sys.stderr)
        return 2
    for layer in LAYERS:
        layer.requirements.write_text(render(lock, layer))
        print(f"wrote {layer.requirements.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

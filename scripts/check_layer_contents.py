"""Fail when a built layer holds anything but run-time code: development modules, build-time
libraries, a boto3/botocore that doesn't match the one beside it, or a module the runtime provides;
or when a module ships without the bytecode Lambda's Python would otherwise compile at every start.

Usage: python scripts/check_layer_contents.py .aws-sam/build
Reads every `*Layer` folder of `sam build`'s output, prints each layer's size and what is wrong.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

# The development package and the parts of it that once lived inside `moderation`.
DEVELOPMENT_MODULES = (
    "moderation_tools",
    "moderation/local",
    "moderation/cli.py",
    "moderation/model",
    "moderation/export.py",
    "moderation/scoring/export.py",
)
# Build-time tools (model export, the starter model's training): never imported at run time.
BUILD_TIME = ("torch", "transformers", "detoxify", "scikit-learn", "sklearn", "skl2onnx")
# Lambda's Python, and the flags of a hash-based .pyc that is never checked against its source
# (PEP 552): a read-only layer can't take the bytecode Python would write, so it must ship it.
LAMBDA_CACHE_TAG = "cpython-312"
UNCHECKED_HASH_FLAGS = 0b01
_DIST_INFO = re.compile(r"^(?P<name>.+?)-(?P<version>[^-]+)\.dist-info$")


def distributions(site: Path) -> dict[str, str]:
    """Installed distributions in a layer's python/ folder: canonical name -> version."""
    found = {}
    for entry in site.glob("*.dist-info"):
        match = _DIST_INFO.match(entry.name)
        if match:
            found[re.sub(r"[-_.]+", "-", match["name"]).lower()] = match["version"]
    return found


def problems(layer: Path) -> list[str]:
    site = layer / "python"
    dists = distributions(site)
    found = [f"development code: python/{path}" for path in DEVELOPMENT_MODULES if (site / path).exists()]
    for name in BUILD_TIME:
        if name in dists or (site / name).exists():
            found.append(f"build-time library: {name}")
    # A copy in a layer would shadow the runtime's: SnapStart's hooks would register where the
    # runtime never looks, and never run.
    if "snapshot-restore-py" in dists or (site / "snapshot_restore_py.py").exists():
        found.append("shadows the runtime's snapshot_restore_py")
    boto3, botocore = dists.get("boto3"), dists.get("botocore")
    shipped_sdk = boto3 or botocore or (site / "botocore").exists() or (site / "boto3").exists()
    # boto3 and botocore are released in step (1.44.8 with 1.44.8); one without the other, or
    # two versions apart, shadows the runtime's matched pair with a mismatched one.
    if shipped_sdk and (boto3 is None or botocore is None or boto3 != botocore):
        found.append(f"unmatched AWS SDK: boto3 {boto3 or 'absent'}, botocore {botocore or 'absent'}")
    missing = uncompiled(site)
    if missing:
        found.append(
            f"modules without {LAMBDA_CACHE_TAG} unchecked-hash bytecode: {len(missing)}, "
            f"e.g. python/{missing[0].relative_to(site)}"
        )
    return found


def uncompiled(site: Path) -> list[Path]:
    """The modules whose bytecode for Lambda's Python is absent or checked against the source."""
    missing = []
    for source in sorted(site.rglob("*.py")):
        compiled = source.parent / "__pycache__" / f"{source.stem}.{LAMBDA_CACHE_TAG}.pyc"
        if not compiled.is_file():
            missing.append(source)
            continue
        with compiled.open("rb") as header:
            flags = int.from_bytes(header.read(8)[4:8], "little")
        if flags != UNCHECKED_HASH_FLAGS:
            missing.append(source)
    return missing


def tree_size(path: Path) -> int:
    return sum(file.stat().st_size for file in path.rglob("*") if file.is_file() and not file.is_symlink())


def main(build_dir: Path) -> int:
    layers = sorted(child for child in build_dir.iterdir() if child.is_dir() and child.name.endswith("Layer"))
    if not layers:
        print(f"no built layers in {build_dir}", file=sys.stderr)
        return 1
    failed = False
    for layer in layers:
        found = problems(layer)
        verdict = "run-time code only" if not found else "NOT run-time code only"
        print(f"{tree_size(layer) / 2**20:9.1f} MiB  {layer.name}: {verdict}")
        for problem in found:
            print(f"             {problem}")
        failed = failed or bool(found)
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(Path(sys.argv[1])))

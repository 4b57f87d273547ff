"""Fail when the built deployment exceeds Lambda's 250 MB unzipped limit (code plus all layers).

Usage: python scripts/check_lambda_size.py .aws-sam/build
Every function in `sam build`'s output is counted with every layer built beside it: the worst
case, as if each function used all layers.
"""

from __future__ import annotations

import sys
from pathlib import Path

LIMIT = 250 * 1024 * 1024  # Lambda counts 262,144,000 bytes; MiB is stricter


def tree_size(path: Path) -> int:
    return sum(file.stat().st_size for file in path.rglob("*") if file.is_file() and not file.is_symlink())


def main(build_dir: Path) -> int:
    sizes = {child.name: tree_size(child) for child in sorted(build_dir.iterdir()) if child.is_dir()}
    layers = {name: size for name, size in sizes.items() if name.endswith("Layer")}
    functions = {name: size for name, size in sizes.items() if name not in layers}
    if not functions:
        print(f"no built functions in {build_dir}", file=sys.stderr)
        return 1
    total_layers = sum(layers.values())
    for name, size in {**layers, **functions}.items():
        print(f"{size / 2**20:9.1f} MiB  {name}")
    worst = max(functions, key=lambda name: functions[name])
    total = total_layers + functions[worst]
    verdict = "OK" if total <= LIMIT else "TOO LARGE"
    print(f"{total / 2**20:9.1f} MiB  {worst} + all layers (limit {LIMIT / 2**20:.0f} MiB): {verdict}")
    return 0 if total <= LIMIT else 1


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(Path(sys.argv[1])))

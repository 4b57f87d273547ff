"""Write the docs site's generated pages, or with `--check` say which committed ones are stale."""

from __future__ import annotations

import argparse
import sys

from moderation_tools.docs import DOCS, Block, api, configuration, layers

CONFIGURATION = Block(DOCS / "configuration.md", "settings")
LAYER_DRAWING = Block(DOCS / "architecture.md", "layers")
API_DIR = DOCS / "api"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m moderation_tools.docs", description=__doc__)
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a page is stale")
    args = parser.parse_args(argv)

    graph = layers.import_graph()
    broken = layers.problems(graph)
    for problem in broken:
        print(f"layers: {problem}", file=sys.stderr)
    document = api.openapi_document()
    wanted = {
        CONFIGURATION.page: CONFIGURATION.replace_in(
            CONFIGURATION.page.read_text(), configuration.settings_table()
        ),
        API_DIR / "openapi.json": api.document_json(document),
        API_DIR / "routes.md": api.routes_page(document),
    }
    # Units in no layer can't be drawn: the page keeps its last drawing until they are placed.
    if not broken:
        drawing = layers.mermaid(graph) + "\n" + layers.rules_table(graph)
        wanted[LAYER_DRAWING.page] = LAYER_DRAWING.replace_in(LAYER_DRAWING.page.read_text(), drawing)
    stale = [path for path, text in wanted.items() if not path.exists() or path.read_text() != text]
    if args.check:
        for path in stale:
            print(f"{path.relative_to(DOCS.parent)} is stale: run `make docs`", file=sys.stderr)
        return 1 if stale or broken else 0
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(wanted[path])
        print(f"wrote {path.relative_to(DOCS.parent)}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())

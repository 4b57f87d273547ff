"""The run-time package keeps its layers: no import runs up a layer, none in a cycle, every module placed.

The architecture page's drawing is generated from the same imports (tests/packaging/test_docs_site.py
checks the committed page is in step).
"""

from __future__ import annotations

from pathlib import Path

from moderation_tools.docs.layers import HERE, LAYERS, PACKAGE, Layer, import_graph, problems

# A module a newcomer can read in one sitting; past it, split by capability (as models/ is).
MAX_MODULE_LINES = 400

SMALL = (
    Layer("use cases", "", ("service",)),
    Layer("storage", "", ("store",)),
    Layer("models", "", ("models", "policy")),
)


def package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "moderation"
    for name, text in {"__init__.py": "", **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_no_module_of_the_run_time_package_is_over_400_lines() -> None:
    modules = PACKAGE.rglob("*.py")
    lengths = {path.relative_to(PACKAGE): len(path.read_text().splitlines()) for path in modules}
    assert {path: n for path, n in lengths.items() if n > MAX_MODULE_LINES} == {}
    assert len(lengths) > 50


def test_the_package_keeps_its_layers() -> None:
    # GIVEN the run-time package as committed, WHEN its imports are read
    # THEN every unit is in a layer, no import runs up a layer and none runs in a cycle
    assert problems(import_graph()) == []


def test_every_declared_unit_is_in_one_layer_only() -> None:
    declared = [unit for layer in LAYERS for unit in layer.units]
    assert len(declared) == len(set(declared))


def test_a_new_module_fails_with_where_to_declare_it(tmp_path: Path) -> None:
    # GIVEN a package with a subpackage no layer names (as moderation/spam/ would arrive)
    root = package(
        tmp_path,
        {
            "service.py": "from moderation.spam import score\n",
            "spam/__init__.py": "",
            "store/__init__.py": "",
            "models.py": "",
            "policy.py": "",
        },
    )
    # WHEN it is checked
    found = problems(import_graph(root), SMALL)
    # THEN the one message names the module, the file and the list to add it to, and the layers
    assert len(found) == 1
    assert found[0].startswith("moderation.spam is in no layer: add 'spam' to one of LAYERS in " + HERE)
    assert "use cases, storage, models" in found[0]


def test_an_import_running_up_a_layer_fails(tmp_path: Path) -> None:
    # GIVEN the models importing the store (relatively, from inside a subpackage of the store too)
    root = package(
        tmp_path,
        {
            "service.py": "from moderation import store\n",
            "store/__init__.py": "",
            "store/comments.py": "from ..models import Comment\n",
            "models.py": "from moderation.store.comments import x\n",
            "policy.py": "",
        },
    )
    # WHEN it is checked, THEN the upward import is named with both layers, and so is the cycle it makes
    assert problems(import_graph(root), SMALL) == [
        "moderation.models (models) imports moderation.store (storage), a layer above it",
        "an import cycle: moderation.models -> moderation.store -> moderation.models",
    ]


def test_units_of_one_layer_may_import_each_other_but_not_in_a_cycle(tmp_path: Path) -> None:
    others = {"service.py": "", "store/__init__.py": ""}
    one_way = package(tmp_path / "a", {**others, "models.py": "", "policy.py": "import moderation.models\n"})
    assert problems(import_graph(one_way), SMALL) == []
    both_ways = package(
        tmp_path / "b",
        {**others, "models.py": "from moderation import policy\n", "policy.py": "import moderation.models\n"},
    )
    assert problems(import_graph(both_ways), SMALL) == [
        "an import cycle: moderation.models -> moderation.policy -> moderation.models"
    ]


def test_a_declared_unit_that_is_gone_is_named(tmp_path: Path) -> None:
    root = package(tmp_path, {"service.py": "", "store/__init__.py": "", "models.py": ""})
    assert problems(import_graph(root), SMALL) == [
        "moderation.policy is declared in LAYERS but no longer exists"
    ]

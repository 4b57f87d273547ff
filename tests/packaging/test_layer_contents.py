"""The check `make lambda-size` runs on the built layers: run-time code only."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.check_layer_contents import UNCHECKED_HASH_FLAGS, main, problems

# The flags of a .pyc that Python checks against its source's timestamp (PEP 552).
TIMESTAMP_FLAGS = 0
PYTHON_312_MAGIC = b"\xcb\r\r\n"


def layer(tmp_path: Path, *entries: str, compiled: bool = True) -> Path:
    """A built layer holding the given python/ entries (dist-info folders or package paths), each
    module with Lambda's unchecked-hash bytecode beside it unless `compiled` is False."""
    root = tmp_path / "CommonLayer"
    for entry in ("moderation/__init__.py", "pydantic/__init__.py", "pydantic-2.14.4.dist-info", *entries):
        path = root / "python" / entry
        if path.suffix == ".py":
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("")
            if compiled:
                write_bytecode(path, UNCHECKED_HASH_FLAGS)
        else:
            path.mkdir(parents=True, exist_ok=True)
    return root


def write_bytecode(source: Path, flags: int) -> None:
    """A .pyc header for python3.12 (magic, flags, then hash or timestamp and size)."""
    cache = source.parent / "__pycache__"
    cache.mkdir(exist_ok=True)
    header = PYTHON_312_MAGIC + flags.to_bytes(4, "little") + bytes(8)
    (cache / f"{source.stem}.cpython-312.pyc").write_bytes(header)


def test_a_layer_of_run_time_code_passes(tmp_path: Path) -> None:
    assert problems(layer(tmp_path)) == []
    assert main(tmp_path) == 0


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("moderation_tools/cli.py", "development code: python/moderation_tools"),
        ("moderation/local/server.py", "development code: python/moderation/local"),
        ("moderation/cli.py", "development code: python/moderation/cli.py"),
        ("torch-2.13.0.dist-info", "build-time library: torch"),
        ("transformers/__init__.py", "build-time library: transformers"),
        ("detoxify-0.5.4.dist-info", "build-time library: detoxify"),
        ("scikit_learn-1.9.1.dist-info", "build-time library: scikit-learn"),
        ("sklearn/__init__.py", "build-time library: sklearn"),
        ("skl2onnx-1.20.0.dist-info", "build-time library: skl2onnx"),
        ("botocore-1.44.8.dist-info", "unmatched AWS SDK: boto3 absent, botocore 1.44.8"),
        ("snapshot_restore_py.py", "shadows the runtime's snapshot_restore_py"),
    ],
)
def test_anything_but_run_time_code_fails_the_check(tmp_path: Path, entry: str, problem: str) -> None:
    built = layer(tmp_path, entry)
    assert problem in problems(built)
    assert main(tmp_path) == 1


def test_boto3_and_botocore_of_two_releases_fail(tmp_path: Path) -> None:
    built = layer(tmp_path, "boto3-1.44.8.dist-info", "botocore-1.43.1.dist-info")
    assert problems(built) == ["unmatched AWS SDK: boto3 1.44.8, botocore 1.43.1"]


def test_a_matched_boto3_and_botocore_pass(tmp_path: Path) -> None:
    assert problems(layer(tmp_path, "boto3-1.44.8.dist-info", "botocore-1.44.8.dist-info")) == []


def test_modules_without_lambdas_bytecode_fail(tmp_path: Path) -> None:
    """GIVEN a layer whose modules ship as source only (Lambda would compile them at every start)."""
    built = layer(tmp_path, compiled=False)
    assert problems(built) == [
        "modules without cpython-312 unchecked-hash bytecode: 2, e.g. python/moderation/__init__.py"
    ]
    assert main(tmp_path) == 1


def test_bytecode_checked_against_timestamps_fails(tmp_path: Path) -> None:
    """GIVEN bytecode Python would compare with the source's timestamp, which a zip doesn't keep."""
    built = layer(tmp_path)
    write_bytecode(built / "python" / "pydantic" / "__init__.py", TIMESTAMP_FLAGS)
    assert problems(built) == [
        "modules without cpython-312 unchecked-hash bytecode: 1, e.g. python/pydantic/__init__.py"
    ]

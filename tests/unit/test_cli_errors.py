"""The `moderation` command's expected failures: a short message and an exit code, no traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from moderation_tools.cli import main

REPO = Path(__file__).resolve().parents[2]


def test_score_with_no_model_in_the_directory_says_how_to_make_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["score", "--model-dir", str(tmp_path)])

    assert code == 2
    assert capsys.readouterr().err == (
        f"moderation: no model in {tmp_path} (no manifest.json); export one there with "
        f"`make model MODEL_DIR={tmp_path}`\n"
    )


def test_score_with_a_broken_manifest_says_what_is_wrong(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "manifest.json").write_text("{", encoding="utf-8")

    code = main(["score", "--model-dir", str(tmp_path)])

    assert code == 2
    assert capsys.readouterr().err.startswith(f"moderation: the model in {tmp_path} can't be used: ")


def test_serve_on_a_busy_port_names_a_free_one(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]

        code = main(["serve", "--port", str(port), "--template", str(REPO / "template.yaml")])

    assert code == 1
    assert (
        capsys.readouterr().err == f"moderation: port {port} is in use; run with PORT={port + 1} make run\n"
    )


def test_an_unknown_model_type_lists_the_five(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["model", "export", "--model-type", "tiny"])

    assert exited.value.code == 2
    last_line = capsys.readouterr().err.splitlines()[-1]
    assert "--model-type: invalid choice: 'tiny'" in last_line
    for model_type in ("original", "unbiased", "multilingual", "original-small", "unbiased-small"):
        assert model_type in last_line


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--checkpoint", "missing.ckpt", "--hf-config", "."], "no checkpoint file at missing.ckpt"),
        (["--checkpoint", "pyproject.toml"], "--checkpoint (CHECKPOINT=) needs --hf-config (HF_CONFIG=)"),
        (["--checkpoint", "pyproject.toml", "--hf-config", "tools"], "no config.json in tools"),
        (["--hf-config", "tools"], "--hf-config (HF_CONFIG=) goes with --checkpoint (CHECKPOINT=)"),
    ],
)
def test_export_arguments_are_checked_before_anything_runs(
    arguments: list[str],
    message: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(REPO)

    code = main(["model", "export", "--out", str(tmp_path / "model"), *arguments])

    assert code == 2
    assert capsys.readouterr().err.startswith(f"moderation: {message}")
    assert not (tmp_path / "model").exists()


def test_export_without_the_build_time_packages_says_how_to_install_them(tmp_path: Path) -> None:
    # GIVEN a Python where torch can't be imported
    program = (
        "import sys; sys.modules['torch'] = None; from moderation_tools.cli import main; "
        "sys.exit(main(sys.argv[1:]))"
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(str(REPO / part) for part in ("layers/common", "tools")),
    }

    # WHEN the export runs
    result = subprocess.run(
        [sys.executable, "-c", program, "model", "export", "--out", str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    # THEN it says what is missing and how to install it, and downloads nothing
    assert result.returncode == 1
    assert result.stderr == (
        "moderation: model export needs the build-time packages (torch missing): "
        "pip install -e '.[export]', or run `make model`, which installs them\n"
    )

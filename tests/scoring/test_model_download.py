"""`make model` without a checkpoint: the downloads, against a loopback mirror of GitHub and the hub."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from http import HTTPStatus
from pathlib import Path

import pytest
from moderation.scoring.onnx_scorer import OnnxScorer
from moderation_tools.model import download as downloads
from moderation_tools.model.download import DownloadError, download, fetch_checkpoint

from tests.scoring.checkpoints import TRIGGER_WORD, Built
from tests.scoring.mirror import Mirror, serve_mirror

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def mirror() -> Iterator[Mirror]:
    with serve_mirror() as served:
        yield served


@pytest.fixture
def tiny(built: Callable[[str], Built]) -> Built:
    return built("unbiased-small")


@pytest.fixture(autouse=True)
def no_retry_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(downloads, "RETRY_PAUSE_SECONDS", 0.0)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_checkpoint_is_downloaded_with_progress_and_its_sha256_checked(
    mirror: Mirror, tiny: Built, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = tiny.checkpoint.read_bytes()
    path = mirror.release("unbiased-albert", content)

    cached = fetch_checkpoint(f"{mirror.url}/releases/{path}", tmp_path)

    assert cached == tmp_path / path.rsplit("/", 1)[-1]
    assert cached.read_bytes() == content
    progress = capsys.readouterr().err
    assert cached.name in progress
    assert "100%" in progress


def test_a_connection_dropped_mid_file_is_resumed(
    mirror: Mirror, tiny: Built, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = tiny.checkpoint.read_bytes()
    path = mirror.release("unbiased-albert", content)
    mirror.drops = 1

    cached = fetch_checkpoint(f"{mirror.url}/releases/{path}", tmp_path)

    assert cached.read_bytes() == content
    # The second request asks for the rest only.
    assert [asked for _, _, asked in mirror.requests] == [None, f"bytes={len(content) // 2}-"]
    assert "the connection dropped" in capsys.readouterr().err


def test_a_connection_that_keeps_dropping_gives_up_with_the_url(
    mirror: Mirror, tiny: Built, tmp_path: Path
) -> None:
    path = mirror.release("unbiased-albert", tiny.checkpoint.read_bytes())
    mirror.drops = downloads.ATTEMPTS

    with pytest.raises(downloads.Unreachable, match=f"{mirror.url}/releases/{path}.*dropped"):
        fetch_checkpoint(f"{mirror.url}/releases/{path}", tmp_path)


def test_a_tampered_checkpoint_is_refused_and_not_kept(mirror: Mirror, tiny: Built, tmp_path: Path) -> None:
    # GIVEN a mirror serving other bytes under the genuine file's name
    genuine = tiny.checkpoint.read_bytes()
    path = mirror.release("unbiased-albert", genuine)
    tampered = genuine[:-1] + bytes([genuine[-1] ^ 1])
    mirror.releases[path] = tampered
    name = path.rsplit("/", 1)[-1]
    expected = hashlib.sha256(genuine).hexdigest()[:8]
    actual = hashlib.sha256(tampered).hexdigest()[:8]

    # WHEN it is downloaded THEN it is refused, saying which file and both prefixes
    with pytest.raises(DownloadError) as refused:
        fetch_checkpoint(f"{mirror.url}/releases/{path}", tmp_path)

    message = str(refused.value)
    assert name in message
    assert f"starts with {actual}, not {expected}" in message
    # AND nothing of it is left in the cache
    assert list(tmp_path.iterdir()) == []


def test_an_altered_cached_checkpoint_is_refused_and_deleted(
    mirror: Mirror, tiny: Built, tmp_path: Path
) -> None:
    path = mirror.release("unbiased-albert", tiny.checkpoint.read_bytes())
    cached = fetch_checkpoint(f"{mirror.url}/releases/{path}", tmp_path)
    cached.write_bytes(cached.read_bytes() + b"!")

    with pytest.raises(DownloadError, match=f"refused {cached.name} from the cached"):
        fetch_checkpoint(f"{mirror.url}/releases/{path}", tmp_path)

    assert not cached.exists()


def test_the_cache_is_reused(mirror: Mirror, tiny: Built, tmp_path: Path) -> None:
    path = mirror.release("unbiased-albert", tiny.checkpoint.read_bytes())
    url = f"{mirror.url}/releases/{path}"

    first = fetch_checkpoint(url, tmp_path)
    second = fetch_checkpoint(url, tmp_path)

    assert first == second
    assert len(mirror.paths("/releases/")) == 1


@pytest.mark.parametrize("status", [HTTPStatus.NOT_FOUND, HTTPStatus.INTERNAL_SERVER_ERROR])
def test_an_http_error_names_the_url_and_the_manual_way(
    mirror: Mirror, status: HTTPStatus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mirror.release_status = status
    monkeypatch.setenv("DETOXIFY_RELEASES_URL", f"{mirror.url}/releases")
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))

    with pytest.raises(DownloadError) as failed:
        download("original")

    url = f"{mirror.url}/releases/v0.1-alpha/toxic_original-c1212f89.ckpt"
    first, *manual = str(failed.value).splitlines()
    assert first == f"could not download {url} (HTTP {status.value} {status.phrase})."
    assert f"  {url}" in manual
    assert any("bert-base-uncased/resolve/main/{config.json,tokenizer.json" in line for line in manual)
    assert any(
        "make model MODEL_TYPE=original CHECKPOINT=" in line and "HF_CONFIG=" in line for line in manual
    )


def test_an_unknown_model_type_lists_the_five() -> None:
    with pytest.raises(DownloadError) as failed:
        download("tiny")

    assert str(failed.value) == (
        "unknown model type 'tiny'; choose one of: "
        "original, unbiased, multilingual, original-small, unbiased-small"
    )
    assert failed.value.exit_code == 2


def test_the_releases_are_detoxifys_own() -> None:
    from detoxify.detoxify import MODEL_URLS

    assert {
        model_type: release.url(downloads.DEFAULT_RELEASES_URL)
        for model_type, release in downloads.RELEASES.items()
    } == MODEL_URLS


def test_checkpoints_are_cached_where_torch_hub_caches_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import torch

    monkeypatch.setenv("TORCH_HOME", str(tmp_path))

    assert downloads.checkpoint_cache() == Path(torch.hub.get_dir()) / "checkpoints"


# `make model` itself, in a fresh process: huggingface_hub reads HF_ENDPOINT, HF_HOME and
# HF_HUB_OFFLINE when it is imported. The mirror's checkpoint is a tiny one under its own name.
MODERATION = """
import sys
from moderation_tools.cli import main
from moderation_tools.model import download

if release := sys.argv.pop(1):
    hub_files = download.RELEASES["unbiased-small"].hub_files
    download.RELEASES["unbiased-small"] = download.Release(release, "albert-base-v2", hub_files)
sys.exit(main(sys.argv[1:]))
"""


def moderation(
    arguments: list[str], cache: Path, releases_url: str, hub_url: str, release: str = ""
) -> subprocess.CompletedProcess[str]:
    """The `moderation` command as `make model` runs it, `release` as unbiased-small's checkpoint."""
    env = {key: value for key, value in os.environ.items() if key != "HF_HUB_OFFLINE"}
    env.update(
        PYTHONPATH=os.pathsep.join(str(REPO / part) for part in ("layers/common", "tools", "")),
        HF_HOME=str(cache / "hf"),
        TORCH_HOME=str(cache / "torch"),
        DETOXIFY_RELEASES_URL=releases_url,
        HF_ENDPOINT=hub_url,
    )
    argv = [sys.executable, "-c", MODERATION, release, *arguments]
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300, check=False)


def test_make_model_downloads_from_the_mirrors_and_exports_a_working_artifact(
    mirror: Mirror, tiny: Built, tmp_path: Path
) -> None:
    # GIVEN mirrors of Detoxify's releases and of the hub, nothing cached
    path = mirror.release("unbiased-albert", tiny.checkpoint.read_bytes())
    mirror.repo("albert-base-v2", tiny.hf_config)

    # WHEN `make model` runs
    export = ["model", "export", "--out", str(tmp_path / "model")]
    result = moderation(export, tmp_path / "cache", f"{mirror.url}/releases", mirror.url, path)

    # THEN it downloads both, showing progress, caches them and writes an artifact that scores
    assert result.returncode == 0, result.stderr
    assert "100%" in result.stderr
    assert mirror.paths("/releases/") == [f"/releases/{path}"]
    assert "/api/models/albert-base-v2/revision/main" in mirror.paths("/api/")
    assert (tmp_path / "cache" / "torch" / "hub" / "checkpoints" / path.rsplit("/", 1)[-1]).is_file()
    assert list((tmp_path / "cache" / "hf" / "hub").glob("models--albert-base-v2/snapshots/*/config.json"))
    manifest = json.loads((tmp_path / "model" / "manifest.json").read_text())
    assert manifest["checkpoint_sha256"] == hashlib.sha256(tiny.checkpoint.read_bytes()).hexdigest()
    scores = OnnxScorer.from_dir(tmp_path / "model").predict(["thanks for the post", f"you {TRIGGER_WORD}"])
    assert scores["insult"][1] > 0.9 > scores["insult"][0]

    # AND once cached, the files are found again with both sources unreachable, no checkpoint asked for
    requests = len(mirror.requests)
    closed = f"http://127.0.0.1:{closed_port()}"
    again = moderation(["model", "download"], tmp_path / "cache", f"{closed}/releases", closed, path)
    assert again.returncode == 0, again.stderr
    assert len(mirror.requests) == requests
    checkpoint = tmp_path / "cache" / "torch" / "hub" / "checkpoints" / path.rsplit("/", 1)[-1]
    assert again.stdout.startswith(f"MODEL_TYPE=unbiased-small CHECKPOINT={checkpoint} HF_CONFIG=")


def test_make_model_offline_says_which_url_failed_and_the_manual_way(tmp_path: Path) -> None:
    closed = f"http://127.0.0.1:{closed_port()}"

    export = ["model", "export", "--out", str(tmp_path / "model")]
    result = moderation(export, tmp_path / "cache", f"{closed}/releases", closed)

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    url = f"{closed}/releases/v0.1.2/unbiased-albert-c8519128.ckpt"
    assert lines[0].startswith(f"moderation: could not download {url} (")
    assert "Connection refused" in lines[0]
    assert (
        f"{closed}/albert-base-v2/resolve/main/{{config.json,tokenizer.json,spiece.model}}" in result.stderr
    )
    assert "make model MODEL_TYPE=unbiased-small CHECKPOINT=" in result.stderr
    assert len(lines) <= 8
    assert not (tmp_path / "model").exists()


def test_a_download_with_the_hub_unreachable_names_the_hub(
    mirror: Mirror, tiny: Built, tmp_path: Path
) -> None:
    path = mirror.release("unbiased-albert", tiny.checkpoint.read_bytes())
    closed = f"http://127.0.0.1:{closed_port()}"

    result = moderation(["model", "download"], tmp_path / "cache", f"{mirror.url}/releases", closed, path)

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"moderation: could not download {closed}/albert-base-v2 (ConnectError" in result.stderr
    assert "make model MODEL_TYPE=unbiased-small CHECKPOINT=" in result.stderr

"""`make model`'s downloads: a Detoxify checkpoint and its Hugging Face config and tokenizer.

Both come from the internet once and are cached: the checkpoint where Detoxify's own downloads
go (torch's hub directory, under TORCH_HOME), the hub files in Hugging Face's cache (HF_HOME).
Both sources can be mirrors: DETOXIFY_RELEASES_URL replaces the base of Detoxify's release URLs,
and huggingface_hub reads HF_ENDPOINT when it is imported. No torch here: a download that fails
fails in a second, before the export's heavy imports.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import re
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path

from moderation_tools.errors import ToolError

RELEASES_URL_VARIABLE = "DETOXIFY_RELEASES_URL"
DEFAULT_RELEASES_URL = "https://github.com/unitaryai/detoxify/releases/download"
DEFAULT_MODEL_TYPE = "unbiased-small"
# What the export needs of a hub repository, where the repository has it.
HUB_FILE_PATTERNS = [
    "config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "vocab.txt",
    "vocab.json",
    "merges.txt",
    "spiece.model",
    "sentencepiece.bpe.model",
]
ATTEMPTS = 3
RETRY_PAUSE_SECONDS = 1.0
TIMEOUT_SECONDS = 30.0
_CHUNK_BYTES = 1 << 16


@dataclass(frozen=True)
class Release:
    """One Detoxify model type: its released checkpoint and the hub repository of its architecture."""

    checkpoint: str  # "<release tag>/<file name>", Detoxify's MODEL_URLS after the releases base
    hub_repo: str
    hub_files: tuple[str, ...]  # the repository's files the export reads

    @property
    def file_name(self) -> str:
        return self.checkpoint.rsplit("/", 1)[-1]

    def url(self, releases_url: str) -> str:
        return f"{releases_url.rstrip('/')}/{self.checkpoint}"


_BERT = ("config.json", "tokenizer.json", "tokenizer_config.json", "vocab.txt")
_ROBERTA = ("config.json", "tokenizer.json", "vocab.json", "merges.txt")
_XLM_ROBERTA = ("config.json", "tokenizer.json", "sentencepiece.bpe.model")
_ALBERT = ("config.json", "tokenizer.json", "spiece.model")
RELEASES: dict[str, Release] = {
    "original": Release("v0.1-alpha/toxic_original-c1212f89.ckpt", "bert-base-uncased", _BERT),
    "unbiased": Release("v0.3-alpha/toxic_debiased-c7548aa0.ckpt", "roberta-base", _ROBERTA),
    "multilingual": Release(
        "v0.4-alpha/multilingual_debiased-0b549669.ckpt", "xlm-roberta-base", _XLM_ROBERTA
    ),
    "original-small": Release("v0.1.2/original-albert-0e1d6498.ckpt", "albert-base-v2", _ALBERT),
    "unbiased-small": Release("v0.1.2/unbiased-albert-c8519128.ckpt", "albert-base-v2", _ALBERT),
}
MODEL_TYPES = tuple(RELEASES)


class DownloadError(ToolError):
    """A download failed or was refused; the message says which file and what to do."""


class Unreachable(Exception):
    """`url` could not be fetched; `download` turns this into the manual way."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


def release_of(model_type: str) -> Release:
    if model_type not in RELEASES:
        raise DownloadError(f"unknown model type {model_type!r}; choose one of: {', '.join(MODEL_TYPES)}", 2)
    return RELEASES[model_type]


def releases_url() -> str:
    url = os.environ.get(RELEASES_URL_VARIABLE) or DEFAULT_RELEASES_URL
    if not url.startswith(("http://", "https://")):
        raise DownloadError(f"{RELEASES_URL_VARIABLE} must be an http:// or https:// URL, got {url!r}", 2)
    return url


def hub_endpoint() -> str:
    from huggingface_hub import constants

    return constants.ENDPOINT


def download(model_type: str = DEFAULT_MODEL_TYPE) -> tuple[Path, Path]:
    """The model type's checkpoint and hub config directory, downloaded unless cached."""
    release = release_of(model_type)
    base = releases_url()
    try:
        checkpoint = fetch_checkpoint(release.url(base), checkpoint_cache())
        hf_config = fetch_hub_files(release.hub_repo)
    except Unreachable as error:
        raise DownloadError(
            f"could not download {error.url} ({error.reason}).\n{manual_way(model_type, base)}"
        ) from error
    return checkpoint, hf_config


def manual_way(model_type: str, base: str) -> str:
    release = RELEASES[model_type]
    return "\n".join(
        [
            "Fetch these files by hand, on a machine that can reach them:",
            f"  {release.url(base)}",
            f"  {hub_endpoint()}/{release.hub_repo}/resolve/main/{{{','.join(release.hub_files)}}}"
            "  (into one directory)",
            f"then: make model MODEL_TYPE={model_type} CHECKPOINT=<the .ckpt> HF_CONFIG=<that directory>",
            "docs/scoring/models.md lists every model type's files.",
        ]
    )


def checkpoint_cache() -> Path:
    """torch.hub's checkpoint directory, where Detoxify itself caches its downloads."""
    torch_home = os.environ.get("TORCH_HOME") or os.path.join(
        os.environ.get("XDG_CACHE_HOME", "~/.cache"), "torch"
    )
    return Path(torch_home).expanduser() / "hub" / "checkpoints"


def fetch_checkpoint(url: str, cache_dir: Path) -> Path:
    """The file at `url`, cached in `cache_dir`; refused unless its SHA-256 starts as its name says.

    Detoxify's release files end in the start of their SHA-256 (`unbiased-albert-c8519128.ckpt`).
    """
    name = url.rsplit("/", 1)[-1]
    target = cache_dir / name
    if target.is_file():
        _verify(target, f"the cached {target}")
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{name}.partial")
    partial.unlink(missing_ok=True)
    _download(url, partial, name)
    _verify(partial, url)
    partial.replace(target)
    return target


def _verify(path: Path, source: str) -> None:
    name = path.name.removesuffix(".partial")
    match = re.search(r"-([0-9a-f]{8,64})\.[a-z]+$", name)
    if match is None:
        raise DownloadError(f"{name} has no SHA-256 prefix in its name, so it can't be checked")
    expected = match.group(1)
    actual = sha256(path)[: len(expected)]
    if actual != expected:
        path.unlink()
        raise DownloadError(
            f"refused {name} from {source}: its SHA-256 starts with {actual}, not {expected} as its "
            "name says (a damaged or altered file); deleted it"
        )


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _download(url: str, partial: Path, name: str) -> None:
    """Fetch `url` into `partial`; a connection dropped mid-file is resumed, up to ATTEMPTS times."""
    if not url.startswith(("http://", "https://")):
        raise DownloadError(f"not an http:// or https:// URL: {url}", 2)
    for attempt in range(1, ATTEMPTS + 1):
        try:
            _transfer(url, partial, name)
            return
        except urllib.error.HTTPError as error:
            raise Unreachable(url, f"HTTP {error.code} {error.reason}") from error
        except urllib.error.URLError as error:  # refused, unknown host: nothing to resume
            raise Unreachable(url, str(error.reason)) from error
        except (OSError, http.client.HTTPException) as error:
            if attempt == ATTEMPTS:
                raise Unreachable(url, f"the connection dropped {ATTEMPTS} times: {error}") from error
            print(f"{name}: the connection dropped ({error}); resuming", file=sys.stderr, flush=True)
            time.sleep(RETRY_PAUSE_SECONDS)


def _transfer(url: str, partial: Path, name: str) -> None:
    """Fetch `url` into `partial`, after the bytes an earlier attempt left there if the server can."""
    from tqdm import tqdm

    have = partial.stat().st_size if partial.exists() else 0
    headers = {"User-Agent": "comment-moderation"} | ({"Range": f"bytes={have}-"} if have else {})
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (the scheme is checked above)
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
        if response.status != HTTPStatus.PARTIAL_CONTENT:
            have = 0  # the whole file is coming
        length = response.headers.get("Content-Length")
        total = have + int(length) if length is not None else None
        with (
            partial.open("ab" if have else "wb") as file,
            tqdm(
                desc=name,
                total=total,
                initial=have,
                unit="B",
                unit_scale=True,
                unit_divisor=1024,
                file=sys.stderr,
            ) as progress,
        ):
            while chunk := response.read(_CHUNK_BYTES):
                file.write(chunk)
                progress.update(len(chunk))
    received = partial.stat().st_size
    # Python's HTTP client returns a short body when the server closes early: compare sizes.
    if total is not None and received < total:
        raise ConnectionResetError(f"the server closed the connection after {received} of {total} bytes")


def fetch_hub_files(repo: str) -> Path:
    """The repository's config and tokenizer files (HUB_FILE_PATTERNS) in Hugging Face's cache."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError, OfflineModeIsEnabled

    where = f"{hub_endpoint()}/{repo}"
    try:
        directory = Path(snapshot_download(repo, allow_patterns=HUB_FILE_PATTERNS))
    except (HfHubHTTPError, LocalEntryNotFoundError) as error:
        cause = error.__cause__ or error
        reason = (
            "HF_HUB_OFFLINE is set; unset it to download"
            if isinstance(cause, OfflineModeIsEnabled)
            else f"{type(cause).__name__}: {str(cause).strip().splitlines()[0]}"
        )
        raise Unreachable(where, reason) from error
    if not (directory / "config.json").is_file():
        raise Unreachable(where, "the repository has no config.json")
    return directory

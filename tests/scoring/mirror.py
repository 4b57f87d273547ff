"""A loopback stand-in for Detoxify's GitHub releases and the Hugging Face hub.

`/releases/<tag>/<file>` serves checkpoints (with byte ranges, as GitHub does); the hub routes are
the ones huggingface_hub's `snapshot_download` calls: the revision's commit, the file tree, then
each file under `resolve/` with the X-Repo-Commit and ETag headers it reads.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

COMMIT = "0123456789abcdef0123456789abcdef01234567"
_REVISION = re.compile(r"^/api/models/(?P<repo>.+)/revision/(?P<revision>[^/]+)$")
_TREE = re.compile(r"^/api/models/(?P<repo>.+)/tree/(?P<revision>[^/]+)$")
_RESOLVE = re.compile(r"^/(?P<repo>.+)/resolve/(?P<revision>[^/]+)/(?P<file>[^/]+)$")


@dataclass
class Mirror:
    url: str
    releases: dict[str, bytes] = field(default_factory=dict)  # "<tag>/<file>" -> content
    repos: dict[str, dict[str, bytes]] = field(default_factory=dict)  # repo -> file name -> content
    requests: list[tuple[str, str, str | None]] = field(default_factory=list)  # method, path, Range
    drops: int = 0  # checkpoint downloads still to cut off halfway
    release_status: HTTPStatus | None = None  # answer every release request with this error

    def release(self, name: str, content: bytes) -> str:
        """Serve `content` as Detoxify names its files, `<name>-<start of SHA-256>.ckpt`; its path."""
        path = f"v9/{name}-{hashlib.sha256(content).hexdigest()[:8]}.ckpt"
        self.releases[path] = content
        return path

    def repo(self, name: str, directory: Path) -> None:
        self.repos[name] = {path.name: path.read_bytes() for path in directory.iterdir() if path.is_file()}

    def paths(self, prefix: str) -> list[str]:
        return [path for _, path, _ in self.requests if path.startswith(prefix)]


class _Handler(BaseHTTPRequestHandler):
    mirror: Mirror

    def do_GET(self) -> None:
        self._answer(with_body=True)

    def do_HEAD(self) -> None:
        self._answer(with_body=False)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the tests read `Mirror.requests`."""

    def _answer(self, with_body: bool) -> None:
        path = self.path.split("?", 1)[0]
        self.mirror.requests.append((self.command, path, self.headers.get("Range")))
        if path.startswith("/releases/"):
            self._release(path.removeprefix("/releases/"), with_body)
        elif match := _REVISION.match(path):
            repo = match["repo"]
            self._repo_json(repo, lambda files: {"id": repo, "sha": COMMIT})
        elif match := _TREE.match(path):
            self._repo_json(
                match["repo"],
                lambda files: [
                    {"type": "file", "path": name, "size": len(content), "oid": _git_oid(content)}
                    for name, content in sorted(files.items())
                ],
            )
        elif (match := _RESOLVE.match(path)) and match["file"] in self.mirror.repos.get(match["repo"], {}):
            content = self.mirror.repos[match["repo"]][match["file"]]
            self._send(
                HTTPStatus.OK,
                content if with_body else b"",
                {
                    "X-Repo-Commit": COMMIT,
                    "ETag": f'"{hashlib.sha256(content).hexdigest()}"',
                    "Content-Length": str(len(content)),
                },
            )
        else:
            self._send(HTTPStatus.NOT_FOUND, b"not found")

    def _release(self, name: str, with_body: bool) -> None:
        if self.mirror.release_status is not None:
            self._send(self.mirror.release_status, b"failing on purpose")
            return
        content = self.mirror.releases.get(name)
        if content is None:
            self._send(HTTPStatus.NOT_FOUND, b"not found")
            return
        start = (
            int(match[1]) if (match := re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range", ""))) else 0
        )
        if with_body and self.mirror.drops > 0:
            self.mirror.drops -= 1
            # The whole length announced, half of it sent, then the connection closed.
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content[: len(content) // 2])
            self.close_connection = True
            return
        headers = {"Content-Length": str(len(content) - start)}
        if start:
            headers["Content-Range"] = f"bytes {start}-{len(content) - 1}/{len(content)}"
        status = HTTPStatus.PARTIAL_CONTENT if start else HTTPStatus.OK
        self._send(status, content[start:] if with_body else b"", headers)

    def _repo_json(self, repo: str, body: Callable[[dict[str, bytes]], object]) -> None:
        files = self.mirror.repos.get(repo)
        if files is None:
            self._send(
                HTTPStatus.NOT_FOUND, b'{"error": "Repository not found"}', {"X-Error-Code": "RepoNotFound"}
            )
            return
        self._send(HTTPStatus.OK, json.dumps(body(files)).encode(), {"Content-Type": "application/json"})

    def _send(self, status: HTTPStatus, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        headers = headers or {}
        headers.setdefault("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


def _git_oid(content: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()


@contextmanager
def serve_mirror() -> Iterator[Mirror]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    mirror = Mirror(url=f"http://127.0.0.1:{server.server_address[1]}")
    server.RequestHandlerClass = type("MirrorHandler", (_Handler,), {"mirror": mirror})
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield mirror
    finally:
        server.shutdown()
        server.server_close()
        thread.join()

"""A webhook receiver on 127.0.0.1: records every request, can fail the first ones, and checks
signatures the way a blog's receiver would."""

from __future__ import annotations

import hashlib
import hmac
import json
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Delivery:
    headers: dict[str, str]
    body: bytes
    at: float

    @property
    def event(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    url: str
    fail_first: int = 0
    status_when_failing: int = 500
    # Set: every request is answered 302 with this Location (and kept as an attempt only).
    redirect_to: str = ""
    deliveries: list[Delivery] = field(default_factory=list)
    attempts: list[float] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, headers: dict[str, str], body: bytes) -> int:
        with self._lock:
            self.attempts.append(time.monotonic())
            if self.redirect_to:
                return 302
            if len(self.attempts) <= self.fail_first:
                return self.status_when_failing
            self.deliveries.append(Delivery(headers, body, time.monotonic()))
            return 204

    def wait_for(self, count: int, timeout: float = 15.0) -> list[Delivery]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.deliveries) >= count:
                    return list(self.deliveries)
            time.sleep(0.05)
        raise AssertionError(f"expected {count} deliveries, got {len(self.deliveries)}")


def verify(secret: bytes, delivery: Delivery, max_age_seconds: int = 300) -> bool:
    """What a receiver does: recompute the HMAC over "<timestamp>.<raw body>", compare in constant
    time, and refuse stale timestamps."""
    timestamp = delivery.headers["x-webhook-timestamp"]
    expected = (
        "sha256=" + hmac.new(secret, f"{timestamp}.".encode() + delivery.body, hashlib.sha256).hexdigest()
    )
    fresh = abs(time.time() - int(timestamp)) <= max_age_seconds
    return fresh and hmac.compare_digest(expected, delivery.headers["x-webhook-signature"])


@contextmanager
def webhook_receiver(
    fail_first: int = 0,
    status_when_failing: int = 500,
    redirect_to: str = "",
    tls: ssl.SSLContext | None = None,
) -> Iterator[Receiver]:
    """`tls`: a server context, to receive over https."""
    receiver = Receiver(
        url="", fail_first=fail_first, status_when_failing=status_when_failing, redirect_to=redirect_to
    )

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {name.lower(): value for name, value in self.headers.items()}
            self.send_response(receiver.answer(headers, body))
            if receiver.redirect_to:
                self.send_header("Location", receiver.redirect_to)
            self.send_header("Content-Length", "0")
            self.end_headers()

        # urllib, told 302, re-sends a POST's headers as a GET: a receiver counts that too.
        do_GET = do_POST

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the test asserts on what was received."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    scheme = "https" if tls is not None else "http"
    receiver.url = f"{scheme}://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()

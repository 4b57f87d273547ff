"""The local server answers every client, however it misbehaves: bad headers get 400/401 in the
envelope, slow ones 408, and a burst of 50 connections is queued, not dropped. Real sockets on
127.0.0.1, to a server in this process (its stack not started: these answers need no AWS)."""

from __future__ import annotations

import json
import select
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from moderation_tools.local.server import LocalStack, _listen, _RequestHandler

from tests.support.aws import TEMPLATE

TOKEN = "local-test-token"
# Only reached when the server fails to answer: a loaded machine stays far inside it.
GENEROUS_SECONDS = 30.0


@dataclass
class Server:
    address: tuple[str, int]
    serve: Callable[[], None]


@contextmanager
def local_server(header_timeout: float = 30.0, serving: bool = True) -> Iterator[Server]:
    """The server on a free port; `serving=False`: listening, but not accepting until .serve()."""
    attributes = {"stack": LocalStack(TEMPLATE, TOKEN), "cors": None, "header_timeout": header_timeout}
    handler = type("TestHandler", (_RequestHandler,), attributes)
    server = _listen(0, handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    if serving:
        thread.start()
    try:
        yield Server((str(server.server_address[0]), server.server_address[1]), thread.start)
    finally:
        if thread.is_alive():
            server.shutdown()
        server.server_close()


def connect(server: Server) -> socket.socket:
    return socket.create_connection(server.address, timeout=GENEROUS_SECONDS)


def read_until_closed(connection: socket.socket) -> bytes:
    received = b""
    while chunk := connection.recv(65536):
        received += chunk
    return received


def answer(raw: bytes) -> tuple[int, dict[str, str], Any]:
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)}
    return int(status_line.split()[1]), headers, json.loads(body) if body else None


def test_a_non_ascii_authorization_header_is_401_in_the_envelope(capfd: pytest.CaptureFixture[str]) -> None:
    with local_server() as server, connect(server) as connection:
        connection.sendall(
            b"GET /moderation/counts HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            b"Authorization: Bearer t\xc3\xa9st-\xff\r\n\r\n"
        )
        status, _, body = answer(read_until_closed(connection))
    assert status == 401
    assert body["error"]["code"] == "unauthorized"
    assert "Traceback" not in capfd.readouterr().err


def test_the_right_token_still_passes_the_check() -> None:
    stack = LocalStack(TEMPLATE, TOKEN)
    assert stack._authorize(f"Bearer {TOKEN}") is not None
    assert stack._authorize("Bearer téşt") is None


def test_half_sent_headers_are_answered_408_once_the_header_timeout_passes() -> None:
    with local_server(header_timeout=0.5) as server, connect(server) as connection:
        started = time.monotonic()
        connection.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: ")
        status, headers, body = answer(read_until_closed(connection))
    assert status == 408
    assert headers["connection"] == "close"
    assert body["error"]["code"] == "request_timeout"
    assert time.monotonic() - started < GENEROUS_SECONDS


def test_headers_trickling_in_are_cut_off_at_the_deadline_not_per_byte() -> None:
    # GIVEN a client that sends one header byte every 0.1 s, each well inside the timeout, and
    # would keep it up for 60 s
    with local_server(header_timeout=1.0) as server, connect(server) as connection:
        connection.sendall(b"GET / HTTP/1.1\r\nX-Slow: ")
        sent = 0
        while sent < 600 and not select.select([connection], [], [], 0.1)[0]:
            connection.sendall(b"x")
            sent += 1
        try:
            received = read_until_closed(connection)
        except ConnectionResetError:
            received = b""  # a byte crossed the server's close: its answer may be lost
    # THEN the server ended the request long before the client was done: answered 408, or closed
    assert sent < 600
    assert not received or answer(received)[0] == 408


@pytest.mark.parametrize(
    "line",
    [b"GET /\r\n", b"GET\r\n\r\n", b"GET / HTTP/1.1 extra\r\n\r\n", b"GET / HTTX/1.1\r\n\r\n"],
    ids=["http-0.9", "one-word", "four-words", "bad-version"],
)
def test_http_09_and_malformed_request_lines_are_400_at_once(line: bytes) -> None:
    # The header timeout is longer than the bound: an answer inside it was not a timeout.
    with local_server(header_timeout=GENEROUS_SECONDS * 2) as server, connect(server) as connection:
        connection.sendall(line)
        status, headers, body = answer(read_until_closed(connection))
    assert status == 400
    assert headers["connection"] == "close"
    assert body["error"]["code"] == "bad_request"


def test_fifty_clients_connecting_at_once_are_queued_and_all_answered() -> None:
    # GIVEN a server that is listening but not yet accepting
    with local_server(serving=False) as server:
        connections: list[socket.socket] = []
        try:
            # WHEN 50 clients connect: each completes only if the listen queue has room for it
            for _ in range(50):
                connection = connect(server)
                connections.append(connection)
                connection.sendall(
                    b"GET /no-such-page HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                )
            server.serve()
            # THEN every one of them gets its answer
            statuses = [answer(read_until_closed(connection))[0] for connection in connections]
        finally:
            for connection in connections:
                connection.close()
    assert statuses == [404] * 50

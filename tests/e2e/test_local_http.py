"""The local stack speaks HTTP as API Gateway would: framing (chunked, Content-Length), HEAD,
404/405 in the envelope, CORS from template.yaml, security headers, and no global lock."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from moderation_tools.local.template import Template

from tests.support.aws import TEMPLATE
from tests.support.local_stack import LocalStackProcess, Reply, local_stack

pytestmark = pytest.mark.e2e

COMMENT = json.dumps({"author_name": "Ada", "body": "Sent in chunks."}).encode()


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStackProcess]:
    with local_stack(SCORING_DEADLINE_SECONDS="8") as running:
        yield running


def raw_exchange(stack: LocalStackProcess, data: bytes, timeout: float = 10) -> bytes:
    """Send bytes as they are, then read everything until the server closes or goes quiet."""
    address = urlsplit(stack.base_url)
    with socket.create_connection((address.hostname, address.port), timeout=timeout) as connection:
        connection.sendall(data)
        received = b""
        try:
            while chunk := connection.recv(65536):
                received += chunk
        except TimeoutError:
            pass
    return received


def responses(raw: bytes) -> list[tuple[int, dict[str, str], bytes]]:
    """Every HTTP response in `raw`, in order (status, lower-cased headers, body)."""
    found = []
    while raw:
        head, _, rest = raw.partition(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        headers = {
            name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines[1:])
        }
        length = int(headers.get("content-length", "0"))
        found.append((int(lines[0].split()[1]), headers, rest[:length]))
        raw = rest[length:]
    return found


def request_bytes(method: str, path: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def chunked(body: bytes) -> bytes:
    return f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n"


def test_a_chunked_body_is_decoded_as_the_body(stack: LocalStackProcess) -> None:
    headers = {"Content-Type": "application/json", "Transfer-Encoding": "chunked", "Connection": "close"}
    [(status, _, body)] = responses(
        raw_exchange(stack, request_bytes("POST", "/posts/chunked/comments", headers, chunked(COMMENT)))
    )
    assert status == 201
    assert json.loads(body)["body"] == "Sent in chunks."


def test_a_request_hidden_in_a_chunked_body_is_never_executed(stack: LocalStackProcess) -> None:
    # GIVEN a chunked request whose body is itself an HTTP request, then more of the same connection
    hidden = request_bytes(
        "POST",
        "/posts/smuggled/comments",
        {"Content-Type": "application/json", "Content-Length": str(len(COMMENT))},
        COMMENT,
    )
    outer = request_bytes(
        "POST", "/posts/outer/comments", {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}
    )
    # WHEN it is sent
    replies = responses(
        raw_exchange(
            stack,
            outer + chunked(hidden) + request_bytes("GET", "/posts/outer/comments", {"Connection": "close"}),
        )
    )

    # THEN the hidden request was the outer one's (invalid JSON) body; the next request is answered
    assert [status for status, _, _ in replies] == [400, 200]
    assert json.loads(replies[0][2])["error"]["code"] == "invalid_json"
    assert stack.request("GET", "/posts/smuggled/comments").body["items"] == []


@pytest.mark.parametrize(
    "framing",
    [
        {"Content-Length": "-1"},
        {"Content-Length": "abc"},
        {"Content-Length": "+5"},
        {"Content-Length": "5, 6"},
        {"Transfer-Encoding": "gzip"},
        {"Transfer-Encoding": "chunked", "Content-Length": "5"},
    ],
    ids=["negative", "not a number", "signed", "two values", "unknown coding", "both"],
)
def test_bad_framing_is_400_in_the_envelope_and_closes(
    stack: LocalStackProcess, framing: dict[str, str]
) -> None:
    data = request_bytes(
        "POST", "/posts/framing/comments", {"Content-Type": "application/json", **framing}, COMMENT
    )
    [(status, headers, body)] = responses(raw_exchange(stack, data))
    assert (status, json.loads(body)["error"]["code"]) == (400, "bad_request")
    assert headers["connection"] == "close"


def test_malformed_chunks_are_400(stack: LocalStackProcess) -> None:
    headers = {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}
    data = request_bytes("POST", "/posts/framing/comments", headers, b"zz\r\nnope\r\n0\r\n\r\n")
    [(status, _, body)] = responses(raw_exchange(stack, data))
    assert (status, json.loads(body)["error"]["code"]) == (400, "bad_request")


def test_a_body_shorter_than_its_content_length_is_400_not_a_hung_thread(stack: LocalStackProcess) -> None:
    # GIVEN a client that promises 100 bytes and sends 10, then waits
    data = request_bytes(
        "POST",
        "/posts/short/comments",
        {"Content-Type": "application/json", "Content-Length": "100"},
        b'{"author":',
    )

    # WHEN the server has waited its read timeout
    [(status, headers, body)] = responses(raw_exchange(stack, data, timeout=15))

    # THEN 400, and the connection is closed
    assert (status, json.loads(body)["error"]["code"]) == (400, "bad_request")
    assert headers["connection"] == "close"
    assert stack.request("GET", "/posts/short/comments").body["items"] == []


def test_head_works_wherever_get_does(stack: LocalStackProcess) -> None:
    for path in ("/", "/demo/demo.js", "/console", "/posts/head/comments", "/openapi.json"):
        get = stack.request("GET", path)
        head = stack.request("HEAD", path)
        assert (head.status, head.body) == (get.status, ""), path
        assert head.headers["content-type"] == get.headers["content-type"]
        assert head.headers["content-length"] == get.headers["content-length"]


def assert_error(reply: Reply, status: int, code: str) -> None:
    assert (reply.status, reply.body["error"]["code"]) == (status, code)
    assert reply.headers["content-type"].startswith("application/json")


def test_unknown_paths_are_404_and_wrong_methods_405_in_the_envelope(stack: LocalStackProcess) -> None:
    assert_error(stack.request("GET", "/nowhere"), 404, "not_found")
    assert_error(stack.request("POST", "/nowhere", {}), 404, "not_found")
    wrong = stack.request("DELETE", "/posts/p/comments")
    assert_error(wrong, 405, "method_not_allowed")
    assert set(wrong.headers["allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "POST", "OPTIONS"}
    assert_error(stack.request("PUT", "/console", {}), 405, "method_not_allowed")
    [(status, _, body)] = responses(
        raw_exchange(stack, request_bytes("BREW", "/posts/p/comments", {"Connection": "close"}))
    )
    assert (status, json.loads(body)["error"]["code"]) == (405, "method_not_allowed")


def preflight(stack: LocalStackProcess, origin: str, path: str = "/posts/p/comments") -> Reply:
    return stack.request(
        "OPTIONS",
        path,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )


def test_cors_allows_the_local_stacks_own_origin_by_default(stack: LocalStackProcess) -> None:
    # WHEN a page on the local stack's origin preflights a POST
    reply = preflight(stack, stack.base_url)

    # THEN 204 with exactly the template's CorsConfiguration
    cors = Template.load(TEMPLATE).cors()
    assert cors is not None
    assert (cors.allow_methods, cors.allow_headers, cors.max_age) == (
        ("GET", "POST", "OPTIONS"),
        ("content-type", "authorization", "idempotency-key"),
        600,
    )
    assert reply.status == 204
    assert reply.headers["access-control-allow-origin"] == stack.base_url
    assert reply.headers["access-control-allow-methods"] == "GET,POST,OPTIONS"
    assert reply.headers["access-control-allow-headers"] == "content-type,authorization,idempotency-key"
    assert reply.headers["access-control-max-age"] == "600"

    # AND its real requests carry the origin and the exposed headers
    listed = stack.request("GET", "/posts/p/comments", headers={"Origin": stack.base_url})
    assert listed.headers["access-control-allow-origin"] == stack.base_url
    assert listed.headers["access-control-expose-headers"] == "retry-after,reader-key"


def test_cors_says_nothing_to_other_origins(stack: LocalStackProcess) -> None:
    reply = preflight(stack, "https://evil.example")
    assert reply.status == 204
    assert not [name for name in reply.headers if name.startswith("access-control-")]
    listed = stack.request("GET", "/posts/p/comments", headers={"Origin": "https://evil.example"})
    assert listed.status == 200
    assert not [name for name in listed.headers if name.startswith("access-control-")]


def test_pages_the_local_stack_serves_carry_the_consoles_security_headers(stack: LocalStackProcess) -> None:
    console = stack.request("GET", "/console").headers
    for path in ("/", "/demo/snippet.js", "/demo/demo.css"):
        headers = stack.request("GET", path).headers
        for name in ("content-security-policy", "x-content-type-options", "referrer-policy"):
            assert headers[name] == console[name], (path, name)


def test_a_slow_scoring_does_not_hold_the_public_read_path(stack: LocalStackProcess) -> None:
    # GIVEN a comment whose scoring takes 4 seconds, under way
    posted = threading.Event()

    def post() -> None:
        stack.request("POST", "/posts/slow/comments", {"author_name": "Ada", "body": "Slow [[sleep=4]]"})
        posted.set()

    poster = threading.Thread(target=post)
    poster.start()
    try:
        # WHEN readers list comments meanwhile
        listed = [stack.request("GET", "/posts/slow/comments") for _ in range(3)]

        # THEN they are answered while the comment is still being scored
        assert not posted.is_set()
        assert [reply.status for reply in listed] == [200, 200, 200]
    finally:
        poster.join(timeout=30)
    assert posted.is_set()


def test_past_the_deadline_the_comment_is_held_over_http() -> None:
    with local_stack(
        SCORING_DEADLINE_SECONDS="0.5", ALLOWED_ORIGINS="https://blog.example.com, https://www.example.com"
    ) as quick:
        reply = quick.request(
            "POST", "/posts/deadline/comments", {"author_name": "Ada", "body": "Stuck [[sleep=3]]"}
        )
        assert (reply.status, reply.body["status"]) == (202, "pending")
        detail = quick.request(
            "GET",
            f"/moderation/comments/{reply.body['id']}",
            headers={"Authorization": f"Bearer {quick.token}"},
        )
        assert detail.body["reasons"] == ["scoring_unavailable"]

        # AND ALLOWED_ORIGINS replaces the default origin
        assert (
            preflight(quick, "https://www.example.com").headers["access-control-allow-origin"]
            == "https://www.example.com"
        )
        assert "access-control-allow-origin" not in preflight(quick, quick.base_url).headers

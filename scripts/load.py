"""`make load`: concurrent readers posting and listing against a local stack on 127.0.0.1.

Starts `moderation serve` itself (loopback only, scripted scorer, rate limit off), runs N clients
for a fixed time with a bounded request count, prints throughput and p50/p99 latency per route,
then verifies through the API that every accepted comment (201, 202, 422 comment_rejected) is
stored exactly once, in its status, and that every published one is listed. Exit 1 otherwise.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import statistics
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.local_stack import LocalStackProcess, local_stack  # noqa: E402 - needs ROOT on the path

POST_ROUTE = "POST /posts/{post_id}/comments"
LIST_ROUTE = "GET /posts/{post_id}/comments"
# What readers send: mostly clean, some borderline (held), a few abusive (rejected).
BODIES = [("clean", 7), ("borderline [[insult=0.6]]", 2), ("abusive [[threat=0.95]]", 1)]
STATUS_BY_CODE = {201: "published", 202: "pending", 422: "rejected"}
ATTEMPTS = 3


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    codes: dict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    # comment id -> (post id, status) for every comment the API said it stored
    accepted: dict[str, tuple[str, str]] = field(default_factory=dict)
    duplicate_ids: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    sent: int = 0
    retries: int = 0

    def take_ticket(self, limit: int) -> bool:
        with self.lock:
            if self.sent >= limit:
                return False
            self.sent += 1
            return True

    def record(self, route: str, seconds: float, code: int) -> None:
        with self.lock:
            self.latencies[route].append(seconds)
            self.codes[route][code] += 1

    def add_retries(self, count: int) -> None:
        with self.lock:
            self.retries += count

    def accept(self, comment_id: str, post_id: str, status: str) -> None:
        with self.lock:
            if comment_id in self.accepted:
                self.duplicate_ids.append(comment_id)
            self.accepted[comment_id] = (post_id, status)


class Client:
    """One keep-alive HTTP/1.1 connection, as a browser tab would hold; reconnects and retries
    when the connection drops (POSTs carry an Idempotency-Key, so a retry cannot duplicate)."""

    def __init__(self, base_url: str, token: str | None = None):
        parts = urlsplit(base_url)
        self._connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
        self._token = token
        self.retries = 0

    def call(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        sent = {"Content-Type": "application/json", **(headers or {})}
        if self._token:
            sent["Authorization"] = f"Bearer {self._token}"
        data = json.dumps(body).encode() if body is not None else None
        failures = 0
        while True:
            try:
                self._connection.request(method, path, body=data, headers=sent)
                response = self._connection.getresponse()
                payload = response.read()
                return response.status, json.loads(payload) if payload else None
            except (ConnectionError, http.client.HTTPException):
                # e.g. reset while the server's listen backlog overflows as all clients connect
                self._connection.close()
                failures += 1
                if failures == ATTEMPTS:
                    raise
                self.retries += 1

    def close(self) -> None:
        self._connection.close()


def reader(
    number: int, stack: LocalStackProcess, posts: list[str], deadline: float, limit: int, results: Results
) -> None:
    client = Client(stack.base_url)
    rng = random.Random(number)  # noqa: S311 - picks posts and bodies, not secrets
    sequence = 0
    try:
        while time.monotonic() < deadline and results.take_ticket(limit):
            post_id = rng.choice(posts)
            path = f"/posts/{post_id}/comments"
            if sequence % 2 == 0:
                text = rng.choices([b for b, _ in BODIES], weights=[w for _, w in BODIES])[0]
                # Unique per client and sequence, so no comment is a legitimate duplicate.
                body = {"author_name": f"reader-{number}", "body": f"{text} #{number}-{sequence}"}
                key = f"load-{number}-{sequence}"
                started = time.perf_counter()
                code, reply = client.call("POST", path, body, {"Idempotency-Key": key})
                results.record(POST_ROUTE, time.perf_counter() - started, code)
                if code in (201, 202):
                    results.accept(reply["id"], post_id, STATUS_BY_CODE[code])
                elif code == 422 and reply["error"]["code"] == "comment_rejected":
                    results.accept(reply["error"]["details"]["id"], post_id, "rejected")
            else:
                started = time.perf_counter()
                code, _ = client.call("GET", path + "?limit=50")
                results.record(LIST_ROUTE, time.perf_counter() - started, code)
            sequence += 1
    finally:
        results.add_retries(client.retries)
        client.close()


def page_all(client: Client, path: str, item_key: str = "items") -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        separator = "&" if "?" in path else "?"
        code, page = client.call("GET", path + (f"{separator}cursor={cursor}" if cursor else ""))
        if code != 200:
            raise RuntimeError(f"GET {path} answered {code}: {page}")
        items.extend(page[item_key])
        cursor = page["next_cursor"]
        if not cursor:
            return items


def verify(stack: LocalStackProcess, posts: list[str], results: Results) -> list[str]:
    """What is wrong with the stored comments, read back through the API (empty: all is well)."""
    problems = [f"comment id answered twice: {comment_id}" for comment_id in results.duplicate_ids]
    public = Client(stack.base_url)
    moderator = Client(stack.base_url, stack.token)
    has_queue = moderator.call("GET", "/moderation/queue?limit=1")[0] == 200
    try:
        for post_id in posts:
            wanted: dict[str, set[str]] = defaultdict(set)
            for comment_id, (post, status) in results.accepted.items():
                if post == post_id:
                    wanted[status].add(comment_id)
            listings = {
                "published": [i["id"] for i in page_all(public, f"/posts/{post_id}/comments?limit=100")]
            }
            if has_queue:
                for status in ("pending", "rejected"):
                    query = f"/moderation/queue?status={status}&post_id={post_id}&limit=100"
                    listings[status] = [i["id"] for i in page_all(moderator, query)]
            for status, listed in listings.items():
                counted = Counter(listed)
                repeated = sorted(i for i, n in counted.items() if n > 1)
                missing = sorted(wanted[status] - set(counted))
                unknown = sorted(set(counted) - wanted[status])
                for label, ids in (
                    ("listed more than once", repeated),
                    ("missing", missing),
                    ("unexpected", unknown),
                ):
                    if ids:
                        problems.append(f"{post_id} {status}: {len(ids)} {label}, e.g. {ids[:3]}")
            if has_queue:
                code, counts = moderator.call("GET", f"/moderation/counts?post_id={post_id}")
                stored = {status: len(ids) for status, ids in wanted.items()}
                if code != 200 or any(
                    counts["counts"].get(s, 0) != stored.get(s, 0) for s in STATUS_BY_CODE.values()
                ):
                    problems.append(f"{post_id}: counts {counts} but the API accepted {stored}")
    finally:
        public.close()
        moderator.close()
    if not has_queue:
        print("(no moderation API: pending and rejected comments were not read back)")
    return problems


def percentile(values: list[float], percent: int) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[percent - 1] if len(values) > 1 else values[0]
    )


def report(results: Results, elapsed: float, clients: int) -> None:
    total = sum(len(v) for v in results.latencies.values())
    print(f"\n{clients} clients, {elapsed:.1f} s, {total} requests, {total / elapsed:.0f} req/s overall")
    print(f"{'route':<34} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8}  status codes")
    for route in (POST_ROUTE, LIST_ROUTE):
        values = results.latencies.get(route, [])
        if not values:
            continue
        codes = ", ".join(f"{code}: {n}" for code, n in sorted(results.codes[route].items()))
        print(
            f"{route:<34} {len(values):>8} {len(values) / elapsed:>7.0f} "
            f"{percentile(values, 50) * 1000:>8.1f} {percentile(values, 99) * 1000:>8.1f}  {codes}"
        )
    statuses = Counter(status for _, status in results.accepted.values())
    print("accepted comments: " + ", ".join(f"{s} {statuses[s]}" for s in STATUS_BY_CODE.values()))
    print(f"requests retried after a dropped connection: {results.retries}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16, help="concurrent readers (default 16)")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of load (default 20)")
    parser.add_argument("--max-requests", type=int, default=20_000, help="stop after this many requests")
    parser.add_argument("--posts", type=int, default=8, help="posts the readers spread over (default 8)")
    args = parser.parse_args()

    posts = [f"load-post-{n}" for n in range(args.posts)]
    results = Results()
    # Every reader is 127.0.0.1: with a per-client limit they would be one client.
    with local_stack(RATE_LIMIT_PER_MINUTE="0") as stack:
        print(f"local stack on {stack.base_url}; {args.clients} clients for {args.duration:g} s")
        started = time.monotonic()
        deadline = started + args.duration
        threads = [
            threading.Thread(target=reader, args=(n, stack, posts, deadline, args.max_requests, results))
            for n in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        report(results, elapsed, args.clients)
        problems = verify(stack, posts, results)
    server_errors = sum(n for codes in results.codes.values() for code, n in codes.items() if code >= 500)
    if server_errors:
        problems.append(f"{server_errors} responses were 5xx")
    for problem in problems:
        print(f"FAIL {problem}")
    if not problems:
        print(f"verified: all {len(results.accepted)} accepted comments stored once; published ones listed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

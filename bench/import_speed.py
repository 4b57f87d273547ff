"""`python bench/import_speed.py [--comments N]`: how fast `moderation import` fills the local stack.

Generates a WordPress export (WXR) of N comments (default 3,000) on N/30 posts — a third of them
replies, a mix of statuses, 5–80 words each — starts `moderation serve` with the default model
(the starter: no MODERATION_SCORER, no model/), and imports it with the command's own code: once
one batch at a time, once four at a time into a fresh stack, then the same export again (all
`exists`). Prints comments per second for each and checks that the stack counts exactly N.

Wall-clock rates depend on what else the machine runs; the CPU seconds don't, much: the server's
(the stack's process, less what starting and stopping an idle stack costs) and the command's own
are measured too, and `per CPU-s` is comments per second of the busier of the two processes —
the rate when each has a core to itself.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from moderation_tools.importing.send import ImportClient, Summary, send_export  # noqa: E402
from moderation_tools.importing.wordpress import read_wordpress  # noqa: E402

from tests.support.local_stack import LocalStackProcess, local_stack  # noqa: E402 - needs ROOT on the path

WORDS = [
    "the",
    "a",
    "post",
    "great",
    "thanks",
    "article",
    "point",
    "agree",
    "disagree",
    "data",
    "model",
    "policy",
    "city",
    "council",
    "budget",
    "really",
    "think",
    "however",
    "because",
    "source",
    "link",
    "read",
    "write",
    "idea",
    "question",
    "answer",
    "example",
    "year",
    "people",
    "government",
    "school",
    "road",
    "bridge",
    "climate",
    "energy",
    "price",
    "market",
    "team",
    "game",
    "season",
    "ünïcödé",
    "日本",
    "café",
]
APPROVED = ["1"] * 8 + ["0", "spam"]


def generate_wxr(comments: int, seed: int = 14) -> str:
    rng = random.Random(seed)
    posts = max(1, comments // 30)
    start = datetime(2018, 1, 1, tzinfo=UTC)
    per_post: dict[int, list[str]] = {post: [] for post in range(posts)}
    items: dict[int, list[str]] = {post: [] for post in range(posts)}
    for number in range(1, comments + 1):
        post = rng.randrange(posts)
        earlier = per_post[post]
        parent = rng.choice(earlier) if earlier and rng.random() < 1 / 3 else "0"
        body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 80)))
        date = (start + timedelta(minutes=number)).strftime("%Y-%m-%d %H:%M:%S")
        items[post].append(
            f"<wp:comment><wp:comment_id>{number}</wp:comment_id>"
            f"<wp:comment_author>Reader {number % 97}</wp:comment_author>"
            f"<wp:comment_author_email>reader{number % 97}@example.com</wp:comment_author_email>"
            f"<wp:comment_date_gmt>{date}</wp:comment_date_gmt>"
            f"<wp:comment_content>{escape(body)}</wp:comment_content>"
            f"<wp:comment_approved>{rng.choice(APPROVED)}</wp:comment_approved>"
            f"<wp:comment_type>comment</wp:comment_type><wp:comment_parent>{parent}</wp:comment_parent>"
            "</wp:comment>"
        )
        earlier.append(str(number))
    channel = "".join(
        f"<item><link>https://blog.example/posts/post-{post}/</link>{''.join(items[post])}</item>"
        for post in range(posts)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:wp="http://wordpress.org/export/1.2/"><channel>' + channel + "</channel></rss>"
    )


def timed_import(stack: LocalStackProcess, path: Path, concurrency: int) -> tuple[Summary, float, float]:
    """The summary, wall seconds and this process's CPU seconds (reading the export included)."""
    started, cpu = time.perf_counter(), time.process_time()
    export = read_wordpress(path)
    client = ImportClient(stack.base_url, stack.token)
    summary = send_export(export, client.send, concurrency)
    return summary, time.perf_counter() - started, time.process_time() - cpu


def children_cpu() -> float:
    """CPU seconds of the stacks started and stopped so far (they are waited for on exit)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def total(stack: LocalStackProcess) -> int:
    reply = stack.request("GET", "/moderation/counts", headers={"Authorization": f"Bearer {stack.token}"})
    return int(reply.body["total"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--comments", type=int, default=3000)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    # run, comments, wall seconds, server CPU seconds, command CPU seconds
    rows: list[tuple[str, int, float, float, float]] = []
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "export.xml"
        path.write_text(generate_wxr(args.comments), encoding="utf-8")
        comments = len(read_wordpress(path).comments)
        before = children_cpu()
        # MODERATION_SCORER="" drops the scripted scorer: the stack scores with its default model.
        with local_stack(MODERATION_SCORER="") as stack:
            assert total(stack) == 0
            scoring = next(line for line in stack.log.splitlines() if line.strip().startswith("scoring:"))
        idle = children_cpu() - before
        for concurrency in (1, 4):
            before = children_cpu()
            with local_stack(MODERATION_SCORER="") as stack:
                summary, wall, client = timed_import(stack, path, concurrency)
                assert summary.imported == comments, summary.lines()
                assert not summary.errors, summary.lines()
                runs = [(f"import, {concurrency} batch(es) in flight", wall, client)]
                if concurrency == 4:
                    again, wall, client = timed_import(stack, path, concurrency)
                    assert again.exists == comments, again.lines()
                    runs.append(("the same export again (all exists)", wall, client))
                assert total(stack) == comments
            server = children_cpu() - before - idle
            # The server's CPU is split between the runs of one stack by their wall time.
            walls = sum(run[1] for run in runs)
            rows += [(name, comments, wall, server * wall / walls, client) for name, wall, client in runs]
    print(scoring.strip())
    header = ("run", "comments", "wall s", "per s", "server CPU s", "command CPU s", "per CPU-s")
    print(f"{header[0]:<40} " + " ".join(f"{name:>{len(name) + 1}}" for name in header[1:]))
    for name, count, wall, server, client in rows:
        per_cpu = count / max(server, client)
        values = (
            count,
            f"{wall:.2f}",
            f"{count / wall:.0f}",
            f"{server:.2f}",
            f"{client:.2f}",
            f"{per_cpu:.0f}",
        )
        print(
            f"{name:<40} "
            + " ".join(f"{value:>{len(name) + 1}}" for value, name in zip(values, header[1:], strict=True))
        )
    if args.json:
        figures = [
            {
                "run": n,
                "comments": c,
                "wall_seconds": round(w, 2),
                "server_cpu_seconds": round(s, 2),
                "command_cpu_seconds": round(cl, 2),
            }
            for n, c, w, s, cl in rows
        ]
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

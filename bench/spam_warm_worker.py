"""Warm submits of the submit function with the spam filter on and off in one process, in turn:
import the handler (its scorer and spam filter load at init), build the same service with the
filter off, then answer RUNS submits on each side, alternating which goes first. Prints each
side's p50.

Both sides go through the real handler (resolver, validation, Powertools); only the service the
route is given differs, so the machine's slow spells fall on both alike.

Usage: python bench/spam_warm_worker.py EVENT_FILE RUNS
"""

import json
import statistics
import sys
import time
from pathlib import Path

from bench.handler_worker import Context

# Untimed submits per side first: each side's first request pays for what a cold start pays.
WARM_UP = 3

if __name__ == "__main__":
    event_file, runs = Path(sys.argv[1]), int(sys.argv[2])
    import submit_comment
    from moderation import runtime
    from moderation.service import CommentService

    settings = runtime.settings()
    if not settings.spam_filter:
        raise SystemExit("run with SPAM_FILTER=true: the worker builds the off side itself")
    # As runtime.comment_service builds it with SPAM_FILTER=false: no filter, no seed.
    off = CommentService(
        runtime.store(),
        runtime.scorer(),
        settings.model_copy(update={"spam_filter": False}),
        runtime.secret(),
    )
    services = {"on": runtime.comment_service(), "off": off}
    event = json.loads(event_file.read_text())
    body = json.loads(event["body"])
    timings: dict[str, list[float]] = {side: [] for side in services}
    for run in range(WARM_UP + runs):
        for side in ("on", "off") if run % 2 == 0 else ("off", "on"):
            service = services[side]
            submit_comment.app.dependency_overrides[runtime.comment_service] = lambda service=service: service
            # A new text each time: the duplicate guard must not short-cut the submission.
            event["body"] = json.dumps(
                {**body, "body": f"{body['body']} (warm run {run} {side}, {time.time_ns()})"}
            )
            started = time.perf_counter()
            response = submit_comment.handler(event, Context())
            elapsed = time.perf_counter() - started
            if response["statusCode"] not in (201, 202):
                raise SystemExit(f"the handler answered {response['statusCode']}: {response.get('body')}")
            if run >= WARM_UP:
                timings[side].append(elapsed)
    print(json.dumps({f"{side}_p50_ms": statistics.median(times) * 1000 for side, times in timings.items()}))

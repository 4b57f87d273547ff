"""Warm submits of the submit function in one process: import the handler (its scorer and, when on,
its spam filter load at init), answer a first POST, then time WARM_RUNS more. Prints the p50.

Usage: python bench/spam_warm_worker.py EVENT_FILE RUNS
"""

import json
import statistics
import sys
import time
from pathlib import Path

from bench.handler_worker import Context

if __name__ == "__main__":
    event_file, runs = Path(sys.argv[1]), int(sys.argv[2])
    import submit_comment

    event = json.loads(event_file.read_text())
    body = json.loads(event["body"])
    timings = []
    for run in range(runs + 1):
        # A new text each time: the duplicate guard must not short-cut the submission.
        event["body"] = json.dumps({**body, "body": f"{body['body']} (warm run {run}, {time.time_ns()})"})
        started = time.perf_counter()
        response = submit_comment.handler(event, Context())
        elapsed = time.perf_counter() - started
        if response["statusCode"] not in (201, 202):
            raise SystemExit(f"the handler answered {response['statusCode']}: {response.get('body')}")
        if run:
            timings.append(elapsed)
    print(json.dumps({"p50_ms": statistics.median(timings) * 1000}))

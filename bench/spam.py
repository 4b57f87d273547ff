"""`make bench-spam`: the submit path with the spam filter on and off, side by side.

Both sides are the real submit handler with the starter model, against moto's DynamoDB server on
loopback (tables from template.yaml, with the local stack's faster moto). Cold start: the median of
COLD_RUNS fresh processes per side, only SPAM_FILTER differing, alternating sides (and which goes
first). Warm: in each of WARM_ROUNDS processes, WARM_RUNS submits per side in turn, the filter's
service and the same service without it answering through the one handler (spam_warm_worker.py):
side by side in the same process, so a slow spell of the machine falls on both. The goal (issue
23): the filter adds at most 10% to either. Writes bench/spam-results.json.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.submit_cold_start import BENCH, EVENT, REPO, cold_start, compile_handler_code, dynamodb_on_loopback

STARTER = REPO / "layers" / "scoring" / "starter"
COLD_RUNS = int(os.environ.get("COLD_RUNS", "15"))
WARM_ROUNDS = 3
WARM_RUNS = 300
GOAL = 1.10
RESULTS = BENCH / "spam-results.json"


def sides(work: Path) -> dict[str, dict[str, str]]:
    starter = {"MODEL_DIR": str(work / "no-model"), "STARTER_MODEL_DIR": str(STARTER)}
    return {
        "spam filter on": {**starter, "SPAM_FILTER": "true"},
        "spam filter off": {**starter, "SPAM_FILTER": "false"},
    }


def in_turn(compared: dict[str, dict[str, str]], turn: int) -> list[str]:
    """The sides in order on even turns, reversed on odd ones."""
    order = list(compared)
    return order if turn % 2 == 0 else order[::-1]


def warm_p50s(aws_env: dict[str, str], work: Path) -> dict[str, float]:
    """One process's p50 per side ("on", "off"), the sides answering in turn."""
    event = json.loads(EVENT.read_text())
    event["headers"].pop("idempotency-key", None)
    event_file = work / "warm-event.json"
    event_file.write_text(json.dumps(event))
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": os.pathsep.join(
            [str(REPO / "layers" / "common"), str(REPO / "functions" / "submit_comment"), str(REPO)]
        ),
        "APP_SECRET": "bench",
        "RATE_LIMIT_PER_MINUTE": "0",
        "DUPLICATE_WINDOW_SECONDS": "0",
        "POWERTOOLS_LOG_LEVEL": "ERROR",
        "POWERTOOLS_METRICS_DISABLED": "true",
        # Metrics are still validated when disabled: the handler's namespace, as the template sets it.
        "POWERTOOLS_METRICS_NAMESPACE": "bench",
        "PYTHONWARNINGS": "ignore",
        **aws_env,
        **sides(work)["spam filter on"],
    }
    result = subprocess.run(
        [sys.executable, str(BENCH / "spam_warm_worker.py"), str(event_file), str(WARM_RUNS)],
        capture_output=True,
        text=True,
        env=env,
    )
    if result.returncode:
        raise RuntimeError(f"the warm worker failed: {result.stdout[-2000:]}{result.stderr[-2000:]}")
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    return {"on": float(answer["on_p50_ms"]), "off": float(answer["off_p50_ms"])}


def main() -> None:
    compile_handler_code()
    with tempfile.TemporaryDirectory() as directory, dynamodb_on_loopback() as aws_env:
        work = Path(directory)
        compared = sides(work)
        # Alternating sides, so that a slow spell of the machine falls on both, and which side goes
        # first too: neither always follows the other's process.
        cold: dict[str, list[float]] = {side: [] for side in compared}
        for run in range(COLD_RUNS):
            for side in in_turn(compared, run):
                cold[side].append(cold_start(compared[side], aws_env, work, run))
        rounds = [warm_p50s(aws_env, work) for _ in range(WARM_ROUNDS)]
    warm = {"spam filter on": [r["on"] for r in rounds], "spam filter off": [r["off"] for r in rounds]}
    report: dict[str, Any] = {
        side: {
            "cold_start_median_s": statistics.median(cold[side]),
            "cold_start_runs_s": cold[side],
            "warm_p50_ms": statistics.median(warm[side]),
            "warm_p50_rounds_ms": warm[side],
        }
        for side in compared
    }
    on, off = report["spam filter on"], report["spam filter off"]
    report["ratios"] = {
        "cold_start": on["cold_start_median_s"] / off["cold_start_median_s"],
        "warm_p50": on["warm_p50_ms"] / off["warm_p50_ms"],
    }
    report["warm_p50_ratio_by_round"] = [r["on"] / r["off"] for r in rounds]
    report["goal_met"] = all(ratio <= GOAL for ratio in report["ratios"].values())
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(f"{'':<18}{'cold start (median)':>22}{'warm p50':>12}")
    for side in compared:
        figures = report[side]
        print(f"{side:<18}{figures['cold_start_median_s'] * 1000:>19.0f} ms{figures['warm_p50_ms']:>9.1f} ms")
    ratios = report["ratios"]
    print(f"{'on / off':<18}{ratios['cold_start']:>22.3f}{ratios['warm_p50']:>12.3f}  (goal <= {GOAL})")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()

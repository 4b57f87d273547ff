"""One side of `make bench` in a fresh process: load, first score (cold start), then warm runs.

Usage: python bench/worker.py detoxify|onnx MODEL HF_CONFIG STARTED [--cold-only]
(STARTED is time.time() just before the process was spawned.)

Before the first score it imports only the scorer under test: the harness's own modules
(argparse, subprocess, statistics...) would otherwise be charged to the scorer's cold start.
"""

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

BATCHES = (1, 8, 32)


def measure(side: str, model: Path, hf_config: Path, started: float, cold_only: bool) -> dict[str, Any]:
    sample = json.loads(Path(os.environ["BENCH_TEXTS"]).read_text())
    if side == "detoxify":
        from detoxify import Detoxify

        scorer: Any = Detoxify(checkpoint=str(model), huggingface_config_path=str(hf_config))
    else:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "layers" / "common"))
        from moderation.scoring.onnx_scorer import OnnxScorer

        scorer = OnnxScorer.from_dir(model)
    scorer.predict([sample[0]])
    cold = time.time() - started
    if cold_only:
        return {"cold_start_s": cold}

    import statistics

    latencies = []
    for text in sample:
        start = time.perf_counter()
        scorer.predict([text])
        latencies.append((time.perf_counter() - start) * 1000)
    throughput = {}
    for size in BATCHES:
        start = time.perf_counter()
        for index in range(0, len(sample), size):
            scorer.predict(sample[index : index + size])
        throughput[str(size)] = len(sample) / (time.perf_counter() - start)
    percentiles = statistics.quantiles(latencies, n=100)
    return {
        "cold_start_s": cold,
        "p50_ms": percentiles[49],
        "p95_ms": percentiles[94],
        "p99_ms": percentiles[98],
        "throughput_per_s": throughput,
        "peak_rss_mib": peak_rss_mib(),
    }


def peak_rss_mib() -> float:
    # Not ru_maxrss: it survives fork and exec, so it would report the parent's torch.
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status: the benchmark needs Linux")


if __name__ == "__main__":
    side, model, hf_config, started = sys.argv[1:5]
    print(json.dumps(measure(side, Path(model), Path(hf_config), float(started), "--cold-only" in sys.argv)))

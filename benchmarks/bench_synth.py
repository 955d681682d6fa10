"""Benchmark ``greenroom.synth.generate``: seconds, peak RSS and sales rows/s per scale.

Usage: ``python benchmarks/bench_synth.py tiny demo sf1 [sf10]``

Each scale runs in a fresh subprocess (so peak RSS is that run's own) writing to a
temporary directory that is removed afterwards. Prints figures; asserts nothing.
Targets on a 2-core box: sf1 <= 15 s, sf10 <= 120 s and <= 6 GB peak RSS.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_CHILD = """
import json, sys, time
from pathlib import Path
from greenroom.synth import generate
start = time.perf_counter()
manifest = generate(Path(sys.argv[1]), sys.argv[2])
print(json.dumps({"seconds": time.perf_counter() - start, "sales": manifest.counts["sales"],
                  "concerts": manifest.counts["concerts"], "defects": manifest.counts["defects"]}))
"""


def _size_mb(root: Path) -> float:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) / 1e6


def run(scale: str) -> None:
    with tempfile.TemporaryDirectory(prefix=f"bench-synth-{scale}-") as tmp:
        out = Path(tmp) / "world"
        wall = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-c", _CHILD, str(out), scale], stdout=subprocess.PIPE, text=True
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - wall
        assert proc.stdout is not None
        text = proc.stdout.read()
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            print(f"{scale:>5}: failed with exit code {proc.returncode}")
            return
        stats = json.loads(text.strip().splitlines()[-1])
        print(
            f"{scale:>5}: generate {stats['seconds']:7.1f} s (process {wall:6.1f} s), "
            f"peak RSS {usage.ru_maxrss / 1024:7.0f} MB, {stats['sales']:>10,} sales "
            f"({stats['sales'] / stats['seconds']:>9,.0f} rows/s), {stats['concerts']:>7,} concerts, "
            f"{stats['defects']:>8,} defects, {_size_mb(out):8.1f} MB on disk",
            flush=True,
        )


def main(argv: list[str]) -> None:
    scales = argv or ["tiny", "demo", "sf1"]
    print(f"greenroom.synth benchmark on {os.cpu_count()} cores: {' '.join(scales)}")
    for scale in scales:
        run(scale)


if __name__ == "__main__":
    main(sys.argv[1:])

"""`make bench`: run every benchmark script and print its figures.

Scales default to `demo sf1 sf10`; set BENCH_SCALES="tiny demo" for a quick pass.
Benchmarks print; they never fail on a slow figure.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
SCALES = os.environ.get("BENCH_SCALES", "demo sf1 sf10").split()

# (script, arguments): scripts take the scales they should run at.
BENCHMARKS: list[tuple[str, list[str]]] = [
    ("bench_synth.py", SCALES),
    ("bench_lake.py", []),
    ("bench_resolution.py", SCALES),
    ("bench_pipeline.py", SCALES),
    ("bench_ingest.py", SCALES),
    ("bench_stream.py", []),
    ("bench_chat.py", [s for s in SCALES if s in ("tiny", "demo", "sf1")]),
    ("bench_web.py", [s for s in SCALES if s in ("tiny", "demo", "sf1")]),
    ("bench_governance.py", [s for s in SCALES if s in ("tiny", "demo", "sf1")]),
]


def main() -> int:
    failed = []
    for script, args in BENCHMARKS:
        path = HERE / script
        if not path.exists():
            continue
        print(f"\n=== {script} {' '.join(args)}", flush=True)
        done = subprocess.run([sys.executable, str(path), *args], check=False)
        if done.returncode:
            failed.append(script)
    if failed:
        print(f"\nbenchmarks that crashed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

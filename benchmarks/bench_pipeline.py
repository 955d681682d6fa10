"""The pipeline from bronze to gold: a full build, then an incremental run after one new day
of sales; total and per-job seconds, and peak memory.

    python benchmarks/bench_pipeline.py sf1 [sf10]

Per scale, once: the synthetic world (seed 7) is generated into bench-out/world-<scale>
(shared with bench_ingest.py) and ingested into the home bench-out/pipeline-<scale>, which
later runs reuse (a copied home would not do: Iceberg metadata holds absolute paths). Then
each step runs in its own process, whose peak RSS (`ru_maxrss`) is reported:

1. `full`: `run_pipeline(full=True)` over the ingested bronze tables;
2. one new day of live stream sales is ingested as one file (not pipeline work; each
   benchmark run adds another day);
3. `incremental`: `run_pipeline()`.

Targets at sf10: full ≤ 60 s and ≤ 8 GB; incremental ≤ 5 s. Prints; never fails on a slow
figure.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from greenroom.config import Settings

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench-out"
DAYS_OF_SALES = 3 * 365  # sales span the three years before the reference date


def _settings(home: Path) -> Settings:
    from greenroom.config import Settings

    return Settings(home=home)


def prepare(scale: str) -> Path:
    """The base home of `scale`: its world ingested (made once, then reused)."""
    from greenroom import synth
    from greenroom.demo import ingest_world
    from greenroom.lake import Lakehouse

    world = OUT / f"world-{scale}"
    if not (world / "manifest.json").exists():
        print(f"generating the {scale} world …", flush=True)
        synth.generate(world, scale=scale, seed=7)
    base = OUT / f"pipeline-{scale}"
    done = base / "ingested.ok"
    if not done.exists():
        shutil.rmtree(base, ignore_errors=True)
        print(f"ingesting the {scale} world into {base} …", flush=True)
        settings = _settings(base)
        manifest = synth.Manifest.model_validate(json.loads((world / "manifest.json").read_text()))
        started = time.perf_counter()
        lake = Lakehouse.open(settings, create=True)
        ingest_world(lake, settings, world, manifest, lambda _s: None)
        print(f"  ingested in {time.perf_counter() - started:.0f} s", flush=True)
        done.write_text("ok")
    return base


def child_run(home: str, full: bool) -> None:
    """In a child process: one pipeline run; print its figures as JSON."""
    from greenroom.lake import Lakehouse
    from greenroom.pipeline import run_pipeline

    settings = _settings(Path(home))
    started = time.perf_counter()
    result = run_pipeline(Lakehouse.open(settings), settings, full=full)
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "ok": result.ok,
                "message": result.message,
                "seconds": seconds,
                "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "jobs": [
                    [j.job, j.status, j.mode, round(j.seconds, 2), j.rows_in, j.rows_out]
                    for j in result.jobs
                ],
            }
        )
    )


def child_new_day(home: str, world: str) -> None:
    """In a child process: ingest one day's worth of live stream sales as one file."""
    from greenroom import synth
    from greenroom.ingest.files import process_file_upload
    from greenroom.lake import Lakehouse

    settings = _settings(Path(home))
    manifest = json.loads((Path(world) / "manifest.json").read_text())
    count = max(100, round(int(manifest["counts"]["sales"]) / DAYS_OF_SALES))
    day = len(list(Path(home).glob("new-day-*.ndjson"))) + 1
    events = synth.live_events(Path(world) / "truth", count=count, seed=day)
    path = Path(home) / f"new-day-{day}.ndjson"
    path.write_text("\n".join(synth.stream_event_lines(events).to_pylist()) + "\n")
    result = process_file_upload(Lakehouse.open(settings), settings, path, "stream_sales")
    print(json.dumps({"events": count, "accepted": result.accepted}))


def _child(*args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", *args],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _report(scale: str, step: str, figures: dict[str, Any]) -> None:
    print(
        f"{scale:>5} {step:<12} total={figures['seconds']:.1f} s  peak={figures['peak_mb']:.0f} MB"
        f"  ok={figures['ok']}  ({figures['message']})",
        flush=True,
    )
    for job, status, mode, seconds, rows_in, rows_out in figures["jobs"]:
        print(
            f"      {job:<20} {status:<9} {mode:<11} {seconds:>7.2f} s"
            f"  rows in {rows_in:>11,}  out {rows_out:>11,}"
        )


def bench(scale: str) -> None:
    home = str(prepare(scale))
    _report(scale, "full", _child("run", home, "full"))
    day = _child("new-day", home, str(OUT / f"world-{scale}"))
    print(f"{scale:>5} new day      {day['accepted']:,} stream sales ingested", flush=True)
    _report(scale, "incremental", _child("run", home, "incremental"))


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        sys.path.insert(0, str(ROOT))
        kind, home, *rest = sys.argv[2:]
        if kind == "run":
            child_run(home, full=rest[0] == "full")
        else:
            child_new_day(home, rest[0])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("scales", nargs="*", default=["sf1"])
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    for scale in args.scales:
        bench(scale)
    return 0


if __name__ == "__main__":
    sys.exit(main())

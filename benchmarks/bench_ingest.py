"""Ingestion throughput: CSV and NDJSON files into raw + bronze (validated by their contracts),
and the local stream end to end into bronze.

    python benchmarks/bench_ingest.py demo sf1 [sf10]

Each scale runs in a fresh process (peak RSS is that process's). Worlds are generated once
into bench-out/ and reused. Prints MB/s and records/s; never fails on a slow figure.

`<format>_stage_<stage>_mb_per_s` shows where the time goes: each stage of a file's ingest
(fingerprint, read, mojibake repair, contract validation, Parquet write) run alone over
the scale's largest file of that format.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench-out"


T = TypeVar("T")
STAGED = ("box_office_sales", "online_orders")


def _size(path: Path) -> int:
    return path.stat().st_size


def world(scale: str) -> Path:
    from greenroom import synth

    path = OUT / f"world-{scale}"
    if not (path / "manifest.json").exists():
        synth.generate(path, scale=scale, seed=7)
    return path


def run_one(scale: str) -> dict[str, object]:
    import shutil

    from greenroom.config import Settings
    from greenroom.ingest.feeds import ingest_order
    from greenroom.ingest.files import process_file_upload
    from greenroom.lake import Lakehouse
    from greenroom.synth import Manifest

    src = world(scale)
    manifest = Manifest.model_validate(json.loads((src / "manifest.json").read_text()))
    home = OUT / f"home-ingest-{scale}"
    shutil.rmtree(home, ignore_errors=True)
    settings = Settings(home=home)
    lake = Lakehouse.open(settings, create=True)
    figures: dict[str, object] = {"scale": scale}
    by_format: dict[str, list[float]] = {}
    for feed in ingest_order(list(manifest.files)):
        if feed in STAGED:  # before the feed's own files are in bronze, as on first delivery
            largest = max((src / "sources" / rel for rel in manifest.files[feed]), key=_size)
            figures.update(stage_figures(lake, largest, feed))
        for rel in manifest.files[feed]:
            path = src / "sources" / rel
            started = time.perf_counter()
            result = process_file_upload(lake, settings, path, feed)
            seconds = time.perf_counter() - started
            key = {"box_office_sales": "csv", "online_orders": "ndjson"}.get(feed)
            if key:
                acc = by_format.setdefault(key, [0.0, 0.0, 0.0])
                acc[0] += path.stat().st_size
                acc[1] += seconds
                acc[2] += result.received
    for key, (size, seconds, records) in by_format.items():
        figures[f"{key}_mb"] = round(size / 1e6, 1)
        figures[f"{key}_mb_per_s"] = round(size / 1e6 / seconds, 1)
        figures[f"{key}_records_per_s"] = round(records / seconds)
    figures.update(stream_figures(lake, settings, src))
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return figures


def stage_figures(lake: object, path: Path, feed_name: str) -> dict[str, object]:
    """Where one file's time goes: each stage of `process_file_upload` run alone over the
    whole file, as MB/s (the lake holds the ids the contract looks up, not the file yet)."""
    import tempfile

    import pyarrow.parquet as pq

    from greenroom.ingest.encoding import repair_text
    from greenroom.ingest.feeds import get_feed
    from greenroom.ingest.files import fingerprint
    from greenroom.ingest.formats import read_file
    from greenroom.quality.validator import ContractChecker

    feed = get_feed(feed_name)
    mb = path.stat().st_size / 1e6
    seconds: dict[str, float] = {}

    def timed(stage: str, run: Callable[[], T]) -> T:
        started = time.perf_counter()
        out = run()
        seconds[stage] = time.perf_counter() - started
        return out

    timed("fingerprint", lambda: fingerprint(path))
    batches = timed("read", lambda: list(read_file(path, feed)))
    repaired = timed("repair", lambda: [repair_text(b, feed.name) for b in batches])
    with ContractChecker(feed.name, lake=lake) as checker:  # type: ignore[arg-type]
        results = timed("validate", lambda: [checker.check(b, flags=f) for b, f in repaired])
    with tempfile.TemporaryDirectory(prefix="greenroom-bench-") as tmp:

        def write() -> None:
            accepted = [r.accepted for r in results]
            with pq.ParquetWriter(Path(tmp) / "bronze.parquet", accepted[0].schema,
                                  compression="zstd") as out:  # fmt: skip
                for table in accepted:
                    out.write_table(table)

        timed("write", write)
    key = f"{feed.format}_stage"
    return {f"{key}_{stage}_mb_per_s": round(mb / s, 1) for stage, s in seconds.items()}


def stream_figures(
    lake: object, settings: object, src: Path, count: int = 200_000
) -> dict[str, object]:
    import threading

    from greenroom import synth
    from greenroom.ingest.live import consume_live, live_status, open_configured_stream
    from greenroom.ingest.stream.producer import produce

    events = synth.live_events(src / "truth", count, seed=1)
    stream, _ = open_configured_stream(settings)  # type: ignore[arg-type]
    lag: list[int] = []
    done = threading.Event()

    def watch() -> None:
        while not done.wait(0.5):
            status = live_status(settings)  # type: ignore[arg-type]
            lag.extend(status.behind(c) for c in status.consumers)

    started = time.perf_counter()
    produce_stats = produce(stream, events)
    produced = time.perf_counter() - started
    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    stats, totals = consume_live(lake, settings, until_idle=True)  # type: ignore[arg-type]
    done.set()
    total = time.perf_counter() - started
    stream.close()
    return {
        "stream_events": produce_stats.records,
        "stream_produce_per_s": round(produce_stats.records / produced),
        "stream_end_to_end_per_s": round(stats.records / total),
        "stream_to_bronze": totals.accepted,
        "stream_duplicates": totals.duplicates,
        "stream_max_lag_records": max(lag, default=0),
        "stream_batches": stats.batches,
    }


def main() -> None:
    scales = sys.argv[1:] or ["demo", "sf1"]
    if scales[0] == "--one":
        print(json.dumps(run_one(scales[1])), flush=True)
        return
    for scale in scales:
        done = subprocess.run(
            [sys.executable, __file__, "--one", scale], capture_output=True, text=True, check=False
        )
        if done.returncode:
            print(f"{scale}: failed\n{done.stderr[-2000:]}")
            continue
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        print("  ".join(f"{k}={v}" for k, v in figures.items()), flush=True)


if __name__ == "__main__":
    main()

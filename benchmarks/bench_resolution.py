"""Entity resolution per scale: pairwise precision, recall and seconds for artists and venues.

    .venv/bin/python benchmarks/bench_resolution.py [demo sf1 sf10] [--seed 7] [--world DIR]

Generates each scale's synthetic world (default defect rates), reads the artist and venue
records from its source files the way tests/pipeline/test_resolution.py does, resolves
them and scores the clusters against truth/entities.parquet. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from greenroom import synth  # noqa: E402
from greenroom.pipeline.resolution import Entity, pairwise_scores, resolve  # noqa: E402
from tests.pipeline.test_resolution import artist_records, truth_of, venue_records  # noqa: E402


def bench(world: Path, scale: str) -> None:
    readers: tuple[tuple[Entity, Callable[[Path], pa.Table]], ...] = (
        ("artist", artist_records),
        ("venue", venue_records),
    )
    for entity, read in readers:
        records = read(world)
        started = time.perf_counter()
        result = resolve(entity, records)
        seconds = time.perf_counter() - started
        precision, recall, f1 = pairwise_scores(result.clusters, truth_of(world, entity))
        entities = len(set(result.clusters["entity_id"].to_pylist()))
        links = sum(result.pairs["linked"].to_pylist())
        print(
            f"{scale:>5} {entity:<6} records={records.num_rows:>6} entities={entities:>5} "
            f"links={links:>6} precision={precision:.4f} "
            f"recall={recall:.4f} f1={f1:.4f} seconds={seconds:.1f}",
            flush=True,
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("scales", nargs="*", default=["demo", "sf1"])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--world", type=Path, help="keep the generated worlds under DIR")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = args.world or Path(tmp)
        for scale in args.scales:
            world = base / f"world-{scale}"
            if not (world / "truth" / "entities.parquet").exists():
                started = time.perf_counter()
                synth.generate(world, scale=scale, seed=args.seed)
                print(
                    f"{scale:>5} world generated in {time.perf_counter() - started:.1f}s",
                    flush=True,
                )
            bench(world, scale)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What governance costs: the dashboard's overview query, ungoverned against governed.

    python benchmarks/bench_governance.py [demo] [--home DIR] [--runs 15]

Over the lake bench_chat.py builds (bench-out/chat-<scale>, built by its `build_lake`
when missing; `--home` points at another lake), `greenroom.web.queries.analytics.overview`
runs (the 12 months up to the reference date, no filter) through three readers, each a
session kept warm across runs as the web app's pool keeps them:

- **system**: the lake's plain session (no policy, no audit): the baseline;
- **analyst**: governed: views planned by the policy, the guard, and one hash-chained,
  fsynced audit record per query (`query`, with its table decisions);
- **venue_partner**: governed with a row filter (its own venues' concerts and sales).

Each reader answers once untimed (planning, first scans), then `--runs` times; the figure
is the median in ms, beside the overhead against the baseline. Target: analyst ≤ 10 %
slower. Runs of the three readers are interleaved, in an order rotated each round, so
that load from other processes on the machine falls on all three alike; the CPU time of this process (all its threads) is
printed beside the wall time, as it is less swayed by such load. Prints; never fails on a
slow figure.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

HERE = Path(__file__).resolve().parent
TARGET_OVERHEAD = 0.10
SYSTEM_NAME = "system (ungoverned)"
ANALYST = "analyst (governed)"

if TYPE_CHECKING:
    from greenroom.config import Settings
    from greenroom.governance.session import GovernedSession
    from greenroom.lake import Lakehouse


def open_lake(scale: str, home: Path | None) -> tuple[Lakehouse, Settings]:
    from greenroom.config import Settings
    from greenroom.lake import Lakehouse

    if home is not None:
        settings = Settings(home=home)
        return Lakehouse.open(settings), settings
    sys.path.insert(0, str(HERE))
    from bench_chat import OUT, build_lake

    if (OUT / f"chat-{scale}" / "catalog.db").exists():
        settings = Settings(home=OUT / f"chat-{scale}")
        return Lakehouse.open(settings), settings
    return build_lake(scale)


def readers(lake: Lakehouse) -> dict[str, GovernedSession]:
    """The three readers, governed ones bound to principals of the demo's roles."""
    from types import MappingProxyType

    from greenroom.governance.principals import SYSTEM, Principal
    from greenroom.governance.session import governed_session

    venues = lake.read("silver.venues", columns=["venue_id"])["venue_id"].to_pylist()
    partner = Principal(
        "bench_partner", ("venue_partner",), MappingProxyType({"venue_ids": ",".join(venues[:3])})
    )
    return {
        SYSTEM_NAME: governed_session(lake, SYSTEM),
        ANALYST: governed_session(lake, Principal("bench_analyst", ("analyst",))),
        "venue_partner (row filter)": governed_session(lake, partner),
    }


def measure(
    runs: int, calls: dict[str, Callable[[], object]]
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Wall and CPU (this process, every thread) milliseconds of each call, per reader."""
    wall: dict[str, list[float]] = {name: [] for name in calls}
    cpu: dict[str, list[float]] = {name: [] for name in calls}
    for call in calls.values():
        call()  # warm: plan the views, read the files once
    names = list(calls)
    for run in range(runs):
        # rotate the order each round: the reader that runs right after another pays for
        # what that one left behind (DuckDB's threads winding down, freed memory)
        for name in names[run % len(names) :] + names[: run % len(names)]:
            call = calls[name]
            gc.collect()
            started, started_cpu = time.perf_counter(), time.process_time()
            call()
            wall[name].append((time.perf_counter() - started) * 1000)
            cpu[name].append((time.process_time() - started_cpu) * 1000)
    return wall, cpu


def run(scale: str, home: Path | None, runs: int) -> None:
    from greenroom.governance.audit import AuditLog
    from greenroom.web.queries.analytics import overview

    lake, settings = open_lake(scale, home)
    today = settings.today
    audit = AuditLog(settings.home)
    before = len(audit.records())
    sessions = readers(lake)
    calls: dict[str, Callable[[], object]] = {
        name: partial(overview, reader, today) for name, reader in sessions.items()
    }
    wall, cpu = measure(runs, calls)
    for session in sessions.values():
        session.close()
    written = len(audit.records()) - before
    print(f"[{scale}] overview query, median of {runs} runs (ms), home {settings.home}")
    print(f"  {'reader':<28} {'wall':>8} {'p10':>8} {'p90':>8} {'overhead':>9} {'cpu':>8} "
          f"{'overhead':>9}")  # fmt: skip
    base, base_cpu = statistics.median(wall[SYSTEM_NAME]), statistics.median(cpu[SYSTEM_NAME])
    for name, values in wall.items():
        deciles = statistics.quantiles(values, n=10)
        median, median_cpu = statistics.median(values), statistics.median(cpu[name])
        print(
            f"  {name:<28} {median:8.1f} {deciles[0]:8.1f} {deciles[-1]:8.1f} "
            f"{(median - base) / base:+9.1%} {median_cpu:8.1f} "
            f"{(median_cpu - base_cpu) / base_cpu:+9.1%}"
        )
    overhead = statistics.median(wall[ANALYST]) / base - 1
    overhead_cpu = statistics.median(cpu[ANALYST]) / base_cpu - 1
    verdict = "met" if overhead <= TARGET_OVERHEAD else "MISSED"
    print(f"  audit records written: {written:,} ({written / ((runs + 1) * 2):.1f} per overview)")
    print(f"  target: governed ≤ {TARGET_OVERHEAD:.0%} slower than ungoverned: {verdict} "
          f"(wall {overhead:+.1%}, cpu {overhead_cpu:+.1%})")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scales", nargs="*", default=["demo"])
    parser.add_argument("--home", type=Path, default=None, help="An existing lake's home.")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    for scale in args.scales:
        run(scale, args.home, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Lakehouse at scale: append a ~10M-row sales table, then query it through the session.

    .venv/bin/python benchmarks/bench_lake.py [--rows 10000000] [--keep DIR]

Prints seconds and peak RSS per step; asserts nothing. The table is built with numpy
(sales-like columns over three years), partitioned by month of `purchase_timestamp`.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from greenroom.config import Settings
from greenroom.lake import Lakehouse

T = TypeVar("T")
TABLE = "silver.ticket_sales_bench"


def _ids(prefix: str, values: np.ndarray) -> pa.Array:
    return pc.binary_join_element_wise(prefix, pc.cast(pa.array(values), pa.string()), "")


def _pick(choices: list[str], idx: np.ndarray) -> pa.Array:
    return pc.take(pa.array(choices), pa.array(idx))


def sales(n: int, seed: int = 7) -> pa.Table:
    rng = np.random.default_rng(seed)
    start = np.datetime64("2023-07-01T00:00:00", "us").astype(np.int64)
    span = 3 * 365 * 86_400 * 1_000_000
    return pa.table(
        {
            "sale_id": _ids("S", np.arange(n)),
            "concert_id": _ids("C", rng.integers(0, 100_000, n)),
            "customer_id": _ids("U", rng.integers(0, 600_000, n)),
            "price_tier": _pick(["GA", "reserved", "VIP"], rng.integers(0, 3, n)),
            "quantity": pa.array(rng.integers(1, 9, n), pa.int32()),
            "unit_price": pa.array(np.round(rng.uniform(15, 250, n), 2)),
            "purchase_timestamp": pa.array(
                start + rng.integers(0, span, n), pa.timestamp("us", tz="UTC")
            ),
            "channel": _pick(["box_office", "online", "stream"], rng.integers(0, 3, n)),
        }
    )


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def step(label: str, fn: Callable[[], T]) -> T:
    t0 = time.perf_counter()
    out = fn()
    print(
        f"{label:<46} {time.perf_counter() - t0:8.2f} s   peak RSS {peak_mb():8.0f} MB", flush=True
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--keep", type=Path, default=None, help="build the lake here and keep it")
    args = parser.parse_args()
    home = args.keep or Path(tempfile.mkdtemp(prefix="bench-lake-"))
    try:
        run(args.rows, home)
    finally:
        if args.keep is None:
            shutil.rmtree(home, ignore_errors=True)


def run(rows: int, home: Path) -> None:
    print(f"rows {rows:,}  home {home}")
    lake = Lakehouse.open(Settings(home=home), create=True)
    data = step("generate (numpy)", lambda: sales(rows))
    print(f"{'':<46} arrow size {data.nbytes / 2**20:8.0f} MB")
    lake.create_table(TABLE, data.schema, partition_by=[("purchase_timestamp", "month")])
    step("append (one commit, partitioned by month)", partial(lake.append, TABLE, data))
    flat = "bronze.ticket_sales_bench_stream"
    lake.create_table(flat, data.schema)
    stream = pa.RecordBatchReader.from_batches(data.schema, data.to_batches(max_chunksize=65_536))
    step("append stream (RecordBatchReader, unpartitioned)", partial(lake.append, flat, stream))
    info = next(i for i in lake.list_tables("silver") if i.name == TABLE)
    print(
        f"{'':<46} {info.rows:,} rows, {info.data_files} files, {info.size_bytes / 2**20:.0f} MB on disk"
    )
    del data

    by_month = (
        "SELECT date_trunc('month', purchase_timestamp) AS month, "
        "sum(quantity * unit_price) AS revenue, sum(quantity) AS tickets "
        f"FROM {TABLE} GROUP BY 1 ORDER BY 1"
    )
    filtered = (
        "SELECT channel, count(*) AS sales, sum(quantity * unit_price) AS revenue "
        f"FROM {TABLE} WHERE purchase_timestamp >= '2025-03-01' "
        "AND purchase_timestamp < '2025-04-01' AND price_tier = 'VIP' GROUP BY 1"
    )
    with lake.session() as s:
        out = step("SQL revenue by month (first: plans + views)", lambda: s.sql(by_month))
        step("SQL revenue by month (again)", lambda: s.sql(by_month))
        print(f"{'':<46} {out.num_rows} months")
        step("SQL filtered (one month, VIP, by channel)", lambda: s.sql(filtered))
        plan = s.last_plan[TABLE]
        print(f"{'':<46} files planned {plan.files_planned} of {plan.files_total} ({plan.mode})")
    month = "purchase_timestamp >= '2025-03-01T00:00:00+00:00' AND purchase_timestamp < '2025-04-01T00:00:00+00:00'"
    got = step("Lakehouse.read one month (pyiceberg scan)", lambda: lake.read(TABLE, where=month))
    print(f"{'':<46} {got.num_rows:,} rows")
    step("Lakehouse.delete one month", lambda: lake.delete(TABLE, month))


if __name__ == "__main__":
    main()

"""A writer process for the crash and concurrency tests: `python -m tests.lake._writer ...`.

    loop   TABLE ROWS            append batches of ROWS rows forever (until killed)
    count  TABLE ROWS K WRITER GO  wait for file GO, then append K batches tagged WRITER

Every batch carries `_batch_id`, so a reader can check that each batch landed whole.
Prints `ready` once imports are done and the first batch is built.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pyarrow as pa

from greenroom.lake import Lakehouse
from tests.lake._data import sales


def batch(rows: int, batch_id: str, start: int) -> pa.Table:
    data = sales(rows, start=start)
    return data.append_column("_batch_id", pa.array([batch_id] * rows, pa.string()))


def main(argv: list[str]) -> int:
    mode, table, rows = argv[0], argv[1], int(argv[2])
    lake = Lakehouse.open()
    data = batch(rows, "warmup", 0)
    print("ready", flush=True)
    if mode == "loop":
        i, pid = 0, os.getpid()
        while True:
            i += 1
            tag = pa.array([f"p{pid}-b{i}"] * rows, pa.string())
            lake.append(table, data.set_column(5, "_batch_id", tag))
    if mode == "count":
        k, writer, go = int(argv[3]), argv[4], Path(argv[5])
        while not go.exists():
            time.sleep(0.01)
        for i in range(k):
            lake.append(table, batch(rows, f"{writer}-{i}", start=i * rows))
        print("done", flush=True)
        return 0
    raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

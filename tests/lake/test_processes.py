"""Real processes against one lake: a writer killed mid-write, and two concurrent writers."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from greenroom.config import Settings
from greenroom.lake import Lakehouse
from tests.lake._data import SALES_SCHEMA

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
SCHEMA = SALES_SCHEMA.append(pa.field("_batch_id", pa.string()))
T = "bronze.stream_sales"


def start_writer(settings: Settings, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "GREENROOM_HOME": str(settings.home), "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.lake._writer", *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if line.strip() != "ready":
        proc.kill()
        _, err = proc.communicate()
        raise AssertionError(f"writer did not start: {line!r} {err}")
    return proc


def batch_counts(lake: Lakehouse) -> dict[str, int]:
    counts = pc.value_counts(lake.read(T, columns=["_batch_id"])["_batch_id"]).to_pylist()
    return {c["values"]: c["counts"] for c in counts}


def test_sigkilled_writer_leaves_a_committed_snapshot(lake: Lakehouse) -> None:
    rows = 100_000
    lake.create_table(T, SCHEMA, partition_by=[("event_date", "month")])
    rng = random.Random(20240630)
    committed_sizes: set[int] = {0}
    for _ in range(5):
        proc = start_writer(lake.settings, "loop", T, str(rows))
        time.sleep(rng.uniform(0.1, 1.2))
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate()
        assert proc.returncode == -signal.SIGKILL

        fresh = Lakehouse.open(lake.settings)  # as a new process would see it
        table = fresh.read(T)
        info = fresh.list_tables("bronze")[0]
        assert table.num_rows == info.rows  # readable, and what the snapshot says
        totals = {int(s.summary["total-records"]) for s in fresh.snapshots(T)}
        assert table.num_rows in totals | {0}
        counts = batch_counts(fresh)
        assert all(n == rows for n in counts.values())  # no half batch
        assert table.num_rows >= max(committed_sizes)  # committed data never lost
        committed_sizes.add(table.num_rows)

    # the catalog is not left locked: a normal write still lands
    before = Lakehouse.open(lake.settings).read(T).num_rows
    lake.append(T, pa.table({"sale_id": ["after"], "_batch_id": ["after"]}))
    assert lake.read(T).num_rows == before + 1


def test_two_concurrent_writers_both_land(lake: Lakehouse, tmp_path: Path) -> None:
    rows, k = 5_000, 8
    lake.create_table(T, SCHEMA, partition_by=[("event_date", "month")])
    go = tmp_path / "go"
    writers = [
        start_writer(lake.settings, "count", T, str(rows), str(k), w, str(go)) for w in ("w1", "w2")
    ]
    go.touch()
    for proc in writers:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        assert out.strip() == "done"
    counts = batch_counts(lake)
    assert counts == {f"{w}-{i}": rows for w in ("w1", "w2") for i in range(k)}
    assert lake.read(T).num_rows == 2 * k * rows
    snaps = lake.snapshots(T)
    assert len(snaps) == 2 * k
    assert int(snaps[-1].summary["total-records"]) == 2 * k * rows

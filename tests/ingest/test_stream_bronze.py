"""The live stream into raw + bronze: the contract applies, replays collapse, and a consumer
SIGKILLed again and again leaves every event in bronze (or quarantine) exactly once."""

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
from greenroom.ingest.live import consume_live, open_configured_stream
from greenroom.ingest.stream.producer import produce
from greenroom.lake import Lakehouse
from tests.ingest.stream.conftest import sale_events

REPO = Path(__file__).resolve().parents[2]
CONCERTS, CUSTOMERS = 40, 1000


def seed_references(lake: Lakehouse) -> None:
    """The Ticketmaster events and CRM customers the stream's sales refer to."""
    events = pa.table(
        {"id": [f"vvG1{i:04d}" for i in range(CONCERTS)], "_batch_id": ["seed"] * CONCERTS}
    )
    customers = pa.table(
        {"customer_id": [f"C{i:05d}" for i in range(CUSTOMERS)], "_batch_id": ["seed"] * CUSTOMERS}
    )
    for name, table in (
        ("bronze.ticketmaster_events", events),
        ("bronze.crm_customers", customers),
    ):
        lake.create_table(name, table.schema)
        lake.append(name, table)


def with_bad_prices(events: pa.Table, every: int) -> pa.Table:
    """Negate the price of every `every`-th distinct sale (a rejectable defect)."""
    index = pc.cast(pc.utf8_slice_codeunits(events.column("sale_id"), 4), pa.int64())
    bad = pc.equal(pc.subtract(index, pc.multiply(pc.divide(index, every), every)), 0)
    price = pc.if_else(bad, pc.negate(events.column("unit_price")), events.column("unit_price"))
    return events.set_column(events.schema.get_field_index("unit_price"), "unit_price", price)


@pytest.mark.slow
def test_consume_into_bronze_quarantine_and_dedupe(
    lake: Lakehouse, lake_settings: Settings
) -> None:
    seed_references(lake)
    events = with_bad_prices(sale_events(500, replays=40, concerts=CONCERTS, seed=2), every=50)
    stream, _ = open_configured_stream(lake_settings)
    produce(stream, events)
    stream.close()
    stats, totals = consume_live(lake, lake_settings, until_idle=True)
    assert stats.records == 540
    assert totals.duplicates == 40
    assert totals.quarantined == 10  # TMS-000000, -000050, …, -000450
    assert totals.accepted == 490
    bronze = lake.read("bronze.stream_sales")
    assert bronze.num_rows == 490 == len(set(bronze.column("sale_id").to_pylist()))
    quarantine = lake.read("quarantine.stream_sales").to_pylist()
    assert sorted(r["source_record_id"] for r in quarantine) == [
        f"TMS-{i:06d}" for i in range(0, 500, 50)
    ]
    assert all(r["reasons"] == ["stream_sales.unit_price.range"] for r in quarantine)
    raw = sorted((lake_settings.raw_dir / "stream_sales").rglob("*.ndjson"))
    assert sum(len(p.read_text().splitlines()) for p in raw) == 540  # every record as received
    again, more = consume_live(lake, lake_settings, until_idle=True)
    assert again.records == 0 and more.accepted == 0


def start_consumer(home: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.ingest._bronze_consumer_proc"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO), "GREENROOM_HOME": str(home),
             "GREENROOM_STREAM__BATCH_SIZE": "60"},
    )  # fmt: skip
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if line.strip() != "ready":
        _, err = proc.communicate(timeout=60)
        pytest.fail(f"consumer did not start: {line!r} {err}")
    return proc


@pytest.mark.integration
def test_consumer_sigkilled_20_times_leaves_every_event_exactly_once(
    lake: Lakehouse, lake_settings: Settings
) -> None:
    seed_references(lake)
    events = with_bad_prices(sale_events(3_000, replays=150, concerts=CONCERTS, seed=4), every=97)
    events = events.take(random.Random(8).sample(range(events.num_rows), events.num_rows))
    chunks = [events.slice(i, 120) for i in range(0, events.num_rows, 120)]
    stream, _ = open_configured_stream(lake_settings)
    produce(stream, chunks.pop(0))
    rng = random.Random(20261125)
    kills = 0
    while kills < 20:
        proc = start_consumer(lake_settings.home)
        time.sleep(rng.uniform(0.05, 1.2))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        _, err = proc.communicate(timeout=60)
        assert proc.returncode in (0, -signal.SIGKILL), err
        if chunks:
            produce(stream, chunks.pop(0))
    for chunk in chunks:
        produce(stream, chunk)
    stream.close()
    proc = start_consumer(lake_settings.home)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err

    produced = set(events.column("sale_id").to_pylist())
    bad = {f"TMS-{i:06d}" for i in range(0, 3_000, 97)}
    bronze_ids = lake.read("bronze.stream_sales", columns=["sale_id"]).column("sale_id").to_pylist()
    quarantined = lake.read("quarantine.stream_sales").column("source_record_id").to_pylist()
    assert len(bronze_ids) == len(set(bronze_ids))  # none twice ...
    assert len(quarantined) == len(set(quarantined))
    assert set(bronze_ids) == produced - bad  # ... and none missing
    assert set(quarantined) == bad
    batches = lake.read("ops.ingestion_batches").to_pylist()
    assert all(b["received"] == b["accepted"] + b["quarantined"] for b in batches)

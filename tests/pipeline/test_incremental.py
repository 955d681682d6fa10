"""The pipeline over real tiny worlds: nothing lost, idempotent, incremental = full."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from greenroom import synth
from greenroom.config import Settings
from greenroom.ingest.files import process_file_upload
from greenroom.lake import Lakehouse
from greenroom.pipeline import run_pipeline
from tests.conftest import BuiltWorld

pytestmark = pytest.mark.slow

SALE_KEYS = """
    SELECT 'box_office_sales' AS source, transaction_id AS record_id, transaction_id AS sale_key
    FROM bronze.box_office_sales
    UNION ALL SELECT 'online_orders', order_id, order_id FROM bronze.online_orders
    UNION ALL SELECT 'stream_sales', event_id, sale_id FROM bronze.stream_sales
"""


def _rows(settings: Settings, sql: str) -> list[dict[str, object]]:
    with Lakehouse.open(settings).session() as session:
        return session.sql(sql).to_pylist()


def test_every_bronze_sale_ends_in_silver_or_in_the_rejects(messy_world: BuiltWorld) -> None:
    counts = _rows(
        messy_world.settings,
        f"""
        WITH bronze AS ({SALE_KEYS}),
        b AS (SELECT source, count(*) AS delivered,
                     count(DISTINCT coalesce(sale_key, 'record:' || record_id)) AS sales
              FROM bronze GROUP BY source),
        s AS (SELECT source, count(*) AS n FROM silver.ticket_sales GROUP BY source),
        r AS (SELECT source, count(*) AS n FROM ops.silver_rejects
              WHERE entity_type = 'ticket_sale' GROUP BY source)
        SELECT b.source, b.delivered, b.sales, coalesce(s.n, 0) AS silver, coalesce(r.n, 0) AS rejects
        FROM b LEFT JOIN s USING (source) LEFT JOIN r USING (source) ORDER BY 1
        """,
    )
    assert [c["source"] for c in counts] == ["box_office_sales", "online_orders", "stream_sales"]
    for c in counts:
        assert c["sales"] == c["silver"] + c["rejects"], c  # type: ignore[operator]
    replays = sum(c["delivered"] - c["sales"] for c in counts)  # type: ignore[misc]
    rejects = sum(c["rejects"] for c in counts)  # type: ignore[misc]
    assert replays > 0 and rejects > 0  # the messy world has both
    logged = _rows(
        messy_world.settings,
        """SELECT counts FROM ops.job_runs WHERE job = 'ticket_sales' AND mode = 'full'
           ORDER BY finished_at DESC LIMIT 1""",
    )
    assert dict(logged[0]["counts"])["replays"] == replays  # type: ignore[call-overload]


def test_sales_of_quarantined_concerts_are_rejects_with_their_reason(
    messy_world: BuiltWorld,
) -> None:
    reasons = _rows(
        messy_world.settings,
        """SELECT reason, count(*) AS n, count(*) FILTER (WHERE detail IS NULL) AS no_detail
           FROM ops.silver_rejects WHERE entity_type = 'ticket_sale' GROUP BY 1 ORDER BY 1""",
    )
    by_reason = {r["reason"]: r for r in reasons}
    assert "concert_quarantined" in by_reason
    assert by_reason["concert_quarantined"]["no_detail"] == 0
    leaked = _rows(
        messy_world.settings,
        """SELECT count(*) AS n FROM silver.ticket_sales s
           SEMI JOIN ops.silver_rejects r ON r.entity_id = s.sale_id""",
    )
    assert leaked == [{"n": 0}]


def test_every_concert_record_is_on_a_concert_or_rejected(messy_world: BuiltWorld) -> None:
    rows = _rows(
        messy_world.settings,
        """
        WITH records AS (
            SELECT 'promoter_concerts' AS source, id FROM bronze.promoter_concerts
            UNION SELECT 'ticketmaster_events', id FROM bronze.ticketmaster_events)
        SELECT count(*) AS n FROM records r
        WHERE NOT EXISTS (SELECT 1 FROM silver.entity_xref x WHERE x.entity_type = 'concert'
                          AND x.source = r.source AND x.source_record_id = r.id)
          AND NOT EXISTS (SELECT 1 FROM ops.silver_rejects j WHERE j.entity_type = 'concert'
                          AND j.source = r.source AND j.source_record_id = r.id)
        """,
    )
    assert rows == [{"n": 0}]


def _current(lake: Lakehouse) -> dict[str, int | None]:
    return {t.name: t.snapshot_id for t in lake.list_tables()}


def test_a_rerun_with_no_new_input_writes_nothing(messy_world: BuiltWorld) -> None:
    lake = Lakehouse.open(messy_world.settings)
    before = _current(lake)
    result = run_pipeline(lake, messy_world.settings)
    assert result.ok and {j.status for j in result.jobs} == {"skipped"}
    after = _current(lake)
    changed = {t for t in after if after[t] != before.get(t)}
    assert changed == {"ops.job_runs", "ops.pipeline_runs"}


# ---- worlds of their own: these tests add data ----------------------------------------------


@pytest.fixture
def world(tmp_path: Path) -> BuiltWorld:
    from tests.conftest import _build_world

    return _build_world(tmp_path, clean=False)


def _table(lake: Lakehouse, name: str, drop: tuple[str, ...] = ()) -> list[tuple[object, ...]]:
    data = lake.read(name)
    data = data.drop_columns([c for c in drop if c in data.column_names])
    return sorted(tuple(str(v) for v in row.values()) for row in data.to_pylist())


COMPARED = {
    "silver.ticket_sales": (),
    "silver.concerts": (),
    "silver.entity_xref": (),
    "ops.silver_rejects": ("rejected_at", "run_id"),
    "gold.sales_daily": ("calculated_at",),
    "gold.artist_performance": ("calculated_at",),
    "gold.venue_popularity": ("calculated_at",),
}


def _live_file(world: BuiltWorld, count: int, seed: int) -> Path:
    events = synth.live_events(world.world / "truth", count=count, seed=seed)
    path = world.world.parent / f"live-{seed}.ndjson"
    path.write_text("\n".join(synth.stream_event_lines(events).to_pylist()) + "\n")
    return path


def test_an_incremental_run_processes_only_the_new_batch_and_equals_a_full_rebuild(
    world: BuiltWorld,
) -> None:
    lake, settings = Lakehouse.open(world.settings), world.settings
    batch = process_file_upload(lake, settings, _live_file(world, 200, seed=3), "stream_sales")
    result = run_pipeline(lake, settings)
    sales = result.job("ticket_sales")
    assert (sales.status, sales.mode, sales.rows_in) == ("succeeded", "incremental", 200)
    assert sales.counts["sales"] + sales.counts["rejected"] + sales.counts["replays"] == 200
    assert sales.counts["replays"] == 4  # live_events replays 2 %
    assert {j.job for j in result.jobs if j.status == "skipped"} >= {
        "artists", "venues", "customers", "concert_ids",
    }  # fmt: skip
    done = _rows(
        settings, f"SELECT batch_id FROM ops.pipeline_batches WHERE run_id = '{result.run_id}'"
    )
    assert done == [{"batch_id": batch.batch_id}]
    incremental = {t: _table(lake, t, drop) for t, drop in COMPARED.items()}
    assert run_pipeline(lake, settings, full=True).ok
    for table, drop in COMPARED.items():
        assert _table(lake, table, drop) == incremental[table], table


def test_a_changed_lookup_rebuilds_the_sales(world: BuiltWorld) -> None:
    """A customer re-delivered with a new segment: its stream sales (which take the
    segment from the CRM) must change, so ticket_sales rebuilds instead of appending."""
    lake, settings = Lakehouse.open(world.settings), world.settings
    (stream_buyer,) = _rows(
        settings,
        """SELECT c.source_record_id AS crm_id, s.customer_segment AS segment
           FROM silver.ticket_sales s JOIN silver.entity_xref c
             ON c.entity_type = 'customer' AND c.entity_id = s.customer_id
           WHERE s.channel = 'stream' ORDER BY s.sale_id LIMIT 1""",
    )
    crm = (world.world / "sources" / "crm_customers" / "customers.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(crm)))
    (record,) = [r for r in rows if r["customer_id"] == stream_buyer["crm_id"]]
    new_segment = "corporate" if stream_buyer["segment"] != "corporate" else "casual"
    record["segment"] = new_segment
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), quoting=csv.QUOTE_ALL)
    writer.writeheader()
    writer.writerow(record)
    path = world.world.parent / "crm-update.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    process_file_upload(lake, settings, path, "crm_customers")

    result = run_pipeline(lake, settings)
    assert result.job("customers").status == "succeeded"
    assert result.job("ticket_sales").mode == "full"
    segments = _rows(
        settings,
        f"""SELECT DISTINCT s.customer_segment AS segment FROM silver.ticket_sales s
            JOIN silver.entity_xref c ON c.entity_type = 'customer' AND c.entity_id = s.customer_id
            WHERE s.channel = 'stream' AND c.source_record_id = '{stream_buyer["crm_id"]}'""",
    )
    assert segments == [{"segment": new_segment}]

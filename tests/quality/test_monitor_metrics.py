"""Metric values on small hand-made lakes: exact completeness, uniqueness, integrity."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from greenroom.ingest.batches import SCHEMA as BATCHES_SCHEMA
from greenroom.lake import Lakehouse, TableNotFoundError
from greenroom.quality.monitor import METRICS_TABLE, collect, run_monitor
from greenroom.quality.monitor.exceptions import InvalidRunIdError
from tests.quality.conftest import MEASURED_AT, TS

pytestmark = pytest.mark.slow


def values(metrics: pa.Table, table: str) -> dict[tuple[str, str | None], float | None]:
    rows = metrics.filter(pc.equal(metrics.column("table_name"), table))
    return {
        (m, c): v
        for m, c, v in zip(
            rows.column("metric").to_pylist(),
            rows.column("column_name").to_pylist(),
            rows.column("value").to_pylist(),
            strict=True,
        )
    }


def test_sales_metrics_are_exact(sales_lake: Lakehouse) -> None:
    metrics = collect(sales_lake, "r1", ["silver.ticket_sales"], measured_at=MEASURED_AT)
    got = values(metrics, "silver.ticket_sales")
    assert got == {
        ("row_count", None): 10.0,
        ("completeness", "sale_id"): 0.9,
        ("completeness", "concert_id"): 0.9,
        ("completeness", "customer_id"): 1.0,
        ("completeness", "price_tier"): 0.7,
        ("completeness", "quantity"): 0.9,
        ("completeness", "unit_price"): 1.0,
        ("completeness", "channel"): 1.0,
        ("completeness", "created_at"): 1.0,
        ("uniqueness", "sale_id"): 0.8,  # S1…S8 distinct; S8 twice, one null
        ("validity", "quantity_at_least_1"): 0.8,  # a 0 and a null fail
        ("validity", "unit_price_positive"): 0.9,
        ("validity", "channel_known"): 0.9,
        ("referential_integrity", "concert_id"): pytest.approx(7 / 9),  # CX twice, null skipped
        ("referential_integrity", "customer_id"): 0.9,  # U10 is unknown
        ("freshness_hours", "created_at"): 12.0,
    }
    snapshot = sales_lake.list_tables("silver")[-1]
    assert snapshot.name == "silver.ticket_sales"
    assert set(metrics.column("snapshot_id").to_pylist()) == {snapshot.snapshot_id}
    assert set(metrics.column("run_id").to_pylist()) == {"r1"}
    assert set(metrics.column("measured_at").to_pylist()) == {MEASURED_AT}
    stored = sales_lake.read(METRICS_TABLE)
    assert stored.num_rows == metrics.num_rows


def test_measuring_a_run_again_replaces_its_rows(sales_lake: Lakehouse) -> None:
    collect(sales_lake, "r1", ["silver.ticket_sales"], measured_at=MEASURED_AT)
    first = sales_lake.read(METRICS_TABLE).num_rows
    collect(sales_lake, "r1", ["silver.ticket_sales"], measured_at=MEASURED_AT)
    collect(sales_lake, "r2", ["silver.customers"], measured_at=MEASURED_AT)
    stored = sales_lake.read(METRICS_TABLE)
    per_run = pc.value_counts(stored.column("run_id")).to_pylist()
    assert {r["values"]: r["counts"] for r in per_run} == {"r1": first, "r2": 3}


def test_an_empty_table_has_zero_rows_and_undefined_shares(lake: Lakehouse) -> None:
    lake.create_table("silver.customers", pa.schema([("customer_id", pa.string())]))
    got = values(collect(lake, "r1", measured_at=MEASURED_AT), "silver.customers")
    assert got == {
        ("row_count", None): 0.0,
        ("completeness", "customer_id"): None,
        ("uniqueness", "customer_id"): None,
    }


def test_bronze_validity_and_quarantine_share(lake: Lakehouse) -> None:
    schema = pa.schema(
        [
            ("transaction_id", pa.string()),
            ("qty", pa.string()),
            ("_warnings", pa.list_(pa.string())),
            ("_ingested_at", TS),
        ]
    )
    lake.create_table("bronze.box_office_sales", schema)
    dup = ["box_office_sales.transaction_id.unique"]
    lake.append(
        "bronze.box_office_sales",
        pa.table(
            {
                "transaction_id": ["T1", "T2", "T3", "T3"],
                "qty": ["1", "2", None, "1"],
                "_warnings": [[], [], None, dup],
                "_ingested_at": pa.array([MEASURED_AT - dt.timedelta(hours=2)] * 4, TS),
            },
            schema=schema,
        ),
    )
    batches = pa.Table.from_pylist(
        [
            {"batch_id": "b1", "feed": "box_office_sales", "received": 10, "quarantined": 2},
            {"batch_id": "b2", "feed": "box_office_sales", "received": 10, "quarantined": 0},
            {"batch_id": "b3", "feed": "online_orders", "received": 10, "quarantined": 10},
        ],
        schema=BATCHES_SCHEMA,
    )
    lake.create_table("ops.ingestion_batches", BATCHES_SCHEMA)
    lake.append("ops.ingestion_batches", batches)

    result = run_monitor(lake, "r1", measured_at=MEASURED_AT)
    got = values(result.metrics, "bronze.box_office_sales")
    assert got[("uniqueness", "transaction_id")] == 0.75  # the feed's record id, from its contract
    assert got[("validity", "_warnings")] == 0.75  # a null list counts as no warnings
    assert got[("completeness", "qty")] == 0.75
    assert got[("quarantine_share", None)] == 0.1
    assert got[("freshness_hours", "_ingested_at")] == 2.0
    assert result.alerts.num_rows == 0  # bronze is watched for changes, not held to promises


def test_run_ids_and_tables_are_checked(sales_lake: Lakehouse) -> None:
    with pytest.raises(InvalidRunIdError, match="run id `bad id'`"):
        collect(sales_lake, "bad id'")
    with pytest.raises(TableNotFoundError, match=r"silver\.nope"):
        collect(sales_lake, "r1", ["silver.nope"])

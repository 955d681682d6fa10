"""Fixtures of the quality tests: small hand-made lakes whose metrics are known exactly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pytest

from greenroom.config import Settings
from greenroom.lake import Lakehouse

UTC = dt.UTC
# Measuring time of the hand-made lakes: the newest `created_at` below is 12 hours older.
MEASURED_AT = dt.datetime(2026, 6, 30, 0, 0, tzinfo=UTC)
NEWEST_ROW = dt.datetime(2026, 6, 29, 12, 0, tzinfo=UTC)
TS = pa.timestamp("us", tz="UTC")

SALES_SCHEMA = pa.schema(
    [
        ("sale_id", pa.string()),
        ("concert_id", pa.string()),
        ("customer_id", pa.string()),
        ("price_tier", pa.string()),
        ("quantity", pa.int32()),
        ("unit_price", pa.float64()),
        ("channel", pa.string()),
        ("created_at", TS),
    ]
)


def _parents(lake: Lakehouse, concerts: list[str], customers: list[str]) -> None:
    at = pa.array([NEWEST_ROW] * len(concerts), TS)
    lake.create_table(
        "silver.concerts", pa.schema([("concert_id", pa.string()), ("updated_at", TS)])
    )
    lake.append("silver.concerts", pa.table({"concert_id": concerts, "updated_at": at}))
    lake.create_table("silver.customers", pa.schema([("customer_id", pa.string())]))
    lake.append("silver.customers", pa.table({"customer_id": customers}))


@pytest.fixture
def sales_lake(lake: Lakehouse) -> Lakehouse:
    """Ten silver.ticket_sales with known defects (see the test for the expected metrics);
    parents silver.concerts (C1–C3) and silver.customers (U1–U9)."""
    _parents(lake, ["C1", "C2", "C3"], [f"U{i}" for i in range(1, 10)])
    hours = [36, 30, 24, 20, 18, 16, 15, 14, 13, 12]
    sales = pa.table(
        {
            "sale_id": ["S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8", "S8", None],
            "concert_id": ["C1", "C1", "C2", "C2", "C3", "C3", "CX", "CX", None, "C1"],
            "customer_id": [f"U{i}" for i in range(1, 11)],
            "price_tier": ["GA", "GA", None, "VIP", None, "GA", None, "GA", "GA", "GA"],
            "quantity": pa.array([1, 2, 0, 1, 1, 1, 1, 1, 1, None], pa.int32()),
            "unit_price": [10.0, 10.0, 10.0, 10.0, -5.0, 10.0, 10.0, 10.0, 10.0, 10.0],
            "channel": ["online"] * 9 + ["fax"],
            "created_at": pa.array([MEASURED_AT - dt.timedelta(hours=h) for h in hours], TS),
        },
        schema=SALES_SCHEMA,
    )
    lake.create_table("silver.ticket_sales", SALES_SCHEMA)
    lake.append("silver.ticket_sales", sales)
    return lake


def clean_sales(channel: str, n: int, start: int = 0) -> pa.Table:
    """`n` valid sales of one channel, ids `<channel>-<i>`, all for concert C1 and customer U1."""
    return pa.table(
        {
            "sale_id": [f"{channel}-{i}" for i in range(start, start + n)],
            "concert_id": ["C1"] * n,
            "customer_id": ["U1"] * n,
            "price_tier": ["GA"] * n,
            "quantity": pa.array([2] * n, pa.int32()),
            "unit_price": [25.0] * n,
            "channel": [channel] * n,
            "created_at": pa.array([NEWEST_ROW] * n, TS),
        },
        schema=SALES_SCHEMA,
    )


@pytest.fixture
def channel_lake(lake: Lakehouse) -> Lakehouse:
    """300 valid silver.ticket_sales partitioned by channel (100 box_office, online, stream)."""
    _parents(lake, ["C1"], ["U1"])
    lake.create_table("silver.ticket_sales", SALES_SCHEMA, partition_by=[("channel", "identity")])
    parts = [clean_sales(c, 100) for c in ("box_office", "online", "stream")]
    lake.append("silver.ticket_sales", pa.concat_tables(parts))
    return lake


@pytest.fixture(scope="module")
def built_lake(tmp_path_factory: pytest.TempPathFactory) -> tuple[Lakehouse, Settings]:
    """A tiny messy world generated, ingested and built into a lake of its own (tests may
    change it: it is not the session-wide world of tests/conftest.py)."""
    from greenroom import synth
    from greenroom.demo import ingest_world
    from greenroom.pipeline import run_pipeline

    root: Path = tmp_path_factory.mktemp("monitor-world")
    settings = Settings(home=root / "home")
    manifest = synth.generate(root / "world", scale="tiny", seed=11, today=settings.today)
    lake = Lakehouse.open(settings, create=True)
    ingest_world(lake, settings, root / "world", manifest, lambda _s: None)
    assert run_pipeline(lake, settings).ok
    return lake, settings

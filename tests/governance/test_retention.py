"""Retention: rows, raw folders and snapshots past their policy go; the rest stays."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from greenroom.config import Settings
from greenroom.governance.retention import apply_retention
from greenroom.lake import Lakehouse

NOW = dt.datetime(2026, 6, 30, tzinfo=dt.UTC)


def _world(lake: Lakehouse, settings: Settings) -> None:
    schema = pa.schema([("_ingested_at", pa.timestamp("us", tz="UTC")), ("payload", pa.string())])
    lake.create_table("quarantine.box_office_sales", schema)
    for days in (100, 40, 10):  # three commits: three snapshots
        at = NOW - dt.timedelta(days=days)
        lake.append(
            "quarantine.box_office_sales",
            pa.table({"_ingested_at": [at, at], "payload": [f"old {days}", f"row {days}"]}, schema),
        )
    lake.create_table("silver.venues", pa.schema([("venue_id", pa.string())]))
    lake.append("silver.venues", pa.table({"venue_id": ["ven_1"]}))
    for day in ("2026-03-01", "2026-06-20"):
        folder = settings.raw_dir / "box_office_sales" / day
        folder.mkdir(parents=True)
        (folder / "b.csv").write_text("a\n1\n")


def test_dry_run_counts_and_changes_nothing(lake: Lakehouse, lake_settings: Settings) -> None:
    _world(lake, lake_settings)
    result = apply_retention(lake_settings, NOW, dry_run=True)
    assert result.rows_deleted == {"quarantine.box_office_sales": 4}  # 100 and 40 days > 30
    assert result.raw_folders_deleted == ["raw/box_office_sales/2026-03-01"]  # > 90 days
    assert lake.read("quarantine.box_office_sales").num_rows == 6
    assert (lake_settings.raw_dir / "box_office_sales" / "2026-03-01").is_dir()
    assert len(lake.snapshots("quarantine.box_office_sales")) == 3


def test_apply_deletes_by_arrival_time_and_expires_history(
    lake: Lakehouse, lake_settings: Settings
) -> None:
    _world(lake, lake_settings)
    table_dir = lake_settings.warehouse_dir / "quarantine" / "box_office_sales"
    result = apply_retention(lake_settings, NOW)
    kept = lake.read("quarantine.box_office_sales").column("payload").to_pylist()
    assert sorted(kept) == ["old 10", "row 10"]
    assert result.rows_deleted == {"quarantine.box_office_sales": 4}
    assert not (lake_settings.raw_dir / "box_office_sales" / "2026-03-01").exists()
    assert (lake_settings.raw_dir / "box_office_sales" / "2026-06-20" / "b.csv").is_file()
    # the deleted rows are not readable by time travel, nor on disk
    assert len(lake.snapshots("quarantine.box_office_sales")) == 1
    assert result.snapshots_expired >= 3
    import pyarrow.parquet as pq

    on_disk = [
        v
        for f in table_dir.rglob("*.parquet")
        for v in pq.read_table(f).column("payload").to_pylist()
    ]
    assert sorted(on_disk) == ["old 10", "row 10"]
    # untouched tables keep their (recent) history; a second run finds nothing
    assert lake.read("silver.venues").num_rows == 1
    again = apply_retention(lake_settings, NOW)
    assert again.rows_deleted == {} and again.raw_folders_deleted == []

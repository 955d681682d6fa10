"""The monitor on a real lake: a tiny messy world ingested and built, rebuilt unchanged,
then rebuilt with one delivery of box-office sales missing."""

from __future__ import annotations

import pyarrow.compute as pc
import pytest

from greenroom.config import Settings
from greenroom.lake import Lakehouse
from greenroom.pipeline import run_pipeline
from greenroom.quality.monitor import quality_report, run_monitor
from greenroom.quality.monitor.specs import MONITORED_LAYERS

pytestmark = pytest.mark.slow

BOX_OFFICE = "bronze.box_office_sales"


def test_monitor_flags_a_missing_delivery_and_nothing_else(
    built_lake: tuple[Lakehouse, Settings],
) -> None:
    lake, settings = built_lake

    first = run_monitor(lake, "w1")
    measured = set(first.metrics.column("table_name").to_pylist())
    assert measured == {t.name for ns in MONITORED_LAYERS for t in lake.list_tables(ns)}
    assert {BOX_OFFICE, "silver.ticket_sales", "gold.venue_popularity"} <= measured
    assert first.errors == 0, first.alerts.to_pylist()  # the messy world keeps its promises

    assert run_pipeline(lake, settings, full=True).ok  # the same input again: same metrics
    assert run_monitor(lake, "w2").alerts.num_rows == 0

    with lake.session() as session:
        batches = session.sql(
            f"SELECT _batch_id, count(*) AS n FROM {BOX_OFFICE} GROUP BY 1 ORDER BY n DESC"
        )
    rows_before = int(pc.sum(batches.column("n")).as_py())
    missing, lost = batches.column("_batch_id")[0].as_py(), batches.column("n")[0].as_py()
    assert lost / rows_before > 0.30  # the largest delivery is over 30% of the feed
    lake.delete(BOX_OFFICE, f"_batch_id = '{missing}'")
    assert run_pipeline(lake, settings, full=True).ok  # rebuild silver and gold from bronze

    third = run_monitor(lake, "w3")
    alerts = third.alerts.select(["table_name", "rule", "severity", "value", "expected"])
    assert alerts.to_pylist() == [
        {
            "table_name": BOX_OFFICE,
            "rule": "row_count_drop",
            "severity": "error",
            "value": float(rows_before - lost),
            "expected": float(rows_before),
        }
    ]
    report = {r.table: r for r in quality_report(lake)}
    assert report[BOX_OFFICE].run_id == "w3"
    assert report[BOX_OFFICE].errors == 1
    sales_before = quality_report(lake, "w2", ["silver.ticket_sales"])[0].value("row_count")
    sales_after = report["silver.ticket_sales"].value("row_count")
    assert sales_before is not None and sales_after is not None
    assert sales_after < sales_before  # fewer sales downstream, but under the 30% alert line

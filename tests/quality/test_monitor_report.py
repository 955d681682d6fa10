"""Reports: `quality_report`, the seed's `monitor_data_quality`, `greenroom quality report`."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from greenroom.cli.quality import app
from greenroom.lake import Lakehouse
from greenroom.quality.monitor import (
    NoMetricsError,
    monitor_data_quality,
    quality_report,
    run_monitor,
)
from tests.quality.conftest import MEASURED_AT

pytestmark = pytest.mark.slow


def test_quality_report_of_the_latest_run(sales_lake: Lakehouse) -> None:
    run_monitor(sales_lake, "r1", tables=["silver.customers"], measured_at=MEASURED_AT)
    later = MEASURED_AT.replace(hour=1)
    run_monitor(sales_lake, "r2", tables=["silver.ticket_sales"], measured_at=later)
    (report,) = quality_report(sales_lake)
    assert (report.table, report.run_id) == ("silver.ticket_sales", "r2")
    assert report.value("row_count") == 10.0
    assert report.value("completeness", "price_tier") == 0.7
    assert report.value("uniqueness") is None  # per-column metrics need their column
    assert (report.errors, report.warnings) == (6, 0)
    assert report.snapshot_id == sales_lake.list_tables("silver")[-1].snapshot_id
    metrics = report.metrics.column("metric").to_pylist()
    assert metrics[0] == "row_count" and metrics[-1] == "freshness_hours"
    assert report.alerts.column("severity").to_pylist() == ["error"] * 6
    (older,) = quality_report(sales_lake, "r1")
    assert older.table == "silver.customers"


def test_monitor_data_quality_measures_one_table_now(sales_lake: Lakehouse) -> None:
    report = monitor_data_quality(sales_lake, "silver.ticket_sales", measured_at=MEASURED_AT)
    assert report.table == "silver.ticket_sales"
    assert report.run_id.startswith("adhoc-20260630T000000-")
    assert report.value("referential_integrity", "customer_id") == 0.9
    assert report.errors == 6
    assert report.to_dict()["errors"] == 6


def test_report_without_metrics_says_what_to_do(lake: Lakehouse) -> None:
    with pytest.raises(NoMetricsError, match="greenroom quality monitor"):
        quality_report(lake)
    run_monitor(lake, "r1", measured_at=MEASURED_AT)  # an empty lake: nothing to measure
    with pytest.raises(NoMetricsError, match="greenroom quality monitor"):
        quality_report(lake, "r9")


def test_cli_report_prints_each_table_and_its_alerts(sales_lake: Lakehouse) -> None:
    run_monitor(sales_lake, "r1", tables=["silver.ticket_sales"], measured_at=MEASURED_AT)
    result = CliRunner().invoke(app, ["report"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    out = result.output
    assert "silver.ticket_sales · snapshot" in out
    assert "price_tier" in out and "70.00%" in out
    assert "12.0 h" in out
    assert "error not_unique: key (sale_id) of `silver.ticket_sales` is not unique" in out
    assert "run r1: 1 table, 6 errors, 0 warnings" in out


def test_cli_report_json(sales_lake: Lakehouse) -> None:
    run_monitor(sales_lake, "r1", tables=["silver.ticket_sales"], measured_at=MEASURED_AT)
    result = CliRunner().invoke(
        app, ["report", "--json", "--run", "r1", "-t", "silver.ticket_sales"]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["run_id"] == "r1"
    (table,) = payload["tables"]
    assert table["table"] == "silver.ticket_sales"
    assert {k: table["metrics"][0][k] for k in ("metric", "column_name", "value")} == {
        "metric": "row_count",
        "column_name": None,
        "value": 10.0,
    }
    rules = sorted(a["rule"] for a in table["alerts"])
    assert rules == ["broken_references"] * 2 + ["check_failed"] * 3 + ["not_unique"]


def test_cli_monitor_measures_then_reports(sales_lake: Lakehouse) -> None:
    result = CliRunner().invoke(app, ["monitor", "silver.customers", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["run_id"].startswith("adhoc-")
    assert [t["table"] for t in payload["tables"]] == ["silver.customers"]
    assert payload["tables"][0]["metrics"][0]["value"] == 9.0


def test_cli_monitor_on_an_empty_lake_says_so(lake: Lakehouse) -> None:
    result = CliRunner().invoke(app, ["monitor"])
    assert result.exit_code == 0, result.output
    assert "nothing to measure" in result.output
    report = CliRunner().invoke(app, ["report"])
    assert isinstance(report.exception, NoMetricsError)

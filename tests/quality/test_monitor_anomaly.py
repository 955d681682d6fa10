"""Anomaly checks against each metric's history: the alerts fire, with the right numbers,
and only when something changed. Nothing here raises: alerts are rows."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from greenroom.lake import Lakehouse
from greenroom.quality.monitor import ALERTS_TABLE, check_anomalies, run_monitor
from greenroom.quality.monitor.exceptions import InvalidRunIdError
from tests.quality.conftest import MEASURED_AT, NEWEST_ROW, clean_sales

pytestmark = pytest.mark.slow

SALES = ["silver.ticket_sales"]


def at(hours: float) -> dt.datetime:
    return MEASURED_AT + dt.timedelta(hours=hours)


def alerts_of(table: pa.Table) -> list[dict[str, object]]:
    keep = ["table_name", "metric", "column_name", "rule", "severity", "value", "expected"]
    rows: list[dict[str, object]] = table.select(keep).to_pylist()
    return rows


def test_an_alert_fires_when_a_partition_of_input_goes_missing(channel_lake: Lakehouse) -> None:
    for i in range(3):
        result = run_monitor(channel_lake, f"r{i + 1}", tables=SALES, measured_at=at(i))
        assert result.alerts.num_rows == 0, result.alerts.to_pylist()

    assert channel_lake.delete("silver.ticket_sales", "channel = 'stream'") is not None
    result = run_monitor(channel_lake, "r4", tables=SALES, measured_at=at(3))

    assert alerts_of(result.alerts) == [
        {
            "table_name": "silver.ticket_sales",
            "metric": "row_count",
            "column_name": None,
            "rule": "row_count_drop",
            "severity": "error",
            "value": 200.0,
            "expected": 300.0,
        }
    ]
    assert result.alerts.column("message")[0].as_py() == (
        "`silver.ticket_sales` has 200 rows, 33.3% fewer than the 300 of run `r3` "
        "(alert above 30%); look for a missing partition or batch in this run's input"
    )
    assert result.errors == 1
    stored = channel_lake.read(ALERTS_TABLE)
    assert stored.column("run_id").to_pylist() == ["r4"]


def test_no_alert_when_nothing_changes(channel_lake: Lakehouse) -> None:
    for i in range(8):  # past the z-score's minimum history
        result = run_monitor(channel_lake, f"r{i}", tables=SALES, measured_at=at(i))
        assert result.alerts.num_rows == 0
    assert not channel_lake.exists(ALERTS_TABLE) or channel_lake.read(ALERTS_TABLE).num_rows == 0


def test_a_small_drop_is_not_a_row_count_alert(channel_lake: Lakehouse) -> None:
    run_monitor(channel_lake, "r1", tables=SALES, measured_at=at(0))
    channel_lake.delete("silver.ticket_sales", "sale_id IN ('stream-0', 'stream-1')")
    assert run_monitor(channel_lake, "r2", tables=SALES, measured_at=at(1)).alerts.num_rows == 0


def test_z_score_against_five_runs_of_history(channel_lake: Lakehouse) -> None:
    for i in range(5):  # 300, 302, 304, 306, 308 rows
        if i:
            channel_lake.append("silver.ticket_sales", clean_sales("online", 2, start=100 + 2 * i))
        assert (
            run_monitor(channel_lake, f"r{i}", tables=SALES, measured_at=at(i)).alerts.num_rows == 0
        )
    channel_lake.append("silver.ticket_sales", clean_sales("online", 60, start=200))
    result = run_monitor(channel_lake, "r5", tables=SALES, measured_at=at(5))
    (alert,) = alerts_of(result.alerts)
    assert alert["rule"] == "z_score"
    assert alert["severity"] == "warn"
    assert alert["value"] == 368.0
    assert alert["expected"] == 304.0  # the mean of the history; its deviation is √10
    message = result.alerts.column("message")[0].as_py()
    assert message == (
        "row_count of `silver.ticket_sales` is 368, 20.2 standard deviations from its mean "
        "304 over the last 5 runs"
    )


def test_a_tiny_move_of_a_near_constant_history_is_not_a_z_alert(
    channel_lake: Lakehouse,
) -> None:
    extra = "sale_id = 'online-900'"
    for i in range(5):  # 300, 301, 300, 301, 300 rows
        if i % 2:
            channel_lake.append("silver.ticket_sales", clean_sales("online", 1, start=900))
        else:
            channel_lake.delete("silver.ticket_sales", extra)
        run_monitor(channel_lake, f"r{i}", tables=SALES, measured_at=at(i))
    channel_lake.append("silver.ticket_sales", clean_sales("online", 3, start=900))
    # 303 rows: 4.7 standard deviations away, but under 1% of the mean
    assert run_monitor(channel_lake, "r5", tables=SALES, measured_at=at(5)).alerts.num_rows == 0
    channel_lake.append("silver.ticket_sales", clean_sales("online", 3, start=910))
    (alert,) = alerts_of(run_monitor(channel_lake, "r6", tables=SALES, measured_at=at(6)).alerts)
    assert (alert["rule"], alert["value"]) == ("z_score", 306.0)  # 2% above: an alert


def test_completeness_drop_and_stale_data(channel_lake: Lakehouse) -> None:
    run_monitor(channel_lake, "r1", tables=SALES, measured_at=at(0))
    late = clean_sales("online", 33, start=500).set_column(
        3, "price_tier", pa.nulls(33, pa.string())
    )
    channel_lake.append("silver.ticket_sales", late)  # 300 of 333 have a price tier
    result = run_monitor(
        channel_lake, "r2", tables=SALES, measured_at=NEWEST_ROW + dt.timedelta(hours=30)
    )
    assert alerts_of(result.alerts) == [
        {
            "table_name": "silver.ticket_sales",
            "metric": "completeness",
            "column_name": "price_tier",
            "rule": "share_drop",
            "severity": "warn",
            "value": 300 / 333,
            "expected": 1.0,
        },
        {
            "table_name": "silver.ticket_sales",
            "metric": "freshness_hours",
            "column_name": "created_at",
            "rule": "stale",
            "severity": "warn",
            "value": 30.0,
            "expected": 24.0,
        },
    ]


def test_broken_promises_are_errors_on_the_first_run(sales_lake: Lakehouse) -> None:
    result = run_monitor(sales_lake, "r1", tables=SALES, measured_at=MEASURED_AT)
    got = {
        (a["metric"], a["column_name"]): (a["rule"], a["severity"], a["value"])
        for a in alerts_of(result.alerts)
    }
    assert got == {
        ("uniqueness", "sale_id"): ("not_unique", "error", 0.8),
        ("referential_integrity", "concert_id"): (
            "broken_references",
            "error",
            pytest.approx(7 / 9),
        ),
        ("referential_integrity", "customer_id"): ("broken_references", "error", 0.9),
        ("validity", "quantity_at_least_1"): ("check_failed", "error", 0.8),
        ("validity", "unit_price_positive"): ("check_failed", "error", 0.9),
        ("validity", "channel_known"): ("check_failed", "error", 0.9),
    }
    assert set(result.alerts.column("expected").to_pylist()) == {1.0}


def test_a_table_that_cannot_be_measured_is_flagged_and_the_others_go_on(
    sales_lake: Lakehouse,
) -> None:
    # the hand-made silver.concerts lacks `artist_id`, which tables.yaml declares a reference
    result = run_monitor(sales_lake, "r1", measured_at=MEASURED_AT)
    failed = result.alerts.filter(pc.equal(result.alerts.column("rule"), "measurement_failed"))
    assert failed.column("table_name").to_pylist() == ["silver.concerts"]
    assert failed.column("severity").to_pylist() == ["error"]
    assert "`artist_id` is not in `silver.concerts`" in failed.column("message")[0].as_py()
    measured = set(result.metrics.column("table_name").to_pylist())
    assert measured == {"silver.customers", "silver.ticket_sales"}
    # measuring the run again replaces, not doubles, both kinds of alert
    again = run_monitor(sales_lake, "r1", measured_at=MEASURED_AT)
    assert sales_lake.read(ALERTS_TABLE).num_rows == again.alerts.num_rows == result.alerts.num_rows


def test_check_anomalies_without_metrics_returns_no_alerts(lake: Lakehouse) -> None:
    assert check_anomalies(lake, "r1").num_rows == 0
    with pytest.raises(InvalidRunIdError):
        check_anomalies(lake, "r1; DROP")

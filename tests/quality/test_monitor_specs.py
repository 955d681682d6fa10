"""Metric specs and the SQL they compile to (no lake needed)."""

from __future__ import annotations

import datetime as dt

import pytest

from greenroom.quality.monitor import METRIC_KINDS, RULES, Thresholds
from greenroom.quality.monitor.anomaly import compile_anomalies
from greenroom.quality.monitor.exceptions import InvalidRunIdError, MonitorSpecError
from greenroom.quality.monitor.metrics import MetricContext, compile_metrics, metric_sqls
from greenroom.quality.monitor.specs import (
    ForeignKey,
    parse_spec_file,
    shipped_specs,
    table_policy,
    table_spec,
)
from greenroom.quality.monitor.store import adhoc_run_id, check_run_id

SALES_COLUMNS = [
    "sale_id",
    "concert_id",
    "customer_id",
    "price_tier",
    "quantity",
    "unit_price",
    "purchase_timestamp",
    "customer_segment",
    "channel",
    "created_at",
]
AT = MetricContext(dt.datetime(2026, 6, 30, tzinfo=dt.UTC))


def test_silver_sales_spec_has_the_contract_promises() -> None:
    spec = table_spec("silver.ticket_sales", SALES_COLUMNS)
    assert spec.key == ("sale_id",)
    assert spec.foreign_keys == (
        ForeignKey("concert_id", "silver.concerts", "concert_id"),
        ForeignKey("customer_id", "silver.customers", "customer_id"),
    )
    assert [c.name for c in spec.checks] == [
        "quantity_at_least_1",
        "unit_price_positive",
        "channel_known",
    ]
    assert spec.freshness == "created_at"
    assert spec.strict
    assert spec.max_age_hours == 24
    assert spec.quarantine_feed is None


def test_bronze_spec_comes_from_the_feed() -> None:
    columns = ["transaction_id", "qty", "_warnings", "_ingested_at"]
    spec = table_spec("bronze.box_office_sales", columns, has_batches=True)
    assert spec.key == ("transaction_id",)
    assert spec.warnings_column == "_warnings"
    assert spec.quarantine_feed == "box_office_sales"
    assert spec.freshness == "_ingested_at"
    assert not spec.strict
    assert spec.max_age_hours == 48
    # a bronze table with no contract, and no batches table yet: measured all the same
    other = table_spec("bronze.somewhere_new", ["id", "_ingested_at"])
    assert (other.key, other.quarantine_feed, other.freshness) == ((), None, "_ingested_at")


def test_every_shipped_declaration_is_well_formed() -> None:
    specs = shipped_specs()
    assert set(specs.layers) == {"bronze", "silver", "gold"}
    assert {"silver.ticket_sales", "silver.concerts", "gold.venue_popularity"} <= set(specs.tables)
    for table, decl in specs.tables.items():
        for target in decl.references.values():
            assert target.split(".")[0] == "silver", (table, target)
    assert table_policy("gold.artist_performance").strict
    assert table_policy("quarantine.box_office_sales").max_age_hours is None


def test_a_declared_column_the_table_lacks_names_it_and_the_file() -> None:
    with pytest.raises(
        MonitorSpecError,
        match=r"reference column `concert_id` is not in `silver.ticket_sales`.*tables.yaml",
    ):
        table_spec("silver.ticket_sales", ["sale_id", "customer_id", "created_at"])


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("tables: [", "not valid YAML"),
        ("tables:\n  silver.x:\n    keys: [a]\n", "`tables.silver.x.keys` Extra inputs"),
        ("tables:\n  silver.x:\n    references: {a: silver.y}\n", "must be `ns.table.column`"),
        ("tables:\n  silver.x:\n    checks: {c: 'a >= >= 1'}\n", "check `silver.x.c` is not a SQL"),
        ("layers:\n  silver: {max_age_hours: 0}\n", "max_age_hours"),
    ],
)
def test_malformed_spec_files_are_clear_errors(text: str, problem: str) -> None:
    with pytest.raises(MonitorSpecError, match=problem):
        parse_spec_file(text, "test.yaml")


def test_one_query_per_table_with_every_column() -> None:
    spec = table_spec("silver.ticket_sales", SALES_COLUMNS)
    sql = compile_metrics(spec, AT)
    assert sql.count("FROM silver.ticket_sales AS t") == 1
    assert sql.count("'completeness'") == len(SALES_COLUMNS)
    assert "TIMESTAMPTZ '2026-06-30T00:00:00+00:00'" in sql
    kinds = [m.metric for m in metric_sqls(spec, AT)]
    assert kinds[0] == "row_count"
    assert kinds.count("referential_integrity") == 2
    assert kinds.count("validity") == 3
    assert [k.__name__ for k in METRIC_KINDS][-1] == "quarantine_share"


def test_anomaly_query_holds_every_rule_with_its_threshold() -> None:
    sql = compile_anomalies("r1", Thresholds(row_count_drop=0.25, z_score=2.5))
    for i, rule in enumerate(RULES):
        assert f"'{rule.__name__}' AS rule" in sql
        assert f"{i} AS priority" in sql
    assert "/ prev_value > 0.25" in sql
    assert "> 2.5" in sql


def test_run_ids() -> None:
    assert check_run_id("run-2026-06-30T12:00:00+00:00.1") == "run-2026-06-30T12:00:00+00:00.1"
    assert adhoc_run_id(dt.datetime(2026, 6, 30, 12, tzinfo=dt.UTC)).startswith(
        "adhoc-20260630T120000-"
    )
    for bad in ("", "-x", "a b", "a'b", "x" * 129):
        with pytest.raises(InvalidRunIdError, match="cannot be stored"):
            check_run_id(bad)

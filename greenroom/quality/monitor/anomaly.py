"""Anomaly checks: each metric of a run against its own history, in one SQL query.

Every rule is a function named like the alert it raises; it returns a SELECT over the
relation `cmp` (one row per metric of the run, with the previous run's value and the
history's count, mean and standard deviation) that yields the metric rows it flags.
`RULES` lists them in priority order; when several flag the same metric, the alert kept
is the first `error`, else the first `warn`. Anomalies never raise: they are appended to
`ops.quality_alerts` (flag, continue, report).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import pyarrow as pa

from greenroom.quality.monitor import store
from greenroom.quality.monitor.specs import table_policy
from greenroom.quality.rules.base import sql_string

if TYPE_CHECKING:
    from greenroom.lake import Lakehouse

Severity = Literal["warn", "error"]
SHARE_METRICS = ("completeness", "validity", "uniqueness", "referential_integrity")


@dataclass(frozen=True)
class Thresholds:
    row_count_drop: float = 0.30
    """Alert when rows fall by more than this fraction since the previous run."""
    z_score: float = 3.0
    """Alert when a value is more than this many standard deviations from its history's mean…"""
    min_history: int = 5
    """…and that history holds at least this many earlier runs."""
    z_min_change: float = 0.01
    """…and it moved by at least this much: a fraction of the mean for row counts, an
    absolute amount (1 point) for shares, so near-constant histories do not cry wolf."""
    history_window: int = 30
    """The history is at most this many earlier runs, newest first."""
    share_drop: float = 0.05
    """Alert when completeness, validity, uniqueness or integrity drops by more (5 points)."""
    quarantine_rise: float = 0.05
    """Alert when a feed's quarantine share rises by more than this (5 points)."""


@dataclass(frozen=True)
class AlertRule:
    name: str
    severity: Severity
    sql: str
    """A SELECT over `cmp` giving the alert columns of every row it flags."""


RuleFn = Callable[[Thresholds], AlertRule]


def _rule(name: str, severity: Severity, where: str, expected: str, message: str) -> AlertRule:
    sql = (
        f"SELECT table_name, metric, column_name, {sql_string(name)} AS rule, "
        f"{sql_string(severity)} AS severity, value, CAST({expected} AS DOUBLE) AS expected, "
        f"{message} AS message FROM cmp WHERE {where}"
    )
    return AlertRule(name, severity, sql)


def row_count_drop(t: Thresholds) -> AlertRule:
    """Rows fell by more than `row_count_drop` since the previous run: input went missing."""
    return _rule(
        "row_count_drop",
        "error",
        f"metric = 'row_count' AND prev_value > 0 AND (prev_value - value) / prev_value > {t.row_count_drop}",
        "prev_value",
        "printf('`%s` has %d rows, %.1f%% fewer than the %d of run `%s` (alert above %.0f%%); "
        "look for a missing partition or batch in this run''s input', table_name, "
        "CAST(value AS BIGINT), 100 * (prev_value - value) / prev_value, "
        f"CAST(prev_value AS BIGINT), prev_run_id, {100 * t.row_count_drop})",
    )


def not_unique(t: Thresholds) -> AlertRule:
    """A promised key (strict layers) repeats or is null."""
    return _rule(
        "not_unique",
        "error",
        "metric = 'uniqueness' AND strict AND value < 1",
        "1.0",
        "printf('key (%s) of `%s` is not unique: %.4f distinct non-null keys per row; "
        "find the repeats with GROUP BY %s HAVING count(*) > 1 and fix the model that builds it', "
        "column_name, table_name, value, column_name)",
    )


def broken_references(t: Thresholds) -> AlertRule:
    """A foreign key (strict layers) names rows its parent table lacks."""
    return _rule(
        "broken_references",
        "error",
        "metric = 'referential_integrity' AND strict AND value < 1",
        "1.0",
        "printf('%.2f%% of `%s.%s` values name no row of its parent table; rebuild the parent "
        "or drop the orphans (references in greenroom/quality/monitor/tables.yaml)', "
        "100 * (1 - value), table_name, column_name)",
    )


def check_failed(t: Thresholds) -> AlertRule:
    """A declared check (strict layers) does not hold on every row."""
    return _rule(
        "check_failed",
        "error",
        "metric = 'validity' AND strict AND value < 1",
        "1.0",
        "printf('check `%s` of `%s` holds on %.2f%% of rows only; the failing rows break "
        "CONTRACT.md (the check is in greenroom/quality/monitor/tables.yaml)', "
        "column_name, table_name, 100 * value)",
    )


def stale(t: Thresholds) -> AlertRule:
    """The newest row is older than the table's `max_age_hours`."""
    return _rule(
        "stale",
        "warn",
        "metric = 'freshness_hours' AND value > max_age_hours",
        "max_age_hours",
        "printf('newest `%s.%s` is %.1f hours old, more than the %.1f allowed; "
        "check that its feed or job still runs', table_name, column_name, value, max_age_hours)",
    )


def share_drop(t: Thresholds) -> AlertRule:
    """A share (completeness, validity, uniqueness, integrity) fell by more than `share_drop`."""
    shares = ", ".join(sql_string(m) for m in SHARE_METRICS)
    return _rule(
        "share_drop",
        "warn",
        f"metric IN ({shares}) AND prev_value - value > {t.share_drop}",
        "prev_value",
        "printf('%s of `%s.%s` fell from %.1f%% to %.1f%% since run `%s`; "
        "look at what changed in its input', metric, table_name, column_name, "
        "100 * prev_value, 100 * value, prev_run_id)",
    )


def quarantine_rise(t: Thresholds) -> AlertRule:
    """A feed's quarantine share rose by more than `quarantine_rise`."""
    return _rule(
        "quarantine_rise",
        "warn",
        f"metric = 'quarantine_share' AND value - prev_value > {t.quarantine_rise}",
        "prev_value",
        "printf('quarantine share of `%s` rose from %.1f%% to %.1f%% since run `%s`; "
        "the reasons are in quarantine.%s', table_name, 100 * prev_value, 100 * value, "
        "prev_run_id, split_part(table_name, '.', 2))",
    )


def z_score(t: Thresholds) -> AlertRule:
    """A value more than `z_score` standard deviations from its history's mean."""
    z = "abs(value - hist_mean) / hist_std"
    return _rule(
        "z_score",
        "warn",
        f"metric <> 'freshness_hours' AND hist_n >= {t.min_history} AND hist_std > 0 "
        f"AND {z} > {t.z_score} AND abs(value - hist_mean) >= {t.z_min_change} * "
        "CASE WHEN metric = 'row_count' THEN abs(hist_mean) ELSE 1 END",
        "hist_mean",
        f"printf('%s is %.6g, %.1f standard deviations from its mean %.6g over the last %d runs', "
        f"subject, value, {z}, hist_mean, hist_n)",
    )


RULES: tuple[RuleFn, ...] = (
    row_count_drop,
    not_unique,
    broken_references,
    check_failed,
    stale,
    share_drop,
    quarantine_rise,
    z_score,
)


def compile_anomalies(run_id: str, thresholds: Thresholds) -> str:
    """The query giving the alerts of `run_id`; it reads `ops.quality_metrics` and the
    relation `monitor_policies(table_name, strict, max_age_hours)`."""
    run = sql_string(run_id)
    same = (
        "{a}.table_name = {b}.table_name AND {a}.metric = {b}.metric "
        "AND {a}.column_name IS NOT DISTINCT FROM {b}.column_name"
    )
    rules = "\nUNION ALL\n".join(
        f"SELECT *, {i} AS priority FROM ({fn(thresholds).sql})" for i, fn in enumerate(RULES)
    )
    return f"""WITH cur AS (
  SELECT table_name, metric, column_name, value, measured_at
  FROM {store.METRICS_TABLE} WHERE run_id = {run}
), hist AS (
  SELECT c.table_name, c.metric, c.column_name, h.run_id, h.value, h.measured_at,
         row_number() OVER (
           PARTITION BY c.table_name, c.metric, c.column_name ORDER BY h.measured_at DESC
         ) AS age
  FROM cur AS c JOIN {store.METRICS_TABLE} AS h
    ON {same.format(a="h", b="c")} AND h.run_id <> {run} AND h.measured_at < c.measured_at
), stats AS (
  SELECT table_name, metric, column_name,
         arg_max({{'value': value, 'run_id': run_id}}, measured_at) AS prev,
         count(value) AS hist_n, avg(value) AS hist_mean, stddev_samp(value) AS hist_std
  FROM hist WHERE age <= {thresholds.history_window}
  GROUP BY table_name, metric, column_name
), cmp AS (
  SELECT c.table_name, c.metric, c.column_name, c.value,
         s.prev.value AS prev_value, s.prev.run_id AS prev_run_id,
         coalesce(s.hist_n, 0) AS hist_n, s.hist_mean, s.hist_std,
         coalesce(p.strict, false) AS strict, p.max_age_hours,
         c.metric || ' of `' || c.table_name
           || coalesce('.' || c.column_name, '') || '`' AS subject
  FROM cur AS c
  LEFT JOIN stats AS s ON {same.format(a="s", b="c")}
  LEFT JOIN monitor_policies AS p ON p.table_name = c.table_name
), flagged AS (
{rules}
)
SELECT table_name, metric, column_name, rule, severity, value, expected, message
FROM flagged
QUALIFY row_number() OVER (
  PARTITION BY table_name, metric, column_name ORDER BY severity = 'error' DESC, priority
) = 1
ORDER BY table_name, metric, column_name NULLS FIRST"""


def check_anomalies(
    lake: Lakehouse,
    run_id: str,
    *,
    thresholds: Thresholds | None = None,
    raised_at: dt.datetime | None = None,
) -> pa.Table:
    """Compare every metric of `run_id` with its history; append the alerts to
    `ops.quality_alerts` (replacing earlier anomaly alerts of this run) and return them.

    Never raises for an anomaly: an anomaly is a row, not an exception.
    """
    store.check_run_id(run_id)
    at = (raised_at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    if not lake.exists(store.METRICS_TABLE):
        return store.empty(store.ALERTS_SCHEMA)
    with lake.session() as session:
        tables = session.sql(
            f"SELECT DISTINCT table_name FROM {store.METRICS_TABLE} "
            f"WHERE run_id = {sql_string(run_id)}"
        ).column("table_name")
        session.register("monitor_policies", _policies(tables.to_pylist()))
        found = session.sql(compile_anomalies(run_id, thresholds or Thresholds()))
    n = found.num_rows
    alerts = (
        found.add_column(0, "run_id", pa.repeat(pa.scalar(run_id, pa.string()), n))
        .append_column(
            "raised_at", pa.repeat(pa.scalar(at, store.ALERTS_SCHEMA.field("raised_at").type), n)
        )
        .select(store.ALERTS_SCHEMA.names)
        .cast(store.ALERTS_SCHEMA)
    )
    store.replace_run_rows(
        lake,
        store.ALERTS_TABLE,
        store.ALERTS_SCHEMA,
        alerts,
        f"run_id = '{run_id}' AND rule != '{store.MEASUREMENT_FAILED}'",
    )
    return alerts


def _policies(tables: list[str]) -> pa.Table:
    policies = [table_policy(t) for t in tables]
    return pa.table(
        {
            "table_name": pa.array(tables, pa.string()),
            "strict": pa.array([p.strict for p in policies], pa.bool_()),
            "max_age_hours": pa.array([p.max_age_hours for p in policies], pa.float64()),
        }
    )

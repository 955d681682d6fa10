"""Metric kinds, compiled to ONE set-based query per table.

Each kind is a function named like the metric it measures: it turns a `TableSpec` into
zero or more `MetricSql` (an aggregate SQL expression over the table aliased `t`).
`METRIC_KINDS` runs them in order, as sqlglot's optimizer collects its rules, and
`compile_metrics` puts every expression of every kind into one SELECT, so the table is
scanned once, and returns the metrics as long rows `(metric, column_name, value)`.

Every value is a DOUBLE, NULL when it is undefined (a share over no rows).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from greenroom.quality.monitor.specs import TableSpec
from greenroom.quality.rules.base import sql_string

Metric = Literal[
    "row_count",
    "completeness",
    "uniqueness",
    "validity",
    "referential_integrity",
    "freshness_hours",
    "quarantine_share",
]
INGESTION_BATCHES = "ops.ingestion_batches"


@dataclass(frozen=True)
class MetricSql:
    metric: Metric
    column: str | None
    value: str
    """An aggregate SQL expression over `t` giving the metric's value."""


@dataclass(frozen=True)
class MetricContext:
    measured_at: dt.datetime
    """The time the run is measured at: freshness is the age of the newest row then."""


MetricKind = Callable[[TableSpec, MetricContext], list[MetricSql]]


def ident(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _share(numerator: str, denominator: str = "count(*)") -> str:
    return f"CAST({numerator} AS DOUBLE) / nullif({denominator}, 0)"


def row_count(spec: TableSpec, ctx: MetricContext) -> list[MetricSql]:
    """Rows in the table's current snapshot."""
    return [MetricSql("row_count", None, "count(*)")]


def completeness(spec: TableSpec, ctx: MetricContext) -> list[MetricSql]:
    """Per column, the share of rows where it is not null."""
    return [
        MetricSql("completeness", column, _share(f"count(t.{ident(column)})"))
        for column in spec.columns
    ]


def uniqueness(spec: TableSpec, ctx: MetricContext) -> list[MetricSql]:
    """Distinct non-null keys per row: 1 when every row has its own, non-null key."""
    if not spec.key:
        return []
    cols = [f"t.{ident(c)}" for c in spec.key]
    key = cols[0] if len(cols) == 1 else f"({', '.join(cols)})"
    present = " AND ".join(f"{c} IS NOT NULL" for c in cols)
    distinct = f"count(DISTINCT {key}) FILTER (WHERE {present})"
    return [MetricSql("uniqueness", ",".join(spec.key), _share(distinct))]


def validity(spec: TableSpec, ctx: MetricContext) -> list[MetricSql]:
    """Share of rows passing: bronze, no contract warnings; otherwise, each declared check."""
    out: list[MetricSql] = []
    if spec.warnings_column:
        clean = f"coalesce(len(t.{ident(spec.warnings_column)}), 0) = 0"
        out.append(
            MetricSql("validity", spec.warnings_column, _share(f"count(*) FILTER (WHERE {clean})"))
        )
    for check in spec.checks:
        passed = f"count(*) FILTER (WHERE coalesce(({check.sql}), false))"
        out.append(MetricSql("validity", check.name, _share(passed)))
    return out


def referential_integrity(spec: TableSpec, ctx: MetricContext) -> list[MetricSql]:
    """Per foreign key, the share of its non-null values that name a row of the parent."""
    out: list[MetricSql] = []
    for fk in spec.foreign_keys:
        col = f"t.{ident(fk.column)}"
        parent = f"SELECT p.{ident(fk.parent_column)} FROM {fk.parent} AS p"
        found = f"count({col}) FILTER (WHERE {col} IN ({parent}))"
        out.append(MetricSql("referential_integrity", fk.column, _share(found, f"count({col})")))
    return out


def freshness_hours(spec: TableSpec, ctx: MetricContext) -> list[MetricSql]:
    """Hours from the newest value of the freshness column to the measuring time."""
    if spec.freshness is None:
        return []
    at = ctx.measured_at.astimezone(dt.UTC).isoformat()
    newest = f"CAST(max(t.{ident(spec.freshness)}) AS TIMESTAMPTZ)"
    age = f"date_diff('microsecond', {newest}, TIMESTAMPTZ {sql_string(at)}) / 3600000000.0"
    return [MetricSql("freshness_hours", spec.freshness, age)]


def quarantine_share(spec: TableSpec, ctx: MetricContext) -> list[MetricSql]:
    """Bronze: quarantined / received over every batch of the feed in ops.ingestion_batches."""
    if spec.quarantine_feed is None:
        return []
    batches = (
        f"(SELECT {_share('sum(b.quarantined)', 'sum(b.received)')} "
        f"FROM {INGESTION_BATCHES} AS b WHERE b.feed = {sql_string(spec.quarantine_feed)})"
    )
    return [MetricSql("quarantine_share", None, batches)]


METRIC_KINDS: tuple[MetricKind, ...] = (
    row_count,
    completeness,
    uniqueness,
    validity,
    referential_integrity,
    freshness_hours,
    quarantine_share,
)
METRIC_NAMES: tuple[str, ...] = tuple(kind.__name__ for kind in METRIC_KINDS)


def metric_sqls(spec: TableSpec, ctx: MetricContext) -> list[MetricSql]:
    return [m for kind in METRIC_KINDS for m in kind(spec, ctx)]


def compile_metrics(spec: TableSpec, ctx: MetricContext) -> str:
    """One query over `spec.table` giving its metrics as rows `(metric, column_name, value)`."""
    structs = ",\n    ".join(
        "{"
        f"'metric': {sql_string(m.metric)}, "
        f"'column_name': {'CAST(NULL AS VARCHAR)' if m.column is None else sql_string(m.column)}, "
        f"'value': CAST({m.value} AS DOUBLE)"
        "}"
        for m in metric_sqls(spec, ctx)
    )
    return (
        "SELECT unnest(m, recursive := true) FROM (\n"
        f"  SELECT [\n    {structs}\n  ] AS m\n"
        f"  FROM {spec.table} AS t\n"
        ")"
    )

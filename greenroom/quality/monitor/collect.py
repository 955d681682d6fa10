"""Measure tables: one compiled query per table, rows appended to `ops.quality_metrics`.

A table that cannot be measured (a spec naming a missing column, a parent table that is
gone, an unreadable file) does not stop the others: it becomes a `measurement_failed`
error in `ops.quality_alerts` — flag, continue, report.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyarrow as pa

from greenroom.errors import GreenroomError
from greenroom.lake import TableNotFoundError
from greenroom.quality.monitor import store
from greenroom.quality.monitor.metrics import INGESTION_BATCHES, MetricContext, compile_metrics
from greenroom.quality.monitor.specs import MONITORED_LAYERS, table_spec

if TYPE_CHECKING:
    from greenroom.lake import Lakehouse, Session

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Collected:
    metrics: pa.Table
    """Rows of `ops.quality_metrics` written for this run."""
    failures: pa.Table
    """Rows of `ops.quality_alerts`: the tables that could not be measured."""


def monitored_tables(lake: Lakehouse) -> list[str]:
    """Every existing table of the monitored layers (bronze, silver, gold), sorted."""
    return [info.name for ns in MONITORED_LAYERS for info in lake.list_tables(ns)]


def collect(
    lake: Lakehouse,
    run_id: str,
    tables: Sequence[str] | None = None,
    *,
    measured_at: dt.datetime | None = None,
) -> pa.Table:
    """Measure `tables` (default: every bronze, silver and gold table) for `run_id`.

    Appends the rows `(run_id, table_name, snapshot_id, metric, column_name, value,
    measured_at)` to `ops.quality_metrics`, replacing any earlier rows of this run for
    these tables, and returns them.
    """
    return collect_run(lake, run_id, tables, measured_at=measured_at).metrics


def collect_run(
    lake: Lakehouse,
    run_id: str,
    tables: Sequence[str] | None = None,
    *,
    measured_at: dt.datetime | None = None,
) -> Collected:
    """`collect`, also returning (and recording) the tables that could not be measured."""
    store.check_run_id(run_id)
    at = (measured_at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    names = monitored_tables(lake) if tables is None else _existing(lake, tables)
    has_batches = lake.exists(INGESTION_BATCHES)
    parts: list[pa.Table] = []
    failed: list[dict[str, object]] = []
    with lake.session() as session:
        for name in names:
            try:
                parts.append(_measure(lake, session, name, run_id, at, has_batches))
            except GreenroomError as exc:
                log.warning("quality monitor could not measure `%s`: %s", name, exc)
                failed.append(_failure(run_id, name, exc, at))
    metrics = pa.concat_tables(parts) if parts else store.empty(store.METRICS_SCHEMA)
    failures = pa.Table.from_pylist(failed, schema=store.ALERTS_SCHEMA)
    if names:
        scope = f"run_id = '{run_id}' AND table_name IN {store.in_list(names)}"
        store.replace_run_rows(lake, store.METRICS_TABLE, store.METRICS_SCHEMA, metrics, scope)
        store.replace_run_rows(
            lake,
            store.ALERTS_TABLE,
            store.ALERTS_SCHEMA,
            failures,
            f"{scope} AND rule = '{store.MEASUREMENT_FAILED}'",
        )
    return Collected(metrics, failures)


def _existing(lake: Lakehouse, tables: Sequence[str]) -> list[str]:
    for name in tables:
        if not lake.exists(name):
            raise TableNotFoundError(name)
    return sorted(set(tables))


def _measure(
    lake: Lakehouse,
    session: Session,
    name: str,
    run_id: str,
    at: dt.datetime,
    has_batches: bool,
) -> pa.Table:
    spec = table_spec(name, lake.schema(name).names, has_batches=has_batches)
    rows = session.sql(compile_metrics(spec, MetricContext(at)))
    plan = session.last_plan.get(name)
    snapshot_id = plan.snapshot_id if plan else None
    schema = store.METRICS_SCHEMA

    def constant(column: str, value: object) -> pa.Array:
        return pa.repeat(pa.scalar(value, schema.field(column).type), rows.num_rows)

    return pa.table(
        {
            "run_id": constant("run_id", run_id),
            "table_name": constant("table_name", name),
            "snapshot_id": constant("snapshot_id", snapshot_id),
            "metric": rows.column("metric"),
            "column_name": rows.column("column_name"),
            "value": rows.column("value"),
            "measured_at": constant("measured_at", at),
        },
        schema=schema,
    )


def _failure(run_id: str, table: str, exc: GreenroomError, at: dt.datetime) -> dict[str, object]:
    return {
        "run_id": run_id,
        "table_name": table,
        "metric": None,
        "column_name": None,
        "rule": store.MEASUREMENT_FAILED,
        "severity": "error",
        "value": None,
        "expected": None,
        "message": f"`{table}` could not be measured: {exc}",
        "raised_at": at,
    }

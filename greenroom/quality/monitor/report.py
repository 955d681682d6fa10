"""Quality reports: a run's metrics and alerts, one `QualityReport` per table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from greenroom.quality.monitor import store
from greenroom.quality.monitor.exceptions import NoMetricsError
from greenroom.quality.monitor.metrics import METRIC_NAMES
from greenroom.quality.rules.base import sql_list, sql_string

if TYPE_CHECKING:
    from greenroom.lake import Lakehouse

_HINT = "run `greenroom quality monitor` (or a pipeline run) to measure the lake"


@dataclass(frozen=True)
class QualityReport:
    """The seed's QualityReport: one table's metrics and alerts in one run."""

    table: str
    run_id: str
    metrics: pa.Table
    """`snapshot_id, metric, column_name, value, measured_at`, in metric-kind order."""
    alerts: pa.Table
    """`metric, column_name, rule, severity, value, expected, message, raised_at`."""

    @property
    def errors(self) -> int:
        return _count(self.alerts, "error")

    @property
    def warnings(self) -> int:
        return _count(self.alerts, "warn")

    @property
    def snapshot_id(self) -> int | None:
        ids = self.metrics.column("snapshot_id").drop_null()
        return int(ids[0].as_py()) if len(ids) else None

    def value(self, metric: str, column: str | None = None) -> float | None:
        """The value of one metric (`column` for per-column metrics), None if not measured."""
        match = pc.equal(self.metrics.column("metric"), metric)
        names = self.metrics.column("column_name")
        match = pc.and_(match, pc.is_null(names) if column is None else pc.equal(names, column))
        rows = self.metrics.filter(match).column("value")
        return rows[0].as_py() if len(rows) else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "run_id": self.run_id,
            "snapshot_id": self.snapshot_id,
            "errors": self.errors,
            "warnings": self.warnings,
            "metrics": self.metrics.drop_columns(["snapshot_id"]).to_pylist(),
            "alerts": self.alerts.to_pylist(),
        }


def _count(alerts: pa.Table, severity: str) -> int:
    return int(pc.sum(pc.equal(alerts.column("severity"), severity)).as_py() or 0)


def _require_metrics(lake: Lakehouse) -> None:
    if not lake.exists(store.METRICS_TABLE):
        raise NoMetricsError(
            f"no quality metrics yet (`{store.METRICS_TABLE}` is missing); {_HINT}"
        )


def latest_run_id(lake: Lakehouse) -> str:
    """The run measured last."""
    _require_metrics(lake)
    with lake.session() as session:
        found = session.sql(
            f"SELECT run_id FROM {store.METRICS_TABLE} ORDER BY measured_at DESC, run_id LIMIT 1"
        )
    if found.num_rows == 0:
        raise NoMetricsError(f"no quality metrics yet (`{store.METRICS_TABLE}` is empty); {_HINT}")
    return str(found.column("run_id")[0].as_py())


def quality_report(
    lake: Lakehouse, run_id: str | None = None, tables: Sequence[str] | None = None
) -> list[QualityReport]:
    """One report per table measured in `run_id` (default: the latest run), by table name."""
    _require_metrics(lake)
    run_id = store.check_run_id(run_id) if run_id is not None else latest_run_id(lake)
    run = sql_string(run_id)
    only = f" AND table_name IN {store.in_list(tables)}" if tables else ""
    order = f"list_position({sql_list(list(METRIC_NAMES))}, metric), column_name NULLS FIRST"
    with lake.session() as session:
        metrics = session.sql(
            f"SELECT table_name, snapshot_id, metric, column_name, value, measured_at "
            f"FROM {store.METRICS_TABLE} WHERE run_id = {run}{only} ORDER BY table_name, {order}"
        )
        alerts = (
            session.sql(
                f"SELECT table_name, metric, column_name, rule, severity, value, expected, "
                f"message, raised_at FROM {store.ALERTS_TABLE} WHERE run_id = {run}{only} "
                f"ORDER BY table_name, severity = 'error' DESC, {order}"
            )
            if lake.exists(store.ALERTS_TABLE)
            else _no_alerts()
        )
    if metrics.num_rows == 0 and alerts.num_rows == 0:
        raise NoMetricsError(
            f"run `{run_id}` has no quality metrics"
            + (f" for {', '.join(tables)}" if tables else "")
            + f"; `greenroom quality report` shows the latest run, or {_HINT}"
        )
    # a table that could not be measured has alerts but no metrics: it is reported too
    both = pa.chunked_array(
        [*metrics.column("table_name").chunks, *alerts.column("table_name").chunks], pa.string()
    )
    names = sorted(pc.unique(both).to_pylist())
    return [QualityReport(n, run_id, _of(metrics, n), _of(alerts, n)) for n in names]


def _of(rows: pa.Table, table: str) -> pa.Table:
    return rows.filter(pc.equal(rows.column("table_name"), table)).drop_columns(["table_name"])


def _no_alerts() -> pa.Table:
    return store.empty(store.ALERTS_SCHEMA).drop_columns(["run_id"])

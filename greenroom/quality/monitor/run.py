"""The monitor's entry points: `run_monitor` after each pipeline run, and the seed's
`monitor_data_quality(table_name)` for one table now."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc

from greenroom.quality.monitor import store
from greenroom.quality.monitor.anomaly import Thresholds, check_anomalies
from greenroom.quality.monitor.collect import collect_run
from greenroom.quality.monitor.report import QualityReport, quality_report

if TYPE_CHECKING:
    from greenroom.lake import Lakehouse


@dataclass(frozen=True)
class MonitorResult:
    """What one monitor run measured and flagged (both are also in the ops tables)."""

    run_id: str
    metrics: pa.Table
    """The rows appended to `ops.quality_metrics`."""
    alerts: pa.Table
    """The rows appended to `ops.quality_alerts`: tables that could not be measured first,
    then the anomalies."""

    @property
    def tables(self) -> int:
        return len(pc.unique(self.metrics.column("table_name")))

    @property
    def errors(self) -> int:
        return int(pc.sum(pc.equal(self.alerts.column("severity"), "error")).as_py() or 0)

    @property
    def warnings(self) -> int:
        return int(pc.sum(pc.equal(self.alerts.column("severity"), "warn")).as_py() or 0)

    def summary(self) -> str:
        """One line for a run log."""
        return (
            f"quality: {self.tables} tables, {self.metrics.num_rows} metrics, "
            f"{self.alerts.num_rows} alert(s) ({self.errors} error(s), {self.warnings} "
            f"warning(s)); `greenroom quality report --run {self.run_id}` shows them"
        )


def run_monitor(
    lake: Lakehouse,
    run_id: str,
    *,
    tables: Sequence[str] | None = None,
    measured_at: dt.datetime | None = None,
    thresholds: Thresholds | None = None,
) -> MonitorResult:
    """Measure `tables` (default: every bronze, silver and gold table) for `run_id`, then
    check every metric against its history. Metrics go to `ops.quality_metrics`, alerts to
    `ops.quality_alerts`; running it again for the same run replaces that run's rows.

    Anomalies never raise (flag, continue, report). It raises only for misuse (a bad run id,
    an unknown table in `tables`) or when the ops tables cannot be written (a
    `TransientError`: retry).
    """
    at = (measured_at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    collected = collect_run(lake, run_id, tables, measured_at=at)
    anomalies = check_anomalies(lake, run_id, thresholds=thresholds, raised_at=at)
    alerts = pa.concat_tables([collected.failures, anomalies])
    return MonitorResult(run_id, collected.metrics, alerts)


def monitor_data_quality(
    lake: Lakehouse, table_name: str, *, measured_at: dt.datetime | None = None
) -> QualityReport:
    """The seed's `monitor_data_quality(table_name)`: measure one table now (as an ad hoc
    run, `adhoc-…`, kept in the history like any other) and report its metrics and alerts."""
    run_id = store.adhoc_run_id(measured_at)
    run_monitor(lake, run_id, tables=[table_name], measured_at=measured_at)
    (report,) = quality_report(lake, run_id, tables=[table_name])
    return report

"""The quality monitor: metrics per table per run, anomaly checks, reports.

After each pipeline run, `run_monitor(lake, run_id)` measures every bronze, silver and
gold table (`collect`: row count, completeness, key uniqueness, validity, referential
integrity, freshness, quarantine share — one SQL query per table, specs in `tables.yaml`)
into `ops.quality_metrics`, then compares each metric with its history
(`check_anomalies`) and writes alerts to `ops.quality_alerts` — flag, continue, report:
an anomaly never raises. `QualityMonitor` is the pipeline listener that calls it
(`greenroom.compose.pipeline_listeners` attaches it). `quality_report` reads them back;
docs/quality.md has the rules.
"""

from __future__ import annotations

from greenroom.quality.monitor.anomaly import RULES, Thresholds, check_anomalies
from greenroom.quality.monitor.collect import collect
from greenroom.quality.monitor.exceptions import (
    InvalidRunIdError,
    MonitorSpecError,
    NoMetricsError,
)
from greenroom.quality.monitor.listener import QualityMonitor
from greenroom.quality.monitor.metrics import METRIC_KINDS
from greenroom.quality.monitor.report import QualityReport, quality_report
from greenroom.quality.monitor.run import MonitorResult, monitor_data_quality, run_monitor
from greenroom.quality.monitor.store import ALERTS_TABLE, METRICS_TABLE

__all__ = [
    "ALERTS_TABLE",
    "METRICS_TABLE",
    "METRIC_KINDS",
    "RULES",
    "InvalidRunIdError",
    "MonitorResult",
    "MonitorSpecError",
    "NoMetricsError",
    "QualityMonitor",
    "QualityReport",
    "Thresholds",
    "check_anomalies",
    "collect",
    "monitor_data_quality",
    "quality_report",
    "run_monitor",
]

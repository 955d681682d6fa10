"""Errors of the quality monitor.

Anomalies never raise (the seed's "flag, continue, report": they become rows of
`ops.quality_alerts`). These errors are for misuse: a malformed spec, a bad run id, a
report asked for a run that was never measured.
"""

from __future__ import annotations

from greenroom.errors import UserError


class MonitorSpecError(UserError):
    """A metric spec (tables.yaml) is malformed or names a column its table lacks."""

    code = "monitor_spec_invalid"


class InvalidRunIdError(UserError):
    """A run id the monitor cannot store (it is used in row filters and SQL literals)."""

    code = "run_id_invalid"


class NoMetricsError(UserError):
    """A report was asked for, but `ops.quality_metrics` has nothing for it."""

    code = "quality_metrics_not_found"

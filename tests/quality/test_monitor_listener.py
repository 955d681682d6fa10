"""`QualityMonitor`, the quality layer's pipeline listener."""

from __future__ import annotations

import datetime as dt

from greenroom.lake import Lakehouse
from greenroom.pipeline.result import RunResult
from greenroom.pipeline.runlog import JobResult
from greenroom.quality.monitor import QualityMonitor

AT = dt.datetime(2026, 6, 30, tzinfo=dt.UTC)


def test_a_run_in_which_no_job_ran_is_not_measured(lake: Lakehouse) -> None:
    skipped = JobResult("a", "skipped", "none", "up to date", AT, AT)
    monitor = QualityMonitor(lake)
    monitor.job_finished("run-1", skipped)
    monitor.run_finished(RunResult("run-1", False, AT, AT, [skipped]))
    assert monitor.summary is None
    assert not lake.exists("ops.quality_metrics")

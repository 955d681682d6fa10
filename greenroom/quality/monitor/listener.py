"""`QualityMonitor`: the quality layer's pipeline listener.

    run_pipeline(lake, settings, listeners=[QualityMonitor(lake)])

Once a run in which some job ran (succeeded or failed) is over, it measures the lake for
that run (`run_monitor`): metrics per table into `ops.quality_metrics`, anomalies into
`ops.quality_alerts`. A run that found everything up to date changed nothing to measure.
It has the shape of the pipeline's `RunListener` without importing the pipeline.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from greenroom.lake import Lakehouse

RAN = ("succeeded", "failed")


class FinishedJob(Protocol):
    """The field of the pipeline's `JobResult` the monitor uses."""

    @property
    def status(self) -> str: ...


class FinishedRun(Protocol):
    """The fields of the pipeline's `RunResult` the monitor uses."""

    @property
    def run_id(self) -> str: ...
    @property
    def jobs(self) -> Sequence[FinishedJob]: ...


class QualityMonitor:
    """Runs the quality monitor for a pipeline run in which at least one job ran."""

    def __init__(self, lake: Lakehouse) -> None:
        self.lake = lake
        self.summary: str | None = None

    def job_finished(self, run_id: str, result: FinishedJob) -> None:
        """Nothing per job: the lake is measured once the run is over."""

    def run_finished(self, result: FinishedRun) -> None:
        if not any(j.status in RAN for j in result.jobs):
            return
        from greenroom.quality.monitor.run import run_monitor

        self.summary = run_monitor(self.lake, result.run_id).summary()

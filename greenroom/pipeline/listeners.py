"""The listeners a pipeline run gets from the CLI and the demo: lineage and quality.

- `LineageListener` (greenroom.governance.lineage) records the column lineage of the jobs
  that ran and emits OpenLineage events;
- :class:`QualityMonitor` measures the lake for the run (`greenroom.quality.monitor`):
  metrics per table into `ops.quality_metrics`, anomalies into `ops.quality_alerts`.

Both act once the run is over, and only when a job ran: a run that found everything up to
date changed nothing to measure or trace. `run_pipeline` itself takes no listeners unless
given, so library callers and tests choose.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from greenroom.config import Settings
    from greenroom.lake import Lakehouse
    from greenroom.pipeline.result import RunResult
    from greenroom.pipeline.runlog import JobResult
    from greenroom.pipeline.runner import RunListener


class QualityMonitor:
    """Runs the quality monitor for a pipeline run in which at least one job ran."""

    def __init__(self, lake: Lakehouse) -> None:
        self.lake = lake
        self.summary: str | None = None

    def job_finished(self, run_id: str, result: JobResult) -> None:
        """Nothing per job: the lake is measured once the run is over."""

    def run_finished(self, result: RunResult) -> None:
        if not any(j.status in ("succeeded", "failed") for j in result.jobs):
            return
        from greenroom.quality.monitor import run_monitor

        self.summary = run_monitor(self.lake, result.run_id).summary()


def default_listeners(lake: Lakehouse, settings: Settings) -> list[RunListener]:
    from greenroom.governance.lineage import LineageListener

    return [LineageListener(lake, settings), QualityMonitor(lake)]

"""`LineageListener`: records and emits lineage when a pipeline run finishes.

    run_pipeline(lake, settings, listeners=[LineageListener(lake, settings)])

Jobs that ran (succeeded or failed) are recorded and emitted; skipped and blocked jobs
keep the lineage recorded by the run that last built them. A failed delivery of
OpenLineage events is kept in `errors` rather than failing the run: the edges are in
`ops.lineage_edges` by then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from greenroom.governance.lineage.exceptions import LineageEmitError
from greenroom.governance.lineage.records import LineageResult

if TYPE_CHECKING:
    from greenroom.config import Settings
    from greenroom.governance.lineage.settings import LineageSettings
    from greenroom.lake import Lakehouse

RAN = ("succeeded", "failed")


class FinishedJob(Protocol):
    """The fields of the pipeline's `JobResult` lineage uses."""

    @property
    def job(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def error_type(self) -> str | None: ...
    @property
    def error(self) -> str | None: ...


class FinishedRun(Protocol):
    """The fields of the pipeline's `RunResult` lineage uses."""

    @property
    def run_id(self) -> str: ...
    @property
    def started_at(self) -> dt.datetime: ...
    @property
    def jobs(self) -> Sequence[FinishedJob]: ...


class LineageListener:
    def __init__(
        self, lake: Lakehouse, settings: Settings, lineage: LineageSettings | None = None
    ) -> None:
        self.lake, self.settings, self.lineage = lake, settings, lineage
        self.results: list[LineageResult] = []
        self.errors: list[LineageEmitError] = []

    def job_finished(self, run_id: str, result: FinishedJob) -> None:
        """Nothing per job: lineage is recorded once, for the whole run."""

    def run_finished(self, result: FinishedRun) -> None:
        from greenroom.governance.lineage.run import record_run_lineage

        ran = [j for j in result.jobs if j.status in RAN]
        if not ran:
            return
        failed = {j.job: f"{j.error_type}: {j.error}" for j in ran if j.status == "failed"}
        try:
            recorded = record_run_lineage(
                self.lake,
                self.settings,
                result.run_id,
                [j.job for j in ran],
                started_at=result.started_at,
                failed=failed,
                lineage=self.lineage,
            )
        except LineageEmitError as exc:
            self.errors.append(exc)
            return
        self.results.append(recorded)

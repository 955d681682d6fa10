"""What a pipeline run did: the run's row of `ops.pipeline_runs` and its jobs' results."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from greenroom.pipeline.runlog import JobResult, RunStatus


@dataclass(frozen=True)
class RunResult:
    run_id: str
    full: bool
    started_at: dt.datetime
    finished_at: dt.datetime
    jobs: list[JobResult] = field(default_factory=list)

    @property
    def status(self) -> RunStatus:
        return "failed" if self.failed else "succeeded"

    @property
    def ok(self) -> bool:
        return not self.failed

    @property
    def seconds(self) -> float:
        return (self.finished_at - self.started_at).total_seconds()

    @property
    def failed(self) -> list[JobResult]:
        return [j for j in self.jobs if j.status == "failed"]

    @property
    def blocked(self) -> list[JobResult]:
        return [j for j in self.jobs if j.status == "blocked"]

    def job(self, name: str) -> JobResult:
        for result in self.jobs:
            if result.job == name:
                return result
        raise KeyError(name)

    def count(self, status: str) -> int:
        return sum(1 for j in self.jobs if j.status == status)

    @property
    def message(self) -> str:
        """One line: what ran, and which jobs failed and why."""
        parts = [
            f"{self.count('succeeded')} ran, {self.count('skipped')} up to date",
        ]
        if self.failed:
            parts.append(
                "failed: "
                + "; ".join(f"`{j.job}` ({j.error_type}: {j.error})" for j in self.failed)
            )
        if self.blocked:
            parts.append("blocked: " + ", ".join(f"`{j.job}`" for j in self.blocked))
        return "; ".join(parts)

    def row(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "status": self.status,
            "full": self.full,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "seconds": self.seconds,
            "jobs_succeeded": self.count("succeeded"),
            "jobs_skipped": self.count("skipped"),
            "jobs_failed": self.count("failed"),
            "jobs_blocked": self.count("blocked"),
            "rows_in": sum(j.rows_in for j in self.jobs),
            "rows_out": sum(j.rows_out for j in self.jobs),
            "failed_jobs": [j.job for j in self.failed],
            "message": self.message,
        }

    def to_json(self) -> dict[str, Any]:
        """The run for `--json` output (JSON-safe after `greenroom.cli._output.jsonable`)."""
        return {
            **self.row(),
            "jobs": [
                {k: v for k, v in j.row(self.run_id).items() if k != "run_id"} for j in self.jobs
            ],
        }

"""The run log: `ops.pipeline_runs` (one row per run) and `ops.job_runs` (one per job and run).

Both are appended once, at the end of a run, in two commits. `ops.job_runs` is also the
pipeline's incremental state: a job's last `succeeded` or `skipped` row says which input
snapshots, code version and reference date its current outputs were computed from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import pyarrow as pa

if TYPE_CHECKING:
    from greenroom.lake import Lakehouse

RUNS = "ops.pipeline_runs"
JOB_RUNS = "ops.job_runs"
JobStatus = Literal["succeeded", "skipped", "failed", "blocked"]
RunStatus = Literal["succeeded", "failed"]
_TS = pa.timestamp("us", tz="UTC")
_SNAPSHOTS = pa.map_(pa.string(), pa.int64())

RUNS_SCHEMA = pa.schema(
    [
        ("run_id", pa.string()),
        ("status", pa.string()),
        ("full", pa.bool_()),
        ("started_at", _TS),
        ("finished_at", _TS),
        ("seconds", pa.float64()),
        ("jobs_succeeded", pa.int32()),
        ("jobs_skipped", pa.int32()),
        ("jobs_failed", pa.int32()),
        ("jobs_blocked", pa.int32()),
        ("rows_in", pa.int64()),
        ("rows_out", pa.int64()),
        ("failed_jobs", pa.list_(pa.string())),
        ("message", pa.string()),
    ]
)
JOB_RUNS_SCHEMA = pa.schema(
    [
        ("run_id", pa.string()),
        ("job", pa.string()),
        ("status", pa.string()),
        ("mode", pa.string()),
        ("reason", pa.string()),
        ("attempts", pa.int32()),
        ("started_at", _TS),
        ("finished_at", _TS),
        ("seconds", pa.float64()),
        ("rows_in", pa.int64()),
        ("rows_out", pa.int64()),
        ("input_snapshots", _SNAPSHOTS),
        ("output_snapshots", _SNAPSHOTS),
        ("written", pa.list_(pa.string())),
        ("counts", pa.map_(pa.string(), pa.int64())),
        ("code_version", pa.string()),
        ("today", pa.date32()),
        ("state", pa.map_(pa.string(), pa.string())),
        ("error_type", pa.string()),
        ("error", pa.string()),
        ("retryable", pa.bool_()),
        ("blocked_by", pa.string()),
    ]
)


@dataclass(frozen=True)
class JobResult:
    """What one job did in one run (one row of `ops.job_runs`)."""

    job: str
    status: JobStatus
    mode: str
    """`full`, `incremental`, or `none` (skipped or not run)."""
    reason: str
    """Why it ran (`never ran`, `input bronze.x changed`, `--full`) or was skipped."""
    started_at: dt.datetime
    finished_at: dt.datetime
    attempts: int = 0
    rows_in: int = 0
    rows_out: int = 0
    input_snapshots: Mapping[str, int | None] = field(default_factory=dict)
    output_snapshots: Mapping[str, int | None] = field(default_factory=dict)
    written: tuple[str, ...] = ()
    counts: Mapping[str, int] = field(default_factory=dict)
    code_version: str = ""
    today: dt.date | None = None
    state: Mapping[str, str] = field(default_factory=dict)
    error_type: str | None = None
    error: str | None = None
    retryable: bool | None = None
    blocked_by: str | None = None

    @property
    def seconds(self) -> float:
        return (self.finished_at - self.started_at).total_seconds()

    def row(self, run_id: str) -> dict[str, object]:
        return {
            "run_id": run_id,
            "job": self.job,
            "status": self.status,
            "mode": self.mode,
            "reason": self.reason,
            "attempts": self.attempts,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "seconds": self.seconds,
            "rows_in": self.rows_in,
            "rows_out": self.rows_out,
            "input_snapshots": _pairs(self.input_snapshots),
            "output_snapshots": _pairs(self.output_snapshots),
            "written": list(self.written),
            "counts": _pairs(self.counts),
            "code_version": self.code_version,
            "today": self.today,
            "state": _pairs(self.state),
            "error_type": self.error_type,
            "error": self.error,
            "retryable": self.retryable,
            "blocked_by": self.blocked_by,
        }


@dataclass(frozen=True)
class JobState:
    """A job's last successful (or up-to-date) run: what its current outputs came from."""

    run_id: str
    input_snapshots: dict[str, int | None]
    output_snapshots: dict[str, int | None]
    code_version: str
    today: dt.date | None
    state: dict[str, str]


def _pairs(values: Mapping[str, object]) -> list[tuple[str, object]]:
    return sorted(values.items())


def record(
    lake: Lakehouse, run_id: str, run_row: Mapping[str, object], jobs: Sequence[JobResult]
) -> None:
    """Append the run's job rows, then its run row (the run counts once both are in)."""
    lake.create_table(JOB_RUNS, JOB_RUNS_SCHEMA, evolve=True)
    lake.create_table(RUNS, RUNS_SCHEMA, evolve=True)
    if jobs:
        rows = [j.row(run_id) for j in jobs]
        lake.append(JOB_RUNS, pa.Table.from_pylist(rows, schema=JOB_RUNS_SCHEMA))
    lake.append(RUNS, pa.Table.from_pylist([dict(run_row)], schema=RUNS_SCHEMA))


def last_states(lake: Lakehouse) -> dict[str, JobState]:
    """Per job, its latest `succeeded` or `skipped` row of a recorded run."""
    if not lake.exists(JOB_RUNS) or not lake.exists(RUNS):
        return {}
    with lake.session() as session:
        rows = session.sql(
            """
            SELECT j.job, j.run_id, j.input_snapshots, j.output_snapshots, j.code_version,
                   j.today, j.state
            FROM ops.job_runs AS j
            SEMI JOIN ops.pipeline_runs AS r USING (run_id)
            WHERE j.status IN ('succeeded', 'skipped')
            QUALIFY row_number() OVER (PARTITION BY j.job ORDER BY j.finished_at DESC) = 1
            """
        ).to_pylist()
    return {
        r["job"]: JobState(
            run_id=r["run_id"],
            input_snapshots=dict(r["input_snapshots"] or []),
            output_snapshots=dict(r["output_snapshots"] or []),
            code_version=r["code_version"] or "",
            today=r["today"],
            state=dict(r["state"] or []),
        )
        for r in rows
    }

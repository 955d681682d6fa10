"""What `greenroom pipeline status` and `history` show, read from the run log.

- :func:`job_status` — per job, in run order: its last run's outcome, and whether a run
  now would execute it (and why), judged exactly as the runner judges it.
- :func:`run_history` / :func:`run_jobs` — recent runs, and the job rows of one run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pyarrow as pa

from greenroom.pipeline import runlog
from greenroom.pipeline.exceptions import PipelineError
from greenroom.pipeline.graph import JobGraph
from greenroom.pipeline.snapshots import SnapshotCache
from greenroom.pipeline.state import why_run

if TYPE_CHECKING:
    from greenroom.config import Settings
    from greenroom.lake import Lakehouse
    from greenroom.pipeline.job import Job


def _jobs(jobs: tuple[Job, ...] | None) -> JobGraph:
    if jobs is None:
        from greenroom.pipeline.jobs import JOBS

        jobs = JOBS
    return JobGraph(jobs)


def job_status(
    lake: Lakehouse, settings: Settings, jobs: tuple[Job, ...] | None = None
) -> list[dict[str, Any]]:
    graph = _jobs(jobs)
    states = runlog.last_states(lake)
    last = _last_rows(lake)
    snapshots = SnapshotCache(lake)
    pending: dict[str, str | None] = {}
    rows = []
    for job in graph.ordered():
        reason = why_run(
            states.get(job.name),
            full=False,
            code_version=job.code_version(),
            today=settings.today,
            inputs=snapshots.ids(job.inputs),
            owned_outputs={t: snapshots.snapshot_id(t) for t in graph.owned_outputs(job.name)},
        )
        waiting = [u for u in graph.upstream[job.name] if pending.get(u)]
        if reason is None and waiting:
            reason = f"after upstream `{waiting[0]}`"
        pending[job.name] = reason
        row = last.get(job.name, {})
        rows.append(
            {
                "job": job.name,
                "next_run": "runs" if reason else "up to date",
                "reason": reason or "",
                "last_status": row.get("status"),
                "last_run_id": row.get("run_id"),
                "last_finished_at": row.get("finished_at"),
                "last_mode": row.get("mode"),
                "last_rows_out": row.get("rows_out"),
                "last_error": row.get("error"),
                "inputs": list(job.inputs),
                "outputs": list(job.outputs),
            }
        )
    return rows


def _last_rows(lake: Lakehouse) -> dict[str, dict[str, Any]]:
    if not lake.exists(runlog.JOB_RUNS):
        return {}
    with lake.session() as session:
        rows = session.sql(
            """
            SELECT job, run_id, status, mode, finished_at, rows_out, error
            FROM ops.job_runs
            QUALIFY row_number() OVER (PARTITION BY job ORDER BY finished_at DESC) = 1
            """
        ).to_pylist()
    return {r["job"]: r for r in rows}


def run_history(lake: Lakehouse, limit: int = 20) -> pa.Table:
    """The latest `limit` runs, newest first."""
    if not lake.exists(runlog.RUNS):
        return runlog.RUNS_SCHEMA.empty_table()
    with lake.session() as session:
        return session.sql(
            "SELECT * FROM ops.pipeline_runs ORDER BY started_at DESC LIMIT ?", [max(limit, 0)]
        )


def run_jobs(lake: Lakehouse, run_id: str) -> pa.Table:
    """The job rows of run `run_id`, in the order they ran."""
    if not lake.exists(runlog.JOB_RUNS):
        raise PipelineError("no pipeline run is recorded yet; run `greenroom pipeline run`")
    with lake.session() as session:
        rows = session.sql(
            "SELECT * EXCLUDE (run_id) FROM ops.job_runs WHERE run_id = ? ORDER BY started_at",
            [run_id],
        )
    if rows.num_rows == 0:
        raise PipelineError(
            f"run `{run_id}` is not recorded; `greenroom pipeline history` lists the runs"
        )
    return rows

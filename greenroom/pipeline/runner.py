"""Run the job graph: in dependency order, with retries, skipping what is up to date.

- A job whose inputs, code and reference date are as its last successful run recorded is
  `skipped` (`--full` runs everything again).
- A :class:`~greenroom.errors.TransientError` (a commit conflict, a locked catalog) is
  retried up to `RetryPolicy.attempts - 1` times with exponential backoff. Any other error
  fails the job at once: the jobs downstream of it are `blocked`, the others still run.
- The run is recorded in `ops.job_runs` and `ops.pipeline_runs` (see `runlog`), and
  listeners (lineage, quality checks) hear about every job and the run.
- One run at a time per home: a second concurrent run fails with `PipelineBusyError`.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol

from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from greenroom.errors import GreenroomError, TransientError
from greenroom.pipeline import runlog
from greenroom.pipeline.context import register_context
from greenroom.pipeline.exceptions import MissingInputError
from greenroom.pipeline.graph import JobGraph
from greenroom.pipeline.job import Job, JobContext, JobOutput
from greenroom.pipeline.lock import run_lock
from greenroom.pipeline.result import RunResult
from greenroom.pipeline.runlog import JobResult, JobState
from greenroom.pipeline.snapshots import SnapshotCache
from greenroom.pipeline.state import recorded_inputs, why_run

if TYPE_CHECKING:
    from greenroom.config import Settings
    from greenroom.lake import Lakehouse

log = logging.getLogger(__name__)
Progress = Callable[[str], None]


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    """Tries per job: the first one and up to three retries."""
    wait_initial: float = 0.5
    wait_max: float = 8.0

    def retrying(self) -> Retrying:
        """Retries of transient failures only, with exponential waits."""
        return Retrying(
            retry=retry_if_exception_type(TransientError),
            stop=stop_after_attempt(self.attempts),
            wait=wait_exponential(multiplier=self.wait_initial, max=self.wait_max),
            reraise=True,
        )


class RunListener(Protocol):
    def job_finished(self, run_id: str, result: JobResult) -> None: ...

    def run_finished(self, result: RunResult) -> None: ...


def new_run_id(at: dt.datetime) -> str:
    return f"run-{at:%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"


def run_pipeline(
    lake: Lakehouse,
    settings: Settings,
    *,
    full: bool = False,
    jobs: Sequence[Job] | None = None,
    retry: RetryPolicy | None = None,
    listeners: Sequence[RunListener] = (),
    progress: Progress | None = None,
) -> RunResult:
    """Run every job that is not up to date; return (and record) what each did."""
    if jobs is None:
        from greenroom.pipeline.jobs import JOBS

        jobs = JOBS
    graph = JobGraph(jobs)
    with run_lock(settings.state_dir):
        return _Run(lake, settings, graph, full, retry or RetryPolicy(), listeners, progress)()


class _Run:
    def __init__(
        self,
        lake: Lakehouse,
        settings: Settings,
        graph: JobGraph,
        full: bool,
        retry: RetryPolicy,
        listeners: Sequence[RunListener],
        progress: Progress | None,
    ) -> None:
        self.lake, self.settings, self.graph = lake, settings, graph
        self.full, self.retry, self.listeners = full, retry, listeners
        self.progress = progress or (lambda _msg: None)
        self.started = dt.datetime.now(dt.UTC)
        self.run_id = new_run_id(self.started)
        self.snapshots = SnapshotCache(lake)

    def __call__(self) -> RunResult:
        states = runlog.last_states(self.lake)
        results: dict[str, JobResult] = {}
        for job in self.graph.ordered():
            broken = [
                u
                for u in self.graph.upstream[job.name]
                if results[u].status in ("failed", "blocked")
            ]
            if broken:
                result = self._blocked(job, broken[0], results[broken[0]])
            else:
                result = self._one(job, states.get(job.name))
            results[job.name] = result
            self.progress(_describe(result))
            for listener in self.listeners:
                _notify(listener.job_finished, self.run_id, result)
        run = RunResult(
            self.run_id, self.full, self.started, dt.datetime.now(dt.UTC), list(results.values())
        )
        self._record(run)
        for listener in self.listeners:
            _notify(listener.run_finished, run)
        return run

    def _blocked(self, job: Job, by: str, upstream: JobResult) -> JobResult:
        now = dt.datetime.now(dt.UTC)
        root = upstream.blocked_by or by
        return JobResult(
            job.name, "blocked", "none", f"upstream job `{root}` failed", now, now, blocked_by=root
        )

    def _one(self, job: Job, previous: JobState | None) -> JobResult:
        started = dt.datetime.now(dt.UTC)
        code, today = job.code_version(), self.settings.today
        at_start = self.snapshots.ids(job.inputs)
        owned = {t: self.snapshots.snapshot_id(t) for t in self.graph.owned_outputs(job.name)}
        reason = why_run(
            previous,
            full=self.full,
            code_version=code,
            today=today,
            inputs=at_start,
            owned_outputs=owned,
        )
        base = JobResult(
            job.name,
            "skipped",
            "none",
            "up to date",
            started,
            started,
            code_version=code,
            today=today,
        )
        if reason is None:
            assert previous is not None
            return replace(
                base,
                input_snapshots=at_start,
                output_snapshots=self.snapshots.ids(job.outputs),
                state=previous.state,
                finished_at=dt.datetime.now(dt.UTC),
            )
        attempts = 0
        try:
            self._check_inputs(job)
            for attempt in self.retry.retrying():
                with attempt:
                    attempts += 1
                    ctx, output = self._attempt(job, previous)
        except Exception as exc:  # a job's failure must not take the other jobs down
            return replace(
                base,
                status="failed",
                reason=reason,
                attempts=attempts,
                finished_at=dt.datetime.now(dt.UTC),
                input_snapshots=at_start,
                error_type=type(exc).__name__,
                error=_message(exc),
                retryable=isinstance(exc, TransientError),
            )
        at_end = self.snapshots.ids(job.inputs)
        return replace(
            base, status="succeeded", mode=output.mode, reason=reason, attempts=attempts,
            finished_at=dt.datetime.now(dt.UTC), rows_in=output.rows_in, rows_out=ctx.rows_out,
            input_snapshots=recorded_inputs(job.inputs, at_start, at_end, ctx.written),
            output_snapshots=self.snapshots.ids(job.outputs), written=tuple(sorted(ctx.written)),
            counts=dict(output.notes), state=dict(output.state),
        )  # fmt: skip

    def _check_inputs(self, job: Job) -> None:
        for table in job.inputs:
            if table not in job.optional_inputs and not self.snapshots.exists(table):
                raise MissingInputError(job.name, table)

    def _attempt(self, job: Job, previous: JobState | None) -> tuple[JobContext, JobOutput]:
        with self.lake.session() as session:
            register_context(session, self.settings.today, self.started)
            ctx = JobContext(
                self.lake, self.settings, session, job, self.run_id, self.started,
                self.full, previous, self.snapshots,
            )  # fmt: skip
            return ctx, job.run(ctx)

    def _record(self, run: RunResult) -> None:
        for attempt in self.retry.retrying():
            with attempt:
                runlog.record(self.lake, run.run_id, run.row(), run.jobs)


def _notify(hook: Callable[..., None], *args: object) -> None:
    """Call a listener; its failure is logged, never the run's."""
    try:
        hook(*args)
    except Exception:
        log.warning("pipeline listener %r failed", hook, exc_info=True)


def _message(exc: BaseException) -> str:
    if isinstance(exc, GreenroomError):
        return str(exc)
    text = str(exc).strip().splitlines()
    return f"unexpected {type(exc).__name__}: {text[0] if text else ''} (a bug: please report it)"


def _describe(result: JobResult) -> str:
    if result.status == "succeeded":
        return f"{result.job}: {result.mode}, {result.rows_out:,} rows in {result.seconds:.1f} s"
    if result.status == "failed":
        return f"{result.job}: FAILED after {result.attempts} attempt(s): {result.error}"
    return f"{result.job}: {result.status} ({result.reason})"

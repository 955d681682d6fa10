"""The job runner on a real lake with small injected jobs: order, skips, retries, failures, log."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa
import pytest

from greenroom.config import Settings
from greenroom.errors import TerminalError
from greenroom.lake import CommitConflictError, Lakehouse, LakeUnavailableError
from greenroom.pipeline import RetryPolicy, run_pipeline
from greenroom.pipeline.exceptions import PipelineBusyError
from greenroom.pipeline.job import Job, JobContext, JobOutput
from greenroom.pipeline.lock import run_lock
from greenroom.pipeline.result import RunResult
from greenroom.pipeline.runlog import JobResult

pytestmark = pytest.mark.slow
NO_WAIT = RetryPolicy(wait_initial=0, wait_max=0)
SRC = "bronze.src"


class BrokenFeedError(TerminalError):
    """A terminal failure of the kind a job might raise."""


@dataclass
class Faults:
    """Raise `errors` one per call, then let the job run."""

    errors: list[BaseException] = field(default_factory=list)
    calls: int = 0

    def check(self) -> None:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)


def copy_job(
    name: str, source: str, target: str, faults: Faults | None = None, where: str = "TRUE"
) -> Job:
    def run(ctx: JobContext) -> JobOutput:
        if faults:
            faults.check()
        data = ctx.session.sql(f"SELECT * FROM {source} WHERE {where}")
        ctx.write(target, data, compare=True)
        return JobOutput(rows_in=data.num_rows)

    return Job(name, (source,), (target,), run)


def jobs(a: Faults | None = None, c: Faults | None = None) -> list[Job]:
    """a: bronze.src → silver.a → b: gold.b; c: bronze.src → silver.c (independent)."""
    return [
        copy_job("a", SRC, "silver.a", a),
        copy_job("b", "silver.a", "gold.b"),
        copy_job("c", SRC, "silver.c", c, where="n > 1"),
    ]


def add_source(lake: Lakehouse, *ns: int) -> None:
    data = pa.table({"n": pa.array(ns, pa.int64())})
    lake.create_table(SRC, data.schema)
    lake.append(SRC, data)


def current_snapshots(lake: Lakehouse) -> dict[str, int]:
    return {t: lake.snapshots(t)[-1].snapshot_id for t in ("silver.a", "gold.b", "silver.c")}


def run(lake: Lakehouse, settings: Settings, js: list[Job], **kw: object) -> RunResult:
    return run_pipeline(lake, settings, jobs=js, retry=NO_WAIT, **kw)  # type: ignore[arg-type]


def statuses(result: RunResult) -> dict[str, str]:
    return {j.job: j.status for j in result.jobs}


def test_jobs_run_in_dependency_order_and_every_run_is_recorded(
    lake: Lakehouse, lake_settings: Settings
) -> None:
    add_source(lake, 1, 2, 3)
    js = [jobs()[1], jobs()[2], jobs()[0]]  # declared out of order: b needs a
    result = run(lake, lake_settings, js)
    assert [j.job for j in result.jobs] == ["c", "a", "b"]
    assert result.ok and statuses(result) == {"a": "succeeded", "b": "succeeded", "c": "succeeded"}
    assert lake.read("gold.b")["n"].to_pylist() == [1, 2, 3]
    with lake.session() as s:
        runs = s.sql(
            "SELECT run_id, status, jobs_succeeded, rows_out FROM ops.pipeline_runs"
        ).to_pylist()
        rows = s.sql(
            "SELECT job, status, mode, attempts, rows_in, rows_out, input_snapshots, output_snapshots "
            "FROM ops.job_runs ORDER BY job"
        ).to_pylist()
    assert runs == [
        {"run_id": result.run_id, "status": "succeeded", "jobs_succeeded": 3, "rows_out": 8}
    ]
    src = lake.snapshots(SRC)[-1].snapshot_id
    a_snap = lake.snapshots("silver.a")[-1].snapshot_id
    assert rows[0] == {
        "job": "a", "status": "succeeded", "mode": "full", "attempts": 1, "rows_in": 3,
        "rows_out": 3, "input_snapshots": [(SRC, src)], "output_snapshots": [("silver.a", a_snap)],
    }  # fmt: skip
    assert rows[1]["input_snapshots"] == [("silver.a", a_snap)]
    assert rows[2]["rows_out"] == 2


def test_a_second_run_with_no_new_input_changes_nothing(
    lake: Lakehouse, lake_settings: Settings
) -> None:
    add_source(lake, 1, 2, 3)
    run(lake, lake_settings, jobs())
    before = current_snapshots(lake)
    again = run(lake, lake_settings, jobs())
    assert statuses(again) == {"a": "skipped", "b": "skipped", "c": "skipped"}
    assert {j.reason for j in again.jobs} == {"up to date"}
    assert current_snapshots(lake) == before


def test_new_input_reruns_its_jobs_and_an_unchanged_result_stops_there(
    lake: Lakehouse, lake_settings: Settings
) -> None:
    add_source(lake, 2, 3)
    run(lake, lake_settings, jobs())
    before = current_snapshots(lake)
    lake.append(SRC, pa.table({"n": pa.array([1], pa.int64())}))  # c filters n > 1 out
    result = run(lake, lake_settings, jobs())
    assert statuses(result) == {"a": "succeeded", "b": "succeeded", "c": "succeeded"}
    assert result.job("a").reason == "input `bronze.src` changed"
    assert result.job("b").reason == "input `silver.a` changed"
    after = current_snapshots(lake)
    assert after["silver.a"] != before["silver.a"]
    assert after["silver.c"] == before["silver.c"]  # same content: no new snapshot
    assert result.job("c").written == () and result.job("a").written == ("silver.a",)


def test_transient_failures_are_retried_with_backoff(
    lake: Lakehouse, lake_settings: Settings
) -> None:
    add_source(lake, 1)
    faults = Faults([CommitConflictError("lost a race"), LakeUnavailableError("locked")])
    result = run(lake, lake_settings, jobs(a=faults))
    assert result.ok
    assert result.job("a").attempts == 3 and faults.calls == 3


def test_a_transient_failure_that_persists_fails_after_three_retries(
    lake: Lakehouse, lake_settings: Settings
) -> None:
    add_source(lake, 1)
    faults = Faults([CommitConflictError(f"conflict {i}") for i in range(10)])
    result = run(lake, lake_settings, jobs(a=faults))
    a = result.job("a")
    assert (a.status, a.attempts, a.retryable, a.error_type) == (
        "failed",
        4,
        True,
        "CommitConflictError",
    )
    assert a.error == "conflict 3"
    assert statuses(result) == {"a": "failed", "b": "blocked", "c": "succeeded"}


def test_a_terminal_failure_stops_only_its_downstream_jobs(
    lake: Lakehouse, lake_settings: Settings
) -> None:
    add_source(lake, 1, 2)
    faults = Faults([BrokenFeedError("feed `x` is unreadable; fix it")])
    result = run(lake, lake_settings, jobs(a=faults))
    assert not result.ok and result.status == "failed"
    assert statuses(result) == {"a": "failed", "b": "blocked", "c": "succeeded"}
    assert result.job("a").attempts == 1 and result.job("a").retryable is False
    assert result.job("b").blocked_by == "a"
    assert result.message == (
        "1 ran, 0 up to date; failed: `a` (BrokenFeedError: feed `x` is unreadable; fix it); "
        "blocked: `b`"
    )
    with lake.session() as s:
        row = s.sql("SELECT status, failed_jobs, jobs_blocked FROM ops.pipeline_runs").to_pylist()
    assert row == [{"status": "failed", "failed_jobs": ["a"], "jobs_blocked": 1}]


def test_an_unexpected_exception_fails_the_job_without_retries(
    lake: Lakehouse, lake_settings: Settings
) -> None:
    add_source(lake, 1)
    result = run(lake, lake_settings, jobs(c=Faults([ValueError("boom")])))
    c = result.job("c")
    assert (c.status, c.attempts, c.error_type) == ("failed", 1, "ValueError")
    assert c.error is not None and c.error.startswith("unexpected ValueError: boom")
    assert statuses(result)["b"] == "succeeded"


def test_a_failed_job_runs_again_next_time(lake: Lakehouse, lake_settings: Settings) -> None:
    add_source(lake, 1)
    faults = Faults([BrokenFeedError("once")])
    run(lake, lake_settings, jobs(a=faults))
    result = run(lake, lake_settings, jobs(a=faults))
    assert statuses(result) == {"a": "succeeded", "b": "succeeded", "c": "skipped"}
    assert result.job("a").reason == "never ran"


def test_full_reruns_every_job(lake: Lakehouse, lake_settings: Settings) -> None:
    add_source(lake, 1)
    run(lake, lake_settings, jobs())
    before = current_snapshots(lake)
    result = run(lake, lake_settings, jobs(), full=True)
    assert {j.reason for j in result.jobs} == {"--full"}
    after = current_snapshots(lake)
    assert all(after[t] != before[t] for t in before)


def test_changed_code_or_reference_date_reruns_a_job(
    lake: Lakehouse, lake_settings: Settings
) -> None:
    add_source(lake, 1)
    run(lake, lake_settings, jobs())
    js = jobs()
    js[2] = Job("c", js[2].inputs, js[2].outputs, js[2].run, version="2")
    assert run(lake, lake_settings, js).job("c").reason == "its code or the reference data changed"
    later = lake_settings.model_copy(update={"today": lake_settings.today.replace(year=2030)})
    result = run(lake, later, js)
    assert {j.reason for j in result.jobs} == {"the reference date is now 2030-06-30"}


def test_a_missing_input_fails_with_what_to_do(lake: Lakehouse, lake_settings: Settings) -> None:
    result = run(lake, lake_settings, jobs())
    a = result.job("a")
    assert a.error_type == "MissingInputError"
    assert a.error == (
        "job `a` needs table `bronze.src`, which does not exist; ingest its feed first "
        "(`greenroom ingest file …` or `greenroom demo`)"
    )


def test_a_second_concurrent_run_is_refused(lake: Lakehouse, lake_settings: Settings) -> None:
    add_source(lake, 1)
    with (
        run_lock(lake_settings.state_dir),
        pytest.raises(PipelineBusyError, match="another pipeline run"),
    ):
        run(lake, lake_settings, jobs())
    assert run(lake, lake_settings, jobs()).ok  # released


@dataclass
class Recorder:
    seen: list[str] = field(default_factory=list)
    fail: bool = False

    def job_finished(self, run_id: str, result: JobResult) -> None:
        self.seen.append(f"{result.job}:{result.status}")
        if self.fail:
            raise RuntimeError("listener bug")

    def run_finished(self, result: RunResult) -> None:
        self.seen.append(f"run:{result.status}")


def test_listeners_hear_every_job_and_the_run_and_cannot_break_it(
    lake: Lakehouse, lake_settings: Settings
) -> None:
    add_source(lake, 1)
    good, bad = Recorder(), Recorder(fail=True)
    result = run(lake, lake_settings, jobs(), listeners=[bad, good])
    assert result.ok
    assert good.seen == ["a:succeeded", "b:succeeded", "c:succeeded", "run:succeeded"]
    assert bad.seen == good.seen


def test_writes_that_only_touch_their_own_partition_are_kept_apart(
    lake: Lakehouse, lake_settings: Settings
) -> None:
    """Two jobs writing one partitioned table each replace only their own rows."""

    def part(name: str, value: str) -> Job:
        def run_part(ctx: JobContext) -> JobOutput:
            data = ctx.session.sql(f"SELECT '{value}' AS kind, n FROM {SRC}")
            ctx.write(
                "silver.parts",
                data,
                where=f"kind = '{value}'",
                partition_by=(("kind", "identity"),),
                compare=True,
            )
            return JobOutput(rows_in=data.num_rows)

        return Job(name, (SRC,), ("silver.parts",), run_part)

    add_source(lake, 1, 2)
    run(lake, lake_settings, [part("x", "x"), part("y", "y")])
    lake.append(SRC, pa.table({"n": pa.array([3], pa.int64())}))
    run(lake, lake_settings, [part("x", "x"), part("y", "y")])
    rows = sorted(tuple(r.values()) for r in lake.read("silver.parts").to_pylist())
    assert rows == [("x", 1), ("x", 2), ("x", 3), ("y", 1), ("y", 2), ("y", 3)]

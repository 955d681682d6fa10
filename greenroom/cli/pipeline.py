"""`greenroom pipeline …`: run the bronze → silver → gold jobs, see their state and history."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

import typer

app = typer.Typer(
    help="Run the pipeline (bronze → silver → gold) and inspect its runs.", no_args_is_help=True
)

JsonFlag = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


@app.command("run")
def run(
    full: Annotated[
        bool, typer.Option("--full", help="Rebuild every job from all of bronze.")
    ] = False,
    json_out: JsonFlag = False,
) -> None:
    """Run the jobs whose inputs changed (all of them with --full); exit 1 if any failed.

    After a run in which a job ran, its lineage is recorded and the quality monitor measures
    the lake (`greenroom quality report`, `greenroom lineage …`)."""
    from greenroom.cli._output import print_json, print_rows
    from greenroom.cli._progress import step_progress
    from greenroom.compose import pipeline_jobs, pipeline_listeners
    from greenroom.config import get_settings
    from greenroom.lake import Lakehouse
    from greenroom.pipeline import run_pipeline
    from greenroom.pipeline.exceptions import PipelineFailedError

    settings = get_settings()
    lake = Lakehouse.open(settings, create=True)
    title = "pipeline run" + (" --full" if full else "")
    with step_progress(title, disable=json_out) as progress:
        listeners = pipeline_listeners(lake, settings)
        result = run_pipeline(
            lake, settings, full=full, jobs=pipeline_jobs(), progress=progress, listeners=listeners
        )
    if json_out:
        print_json(result.to_json())
    else:
        print_rows(
            ["job", "status", "mode", "rows_in", "rows_out", "seconds", "note"],
            [
                [
                    j.job, j.status, j.mode, j.rows_in, j.rows_out, round(j.seconds, 2),
                    j.error or (j.reason if j.status != "succeeded" else _counts(j.counts)),
                ]
                for j in result.jobs
            ],
            title=f"run {result.run_id} ({result.seconds:.1f} s)",
        )  # fmt: skip
    if not result.ok:
        raise PipelineFailedError(result)


def _counts(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items()))


@app.command("status")
def status(json_out: JsonFlag = False) -> None:
    """Each job's last run, and whether the next run would execute it (and why)."""
    from greenroom.cli._output import print_json, print_rows
    from greenroom.compose import pipeline_jobs
    from greenroom.config import get_settings
    from greenroom.lake import Lakehouse
    from greenroom.pipeline.status import job_status

    settings = get_settings()
    rows = job_status(Lakehouse.open(settings), settings, pipeline_jobs())
    if json_out:
        print_json({"jobs": rows})
        return
    print_rows(
        ["job", "next_run", "reason", "last_status", "last_finished_at", "last_rows_out"],
        [
            [r["job"], r["next_run"], r["reason"], r["last_status"], r["last_finished_at"],
             r["last_rows_out"]]
            for r in rows
        ],
        title="pipeline jobs",
        optional=("last_rows_out", "last_finished_at"),
    )  # fmt: skip


@app.command("history")
def history(
    limit: Annotated[int, typer.Option(help="How many runs, newest first.")] = 20,
    run_id: Annotated[
        str | None, typer.Option("--run", help="Show the jobs of this run instead.")
    ] = None,
    json_out: JsonFlag = False,
) -> None:
    """Recent pipeline runs (or, with --run, what each job of one run did)."""
    import pyarrow.compute as pc

    from greenroom.cli._output import print_json, print_table
    from greenroom.config import get_settings
    from greenroom.lake import Lakehouse
    from greenroom.lake.jsonable import table_to_json
    from greenroom.pipeline.status import run_history, run_jobs

    lake = Lakehouse.open(get_settings())
    if run_id is not None:
        table = run_jobs(lake, run_id)
        shown = ["job", "status", "mode", "attempts", "seconds", "rows_in", "rows_out", "reason"]
    else:
        table = run_history(lake, limit)
        shown = ["run_id", "status", "full", "started_at", "seconds", "message"]
        table = table.set_column(
            table.schema.get_field_index("seconds"), "seconds", pc.round(table["seconds"], 2)
        )
    if json_out:
        print_json(table_to_json(table))
        return
    print_table(
        table.select(shown),
        title="pipeline runs" if run_id is None else run_id,
        optional=("full", "attempts", "seconds"),
    )

"""Incremental state: does a job need to run, and why.

A job is up to date when its last successful run used the same code version (its SQL
models, its Python version, the reference data), the same reference date, and input
tables at the snapshots they have now, and when nothing else has replaced the tables
only it writes. Otherwise it runs, and the reason is recorded in `ops.job_runs.reason`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from greenroom.pipeline.runlog import JobState


def why_run(
    previous: JobState | None,
    *,
    full: bool,
    code_version: str,
    today: dt.date,
    inputs: Mapping[str, int | None],
    owned_outputs: Mapping[str, int | None],
) -> str | None:
    """Why the job must run (None: it is up to date)."""
    if full:
        return "--full"
    if previous is None:
        return "never ran"
    if previous.code_version != code_version:
        return "its code or the reference data changed"
    if previous.today != today:
        return f"the reference date is now {today.isoformat()}"
    for table, snapshot in sorted(inputs.items()):
        if previous.input_snapshots.get(table) != snapshot:
            return f"input `{table}` changed"
    for table, snapshot in sorted(owned_outputs.items()):
        if previous.output_snapshots.get(table) != snapshot:
            return f"output `{table}` was changed outside the pipeline"
    return None


def recorded_inputs(
    inputs: Iterable[str],
    at_start: Mapping[str, int | None],
    at_end: Mapping[str, int | None],
    written: Iterable[str],
) -> dict[str, int | None]:
    """The input snapshots to remember: as the job found them, except for tables the job
    wrote itself, whose own new snapshot is no reason to run again."""
    mine = set(written)
    return {t: (at_end.get(t) if t in mine else at_start.get(t)) for t in sorted(set(inputs))}

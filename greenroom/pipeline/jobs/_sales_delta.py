"""When new sales cannot change a result: the shortcut of the concert totals and the
artist figures.

Both use sales of *completed* concerts only. Sales keep arriving before a show (the live
stream sells for scheduled concerts), so a run after one more day of sales would otherwise
recompute them over every sale just to get the same result. A job may skip when, since its
last run, the only input that changed is `silver.ticket_sales`, it changed only by appends
of known batches (`JobContext.appended_batches`), and none of those sales is of a completed
concert. The reference date is part of every job's fingerprint, so a concert completing
with the calendar still reruns them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from greenroom.pipeline.jobs._sales_inputs import sql_list

if TYPE_CHECKING:
    from greenroom.pipeline.job import JobContext

SALES = "silver.ticket_sales"


def only_open_concert_sales(ctx: JobContext) -> bool:
    """True when the job's result cannot have changed (see the module docstring)."""
    if ctx.changed_inputs() != {SALES}:
        return False
    batches = ctx.appended_batches(SALES)
    if batches is None:
        return False
    if not batches:
        return True
    (row,) = ctx.session.sql(
        f"SELECT count(*) AS n FROM {SALES} AS s "
        "JOIN silver.concerts AS c ON c.concert_id = s.concert_id "
        f"WHERE s.batch_id IN ({sql_list(batches)}) AND c.status = 'completed'"
    ).to_pylist()
    return bool(row["n"] == 0)

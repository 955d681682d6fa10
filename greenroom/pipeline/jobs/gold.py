"""The gold jobs: one SQL model each, recomputed whenever its silver inputs change.

Their `calculated_at` is the run's start; an unchanged result is not written again, so it
keeps the time it was first calculated.
"""

from __future__ import annotations

from greenroom.pipeline.job import Job, JobContext, JobOutput
from greenroom.pipeline.jobs._sales_delta import only_open_concert_sales


def _table_job(
    model: str, inputs: tuple[str, ...], description: str, *, completed_only: bool = False
) -> Job:
    """`completed_only`: the model reads sales of completed concerts only, so new sales of
    other concerts leave its result as it is."""

    def run(ctx: JobContext) -> JobOutput:
        if completed_only and only_open_concert_sales(ctx):
            return JobOutput(rows_in=0, mode="unchanged")
        data = ctx.model(model)
        ctx.write(model, data, compare=True, volatile=("calculated_at",))
        return JobOutput(rows_in=sum(ctx.snapshots.rows(t) for t in inputs))

    return Job(
        name=model.partition(".")[2],
        inputs=inputs,
        outputs=(model,),
        run=run,
        models=(model,),
        description=description,
    )


VENUE_POPULARITY = _table_job(
    "gold.venue_popularity",
    ("silver.concerts", "silver.venues"),
    "venue ranking, attendance rate, revenue per event, bookings per year",
)
ARTIST_PERFORMANCE = _table_job(
    "gold.artist_performance",
    ("silver.artists", "silver.concerts", "silver.ticket_sales", "silver.venues"),
    "per artist: concerts, tickets, revenue, fan engagement, growth trend",
    completed_only=True,
)
SALES_DAILY = _table_job(
    "gold.sales_daily",
    ("silver.concerts", "silver.ticket_sales"),
    "tickets and revenue by concert date, artist, venue, price tier and channel",
)

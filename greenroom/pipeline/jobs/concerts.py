"""`concerts`: `silver.concerts`, with attendance and revenue from `silver.ticket_sales`.

New sales of concerts that are not completed change no total: the job then keeps its
result (`_sales_delta`), which is why it also reads its own output."""

from __future__ import annotations

from greenroom.pipeline.job import Job, JobContext, JobOutput
from greenroom.pipeline.jobs._concerts import ARTIST_KEYS, INPUTS, stage_concerts
from greenroom.pipeline.jobs._sales_delta import only_open_concert_sales


def run(ctx: JobContext) -> JobOutput:
    if only_open_concert_sales(ctx):
        return JobOutput(rows_in=0, mode="unchanged")
    staged = stage_concerts(ctx)
    ctx.write("silver.concerts", ctx.model("silver.concerts"), compare=True)
    return JobOutput(rows_in=staged.num_rows + ctx.snapshots.rows("silver.ticket_sales"))


JOB = Job(
    name="concerts",
    inputs=(*INPUTS, "silver.ticket_sales", "silver.concerts"),
    outputs=("silver.concerts",),
    run=run,
    models=("stg_concerts", "silver.concerts"),
    optional_inputs=("silver.concerts",),
    description="silver.concerts: one row per show, totals from its sales",
    lineage=(ARTIST_KEYS,),
)

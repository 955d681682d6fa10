"""`concert_ids`: put every concert record on a canonical concert id.

The promoter feed and Ticketmaster meet on canonical venue + local date (stg_concerts).
Writes the concert rows of `silver.entity_xref`, through which sales find their concert,
and the records that make no concert to `ops.silver_rejects` (entity type `concert`).
"""

from __future__ import annotations

import pyarrow.compute as pc

from greenroom.pipeline.job import Job, JobContext, JobOutput
from greenroom.pipeline.jobs._concerts import ARTIST_KEYS, INPUTS, stage_concerts
from greenroom.pipeline.jobs._tables import REJECTS, XREF, XREF_LINEAGE, write_rejects, write_xref


def run(ctx: JobContext) -> JobOutput:
    staged = stage_concerts(ctx)
    kept = staged.filter(pc.is_valid(staged["concert_id"]))
    xref = kept.select(["concert_id", "source", "source_record_id"])
    write_xref(ctx, "concert", xref.rename_columns(["entity_id", "source", "source_record_id"]))
    rejects = ctx.model("concert_rejects")
    write_rejects(ctx, "concert", rejects)
    concerts = len(set(kept["concert_id"].to_pylist()))
    return JobOutput(
        rows_in=staged.num_rows,
        notes={"records": staged.num_rows, "concerts": concerts, "rejected": rejects.num_rows},
    )


JOB = Job(
    name="concert_ids",
    inputs=INPUTS,
    outputs=(XREF, REJECTS),
    run=run,
    models=("stg_concerts", "concert_rejects"),
    description="concert records of both feeds onto canonical concert ids (venue + local date)",
    lineage=(ARTIST_KEYS, XREF_LINEAGE),
)

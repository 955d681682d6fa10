"""`customers`: CRM customers into `silver.customers` (names repaired) and the crosswalk."""

from __future__ import annotations

from greenroom.pipeline import normalize
from greenroom.pipeline.job import Job, JobContext, JobOutput
from greenroom.pipeline.jobs._resolve import replace_column
from greenroom.pipeline.jobs._tables import XREF, XREF_LINEAGE, write_xref


def run(ctx: JobContext) -> JobOutput:
    staged = ctx.model("stg_customers")
    staged = replace_column(staged, "full_name", normalize.repair_mojibake(staged["full_name"]))
    ctx.register("stg_customers", staged)
    ctx.write("silver.customers", ctx.model("silver.customers"), compare=True)
    xref = staged.select(["customer_id", "source", "source_record_id"])
    write_xref(ctx, "customer", xref.rename_columns(["entity_id", "source", "source_record_id"]))
    return JobOutput(rows_in=staged.num_rows)


JOB = Job(
    name="customers",
    inputs=("bronze.crm_customers",),
    outputs=("silver.customers", XREF),
    run=run,
    models=("stg_customers", "silver.customers"),
    description="CRM customers into silver.customers and their crosswalk",
    lineage=(XREF_LINEAGE,),
)

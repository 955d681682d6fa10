"""`ticket_sales`: every sale of the three sale feeds into `silver.ticket_sales` or a reject.

Nothing is lost: each bronze sale row of a processed batch ends as a silver row, a row of
`ops.silver_rejects` (entity type `ticket_sale`, with the reason), or a replay of a sale
already placed (counted in the run's `counts`).

Incremental: while the lookups a sale is mapped through are unchanged (`lookup_digest`),
a run reads only the batches no run has processed (`ops.pipeline_batches`) and appends
their sales and rejects. A change to the lookups (a new concert, a re-resolved venue, a
customer's new segment) can rescue earlier rejects or re-point earlier sales, so the job
then rebuilds from every batch, as `--full` does.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from greenroom.pipeline.job import BATCHES, Job, JobContext, JobOutput, Mode
from greenroom.pipeline.jobs import _sales_inputs as inputs
from greenroom.pipeline.jobs._tables import REJECTS, write_rejects
from greenroom.pipeline.lineage import ColumnLineage

NAME = "ticket_sales"
TABLE = "silver.ticket_sales"
PARTITION = (("purchase_timestamp", "year"),)
BRONZE = tuple(f"bronze.{feed}" for feed in inputs.FEEDS)
QUARANTINE = tuple(f"quarantine.{feed}" for feed in inputs.LOST_FEEDS)


def run(ctx: JobContext) -> JobOutput:
    recorded = inputs.recorded_batches(ctx)
    done = inputs.processed_batches(ctx, NAME)
    digest = inputs.lookup_digest(ctx)
    previous = ctx.previous.state if ctx.previous else {}
    rebuild = (
        ctx.full
        or previous.get("lookup") != digest
        or not ctx.exists(TABLE)
        or not done <= set(recorded["batch_id"].to_pylist())
    )
    mode: Mode = "full" if rebuild else "incremental"
    todo = (
        recorded
        if rebuild
        else recorded.filter(
            pc.invert(pc.is_in(recorded["batch_id"], pa.array(sorted(done), pa.string())))
        )
    )
    state = {"lookup": digest}
    if not rebuild and todo.num_rows == 0:
        return JobOutput(rows_in=0, mode=mode, state=state)
    inputs.register_unmatched(ctx)
    ctx.register("sales_batches", todo.select(["batch_id"]))
    staged = _stage(ctx, todo, rebuild)
    sales, rejects = ctx.model(TABLE), ctx.model("sale_rejects")
    if rebuild:
        ctx.write(TABLE, sales, partition_by=PARTITION)
        write_rejects(ctx, "ticket_sale", rejects)
        ctx.write(inputs.PROCESSED, inputs.processed_rows(ctx, NAME, todo), where=f"job = '{NAME}'")
    else:
        if sales.num_rows:
            tag = {BATCHES: ",".join(sorted(str(b) for b in todo["batch_id"].to_pylist()))}
            ctx.write(TABLE, sales, append=True, partition_by=PARTITION, properties=tag)
        write_rejects(ctx, "ticket_sale", rejects, append=True)
        ctx.write(inputs.PROCESSED, inputs.processed_rows(ctx, NAME, todo), append=True)
    replays = int(pc.sum(staged["is_replay"]).as_py() or 0)
    return JobOutput(
        rows_in=staged.num_rows,
        mode=mode,
        state=state,
        notes={
            "batches": todo.num_rows,
            "sales": sales.num_rows,
            "rejected": rejects.num_rows,
            "replays": replays,
        },
    )


def _stage(ctx: JobContext, todo: pa.Table, rebuild: bool) -> pa.Table:
    """Run stg_sales over the batches to do; mark sales earlier runs placed as replays."""
    empty = pa.table({"sale_id": pa.array([], pa.string())})
    ctx.register("seen_sales", empty)
    replace: dict[str, str] = {}
    for feed, table in zip(inputs.FEEDS, BRONZE, strict=True):
        if rebuild and ctx.exists(table):
            continue
        ids = todo.filter(pc.equal(todo["feed"], feed))["batch_id"].to_pylist()
        ctx.register(f"new_{feed}", inputs.new_rows(ctx, feed, [str(i) for i in ids]))
        replace[table] = f"new_{feed}"
    staged = ctx.model("stg_sales", replace=replace)
    if rebuild:
        return staged
    seen = _seen(ctx, staged)
    if seen.num_rows:
        ctx.register("seen_sales", seen)
        staged = ctx.model("stg_sales", replace=replace)
    return staged


def _seen(ctx: JobContext, staged: pa.Table) -> pa.Table:
    """Sale ids of `staged` that earlier runs already placed in silver or the rejects."""
    bounds = inputs.time_range(staged)
    in_silver = "SELECT NULL AS sale_id WHERE FALSE"
    if bounds is not None:
        low, high = (b.isoformat() for b in bounds)
        in_silver = (
            f"SELECT s.sale_id FROM {TABLE} AS s SEMI JOIN stg_sales AS n USING (sale_id) "
            f"WHERE s.purchase_timestamp >= TIMESTAMPTZ '{low}' "
            f"AND s.purchase_timestamp <= TIMESTAMPTZ '{high}'"
        )
    in_rejects = (
        f"SELECT r.entity_id AS sale_id FROM {REJECTS} AS r "
        "SEMI JOIN stg_sales AS n ON n.sale_id = r.entity_id WHERE r.entity_type = 'ticket_sale'"
    )
    query = in_silver if not ctx.exists(REJECTS) else f"{in_silver} UNION {in_rejects}"
    return ctx.session.sql(
        f"SELECT DISTINCT CAST(sale_id AS VARCHAR) AS sale_id FROM ({query}) AS seen"
    )


LINEAGE = (
    ColumnLineage(
        "sales_batches",
        code=run,
        columns={"batch_id": (f"{inputs.INGESTED}.batch_id",)},
        identity=frozenset({"batch_id"}),
    ),
    ColumnLineage(
        "seen_sales",
        code=run,
        columns={"sale_id": (f"{TABLE}.sale_id", f"{REJECTS}.entity_id")},
        identity=frozenset({"sale_id"}),
    ),
    inputs.UNMATCHED,
)
"""What the job registers for stg_sales: the batches to read, sales placed before, and
the concert and customer records that were lost."""

JOB = Job(
    name=NAME,
    inputs=(
        *BRONZE,
        inputs.INGESTED,
        "silver.entity_xref",
        "silver.customers",
        REJECTS,
        inputs.PROCESSED,
        *QUARANTINE,
    ),
    outputs=(TABLE, REJECTS, inputs.PROCESSED),
    run=run,
    models=("stg_sales", "sale_rejects", TABLE),
    optional_inputs=(*BRONZE, REJECTS, inputs.PROCESSED, *QUARANTINE),
    description="sales of every feed into silver.ticket_sales (incremental by batch) or rejects",
    lineage=LINEAGE,
)

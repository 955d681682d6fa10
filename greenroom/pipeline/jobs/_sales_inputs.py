"""What the `ticket_sales` job reads besides the sales: batches, lookups, lost references.

- :func:`recorded_batches` — the sales batches `ops.ingestion_batches` lists (a batch
  counts once ingestion has recorded it, so a half-written batch is never read);
- :func:`processed_batches` — those an earlier run placed (`ops.pipeline_batches`);
- :func:`lookup_digest` — a digest of everything a sale is mapped through (the concert and
  customer rows of the crosswalk, customer segments): while it is unchanged, earlier
  sales stay valid and only new batches need processing;
- :func:`register_unmatched` — `unmatched_refs(source, source_record_id, reason)`: concert
  and customer records ingestion quarantined (`quarantined`) or the concert job rejected
  (`rejected`), so a sale pointing at one gets a precise reject reason.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pyarrow as pa

from greenroom.pipeline.jobs._tables import REJECTS
from greenroom.pipeline.lineage import ColumnLineage

if TYPE_CHECKING:
    from greenroom.pipeline.job import JobContext

FEEDS = ("box_office_sales", "online_orders", "stream_sales")
PROCESSED = "ops.pipeline_batches"
INGESTED = "ops.ingestion_batches"
LOST_FEEDS = ("promoter_concerts", "ticketmaster_events", "crm_customers")
PROCESSED_SCHEMA = pa.schema(
    [
        ("job", pa.string()),
        ("feed", pa.string()),
        ("batch_id", pa.string()),
        ("run_id", pa.string()),
        ("processed_at", pa.timestamp("us", tz="UTC")),
    ]
)
# The columns stg_sales reads, for a sales feed nothing has been ingested into yet.
EMPTY_FEEDS: dict[str, tuple[str, ...]] = {
    "box_office_sales": (
        "transaction_id", "event_ref", "customer_ref", "tier", "qty", "unit_price",
        "currency", "purchased_at", "customer_segment",
    ),
    "online_orders": (
        "order_id", "concert_ref", "customer_id", "tier", "quantity", "unit_price",
        "currency", "ordered_at", "segment",
    ),
    "stream_sales": (
        "event_id", "sale_id", "event_ref", "customer_id", "tier", "quantity", "unit_price",
        "currency", "occurred_at",
    ),
}  # fmt: skip


def sql_list(values: list[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def recorded_batches(ctx: JobContext) -> pa.Table:
    return ctx.session.sql(
        f"SELECT DISTINCT feed, batch_id FROM {INGESTED} "
        f"WHERE feed IN ({sql_list(list(FEEDS))}) ORDER BY feed, batch_id"
    )


def processed_batches(ctx: JobContext, job: str) -> set[str]:
    if not ctx.exists(PROCESSED):
        return set()
    rows = ctx.session.sql(f"SELECT batch_id FROM {PROCESSED} WHERE job = '{job}'")
    return set(rows["batch_id"].to_pylist())


def processed_rows(ctx: JobContext, job: str, batches: pa.Table) -> pa.Table:
    n = batches.num_rows
    return pa.table(
        {
            "job": pa.array([job] * n, pa.string()),
            "feed": batches["feed"],
            "batch_id": batches["batch_id"],
            "run_id": pa.array([ctx.run_id] * n, pa.string()),
            "processed_at": pa.array([ctx.run_at] * n, pa.timestamp("us", tz="UTC")),
        },
        schema=PROCESSED_SCHEMA,
    )


def lookup_digest(ctx: JobContext) -> str:
    row = ctx.session.sql(
        """
        SELECT count(*) AS n,
               bit_xor(hash(x.entity_type, x.source, x.source_record_id, x.entity_id, c.segment)) AS h
        FROM silver.entity_xref AS x
        LEFT JOIN silver.customers AS c
            ON x.entity_type = 'customer' AND c.customer_id = x.entity_id
        WHERE x.entity_type IN ('concert', 'customer')
        """
    ).to_pylist()[0]
    return f"{row['n']}:{row['h']}"


def register_unmatched(ctx: JobContext) -> None:
    parts = [
        f"SELECT '{feed}' AS source, source_record_id, 'quarantined' AS reason "
        f"FROM quarantine.{feed} WHERE source_record_id IS NOT NULL"
        for feed in LOST_FEEDS
        if ctx.exists(f"quarantine.{feed}")
    ]
    if ctx.exists(REJECTS):
        parts.append(
            f"SELECT source, source_record_id, 'rejected' AS reason FROM {REJECTS} "
            "WHERE entity_type = 'concert'"
        )
    if not parts:
        parts.append(
            "SELECT CAST(NULL AS VARCHAR) AS source, CAST(NULL AS VARCHAR) AS source_record_id, "
            "CAST(NULL AS VARCHAR) AS reason WHERE FALSE"
        )
    union = " UNION ALL ".join(parts)
    ctx.register(
        "unmatched_refs",
        ctx.session.sql(
            f"SELECT source, source_record_id, min(reason) AS reason FROM ({union}) AS lost "
            "GROUP BY source, source_record_id"
        ),
    )


UNMATCHED = ColumnLineage(
    "unmatched_refs",
    code=register_unmatched,
    columns={
        "source": (*(f"quarantine.{f}" for f in LOST_FEEDS), f"{REJECTS}.source"),
        "source_record_id": (
            *(f"quarantine.{f}.source_record_id" for f in LOST_FEEDS),
            f"{REJECTS}.source_record_id",
        ),
        "reason": (*(f"quarantine.{f}" for f in LOST_FEEDS), REJECTS),
    },
    identity=frozenset({"source_record_id"}),
)


def empty_feed(feed: str) -> pa.Table:
    columns = {c: pa.array([], pa.string()) for c in EMPTY_FEEDS[feed]}
    columns["_ingested_at"] = pa.array([], pa.timestamp("us", tz="UTC"))
    columns["_batch_id"] = pa.array([], pa.string())
    return pa.table(columns)


def new_rows(ctx: JobContext, feed: str, batch_ids: list[str]) -> pa.Table:
    """The rows of `batch_ids` in `bronze.<feed>` (pyiceberg skips every other batch's files)."""
    table = f"bronze.{feed}"
    if not batch_ids or not ctx.exists(table):
        return empty_feed(feed)
    return ctx.lake.read(table, where=f"_batch_id IN ({sql_list(batch_ids)})")


def time_range(staged: pa.Table) -> tuple[dt.datetime, dt.datetime] | None:
    import pyarrow.compute as pc

    bounds = pc.min_max(staged["purchase_timestamp"]).as_py()
    if bounds["min"] is None:
        return None
    return bounds["min"], bounds["max"]

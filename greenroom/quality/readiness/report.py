"""`readiness_report`: the scorecard of every source feed and silver/gold table."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from greenroom.quality.contract import load_contract
from greenroom.quality.exceptions import ContractError
from greenroom.quality.readiness.cluster import merged_cluster
from greenroom.quality.readiness.dimensions import PersonalDataScorer
from greenroom.quality.readiness.dimensions import personal_data as no_personal_data_scorer
from greenroom.quality.readiness.evidence import LakeEvidence, gather
from greenroom.quality.readiness.exceptions import LakeEmptyError, ReadinessError
from greenroom.quality.readiness.feeds import score_feed
from greenroom.quality.readiness.journey import follow_record
from greenroom.quality.readiness.records import ReadinessReport, TableReadiness
from greenroom.quality.readiness.tables import score_table

if TYPE_CHECKING:
    from greenroom.lake import Lakehouse
    from greenroom.lake.reader import Reader

DOC_KEY = b"doc"
"""Where pyiceberg puts a field's `doc` in the Arrow schema's field metadata."""
JOURNEY_TABLES = ("silver.ticket_sales", "silver.concerts", "gold.sales_daily")


def readiness_report(
    lake: Lakehouse,
    reader: Reader,
    *,
    stories: bool = True,
    personal_data: PersonalDataScorer = no_personal_data_scorer,
) -> ReadinessReport:
    """Score every feed with a contract and every silver and gold table; with `stories`,
    add one merged entity-resolution cluster and one sale followed from raw to gold.
    `personal_data` scores how each table's personal data is protected (the composition
    root passes the governance layer's; without it that dimension is not measured)."""
    tables = {t.name: t.rows for t in lake.list_tables()}
    if "ops.ingestion_batches" not in tables:
        raise LakeEmptyError("ops.ingestion_batches")
    ev = gather(reader, tables)
    feeds = [
        _feed(lake, reader, ev, name, personal_data)
        for name in sorted(tables)
        if name.startswith("bronze.")
    ]
    scored_feeds = [f for f in feeds if f is not None]
    changes = {
        f.feed or "": int(f.dimension("consistency").evidence.get("values_changed", 0))
        for f in scored_feeds
    }
    refined = [
        score_table(ev, name, *_columns(lake, name), changes, personal_data)
        for name in sorted(tables)
        if name.startswith(("silver.", "gold."))
    ]
    cluster, journey = None, None
    if stories and "silver.entity_xref" in tables and "ops.entity_match_pairs" in tables:
        cluster = _quietly(lambda: merged_cluster(reader, "artist"))
    if stories and all(t in tables for t in JOURNEY_TABLES):
        journey = _quietly(lambda: follow_record(lake, reader))
    return ReadinessReport(
        pipeline_run_id=ev.pipeline_run_id,
        quality_run_id=ev.quality_run_id,
        tables=(*scored_feeds, *refined),
        cluster=cluster,
        journey=journey,
    )


def _feed(
    lake: Lakehouse,
    reader: Reader,
    ev: LakeEvidence,
    table: str,
    personal_data: PersonalDataScorer,
) -> TableReadiness | None:
    try:
        contract = load_contract(table.split(".", 1)[1])
    except ContractError:  # a bronze table without a contract is not a feed to score
        return None
    return score_feed(reader, ev, contract, *_columns(lake, table), personal_data)


def _columns(lake: Lakehouse, table: str) -> tuple[list[str], dict[str, str]]:
    """The table's columns and the Iceberg schema's `doc` of those that have one."""
    schema = lake.schema(table)
    docs = {
        f.name: f.metadata[DOC_KEY].decode() for f in schema if f.metadata and DOC_KEY in f.metadata
    }
    return schema.names, docs


T = TypeVar("T")


def _quietly(make: Callable[[], T]) -> T | None:
    """A story the lake cannot tell (nothing merged yet, no completed concert) is left out."""
    try:
        return make()
    except ReadinessError:
        return None

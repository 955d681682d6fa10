"""Declared lineage for what Python computes, which sqlglot cannot read.

A declared job maps each output column to the inputs it is computed from; an input is
`relation.column`, or a bare relation when the value depends only on its rows (a constant
per row). Two kinds:

- a *replacement* computes a relation no SQL model computes (`artist_map`,
  `silver.entity_xref`); it is used only while no SQL file computes the same relation;
- an *augmentation* (`augments=True`) adds columns to a relation a SQL model computes,
  the way the venues job adds `coords_plausible` to `stg_venues` before `silver.venues`
  reads it; its edges join the model's.

These mirror `greenroom/pipeline/jobs/` (the entity-resolution jobs). A pipeline change
that adds or reshapes a Python-computed relation updates this list; `derive` reports a
model without SQL and without a declaration, and a column no declaration explains
degrades to table-level lineage (`precise=False`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from greenroom.governance.lineage.records import (
    Edge,
    Job,
    JobLineage,
    Subtype,
    sorted_edges,
    split_ref,
)

JOBS_MODULE = "greenroom.pipeline.jobs"


@dataclass(frozen=True)
class DeclaredJob:
    name: str
    target: str
    transformation: str
    """Where the code lives, `module:function`."""
    materialized: Literal["ephemeral", "table"]
    columns: Mapping[str, tuple[str, ...]]
    identity: frozenset[str] = field(default_factory=frozenset)
    """Output columns copied unchanged from their single input."""
    augments: bool = False

    @property
    def job(self) -> Job:
        return Job(self.name, self.target, "python", self.materialized, self.transformation)

    def lineage(self) -> JobLineage:
        edges: set[Edge] = set()
        for column, inputs in self.columns.items():
            subtype: Subtype = "IDENTITY" if column in self.identity else "TRANSFORMATION"
            for ref in inputs:
                table, source_column = split_ref(ref)
                if table != self.target:
                    edges.add(Edge(self.target, None, table, None, self.transformation))
                edges.add(
                    Edge(
                        self.target,
                        column,
                        table,
                        source_column,
                        self.transformation,
                        subtype=subtype if source_column else None,
                    )
                )
        return JobLineage(self.job, tuple(self.columns), sorted_edges(edges))


RESOLUTION_FEATURES: Mapping[str, tuple[str, ...]] = {
    "artist": (
        "source",
        "source_record_id",
        "name",
        "genres",
        "country",
        "formation_date",
        "popularity",
    ),
    "venue": (
        "source",
        "source_record_id",
        "name",
        "city",
        "country",
        "latitude",
        "longitude",
        "capacity",
    ),
}
"""The columns Splink compares (`greenroom.pipeline.resolution.COLUMNS`; a test keeps them equal)."""


def _resolution(entity: str) -> tuple[DeclaredJob, DeclaredJob]:
    """`<entity>_map` (record → canonical id, repaired name, name key) and
    `<entity>_names` (one display name per entity), from `jobs/_resolve.py`."""
    records, code = f"stg_{entity}s", f"{JOBS_MODULE}._resolve:resolve_records"
    entity_map = DeclaredJob(
        name=f"{entity}_map",
        target=f"{entity}_map",
        transformation=code,
        materialized="ephemeral",
        columns={
            "source": (f"{records}.source",),
            "source_record_id": (f"{records}.source_record_id",),
            f"{entity}_id": tuple(f"{records}.{c}" for c in RESOLUTION_FEATURES[entity]),
            "name": (f"{records}.name",),
            "match_key": (f"{records}.name",),
        },
        identity=frozenset({"source", "source_record_id"}),
    )
    names = DeclaredJob(
        name=f"{entity}_names",
        target=f"{entity}_names",
        transformation=code,
        materialized="ephemeral",
        columns={
            "entity_id": (f"{entity}_map.{entity}_id",),
            "name": (f"{entity}_map.name", f"{entity}_map.source"),
        },
        identity=frozenset({"entity_id"}),
    )
    return entity_map, names


def _sales_lookups() -> tuple[DeclaredJob, ...]:
    """What the ticket_sales job registers for stg_sales (`jobs/ticket_sales.py`,
    `jobs/_sales_inputs.py`): the batches to read, sales placed before, lost references."""
    code = f"{JOBS_MODULE}.ticket_sales:run"
    lost = (
        "quarantine.promoter_concerts",
        "quarantine.ticketmaster_events",
        "quarantine.crm_customers",
    )
    return (
        DeclaredJob(
            name="sales_batches",
            target="sales_batches",
            transformation=code,
            materialized="ephemeral",
            columns={"batch_id": ("ops.ingestion_batches.batch_id",)},
            identity=frozenset({"batch_id"}),
        ),
        DeclaredJob(
            name="seen_sales",
            target="seen_sales",
            transformation=code,
            materialized="ephemeral",
            columns={"sale_id": ("silver.ticket_sales.sale_id", "ops.silver_rejects.entity_id")},
            identity=frozenset({"sale_id"}),
        ),
        DeclaredJob(
            name="unmatched_refs",
            target="unmatched_refs",
            transformation=f"{JOBS_MODULE}._sales_inputs:register_unmatched",
            materialized="ephemeral",
            columns={
                "source": (*lost, "ops.silver_rejects.source"),
                "source_record_id": (
                    *(f"{q}.source_record_id" for q in lost),
                    "ops.silver_rejects.source_record_id",
                ),
                "reason": (*lost, "ops.silver_rejects"),
            },
            identity=frozenset({"source_record_id"}),
        ),
    )


_XREF_SOURCES = (
    ("artist_map", "artist_id"),
    ("venue_map", "venue_id"),
    ("stg_concerts", "concert_id"),
    ("stg_customers", "customer_id"),
)

DECLARED: tuple[DeclaredJob, ...] = (
    *_resolution("artist"),
    *_resolution("venue"),
    DeclaredJob(
        name="venue_coordinates",
        target="stg_venues",
        transformation=f"{JOBS_MODULE}.venues:run",
        materialized="ephemeral",
        columns={
            "coords_plausible": (
                "stg_venues.city",
                "stg_venues.country",
                "stg_venues.latitude",
                "stg_venues.longitude",
                "ref_cities.latitude",
                "ref_cities.longitude",
            )
        },
        augments=True,
    ),
    DeclaredJob(
        name="concert_artist_keys",
        target="concert_artist_keys",
        transformation=f"{JOBS_MODULE}._concerts:stage_concerts",
        materialized="ephemeral",
        columns={
            "name": ("bronze.promoter_concerts.artist", "bronze.ticketmaster_events._embedded"),
            "match_key": (
                "bronze.promoter_concerts.artist",
                "bronze.ticketmaster_events._embedded",
            ),
        },
    ),
    *_sales_lookups(),
    DeclaredJob(
        name="entity_xref",
        target="silver.entity_xref",
        transformation=f"{JOBS_MODULE}._tables:write_xref",
        materialized="table",
        columns={
            "entity_type": tuple(rel for rel, _ in _XREF_SOURCES),
            "entity_id": tuple(f"{rel}.{col}" for rel, col in _XREF_SOURCES),
            "source": tuple(f"{rel}.source" for rel, _ in _XREF_SOURCES),
            "source_record_id": tuple(f"{rel}.source_record_id" for rel, _ in _XREF_SOURCES),
            "name": ("artist_map.name", "venue_map.name"),
            "match_key": ("artist_map.match_key", "venue_map.match_key"),
        },
        identity=frozenset({"entity_id", "source", "source_record_id", "name", "match_key"}),
    ),
)

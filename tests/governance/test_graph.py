"""Chasing edges back: through produced relations, around cycles, and which jobs a run covers."""

from __future__ import annotations

from typing import Literal

from greenroom.governance.lineage.graph import LineageGraph, Origin, only_ephemeral
from greenroom.governance.lineage.records import Edge, Job, JobLineage
from greenroom.governance.lineage.select import select

M = "m.sql"


def test_resolve_follows_produced_relations_back_to_their_sources() -> None:
    graph = LineageGraph(
        [
            Edge("silver.t", "x", "stg", "y", M, subtype="IDENTITY"),
            Edge("stg", "y", "bronze.f", "a", M, subtype="TRANSFORMATION"),
            Edge("stg", "y", "ref_fx_rates", "usd_per_unit", M, subtype="IDENTITY"),
        ],
        {},
    )
    assert graph.resolve("silver.t", "x") == {
        ("bronze.f", "a"): Origin("TRANSFORMATION", True),
        ("ref_fx_rates", "usd_per_unit"): Origin("IDENTITY", True),
    }


def test_imprecision_carries_through_and_rows_have_no_subtype() -> None:
    graph = LineageGraph(
        [
            Edge("gold.g", "n", "silver.t", None, M),
            Edge("silver.t", None, "bronze.f", None, M),
            Edge("gold.g", "m", "stg", None, M, precise=False),
            Edge("stg", None, "bronze.h", None, M),
        ],
        {},
    )
    assert graph.resolve("gold.g", "n") == {("bronze.f", None): Origin(None, True)}
    assert graph.resolve("gold.g", "m") == {("bronze.h", None): Origin(None, False)}


def test_a_table_two_jobs_write_and_read_does_not_loop() -> None:
    # The crosswalk's concert rows come from stg_concerts, which reads its venue rows.
    graph = LineageGraph(
        [
            Edge("silver.xref", "entity_id", "venue_map", "venue_id", M),
            Edge("silver.xref", "entity_id", "stg_concerts", "concert_id", M),
            Edge("stg_concerts", "concert_id", "silver.xref", "entity_id", M),
            Edge("stg_concerts", "concert_id", "bronze.promoter", "date", M),
            Edge("venue_map", "venue_id", "bronze.registry", "name", M),
        ],
        {},
    )
    assert set(graph.resolve("silver.xref", "entity_id")) == {
        ("bronze.promoter", "date"),
        ("bronze.registry", "name"),
    }
    assert set(graph.resolve("stg_concerts", "concert_id")) == {
        ("bronze.promoter", "date"),
        ("bronze.registry", "name"),
    }


def test_the_openlineage_view_stops_at_lake_tables() -> None:
    graph = LineageGraph(
        [
            Edge("gold.g", "x", "stg", "y", M),
            Edge("stg", "y", "silver.t", "z", M),
            Edge("silver.t", "z", "bronze.f", "a", M),
        ],
        {},
    )
    assert set(graph.resolve("gold.g", "x", only_ephemeral)) == {("silver.t", "z")}


def _job(
    target: str, materialized: Literal["ephemeral", "table"], reads: tuple[str, ...]
) -> JobLineage:
    job = Job(target, target, "sql", materialized, M)
    return JobLineage(job, ("c",), tuple(Edge(target, None, r, None, M) for r in reads))


JOBS = [
    _job("stg_a", "ephemeral", ("bronze.a",)),
    _job("stg_b", "ephemeral", ("stg_a",)),
    _job("silver.b", "table", ("stg_b", "silver.c")),
    _job("silver.c", "table", ("bronze.c",)),
]


def test_a_run_covers_its_jobs_and_the_staging_models_they_read() -> None:
    chosen, unknown = select(JOBS, ["silver.b"])
    assert [j.job.name for j in chosen] == ["stg_a", "stg_b", "silver.b"]
    assert unknown == []


def test_names_nothing_matches_are_reported() -> None:
    chosen, unknown = select(JOBS, ["silver.c", "nothing_here"])
    assert [j.job.name for j in chosen] == ["silver.c"]
    assert unknown == ["nothing_here"]


def test_no_names_means_every_job() -> None:
    chosen, unknown = select(JOBS, None)
    assert chosen == JOBS and unknown == []

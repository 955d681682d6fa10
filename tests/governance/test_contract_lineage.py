"""The lineage of the pipeline itself: every CONTRACT.md column resolves to bronze (or to
reference data), known paths are exact, and lineage keeps up with the pipeline's jobs."""

from __future__ import annotations

import pytest

from greenroom.governance.lineage.derive import Derived
from greenroom.governance.lineage.graph import LineageGraph, only_ephemeral
from greenroom.governance.lineage.records import relation_kind
from tests.pipeline.test_contract import CONTRACT

pytestmark = pytest.mark.slow

CONTRACT_COLUMNS = [(table, column) for table, columns in CONTRACT.items() for column in columns]


def _leaves(graph: LineageGraph, table: str, column: str) -> set[tuple[str, str | None]]:
    return set(graph.resolve(table, column))


@pytest.mark.parametrize(("table", "column"), CONTRACT_COLUMNS, ids=lambda v: str(v))
def test_every_contract_column_resolves_to_bronze_or_reference_data(
    graph: LineageGraph, table: str, column: str
) -> None:
    assert column in graph.columns(table)
    leaves = _leaves(graph, table, column)
    kinds = {relation_kind(relation) for relation, _ in leaves}
    assert kinds & {"bronze", "reference"}, leaves
    # Nothing ends in a relation only Python computes and nobody declared: every leaf is
    # bronze, reference data, or a lake table no traced job writes (ops, quarantine).
    undeclared = {leaf for leaf in leaves if relation_kind(leaf[0]) == "ephemeral"}
    assert not undeclared


@pytest.mark.parametrize(("table", "column"), CONTRACT_COLUMNS, ids=lambda v: str(v))
def test_contract_columns_are_traced_precisely(
    graph: LineageGraph, table: str, column: str
) -> None:
    imprecise = {leaf for leaf, o in graph.resolve(table, column).items() if not o.precise}
    assert not imprecise


def test_unit_price_comes_from_the_three_sale_feeds_and_the_exchange_rate(
    graph: LineageGraph,
) -> None:
    assert _leaves(graph, "silver.ticket_sales", "unit_price") == {
        ("bronze.box_office_sales", "unit_price"),
        ("bronze.online_orders", "unit_price"),
        ("bronze.stream_sales", "unit_price"),
        ("ref_fx_rates", "usd_per_unit"),
    }


def test_one_step_back_from_unit_price_is_the_staging_model(graph: LineageGraph) -> None:
    (edge,) = graph.upstream("silver.ticket_sales", "unit_price")
    assert (edge.source_table, edge.source_column) == ("stg_sales", "unit_price")
    assert edge.transformation == "greenroom/pipeline/models/silver/ticket_sales.sql"
    assert edge.subtype == "IDENTITY"


def test_revenue_sums_quantity_times_price_of_every_sale_feed(graph: LineageGraph) -> None:
    leaves = graph.resolve("silver.concerts", "revenue")
    for feed, quantity in (
        ("box_office_sales", "qty"),
        ("online_orders", "quantity"),
        ("stream_sales", "quantity"),
    ):
        for source in ((f"bronze.{feed}", quantity), (f"bronze.{feed}", "unit_price")):
            assert leaves[source].subtype == "AGGREGATION"
            assert leaves[source].precise


def test_personal_data_keeps_to_its_source_columns(graph: LineageGraph) -> None:
    assert _leaves(graph, "silver.customers", "email") == {("bronze.crm_customers", "email")}
    assert _leaves(graph, "silver.customers", "full_name") == {
        ("bronze.crm_customers", "first_name"),
        ("bronze.crm_customers", "last_name"),
    }


def test_a_constant_column_depends_on_the_rows_of_its_feeds(graph: LineageGraph) -> None:
    assert _leaves(graph, "silver.ticket_sales", "channel") == {
        ("bronze.box_office_sales", None),
        ("bronze.online_orders", None),
        ("bronze.stream_sales", None),
    }


def test_openlineage_view_stops_at_lake_tables(graph: LineageGraph) -> None:
    leaves = set(graph.resolve("gold.venue_popularity", "revenue_per_event", only_ephemeral))
    assert leaves == {("silver.concerts", "revenue"), ("silver.concerts", "status")}


def test_the_pipeline_traces_without_warnings(derived: Derived) -> None:
    assert derived.warnings == ()


def test_every_silver_and_gold_table_a_pipeline_job_writes_has_lineage(
    derived: Derived,
) -> None:
    from greenroom.pipeline.jobs import JOBS

    written = {t for job in JOBS for t in job.outputs if t.split(".")[0] in ("silver", "gold")}
    produced = {j.job.target for j in derived.jobs}
    assert written <= produced, written - produced


def test_relations_python_computes_are_declared(derived: Derived) -> None:
    """What a SQL model reads that no model and no declaration computes has no lineage."""
    produced = {j.job.target for j in derived.jobs}
    read = {e.source_table for j in derived.jobs for e in j.edges}
    unexplained = {r for r in read if relation_kind(r) == "ephemeral" and r not in produced}
    assert not unexplained

"""`ops.lineage_edges`: what a run records, what is current, and lineage recorded by hand."""

from __future__ import annotations

import pyarrow.compute as pc
import pytest

from greenroom.governance.lineage import LineageError, record_lineage, track_data_lineage
from greenroom.governance.lineage.records import split_ref
from greenroom.governance.lineage.store import TABLE, read_current, read_target
from greenroom.lake import Lakehouse

pytestmark = pytest.mark.slow


def test_a_run_appends_its_edges_under_its_run_id(lake: Lakehouse) -> None:
    result = record_lineage(lake, "run-1")
    stored = lake.read(TABLE)
    assert stored.num_rows == len(result.edges) > 100
    assert set(stored["run_id"].to_pylist()) == {"run-1"}
    rows = stored.filter(
        pc.and_(
            pc.equal(stored["target_table"], "silver.ticket_sales"),
            pc.equal(stored["target_column"], "unit_price"),
        )
    ).to_pylist()
    assert [(r["source_table"], r["source_column"], r["precise"], r["subtype"]) for r in rows] == [
        ("stg_sales", "unit_price", True, "IDENTITY")
    ]
    assert rows[0]["transformation"] == "greenroom/pipeline/models/silver/ticket_sales.sql"
    assert "silver.ticket_sales" in result.jobs and "stg_sales" in result.jobs


def test_table_edges_have_no_columns(lake: Lakehouse) -> None:
    record_lineage(lake, "run-1", ["silver.customers"])
    edges = read_target(lake, "silver.customers")
    table_edges = {e.source_table for e in edges if e.is_table_edge}
    assert table_edges == {"stg_customers"}
    assert all(e.source_column is None for e in edges if e.is_table_edge)


def test_the_latest_recording_of_each_relation_is_current(lake: Lakehouse) -> None:
    assert read_current(lake) is None
    record_lineage(lake, "run-1")
    record_lineage(lake, "run-2", ["silver.customers"])
    stored = lake.read(TABLE, columns=["run_id", "target_table"]).to_pylist()
    runs = {(r["target_table"], r["run_id"]) for r in stored}
    assert ("silver.customers", "run-2") in runs and ("silver.customers", "run-1") in runs
    current = read_current(lake)
    assert current is not None
    by_target = {e.target_table for e in current}
    assert {"silver.customers", "silver.venues", "stg_customers"} <= by_target
    # each relation's edges come from one recording only: run-2's for silver.customers
    recorded = sum(
        1 for r in stored if r == {"run_id": "run-2", "target_table": "silver.customers"}
    )
    assert len([e for e in current if e.target_table == "silver.customers"]) == recorded
    assert len([e for e in current if e.target_table == "silver.venues"]) == sum(
        1 for r in stored if r == {"run_id": "run-1", "target_table": "silver.venues"}
    )


def test_run_names_no_job_matches_become_warnings(lake: Lakehouse) -> None:
    result = record_lineage(lake, "run-1", ["silver.customers", "no_such_job"])
    assert result.jobs == ("stg_customers", "silver.customers")
    assert any("`no_such_job`" in w for w in result.warnings)


def test_lineage_recorded_by_hand_joins_the_targets_lineage(lake: Lakehouse) -> None:
    first = track_data_lineage(
        "silver.customers.email", "gold.mailing_list.email", "notebooks/mailing.py", lake=lake
    )
    track_data_lineage(
        "silver.customers.full_name",
        "gold.mailing_list.greeting",
        "notebooks/mailing.py",
        lake=lake,
    )
    edges = read_target(lake, "gold.mailing_list")
    columns = {(e.target_column, e.source_table, e.source_column) for e in edges}
    assert columns == {
        (None, "silver.customers", None),
        ("email", "silver.customers", "email"),
        ("greeting", "silver.customers", "full_name"),
    }
    assert first.run_id.startswith("manual-")


def test_a_column_cannot_come_from_nothing_but_a_table(lake: Lakehouse) -> None:
    with pytest.raises(LineageError, match="name the target column too"):
        track_data_lineage("silver.customers.email", "gold.mailing_list", "x.py", lake=lake)


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("silver.concerts.revenue", ("silver.concerts", "revenue")),
        ("Silver.Concerts", ("silver.concerts", None)),
        ("stg_sales.unit_price", ("stg_sales", "unit_price")),
        ("params", ("params", None)),
    ],
)
def test_references_split_into_relation_and_column(
    ref: str, expected: tuple[str, str | None]
) -> None:
    assert split_ref(ref) == expected


@pytest.mark.parametrize("ref", ["silver.concerts.revenue.x", "silver..revenue", "a.b.c"])
def test_malformed_references_say_how_to_write_them(ref: str) -> None:
    with pytest.raises(LineageError, match=r"`ns\.table\.column`"):
        split_ref(ref)

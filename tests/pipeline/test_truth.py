"""Scored against the synthetic ground truth: a clean world rebuilds the true totals exactly."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from greenroom.lake import Lakehouse
from tests.conftest import BuiltWorld

pytestmark = pytest.mark.slow


def _silver_totals_by_true_concert(world: BuiltWorld) -> dict[str, tuple[int, float]]:
    with Lakehouse.open(world.settings).session() as session:
        session.register(
            "truth_entities", pq.read_table(world.world / "truth" / "entities.parquet")
        )
        rows = session.sql(
            """
            WITH concert_truth AS (
                SELECT DISTINCT x.entity_id AS concert_id, t.true_entity_id
                FROM silver.entity_xref x
                JOIN truth_entities t
                  ON t.entity_type = 'concert' AND t.source = x.source
                 AND t.source_record_id = x.source_record_id
                WHERE x.entity_type = 'concert'
            )
            SELECT ct.true_entity_id, ct.concert_id,
                   coalesce(sum(s.quantity), 0) AS tickets,
                   coalesce(sum(s.quantity * s.unit_price), 0) AS revenue
            FROM concert_truth ct LEFT JOIN silver.ticket_sales s USING (concert_id)
            GROUP BY 1, 2
            """
        ).to_pylist()
    by_truth: dict[str, tuple[int, float]] = {}
    for row in rows:
        assert row["true_entity_id"] not in by_truth, "one true concert became two silver concerts"
        by_truth[row["true_entity_id"]] = (row["tickets"], row["revenue"])
    return by_truth


def test_clean_world_silver_totals_equal_truth(clean_world: BuiltWorld) -> None:
    truth = pq.read_table(clean_world.world / "truth" / "totals.parquet").to_pylist()
    silver = _silver_totals_by_true_concert(clean_world)
    assert len(silver) == len(truth)
    for row in truth:
        tickets, revenue = silver[row["true_concert_id"]]
        assert tickets == row["tickets_sold"], row["true_concert_id"]
        assert revenue == pytest.approx(row["revenue_usd"], abs=0.005), row["true_concert_id"]


def test_clean_world_resolves_one_silver_entity_per_true_entity(clean_world: BuiltWorld) -> None:
    with Lakehouse.open(clean_world.settings).session() as session:
        session.register(
            "truth_entities", pq.read_table(clean_world.world / "truth" / "entities.parquet")
        )
        mismatches = session.sql(
            """
            SELECT x.entity_type, count(DISTINCT x.entity_id) AS silver_ids,
                   count(DISTINCT t.true_entity_id) AS true_ids
            FROM silver.entity_xref x
            JOIN truth_entities t
              ON t.source = x.source AND t.source_record_id = x.source_record_id
            GROUP BY 1
            HAVING count(DISTINCT x.entity_id) <> count(DISTINCT t.true_entity_id)
            """
        ).to_pylist()
    assert mismatches == []


def test_ids_are_stable_across_rebuilds(clean_world: BuiltWorld) -> None:
    from greenroom.pipeline import run_pipeline

    lake = Lakehouse.open(clean_world.settings)
    before = lake.read("silver.entity_xref").sort_by(
        [("source", "ascending"), ("source_record_id", "ascending")]
    )
    assert run_pipeline(lake, clean_world.settings, full=True).ok
    after = lake.read("silver.entity_xref").sort_by(
        [("source", "ascending"), ("source_record_id", "ascending")]
    )
    assert before.equals(after)

"""The whole pipeline once at demo scale: entity resolution scored against the truth through
silver.entity_xref, and the sales accounted for. The demo-scale lake is built once per session (`demo_world` in tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from greenroom.config import Settings
from greenroom.lake import Lakehouse
from greenroom.pipeline.resolution import pairwise_scores
from tests.conftest import BuiltWorld

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(demo_world: BuiltWorld) -> tuple[Settings, Path]:
    return demo_world.settings, demo_world.world


def _strings(table: pa.Table) -> pa.Table:
    return table.cast(pa.schema([f.with_type(pa.string()) for f in table.schema]))


@pytest.mark.parametrize("entity", ["artist", "venue"])
def test_entity_resolution_scores_at_least_097_against_the_truth(
    demo: tuple[Settings, Path], entity: str
) -> None:
    settings, world = demo
    xref = Lakehouse.open(settings).read(
        "silver.entity_xref",
        where=f"entity_type = '{entity}'",
        columns=["source", "source_record_id", "entity_id"],
    )
    truth = pq.read_table(world / "truth" / "entities.parquet")
    truth = truth.filter(pc.equal(truth["entity_type"], entity))
    precision, recall, _ = pairwise_scores(_strings(xref), truth)
    assert xref.num_rows > 200
    assert precision >= 0.97, (entity, precision, recall)
    assert recall >= 0.97, (entity, precision, recall)


def test_the_resolution_evidence_explains_every_merge(demo: tuple[Settings, Path]) -> None:
    settings, _ = demo
    with Lakehouse.open(settings).session() as session:
        unexplained = session.sql(
            """
            WITH merged AS (
                SELECT entity_type, entity_id FROM silver.entity_xref
                WHERE entity_type IN ('artist', 'venue')
                GROUP BY 1, 2 HAVING count(*) > 1
            ),
            explained AS (
                SELECT DISTINCT x.entity_type, x.entity_id
                FROM ops.entity_match_pairs p
                JOIN silver.entity_xref x
                  ON x.entity_type = p.entity_type AND x.source = p.left_source
                 AND x.source_record_id = p.left_record_id
                WHERE p.linked
            )
            SELECT count(*) AS n FROM merged ANTI JOIN explained USING (entity_type, entity_id)
            """
        ).to_pylist()
        models = session.sql(
            "SELECT entity_type, trained FROM ops.entity_resolution_models ORDER BY 1"
        ).to_pylist()
    assert unexplained == [{"n": 0}]
    assert models == [
        {"entity_type": "artist", "trained": True},
        {"entity_type": "venue", "trained": True},
    ]


def test_no_sale_is_lost_at_demo_scale(demo: tuple[Settings, Path]) -> None:
    settings, _ = demo
    with Lakehouse.open(settings).session() as session:
        (row,) = session.sql(
            """
            SELECT
                (SELECT count(DISTINCT transaction_id) FROM bronze.box_office_sales)
              + (SELECT count(DISTINCT order_id) FROM bronze.online_orders)
              + (SELECT count(DISTINCT sale_id) FROM bronze.stream_sales) AS bronze_sales,
                (SELECT count(*) FROM silver.ticket_sales) AS silver,
                (SELECT count(*) FROM ops.silver_rejects WHERE entity_type = 'ticket_sale') AS rejects
            """
        ).to_pylist()
    assert row["bronze_sales"] == row["silver"] + row["rejects"]
    assert row["rejects"] < 0.05 * row["bronze_sales"]

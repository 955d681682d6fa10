"""The readiness scorecard, scored against what the lake records and the synthetic truth."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from greenroom.governance.session import GovernedSession, governed_session
from greenroom.lake import Lakehouse
from greenroom.quality.contract import load_contract
from greenroom.quality.readiness import (
    DIMENSIONS,
    LakeEmptyError,
    ReadinessReport,
    RecordNotFoundError,
    follow_record,
    merged_cluster,
    readiness_report,
)
from greenroom.quality.readiness.dimensions import (
    LINEAGE_COLUMNS,
    PERSONAL_DATA_NOTE,
    documentation,
)
from tests.conftest import BuiltWorld

Messy = tuple[Lakehouse, GovernedSession, ReadinessReport]


def test_an_empty_lake_says_to_run_the_demo(lake: Lakehouse) -> None:
    with governed_session(lake) as reader, pytest.raises(LakeEmptyError) as err:
        readiness_report(lake, reader)
    assert err.value.code == "readiness_lake_empty"
    assert "greenroom demo" in str(err.value) and "\n" not in str(err.value)


@pytest.fixture(scope="module")
def messy(messy_world: BuiltWorld) -> Iterator[Messy]:
    lake = Lakehouse.open(messy_world.settings)
    with governed_session(lake) as reader:
        yield lake, reader, readiness_report(lake, reader)


def _one(reader: GovernedSession, sql: str) -> Any:
    return reader.sql(sql).column(0)[0].as_py()


@pytest.mark.slow
def test_every_feed_and_refined_table_has_every_dimension(messy: Messy) -> None:
    _, _, report = messy
    names = {t.table for t in report.tables}
    assert {"bronze.box_office_sales", "silver.artists", "gold.sales_daily"} <= names
    for t in report.tables:
        assert [d.name for d in t.dimensions] == list(DIMENSIONS)
        for d in t.dimensions:
            assert d.score is None or 0.0 <= d.score <= 1.0, (t.table, d)
        personal = t.dimension("personal_data")
        assert personal.score is None and personal.note == PERSONAL_DATA_NOTE  # no scorer given
        scores = [d.score for d in t.dimensions if d.score is not None]
        assert t.overall == pytest.approx(sum(scores) / len(scores))
    out = report.to_dict()
    assert out["tables"][0]["dimensions"]["personal_data"]["score"] is None


@pytest.mark.slow
def test_validity_counts_equal_the_quarantine(messy: Messy) -> None:
    lake, reader, report = messy
    feeds = [t for t in report.tables if t.layer == "feed"]
    assert len(feeds) == 10
    for t in feeds:
        v = t.dimension("validity").evidence
        received, accepted = _batch_sums(reader, t.feed)
        assert (v["received"], v["accepted"]) == (received, accepted)
        assert v["quarantined"] == received - accepted
        q = f"quarantine.{t.feed}"
        rows = lake.read(q).num_rows if lake.exists(q) else 0
        assert v["quarantine_rows"] == rows == v["quarantined"], t.feed
        if rows:
            per_rule = _one(reader, f"SELECT count(*) FROM (SELECT unnest(reasons) FROM {q})")
            assert sum(v["by_rule"].values()) == per_rule
        assert t.dimension("validity").score == pytest.approx(accepted / received)


def _batch_sums(reader: GovernedSession, feed: str | None) -> tuple[int, int]:
    row = reader.sql(
        "SELECT sum(received) AS r, sum(accepted) AS a FROM ops.ingestion_batches WHERE feed = ?",
        [feed],
    ).to_pylist()[0]
    return int(row["r"]), int(row["a"])


@pytest.mark.slow
def test_completeness_counts_missing_required_values_as_received(messy: Messy) -> None:
    _, reader, report = messy
    t = report.table("box_office_sales")
    ev = t.dimension("completeness").evidence
    missing = _one(
        reader,
        "SELECT count(*) FROM quarantine.box_office_sales "
        "WHERE list_contains(reasons, 'box_office_sales.unit_price.required')",
    )
    assert ev["missing_by_property"]["unit_price"] == missing > 0


@pytest.mark.slow
def test_uniqueness_merges_match_entity_resolution_and_the_truth(
    messy: Messy, messy_world: BuiltWorld
) -> None:
    _, reader, report = messy
    truth = pq.read_table(Path(messy_world.world) / "truth" / "entities.parquet")
    for table, kind in (("silver.artists", "artist"), ("silver.venues", "venue")):
        ev = report.table(table).dimension("uniqueness").evidence
        records = _one(
            reader, f"SELECT count(*) FROM silver.entity_xref WHERE entity_type = '{kind}'"
        )
        entities = _one(reader, f"SELECT count(*) FROM silver.{kind}s")
        assert (ev["source_records"], ev["entities"]) == (records, entities)
        assert ev["records_merged_away"] == records - entities > 0
        mine = truth.filter(pc.equal(truth["entity_type"], kind))
        xref = reader.sql(
            "SELECT source, source_record_id FROM silver.entity_xref WHERE entity_type = ?", [kind]
        )
        true_ids = mine.join(xref, ["source", "source_record_id"], join_type="inner")
        true_merges = true_ids.num_rows - len(pc.unique(true_ids["true_entity_id"]))
        assert ev["records_merged_away"] == true_merges, table
    sales = report.table("silver.ticket_sales").dimension("uniqueness").evidence
    replays = reader.sql(
        "SELECT counts FROM ops.job_runs WHERE job = 'ticket_sales' AND status = 'succeeded'"
    ).to_pylist()
    assert sales["replays_dropped"] == dict(replays[0]["counts"])["replays"] > 0


@pytest.mark.slow
def test_consistency_counts_are_computed_from_bronze(messy: Messy) -> None:
    _, reader, report = messy
    ev = report.table("box_office_sales").dimension("consistency").evidence
    non_usd = _one(
        reader,
        "SELECT count(*) FROM bronze.box_office_sales "
        "WHERE upper(trim(currency)) NOT IN ('USD', '')",
    )
    assert ev["normalised"]["currency.to_usd"] == non_usd > 0
    assert report.table("spotify_artists").dimension("consistency").score is None


@pytest.mark.slow
def test_lineage_and_documentation_come_from_the_lake(messy: Messy, demo_world: BuiltWorld) -> None:
    _, _, untraced = messy  # built without the lineage listener: nothing to score
    assert untraced.table("silver.ticket_sales").dimension("lineage").score is None
    lake = Lakehouse.open(demo_world.settings)
    with governed_session(lake) as reader:
        report = readiness_report(lake, reader, stories=False)
        sales = report.table("silver.ticket_sales")
        traced = _one(
            reader,
            "SELECT count(DISTINCT target_column) FROM ops.lineage_edges "
            "WHERE target_table = 'silver.ticket_sales'",
        )
        lineage = sales.dimension("lineage")
        assert lineage.evidence["traced"] == traced
        assert lineage.score == pytest.approx(traced / lineage.evidence["columns"])
        freshness = _one(
            reader,
            "SELECT arg_max(value, measured_at) FROM ops.quality_metrics "
            "WHERE table_name = 'silver.ticket_sales' AND metric = 'freshness_hours'",
        )
    assert sales.dimension("timeliness").evidence["freshness_hours"] == freshness
    assert sales.dimension("documentation").score == 1.0


@pytest.mark.slow
def test_documentation_is_the_share_of_described_columns(messy: Messy) -> None:
    """Silver and gold: every column carries its declared Iceberg doc. A feed: its own
    columns (not the lineage ones) with a doc or a contract description, over all of them."""
    lake, _, report = messy
    for t in report.tables:
        doc = t.dimension("documentation")
        columns = lake.schema(t.table)
        if t.layer != "feed":
            assert doc.score == 1.0, t.table
            assert doc.evidence["documented"] == doc.evidence["columns"] == len(columns)
            continue
        contract = load_contract(t.feed or "")
        described = {p.name for p in contract.table.properties if p.description}
        own = [f for f in columns if f.name not in LINEAGE_COLUMNS]
        hits = [f for f in own if f.name in described or b"doc" in (f.metadata or {})]
        assert doc.score == pytest.approx(len(hits) / len(own)), t.table
        assert doc.evidence["columns"] == len(own) and doc.score == 1.0, t.table
    # Ticketmaster's `_embedded` is the feed's own field, not a lineage column
    events = report.table("ticketmaster_events").dimension("documentation")
    assert "_embedded" in events.evidence["documented_columns"]


def test_documentation_counts_only_described_columns() -> None:
    doc = documentation("bronze.x", ["a", "b", "c", "d"], {"a": "an a", "b": "", "c": "a c"})
    assert doc.score == 0.5
    assert doc.evidence == {"columns": 4, "documented": 2, "documented_columns": ["a", "c"]}


@pytest.mark.slow
def test_merged_cluster_shows_the_source_records_of_one_artist(messy: Messy) -> None:
    _, reader, report = messy
    cluster = report.cluster
    assert cluster is not None and cluster.entity_type == "artist"
    assert len(cluster.records) >= 2 and len({r.source for r in cluster.records}) >= 2
    members = reader.sql(
        "SELECT source, source_record_id FROM silver.entity_xref WHERE entity_id = ? ORDER BY ALL",
        [cluster.entity_id],
    ).to_pylist()
    assert [(r.source, r.source_record_id) for r in cluster.records] == [
        (m["source"], m["source_record_id"]) for m in members
    ]
    assert all(r.name for r in cluster.records)
    assert all(p.linked and 0 < p.match_probability <= 1 for p in cluster.pairs)
    venue = merged_cluster(reader, "venue")
    assert venue.entity_id.startswith("ven_") and len(venue.records) >= 2
    with pytest.raises(RecordNotFoundError):
        merged_cluster(reader, "artist", "art_nope")


@pytest.mark.slow
def test_followed_record_matches_raw_bronze_silver_and_gold(messy: Messy) -> None:
    lake, reader, _ = messy
    j = follow_record(lake, reader)
    assert j.silver["source_record_id"] in j.raw["line"]
    assert j.bronze["_batch_id"] == j.raw["batch_id"] == j.silver["batch_id"]
    assert j.bronze["_record_hash"]
    daily, check = j.gold["sales_daily"], j.gold["sales_daily_from_silver"]
    assert daily is not None
    for k in ("transactions", "tickets_sold", "revenue"):
        assert daily[k] == pytest.approx(check[k])
    assert daily["tickets_sold"] >= j.gold["contribution"]["tickets"]
    assert j.gold["artist_performance"]["artist_id"] == j.concert["artist_id"]
    assert j.gold["venue_popularity"]["venue_id"] == j.concert["venue_id"]
    assert j.to_dict()["sale_id"] == j.sale_id

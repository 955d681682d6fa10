"""Every feed parses, has its documented fields, and is fully described by the truth."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from greenroom.synth import Manifest
from tests.synth.readers import RECORD_ID, feed_paths, read_feed

FIELDS = {
    "musicbrainz_artists": {"id", "type", "sort-name", "country", "life-span", "tags"},
    "spotify_artists": {"id", "type", "uri", "genres", "popularity", "followers", "external_urls"},
    "venue_registry": {
        "registry_id",
        "venue_name",
        "street",
        "city",
        "region",
        "country",
        "latitude",
        "longitude",
        "capacity",
        "venue_type",
        "amenities",
        "opened",
    },
    "ticketmaster_venues": {
        "id",
        "type",
        "city",
        "state",
        "country",
        "location",
        "timezone",
        "generalInfo",
        "capacity",
    },
    "promoter_concerts": {"id", "status", "artist", "venue_ref", "date", "currency", "prices"},
    "ticketmaster_events": {"id", "name", "type", "dates", "priceRanges", "_embedded"},
    "crm_customers": {
        "customer_id",
        "first_name",
        "last_name",
        "email",
        "birth_date",
        "city",
        "country",
        "segment",
        "signup_date",
    },
    "box_office_sales": {
        "transaction_id",
        "event_ref",
        "tier",
        "qty",
        "unit_price",
        "currency",
        "purchased_at",
        "customer_ref",
        "customer_segment",
    },
    "online_orders": {"order_id", "currency", "ordered_at", "segment"},
    "stream_sales": {
        "event_id",
        "event_type",
        "sale_id",
        "tier",
        "currency",
        "occurred_at",
        "emitted_at",
        "partition_key",
    },
}


@pytest.mark.parametrize("feed", sorted(FIELDS))
def test_feed_parses_with_documented_fields(world: Path, feed: str) -> None:
    records = read_feed(world, feed)
    manifest = Manifest.read(world / "manifest.json")
    assert len(records) == manifest.counts[f"feed:{feed}"] > 0
    for rec in records:
        assert FIELDS[feed] <= set(rec), f"{feed} record lacks {FIELDS[feed] - set(rec)}"


def test_manifest_lists_exactly_the_source_files(world: Path) -> None:
    manifest = Manifest.read(world / "manifest.json")
    listed = {rel for files in manifest.files.values() for rel in files}
    on_disk = {
        str(p.relative_to(world / "sources")) for p in (world / "sources").rglob("*") if p.is_file()
    }
    assert listed == on_disk
    assert json.loads((world / "manifest.json").read_text())["today"] == "2026-06-30"


def test_every_source_record_has_its_true_entity(world: Path) -> None:
    ents = pq.read_table(world / "truth" / "entities.parquet")
    for feed, key in RECORD_ID.items():
        ids = {r[key] for r in read_feed(world, feed)}
        rows = ents.filter(pc.equal(ents["source"], feed))
        assert set(rows["source_record_id"].to_pylist()) == ids, feed
        assert rows.num_rows == len(ids)
    kinds = Counter(zip(ents["source"].to_pylist(), ents["entity_type"].to_pylist(), strict=True))
    assert kinds[("stream_sales", "ticket_sale")] > 0 and kinds[("crm_customers", "customer")] > 0
    sales = pq.read_table(world / "truth" / "sales.parquet")
    sale_rows = ents.filter(pc.equal(ents["entity_type"], "ticket_sale"))
    assert sorted(sale_rows["true_entity_id"].to_pylist()) == sorted(sales["sale_id"].to_pylist())


def test_defects_point_at_real_records(world: Path) -> None:
    defects = pq.read_table(world / "truth" / "defects.parquet").to_pylist()
    ids = {feed: {r[key] for r in read_feed(world, feed)} for feed, key in RECORD_ID.items()}
    assert {d["defect"] for d in defects} >= {
        "name_variant",
        "missing_required",
        "local_currency",
        "replayed_event",
    }
    for d in defects:
        assert d["source_record_id"] in ids[d["source"]], d
        assert d["rule"] and d["field"]


def test_totals_are_the_sums_of_true_sales(world: Path) -> None:
    sales = pq.read_table(world / "truth" / "sales.parquet")
    totals = pq.read_table(world / "truth" / "totals.parquet")
    concerts = pq.read_table(world / "truth" / "concerts.parquet")
    idx = np.asarray(pc.index_in(sales["concert_id"], totals["true_concert_id"]).to_numpy())
    qty = np.asarray(sales["quantity"].to_numpy())
    cents = np.round(np.asarray(sales["unit_price"].to_numpy()) * 100).astype(np.int64)
    assert np.array_equal(
        np.bincount(idx, weights=qty, minlength=totals.num_rows), totals["tickets_sold"].to_numpy()
    )
    revenue = np.bincount(idx, weights=qty * cents, minlength=totals.num_rows)
    assert np.array_equal(
        np.round(revenue), np.round(np.asarray(totals["revenue_usd"].to_numpy()) * 100)
    )
    assert (
        np.asarray(totals["tickets_sold"].to_numpy()) <= np.asarray(concerts["capacity"].to_numpy())
    ).all()


def test_sales_never_after_today_or_the_show(world: Path) -> None:
    sales = pq.read_table(world / "truth" / "sales.parquet")
    concerts = pq.read_table(world / "truth" / "concerts.parquet")
    idx = pc.index_in(sales["concert_id"], concerts["concert_id"])
    when = np.asarray(sales["purchase_timestamp"].cast("int64").to_numpy())
    show = np.asarray(concerts["event_date"].cast("int64").to_numpy())[np.asarray(idx.to_numpy())]
    on_sale = np.asarray(concerts["on_sale"].cast("int64").to_numpy())[np.asarray(idx.to_numpy())]
    today_ms = 1_782_777_600_000  # 2026-06-30T00:00:00Z
    assert (when < show).all() and (when < today_ms).all() and (when >= on_sale).all()
    assert set(np.asarray(sales["quantity"].to_numpy()).tolist()) <= set(range(1, 9))
    assert (np.asarray(sales["unit_price"].to_numpy()) > 0).all()


def test_stream_has_replays_and_disorder(world: Path) -> None:
    lines = feed_paths(world, "stream_sales")[0].read_text("utf-8").splitlines()
    counts = Counter(lines)
    assert any(c == 2 for c in counts.values()), "replayed events repeat a line exactly"
    events = [json.loads(x) for x in lines]
    occurred = [e["occurred_at"] for e in events]
    assert occurred != sorted(occurred), "some events arrive out of order"
    assert all(e["emitted_at"] >= e["occurred_at"] for e in events)
    assert all(e["partition_key"] in (e.get("event_ref"), e["sale_id"]) for e in events)

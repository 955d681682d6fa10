"""With ``clean=True`` the true totals can be rebuilt exactly from the sources, with exact keys."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pyarrow.parquet as pq

from tests.synth.readers import read_feed


def _cents(text: object) -> int:
    return round(float(str(text)) * 100)


def test_totals_rebuild_exactly_from_clean_sources(clean_world: Path) -> None:
    registry = {
        (r["venue_name"], r["city"]): r["registry_id"]
        for r in read_feed(clean_world, "venue_registry")
    }
    tm_venue = {
        v["id"]: registry[(v["name"], v["city"]["name"])]
        for v in read_feed(clean_world, "ticketmaster_venues")
    }
    promoter = read_feed(clean_world, "promoter_concerts")
    by_slot = {(c["venue_ref"], c["date"][:10]): c["id"] for c in promoter}
    assert len(by_slot) == len(promoter), "a venue hosts at most one concert a day"
    tm_event = {
        e["id"]: by_slot[
            (tm_venue[e["_embedded"]["venues"][0]["id"]], e["dates"]["start"]["localDate"])
        ]
        for e in read_feed(clean_world, "ticketmaster_events")
    }
    tickets: dict[str, int] = defaultdict(int)
    cents: dict[str, int] = defaultdict(int)
    seen: set[str] = set()
    same: dict[str, str] = {c["id"]: c["id"] for c in promoter}
    lookups: tuple[tuple[str, str, str, dict[str, str]], ...] = (
        ("box_office_sales", "event_ref", "qty", same),
        ("online_orders", "concert_ref", "quantity", same),
        ("stream_sales", "event_ref", "quantity", tm_event),
    )
    for feed, ref, qty, resolve in lookups:
        for sale in read_feed(clean_world, feed):
            key = sale.get("transaction_id") or sale.get("order_id") or sale["sale_id"]
            assert key not in seen
            seen.add(key)
            assert sale["currency"] == "USD"
            concert = resolve[sale[ref]]
            tickets[concert] += int(sale[qty])
            cents[concert] += int(sale[qty]) * _cents(sale["unit_price"])

    xref = {
        r["source_record_id"]: r["true_entity_id"]
        for r in pq.read_table(clean_world / "truth" / "entities.parquet").to_pylist()
        if r["source"] == "promoter_concerts"
    }
    totals = pq.read_table(clean_world / "truth" / "totals.parquet").to_pylist()
    rebuilt = {xref[prm]: (tickets[prm], cents[prm]) for prm in xref}
    for row in totals:
        assert rebuilt[row["true_concert_id"]] == (
            row["tickets_sold"],
            round(row["revenue_usd"] * 100),
        )
    assert sum(t for t, _ in rebuilt.values()) == sum(r["tickets_sold"] for r in totals) > 0

"""The source feeds greenroom knows: where each comes from, its format, and its record id.

A feed's name is used everywhere downstream: `raw/<feed>/…`, `bronze.<feed>`,
`quarantine.<feed>`, and the `source` column of the synthetic ground truth.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from greenroom.errors import UserError

Format = Literal["csv", "json", "ndjson", "xml"]
Entity = Literal["artist", "venue", "concert", "customer", "ticket_sale"]


@dataclass(frozen=True)
class Feed:
    name: str
    format: Format
    entity: Entity
    record_id: str
    """Column holding the record's id in its source (after key normalisation)."""
    record_path: tuple[str, ...] = ()
    """For JSON documents: the keys leading to the array of records."""
    description: str = ""


FEEDS: dict[str, Feed] = {
    feed.name: feed
    for feed in (
        Feed(
            "musicbrainz_artists", "json", "artist", "id", ("artists",), "MusicBrainz WS/2 artists"
        ),
        Feed("spotify_artists", "json", "artist", "id", ("artists",), "Spotify Web API artists"),
        Feed("venue_registry", "csv", "venue", "registry_id", (), "national venue registry export"),
        Feed(
            "ticketmaster_venues",
            "json",
            "venue",
            "id",
            ("_embedded", "venues"),
            "Ticketmaster Discovery venues",
        ),
        Feed("promoter_concerts", "xml", "concert", "id", (), "the promoter's concert XML feed"),
        Feed(
            "ticketmaster_events",
            "json",
            "concert",
            "id",
            ("_embedded", "events"),
            "Ticketmaster Discovery events",
        ),
        Feed("crm_customers", "csv", "customer", "customer_id", (), "CRM customer export"),
        Feed("box_office_sales", "csv", "ticket_sale", "transaction_id", (), "box-office exports"),
        Feed("online_orders", "ndjson", "ticket_sale", "order_id", (), "web-shop order exports"),
        Feed("stream_sales", "ndjson", "ticket_sale", "sale_id", (), "live Ticketmaster sales"),
    )
}


def get_feed(name: str) -> Feed:
    try:
        return FEEDS[name]
    except KeyError:
        known = ", ".join(sorted(FEEDS))
        raise UserError(f"unknown feed `{name}`; known feeds: {known}") from None


def ingest_order(names: list[str] | None = None) -> list[str]:
    """Feeds in an order where every feed comes after the feeds its contract references,
    so reference rules find the ids they check (venues before concerts before sales)."""
    from graphlib import TopologicalSorter

    from greenroom.quality.contract import load_contract

    wanted = sorted(names if names is not None else FEEDS)
    graph: dict[str, set[str]] = {}
    for name in wanted:
        refs = {
            p.references.partition(".")[0]
            for p in load_contract(name).table.properties
            if p.references
        }
        graph[name] = {r for r in refs if r in wanted}
    sorter = TopologicalSorter(graph)
    return list(sorter.static_order())

"""A small, independent reader of the synthetic source formats, as a consumer would write it.

Used by the tests to check the documented formats, and as the "contract" whose rejections
must match ``truth/defects.parquet`` exactly.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

Record = dict[str, Any]

TIMESTAMP_FORMATS = (
    "%Y-%m-%dT%H:%M:%SZ",
    "%Y-%m-%dT%H:%M:%S",
    "%d/%m/%Y %H:%M:%S",
    "%m/%d/%Y %I:%M:%S %p",
    "%Y-%m-%d %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%m/%d/%Y %I:%M %p",
    "%Y-%m-%d %H:%M",
)
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d %b %Y", "%Y/%m/%d")


def parse_timestamp(text: str | None) -> dt.datetime | None:
    """The documented timestamp formats; milliseconds (``.123Z``) are accepted too."""
    if not text:
        return None
    if len(text) == 24 and text.endswith("Z") and text[19] == ".":
        text = text[:19] + "Z"
    for fmt in TIMESTAMP_FORMATS:
        if ("AM" in text or "PM" in text) != ("%p" in fmt):
            continue
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def parse_date(text: str | None) -> dt.date | None:
    if not text:
        return None
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _csv(paths: list[Path]) -> list[Record]:
    rows: list[Record] = []
    for path in paths:
        with path.open(encoding="utf-8", newline="") as fh:
            rows.extend(csv.DictReader(fh))
    return rows


def _ndjson(paths: list[Path]) -> list[Record]:
    out: list[Record] = []
    for path in paths:
        with path.open(encoding="utf-8") as fh:
            out.extend(json.loads(line) for line in fh)
    return out


def _concerts_xml(path: Path) -> list[Record]:
    concerts = []
    for el in ET.parse(path).getroot().iter("concert"):
        artist, venue, date, prices = (el.find(t) for t in ("artist", "venue", "date", "prices"))
        assert prices is not None
        concerts.append(
            {
                "id": el.get("id"),
                "status": el.get("status"),
                "artist": None if artist is None else (artist.text or ""),
                "mbid": None if artist is None else artist.get("mbid"),
                "venue_ref": None if venue is None else venue.get("ref"),
                "venue": None if venue is None else venue.text,
                "date": None if date is None else (date.text or ""),
                "currency": prices.get("currency"),
                "prices": {t.get("name"): t.text for t in prices.iter("tier")},
            }
        )
    return concerts


def feed_paths(world: Path, feed: str) -> list[Path]:
    manifest = json.loads((world / "manifest.json").read_text())
    return [world / "sources" / rel for rel in manifest["files"][feed]]


def read_feed(world: Path, feed: str) -> list[Record]:
    paths = feed_paths(world, feed)
    if feed in ("musicbrainz_artists", "spotify_artists"):
        return list(json.loads(paths[0].read_text("utf-8"))["artists"])
    if feed in ("ticketmaster_venues", "ticketmaster_events"):
        key = "venues" if feed == "ticketmaster_venues" else "events"
        return list(json.loads(paths[0].read_text("utf-8"))["_embedded"][key])
    if feed == "promoter_concerts":
        return _concerts_xml(paths[0])
    if feed in ("venue_registry", "crm_customers", "box_office_sales"):
        return _csv(paths)
    return _ndjson(paths)


RECORD_ID = {
    "musicbrainz_artists": "id",
    "spotify_artists": "id",
    "venue_registry": "registry_id",
    "ticketmaster_venues": "id",
    "promoter_concerts": "id",
    "ticketmaster_events": "id",
    "crm_customers": "customer_id",
    "box_office_sales": "transaction_id",
    "online_orders": "order_id",
    "stream_sales": "sale_id",
}

SALE_FIELDS = {  # ref, tier, quantity, price, customer, time, referenced feed
    "box_office_sales": (
        "event_ref",
        "tier",
        "qty",
        "unit_price",
        "customer_ref",
        "purchased_at",
        "promoter_concerts",
    ),
    "online_orders": (
        "concert_ref",
        "tier",
        "quantity",
        "unit_price",
        "customer_id",
        "ordered_at",
        "promoter_concerts",
    ),
    "stream_sales": (
        "event_ref",
        "tier",
        "quantity",
        "unit_price",
        "customer_id",
        "occurred_at",
        "ticketmaster_events",
    ),
}


def money(text: Any) -> float | None:
    if text is None or text == "":
        return None
    return float(text)


def rejected(world: Path) -> set[tuple[str, str]]:
    """(feed, record id) of every record a strict contract rejects."""
    feeds = {f: read_feed(world, f) for f in RECORD_ID}
    ids = {f: {r[RECORD_ID[f]] for r in rows} for f, rows in feeds.items()}
    out: set[tuple[str, str]] = set()

    def bad(feed: str, rec: Record) -> None:
        out.add((feed, rec[RECORD_ID[feed]]))

    for feed in ("musicbrainz_artists", "spotify_artists", "ticketmaster_venues"):
        for r in feeds[feed]:
            if not r.get("name"):
                bad(feed, r)
    for r in feeds["venue_registry"]:
        if not r["venue_name"] or not r["city"] or not r["capacity"]:
            bad("venue_registry", r)
    for r in feeds["promoter_concerts"]:
        prices = [money(v) for v in r["prices"].values()]
        if (
            not r["artist"]
            or not r["venue_ref"]
            or parse_timestamp(r["date"]) is None
            or not prices
            or any(p is None or p <= 0 for p in prices)
            or r["venue_ref"] not in ids["venue_registry"]
        ):
            bad("promoter_concerts", r)
    for r in feeds["ticketmaster_events"]:
        venues = r["_embedded"].get("venues") or []
        if (
            not venues
            or not r["dates"]["start"].get("localDate")
            or venues[0]["id"] not in ids["ticketmaster_venues"]
        ):
            bad("ticketmaster_events", r)
    for r in feeds["crm_customers"]:
        if (
            not r["first_name"]
            or not r["last_name"]
            or not r["email"]
            or parse_date(r["signup_date"]) is None
            or parse_date(r["birth_date"]) is None
        ):
            bad("crm_customers", r)
    for feed, (ref, tier, qty, price, cust, when, target) in SALE_FIELDS.items():
        for r in feeds[feed]:
            amount = money(r.get(price))
            if (
                not r.get(ref)
                or not r.get(tier)
                or not r.get(qty)
                or amount is None
                or amount <= 0
                or not r.get(cust)
                or parse_timestamp(r.get(when)) is None
                or r[ref] not in ids[target]
                or r[cust] not in ids["crm_customers"]
            ):
                bad(feed, r)
    return out

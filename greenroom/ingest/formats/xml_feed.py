"""The promoter's concert XML feed, one row per `<concert>`, text as received."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa

from greenroom.ingest.exceptions import BadFileError

PRICE = pa.struct([("tier", pa.string()), ("price", pa.string())])
SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("status", pa.string()),
        ("artist", pa.string()),
        ("artist_mbid", pa.string()),
        ("venue", pa.string()),
        ("venue_ref", pa.string()),
        ("date", pa.string()),
        ("currency", pa.string()),
        ("prices", pa.list_(PRICE)),
    ]
)


def read_promoter_xml(path: Path, batch_rows: int = 250_000) -> Iterator[pa.Table]:
    cols: dict[str, list[object]] = {name: [] for name in SCHEMA.names}
    try:
        for _event, elem in ET.iterparse(path, events=("end",)):
            if elem.tag != "concert":
                continue
            artist, venue = elem.find("artist"), elem.find("venue")
            prices = elem.find("prices")
            cols["id"].append(elem.get("id") or None)
            cols["status"].append(elem.get("status") or None)
            cols["artist"].append(_text(artist))
            cols["artist_mbid"].append((artist.get("mbid") or None) if artist is not None else None)
            cols["venue"].append(_text(venue))
            cols["venue_ref"].append((venue.get("ref") or None) if venue is not None else None)
            cols["date"].append(_text(elem.find("date")))
            cols["currency"].append(prices.get("currency") if prices is not None else None)
            cols["prices"].append(
                [{"tier": t.get("name"), "price": _text(t)} for t in prices.iter("tier")]
                if prices is not None
                else []
            )
            elem.clear()
            if len(cols["id"]) >= batch_rows:
                yield pa.table(cols, schema=SCHEMA)
                cols = {name: [] for name in SCHEMA.names}
    except ET.ParseError as exc:
        raise BadFileError(
            f"`{path.name}` is not well-formed XML ({exc}); the file may be truncated"
        ) from None
    yield pa.table(cols, schema=SCHEMA)


def _text(elem: ET.Element | None) -> str | None:
    if elem is None or elem.text is None:
        return None
    return elem.text.strip() or None

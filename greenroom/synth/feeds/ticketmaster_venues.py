"""``ticketmaster_venues/venues.json``: a Ticketmaster Discovery venues page (~75% of venues)."""

from __future__ import annotations

from typing import Any

from greenroom.synth.feeds._names import named_records
from greenroom.synth.feeds.base import FeedContext, FeedResult, entities, result, write_json
from greenroom.synth.world import World

FEED = "ticketmaster_venues"
_RULES = {
    "club": "Standing only. 18+ unless stated. No re-entry.",
    "theater": "Seated and standing areas. No outside food or drink.",
    "arena": "Clear bag policy. No professional cameras. No re-entry.",
    "outdoor": "Open air: the show goes on rain or shine. No umbrellas on the field.",
}


def ticketmaster_venues(world: World, ctx: FeedContext) -> FeedResult:
    ven, ids, _names, _rng, _plan, log, shown, missing, styles = named_records(
        world.venues, "ticketmaster_id", FEED, ctx
    )
    n = len(ids)
    records: list[dict[str, Any]] = []
    cols = [
        "city",
        "region",
        "country",
        "country_name",
        "latitude",
        "longitude",
        "timezone",
        "capacity",
        "venue_type",
        "street",
    ]
    for i, row in enumerate(ven.select(cols).to_pylist()):
        rec: dict[str, Any] = {
            "id": ids[i],
            "name": shown[i],
            "type": "venue",
            "locale": "en-us",
            "city": {"name": row["city"]},
            "state": {"name": row["region"]},
            "country": {"countryCode": row["country"], "name": row["country_name"]},
            "address": {"line1": row["street"]},
            "location": {
                "longitude": f"{row['longitude']:.4f}",
                "latitude": f"{row['latitude']:.4f}",
            },
            "timezone": row["timezone"],
            "generalInfo": {"generalRule": _RULES[row["venue_type"]]},
            "capacity": row["capacity"],
        }
        if missing[i]:
            style = next(styles)
            if style == "absent":
                del rec["name"]
            else:
                rec["name"] = None if style == "null" else ""
        records.append(rec)
    path, rel = ctx.path(FEED, "venues.json")
    write_json(
        path,
        {
            "_embedded": {"venues": records},
            "page": {"size": n, "totalElements": n, "totalPages": 1, "number": 0},
        },
    )
    return result(
        FEED, [rel], n, entities("venue", FEED, ven["ticketmaster_id"], ven["venue_id"]), log
    )

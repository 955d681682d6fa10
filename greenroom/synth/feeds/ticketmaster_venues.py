"""``ticketmaster_venues/venues.json``: a Ticketmaster Discovery venues page (~75% of venues)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow.compute as pc

from greenroom.synth.defects.plan import DefectLog
from greenroom.synth.feeds._names import broken_names, missing_style, non_ascii
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
    ven = world.venues.filter(pc.is_valid(world.venues["ticketmaster_id"]))
    ven = ven.take(pc.sort_indices(ven["ticketmaster_id"]))
    ids: list[str] = ven["ticketmaster_id"].to_pylist()
    names: list[str] = ven["name"].to_pylist()
    n = len(ids)
    rng = ctx.rng(FEED)
    plan = ctx.plan(FEED, n, {"mojibake": non_ascii(names)})
    log = DefectLog(FEED)
    shown = broken_names(rng, plan, log, ids, names, "name")
    missing = plan.mask("missing_required")
    styles = iter(missing_style(rng, int(missing.sum())))
    log.add("missing_required", [ids[i] for i in np.flatnonzero(missing)], "name")
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

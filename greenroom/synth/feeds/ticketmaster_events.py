"""``ticketmaster_events/events.json``: Ticketmaster Discovery events (concerts at its venues)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from greenroom.synth import calendar, chars
from greenroom.synth.defects.plan import DefectLog
from greenroom.synth.defects.text import has_non_ascii, mojibake, name_variant
from greenroom.synth.feeds._amounts import unknown_ids
from greenroom.synth.feeds.base import FeedContext, FeedResult, entities, result, write_json
from greenroom.synth.world import World
from greenroom.synth.world.columns import np_col

FEED = "ticketmaster_events"
_STATUS = {"scheduled": "onsale", "completed": "offsale", "cancelled": "cancelled"}
_TIERS = ("GA", "reserved", "VIP")


def ticketmaster_events(world: World, ctx: FeedContext) -> FeedResult:
    con = world.concerts.filter(pc.is_valid(world.concerts["ticketmaster_event_id"]))
    n = con.num_rows
    ids: list[str] = con["ticketmaster_event_id"].to_pylist()
    art_idx, ven_idx = np_col(con, "_artist_idx"), np_col(con, "_venue_idx")
    names = world.artists["name"].take(art_idx).to_pylist()
    attraction = world.artists["ticketmaster_attraction_id"].take(art_idx).to_pylist()
    mbid = world.artists["musicbrainz_id"].take(art_idx).to_pylist()
    venue = world.venues["ticketmaster_id"].take(ven_idx).to_pylist()
    zone = world.venues["timezone"].take(ven_idx).to_pylist()
    rng = ctx.rng(FEED)
    plan = ctx.plan(FEED, n, {"mojibake": np.array([has_non_ascii(x) for x in names], dtype=bool)})
    log = DefectLog(FEED)

    shown = list(names)
    for kind in ("name_variant", "mojibake"):
        rows = np.flatnonzero(plan.mask(kind)).tolist()
        for i in rows:
            shown[i] = name_variant(names[i], rng) if kind == "name_variant" else mojibake(names[i])
        log.add(kind, [ids[i] for i in rows], "name", [f"{names[i]} -> {shown[i]}" for i in rows])
    missing = plan.mask("missing_required")
    gone = {i: ("venue", "date")[int(rng.integers(2))] for i in np.flatnonzero(missing).tolist()}
    log.add("missing_required", [ids[i] for i in gone], pa.array(list(gone.values()), pa.string()))
    unknown = np.flatnonzero(plan.mask("unknown_reference")).tolist()
    fake = unknown_ids(
        set(world.venues["ticketmaster_id"].drop_null().to_pylist()),
        lambda k: chars.to_strings(
            chars.hstack([chars.literal(k, "KovZpZA"), chars.tokens(rng, k, 5)])
        ).to_pylist(),
        len(unknown),
    )
    for j, i in enumerate(unknown):
        venue[i] = fake[j]
    log.add("unknown_reference", [ids[i] for i in unknown], "_embedded.venues[0].id", fake)

    local_ms = np_col(con, "_local_ms")
    local_date = chars.to_strings(calendar.date_text(local_ms // calendar.MS_PER_DAY)).to_pylist()
    local_time = [
        t[11:] for t in chars.to_strings(calendar.timestamp_text(local_ms, "iso_local")).to_pylist()
    ]
    utc = chars.to_strings(calendar.timestamp_text(np_col(con, "_event_ms"), "iso_z")).to_pylist()
    onsale = chars.to_strings(
        calendar.timestamp_text(np_col(con, "_onsale_ms"), "iso_z")
    ).to_pylist()
    cents = np.stack([np_col(con, "_ga_c"), np_col(con, "_res_c"), np_col(con, "_vip_c")], axis=1)
    status = con["status"].to_pylist()
    records: list[dict[str, Any]] = []
    for i in range(n):
        start: dict[str, Any] = {
            "localDate": local_date[i],
            "localTime": local_time[i],
            "dateTime": utc[i],
        }
        if gone.get(i) == "date":
            start = {"noSpecificTime": False}
        att: dict[str, Any] = {"id": attraction[i], "name": shown[i], "type": "attraction"}
        if mbid[i]:
            att["externalLinks"] = {"musicbrainz": [{"id": mbid[i]}]}
        embedded: dict[str, Any] = {
            "venues": [] if gone.get(i) == "venue" else [{"id": venue[i]}],
            "attractions": [att],
        }
        records.append(
            {
                "id": ids[i],
                "name": shown[i],
                "type": "event",
                "locale": "en-us",
                "dates": {
                    "start": start,
                    "timezone": zone[i],
                    "status": {"code": _STATUS[status[i]]},
                },
                "sales": {"public": {"startDateTime": onsale[i]}},
                "priceRanges": [
                    {
                        "type": _TIERS[t],
                        "currency": "USD",
                        "min": cents[i, t] / 100,
                        "max": cents[i, t] / 100,
                    }
                    for t in range(3)
                    if cents[i, t] >= 0
                ],
                "_embedded": embedded,
            }
        )
    path, rel = ctx.path(FEED, "events.json")
    write_json(
        path,
        {
            "_embedded": {"events": records},
            "page": {"size": n, "totalElements": n, "totalPages": 1, "number": 0},
        },
    )
    ents = entities("concert", FEED, con["ticketmaster_event_id"], con["concert_id"])
    return result(FEED, [rel], n, ents, log)

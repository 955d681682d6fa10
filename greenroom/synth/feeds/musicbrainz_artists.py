"""``musicbrainz_artists/artists.json``: a MusicBrainz-like artist search page."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow.compute as pc

from greenroom.synth.defects.plan import DefectLog
from greenroom.synth.feeds._names import broken_names, missing_style, non_ascii
from greenroom.synth.feeds.base import FeedContext, FeedResult, entities, result, write_json
from greenroom.synth.world import World

FEED = "musicbrainz_artists"


def _sort_name(name: str, kind: str) -> str:
    if name.startswith("The "):
        return f"{name[4:]}, The"
    if kind == "Person" and " " in name:
        first, last = name.split(" ", 1)
        return f"{last}, {first}"
    return name


def musicbrainz_artists(world: World, ctx: FeedContext) -> FeedResult:
    art = world.artists.filter(pc.is_valid(world.artists["musicbrainz_id"]))
    art = art.take(pc.sort_indices(art["musicbrainz_id"]))
    ids: list[str] = art["musicbrainz_id"].to_pylist()
    names: list[str] = art["name"].to_pylist()
    n = len(ids)
    rng = ctx.rng(FEED)
    plan = ctx.plan(FEED, n, {"mojibake": non_ascii(names)})
    log = DefectLog(FEED)
    shown = broken_names(rng, plan, log, ids, names, "name")
    missing = plan.mask("missing_required")
    styles = iter(missing_style(rng, int(missing.sum())))
    log.add("missing_required", [ids[i] for i in np.flatnonzero(missing)], "name")

    precision = rng.choice(3, size=n, p=[0.3, 0.2, 0.5])
    kinds = art["kind"].to_pylist()
    records: list[dict[str, Any]] = []
    for i, row in enumerate(
        art.select(["country", "formation_date", "genres", "members"]).to_pylist()
    ):
        begin = row["formation_date"].isoformat()[: (4, 7, 10)[precision[i]]]
        tags = [
            {"count": int(20 - 6 * j + rng.integers(0, 5)), "name": g}
            for j, g in enumerate(row["genres"])
        ]
        rec: dict[str, Any] = {
            "id": ids[i],
            "type": kinds[i],
            "name": shown[i],
            "sort-name": _sort_name(names[i], kinds[i]),
            "country": row["country"],
            "life-span": {"begin": begin, "ended": False},
            "tags": tags,
        }
        if kinds[i] == "Group":
            rec["relations"] = [
                {"type": "member of band", "direction": "backward", "artist": {"name": m}}
                for m in row["members"]
            ]
        if missing[i]:
            style = next(styles)
            if style == "absent":
                del rec["name"]
            else:
                rec["name"] = None if style == "null" else ""
        records.append(rec)
    path, rel = ctx.path(FEED, "artists.json")
    write_json(
        path,
        {
            "created": f"{ctx.today.isoformat()}T00:00:00.000Z",
            "count": n,
            "offset": 0,
            "artists": records,
        },
    )
    ents = entities("artist", FEED, art["musicbrainz_id"], art["artist_id"])
    return result(FEED, [rel], n, ents, log)

"""``musicbrainz_artists/artists.json``: a MusicBrainz-like artist search page."""

from __future__ import annotations

from typing import Any

from greenroom.synth.feeds._names import named_records
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
    art, ids, names, rng, _plan, log, shown, missing, styles = named_records(
        world.artists, "musicbrainz_id", FEED, ctx
    )
    n = len(ids)

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

"""``spotify_artists/artists.json``: a Spotify-like "several artists" response."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow.compute as pc

from greenroom.synth.defects.plan import DefectLog
from greenroom.synth.feeds._names import broken_names, missing_style, non_ascii
from greenroom.synth.feeds.base import FeedContext, FeedResult, entities, result, write_json
from greenroom.synth.world import World

FEED = "spotify_artists"


def spotify_artists(world: World, ctx: FeedContext) -> FeedResult:
    art = world.artists.filter(pc.is_valid(world.artists["spotify_id"]))
    art = art.take(pc.sort_indices(art["spotify_id"]))
    ids: list[str] = art["spotify_id"].to_pylist()
    names: list[str] = art["name"].to_pylist()
    n = len(ids)
    rng = ctx.rng(FEED)
    plan = ctx.plan(FEED, n, {"mojibake": non_ascii(names)})
    log = DefectLog(FEED)
    shown = broken_names(rng, plan, log, ids, names, "name")
    missing = plan.mask("missing_required")
    styles = iter(missing_style(rng, int(missing.sum())))
    log.add("missing_required", [ids[i] for i in np.flatnonzero(missing)], "name")
    latent = np.asarray(art["popularity"].to_numpy())
    popularity = np.clip(np.round(latent + rng.normal(0, 3, n)), 0, 100).astype(int).tolist()
    followers = art["spotify_followers"].to_pylist()
    genres = art["genres"].to_pylist()
    records: list[dict[str, Any]] = []
    for i in range(n):
        rec: dict[str, Any] = {
            "id": ids[i],
            "name": shown[i],
            "type": "artist",
            "uri": f"spotify:artist:{ids[i]}",
            "genres": genres[i],
            "popularity": popularity[i],
            "followers": {"href": None, "total": followers[i]},
            "external_urls": {"spotify": f"https://open.spotify.com/artist/{ids[i]}"},
        }
        if missing[i]:
            style = next(styles)
            if style == "absent":
                del rec["name"]
            else:
                rec["name"] = None if style == "null" else ""
        records.append(rec)
    path, rel = ctx.path(FEED, "artists.json")
    write_json(path, {"artists": records})
    return result(
        FEED, [rel], n, entities("artist", FEED, art["spotify_id"], art["artist_id"]), log
    )

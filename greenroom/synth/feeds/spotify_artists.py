"""``spotify_artists/artists.json``: a Spotify-like "several artists" response."""

from __future__ import annotations

from typing import Any

import numpy as np

from greenroom.synth.feeds._names import named_records
from greenroom.synth.feeds.base import FeedContext, FeedResult, entities, result, write_json
from greenroom.synth.world import World

FEED = "spotify_artists"


def spotify_artists(world: World, ctx: FeedContext) -> FeedResult:
    art, ids, _names, rng, _plan, log, shown, missing, styles = named_records(
        world.artists, "spotify_id", FEED, ctx
    )
    n = len(ids)
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

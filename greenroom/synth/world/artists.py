"""True artists: names, genres, latent popularity, members, origin, source ids."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

from greenroom.synth import chars
from greenroom.synth.calendar import days_from_civil
from greenroom.synth.reference import words
from greenroom.synth.streams import rng_for
from greenroom.synth.world.columns import dates
from greenroom.synth.world.names import artist_names

GENRES: tuple[str, ...] = (
    "rock",
    "hard rock",
    "metal",
    "punk",
    "indie",
    "alternative",
    "grunge",
    "blues rock",
    "progressive rock",
    "pop rock",
    "folk rock",
    "post-punk",
    "shoegaze",
    "garage rock",
    "emo",
    "psychedelic rock",
)
GENRE_WEIGHTS = np.array([16, 8, 10, 8, 14, 10, 3, 4, 4, 7, 4, 4, 2, 3, 2, 1], dtype=np.float64)
GENRE_WEIGHTS /= GENRE_WEIGHTS.sum()

_COUNTRIES = (
    "US",
    "GB",
    "CA",
    "AU",
    "DE",
    "SE",
    "FR",
    "NL",
    "IE",
    "NO",
    "FI",
    "JP",
    "BR",
    "MX",
    "ES",
    "IT",
    "NZ",
    "DK",
    "IS",
    "AR",
)
_COUNTRY_W = np.array(
    [30, 18, 5, 5, 6, 5, 3, 3, 3, 2, 3, 3, 3, 2, 2, 2, 2, 1, 1, 1], dtype=np.float64
)


def build_artists(seed: int, n: int, today: dt.date) -> pa.Table:
    """``n`` artists; ``popularity`` is a skewed Beta(1.6, 5) x 100, so few are big."""
    rng = rng_for(seed, "artists")
    w = words()
    popularity = np.round(rng.beta(1.6, 5.0, n) * 100, 1)
    solo = rng.random(n) < 0.2
    primary = rng.choice(len(GENRES), size=n, p=GENRE_WEIGHTS)
    extra = rng.choice(3, size=n, p=[0.3, 0.45, 0.25])
    genres: list[list[str]] = []
    for p, k in zip(primary.tolist(), extra.tolist(), strict=True):
        weights = GENRE_WEIGHTS.copy()
        weights[p] = 0
        others = rng.choice(len(GENRES), size=k, replace=False, p=weights / weights.sum())
        genres.append([GENRES[p], *(GENRES[o] for o in others.tolist())])
    names = artist_names(rng, solo, [g[0] for g in genres], w)
    first, last = rng.integers(len(w.first_names), size=(2, n, 6))
    sizes = np.where(solo, 1, rng.integers(2, 7, size=n))
    members = [
        [names[i]]
        if solo[i]
        else [f"{w.first_names[first[i, j]]} {w.last_names[last[i, j]]}" for j in range(sizes[i])]
        for i in range(n)
    ]
    year = rng.integers(1965, today.year - 1, size=n)
    formed = days_from_civil(year, rng.integers(1, 13, size=n), rng.integers(1, 29, size=n))
    country = rng.choice(len(_COUNTRIES), size=n, p=_COUNTRY_W / _COUNTRY_W.sum())
    in_mb = rng.random(n) < 0.95
    in_spotify = (rng.random(n) < 0.85) | ~in_mb
    mbids = chars.to_strings(chars.uuid4(rng, n))
    spotify = chars.to_strings(chars.tokens(rng, n, 22))
    attraction = chars.to_strings(
        chars.hstack([chars.literal(n, "K8vZ917"), chars.unique_tokens(rng, n, 5)])
    )
    followers = np.round(np.exp(4 + popularity / 100 * 11 + rng.normal(0, 0.4, n))).astype(np.int64)
    return pa.table(
        {
            "artist_id": chars.to_strings(
                chars.hstack([chars.literal(n, "A"), chars.digits(np.arange(1, n + 1), 5)])
            ),
            "name": pa.array(names, pa.string()),
            "kind": pa.array(np.where(solo, "Person", "Group"), pa.string()),
            "genres": pa.array(genres, pa.list_(pa.string())),
            "primary_genre": pa.array([g[0] for g in genres], pa.string()),
            "popularity": pa.array(popularity, pa.float64()),
            "formation_date": dates(formed),
            "members": pa.array(members, pa.list_(pa.string())),
            "country": pa.array([_COUNTRIES[c] for c in country.tolist()], pa.string()),
            "musicbrainz_id": pa.array(mbids.to_pylist(), pa.string(), mask=~in_mb),
            "spotify_id": pa.array(spotify.to_pylist(), pa.string(), mask=~in_spotify),
            "ticketmaster_attraction_id": attraction,
            "spotify_followers": pa.array(followers, pa.int64()),
            "_genre_idx": pa.array(primary.astype(np.int32)),
        }
    )

"""`generate_recommendations`: rank upcoming, on-sale concerts a person has not bought."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from greenroom.insights.recommend import _sql, scoring
from greenroom.insights.recommend._als import fold_in, lookup
from greenroom.insights.recommend.exceptions import EmptyPreferencesError, UnknownCustomerError
from greenroom.insights.recommend.model import Recommendation, TrainedRecommender, UserPreferences

if TYPE_CHECKING:
    from greenroom.lake.reader import Reader

ME = "_me"
SIMILAR = 0.5
"""Cosine similarity of artist factors above which "because you saw X" is the reason."""

HISTORY = f"""
SELECT ? AS customer_id, p.concert_id, p.artist_id, p.genre, p.city, a.name AS artist,
       k.status = 'completed' AS seen
FROM ({_sql.PURCHASES}) p JOIN silver.artists a ON a.artist_id = p.artist_id
JOIN silver.concerts k ON k.concert_id = p.concert_id
WHERE p.customer_id = ?
"""

LIKED = """
SELECT DISTINCT ? AS customer_id, NULL AS concert_id, artist_id, primary_genre AS genre,
       NULL AS city, name AS artist, false AS seen
FROM silver.artists WHERE lower(name) IN (SELECT lower(unnest(?))) OR artist_id IN (SELECT unnest(?))
"""

CANDIDATES = f"""
SELECT (row_number() OVER (ORDER BY k.event_date, k.concert_id)) - 1 AS pair,
       ? AS customer_id, k.concert_id, ?::TIMESTAMPTZ AS held_at
FROM ({_sql.CONCERTS}) k
WHERE k.status = 'scheduled' AND k.event_date > ?::TIMESTAMPTZ
  AND (?::DOUBLE IS NULL OR k.min_price <= ?::DOUBLE)
  AND k.concert_id NOT IN (SELECT concert_id FROM silver.ticket_sales WHERE customer_id = ?)
"""


def generate_recommendations(
    reader: Reader, model: TrainedRecommender, user_preferences: UserPreferences
) -> list[Recommendation]:
    """The top `limit` upcoming concerts for a customer or for preferences alone."""
    prefs = user_preferences
    if prefs.is_empty():
        raise EmptyPreferencesError()
    cid = prefs.customer_id or ""
    now = dt.datetime.combine(model.today, dt.time(), dt.UTC)
    home: list[str] = []
    if prefs.customer_id:
        found = reader.sql("SELECT city FROM silver.customers WHERE customer_id = ?", [cid])
        if found.num_rows == 0:
            raise UnknownCustomerError(cid)
        home = [c for c in found.column("city").to_pylist() if c]
    history = reader.sql(HISTORY, [ME, now, cid])
    liked = reader.sql(LIKED, [ME, list(prefs.liked_artists), list(prefs.liked_artists)])
    stated = _stated(prefs.genres, tuple(prefs.cities) or tuple(home))
    rows = pa.concat_tables([history, liked.cast(history.schema), stated.cast(history.schema)])
    reader.register("rec_history", rows)
    pairs = reader.sql(CANDIDATES, [ME, now, now, prefs.budget, prefs.budget, cid])
    if pairs.num_rows == 0:
        return []
    reader.register("rec_pairs", pairs)
    features = reader.sql(_sql.FEATURES)
    user = _user_vector(model, cid, rows)
    score, _ = scoring.hybrid(features, model.factors, model.weights, user)
    top = np.argsort(-score, kind="stable")[: prefs.limit]
    concerts = reader.sql(
        f"SELECT k.* FROM ({_sql.CONCERTS}) k JOIN rec_pairs p ON p.concert_id = k.concert_id ORDER BY p.pair"
    )
    reasons = _reasons(model, features.take(pa.array(top)), rows)
    picked = concerts.take(pa.array(top)).to_pydict()
    return [
        Recommendation(
            concert_id=picked["concert_id"][i],
            artist=picked["artist"][i],
            venue=picked["venue"][i],
            city=picked["city"][i],
            date=picked["event_date"][i],
            score=float(score[top[i]]),
            reason=reasons[i],
        )
        for i in range(len(top))
    ]


def _stated(genres: tuple[str, ...], cities: tuple[str, ...]) -> pa.Table:
    """Stated tastes as pseudo-purchases: every city × genre (either side may be empty)."""
    g: list[str | None] = [x.lower() for x in genres] or [None]
    c: list[str | None] = list(cities) or [None]
    grid_g = np.repeat(np.array(g, dtype=object), len(c))
    grid_c = np.tile(np.array(c, dtype=object), len(g))
    n = len(grid_g) if (genres or cities) else 0
    return pa.table(
        {
            "customer_id": pa.array([ME] * n, pa.string()),
            "concert_id": pa.nulls(n, pa.string()),
            "artist_id": pa.nulls(n, pa.string()),
            "genre": pa.array(grid_g[:n], pa.string()),
            "city": pa.array(grid_c[:n], pa.string()),
            "artist": pa.nulls(n, pa.string()),
            "seen": pa.array([False] * n),
        }
    )


def _user_vector(model: TrainedRecommender, cid: str, rows: pa.Table) -> np.ndarray:
    """The customer's ALS row, or one folded in from the artists they bought or like."""
    f = model.factors
    known = lookup(f.customer_ids, np.array([cid]))[0]
    if known >= 0 and cid:
        return np.asarray(f.users[known])
    artists = np.array([a for a in rows.column("artist_id").to_pylist() if a], dtype=str)
    idx = lookup(f.artist_ids, artists)
    return fold_in(f.items, idx[idx >= 0], f.regularization)


def _reasons(model: TrainedRecommender, top: pa.Table, rows: pa.Table) -> list[str]:
    """ "because you saw X" (X the most similar artist seen), "because you like X", or
    "popular with fans of <genre> in <city>"."""
    f = model.factors
    known = rows.filter(pa.compute.is_valid(rows.column("artist_id")))
    names = np.array(known.column("artist").to_pylist(), dtype=object)
    seen = np.array(known.column("seen").to_pylist(), dtype=bool)
    mine = lookup(f.artist_ids, np.array(known.column("artist_id").to_pylist(), dtype=str))
    theirs = lookup(
        f.artist_ids, top.column("artist_id").to_numpy(zero_copy_only=False).astype(str)
    )
    genre = top.column("genre").to_pylist()
    city = top.column("city").to_pylist()
    if len(mine) == 0:
        return [f"popular with fans of {g} in {c}" for g, c in zip(genre, city, strict=True)]
    unit = f.items / np.maximum(np.linalg.norm(f.items, axis=1, keepdims=True), 1e-9)
    sim = unit[theirs] @ unit[mine].T
    sim[(theirs < 0)[:, None] | (mine < 0)[None, :]] = -1.0
    same = (
        top.column("artist_id").to_numpy(zero_copy_only=False).astype(str)[:, None]
        == np.array(known.column("artist_id").to_pylist(), dtype=str)[None, :]
    )
    sim = np.where(same, 2.0, sim)
    best = sim.argmax(axis=1)
    best_sim = sim[np.arange(len(best)), best]
    verb = np.where(seen[best], "saw", "like")
    fallback = [f"popular with fans of {g} in {c}" for g, c in zip(genre, city, strict=True)]
    return [
        f"because you {v} {n}" if s >= SIMILAR else fb
        for v, n, s, fb in zip(verb, names[best], best_sim, fallback, strict=True)
    ]

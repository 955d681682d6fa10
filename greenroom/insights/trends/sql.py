"""The set-based SQL behind the trends: per-concert figures, group totals, daily series.

Every query starts from one row per non-cancelled concert in the two periods (its tickets
and revenue from silver.ticket_sales, CONTRACT.md's definitions; `concerts` counts 1 each),
so the per-concert sums of squares that the significance test needs come out of the same
GROUP BY. Parameters are dates; metric and dimension names are whitelisted here, never
taken from the caller as SQL.
"""

from __future__ import annotations

from typing import Literal

Metric = Literal["revenue", "tickets", "concerts"]
Dimension = Literal["artist", "genre", "city", "country", "venue"]

METRICS: tuple[Metric, ...] = ("revenue", "tickets", "concerts")
DIMENSIONS: tuple[Dimension, ...] = ("artist", "genre", "city", "country", "venue")
MEMBER_SQL: dict[Dimension, str] = {
    "artist": "a.name",
    "genre": "a.primary_genre",
    "city": "v.city",
    "country": "v.country",
    "venue": "v.name",
}
_KEY_SQL: dict[Dimension, str] = {
    "artist": "a.artist_id",
    "genre": "a.primary_genre",
    "city": "v.city || '|' || v.country",
    "country": "v.country",
    "venue": "v.venue_id",
}

_PER_CONCERT = """
per_concert AS (
    SELECT c.concert_id, c.artist_id, c.venue_id, CAST(c.event_date AS DATE) AS day,
           c.event_date >= CAST(? AS TIMESTAMP) AS is_now,
           COALESCE(SUM(s.quantity), 0)::DOUBLE AS tickets,
           COALESCE(SUM(s.quantity * s.unit_price), 0)::DOUBLE AS revenue,
           1.0::DOUBLE AS concerts
    FROM silver.concerts AS c
    LEFT JOIN silver.ticket_sales AS s ON s.concert_id = c.concert_id
    WHERE c.status <> 'cancelled'
      AND ((c.event_date >= CAST(? AS TIMESTAMP) AND c.event_date < CAST(? AS TIMESTAMP))
        OR (c.event_date >= CAST(? AS TIMESTAMP) AND c.event_date < CAST(? AS TIMESTAMP)))
    GROUP BY ALL
),
facts AS (
    SELECT p.*, a.name AS artist_name, {keys}
    FROM per_concert AS p
    JOIN silver.artists AS a ON a.artist_id = p.artist_id
    JOIN silver.venues AS v ON v.venue_id = p.venue_id
)"""


def _facts() -> str:
    keys = ", ".join(f"{_KEY_SQL[d]} AS {d}_key, {MEMBER_SQL[d]} AS {d}_member" for d in DIMENSIONS)
    return "WITH " + _PER_CONCERT.strip().format(keys=keys)


def window_params(now: tuple[object, object], before: tuple[object, object]) -> list[object]:
    """Parameters of `_PER_CONCERT`: the start of "now", then both ranges."""
    return [now[0], now[0], now[1], before[0], before[1]]


def growth_sql(metric: Metric) -> str:
    """One row per (dimension, member): totals, sums of squares and concert counts per
    period; plus dimension `total`. Columns: dimension, key, member, value_now, value_before,
    sq_now, sq_before, n_now, n_before."""
    selects = [
        f"""SELECT '{d}' AS dimension, {d}_key AS key, ANY_VALUE({d}_member) AS member,
            {{agg}} FROM facts GROUP BY {d}_key"""
        for d in DIMENSIONS
    ]
    selects.append("SELECT 'total', 'all', 'all', {agg} FROM facts")
    agg = (
        f"COALESCE(SUM({metric}) FILTER (WHERE is_now), 0) AS value_now, "
        f"COALESCE(SUM({metric}) FILTER (WHERE NOT is_now), 0) AS value_before, "
        f"COALESCE(SUM({metric} * {metric}) FILTER (WHERE is_now), 0) AS sq_now, "
        f"COALESCE(SUM({metric} * {metric}) FILTER (WHERE NOT is_now), 0) AS sq_before, "
        "COUNT(*) FILTER (WHERE is_now) AS n_now, COUNT(*) FILTER (WHERE NOT is_now) AS n_before"
    )
    body = "\nUNION ALL\n".join(s.format(agg=agg) for s in selects)
    return f"{_facts()}\n{body}\nORDER BY dimension, key"


def drivers_sql(metric: Metric) -> str:
    """Per (dimension, key) of every dimension but artist: up to three artists whose change
    points the way the group's change does, largest first. Columns: dimension, key, drivers
    (list of artist names), driver_change (their summed change)."""
    parts = [
        f"""SELECT '{d}' AS dimension, {d}_key AS key, artist_name,
            SUM(CASE WHEN is_now THEN {metric} ELSE -{metric} END) AS delta
            FROM facts GROUP BY {d}_key, artist_name"""
        for d in DIMENSIONS
        if d != "artist"
    ]
    return f"""{_facts()},
by_artist AS ({" UNION ALL ".join(parts)}),
signed AS (
    SELECT *, SUM(delta) OVER (PARTITION BY dimension, key) AS group_delta FROM by_artist
),
ranked AS (
    SELECT *, ROW_NUMBER() OVER (
        PARTITION BY dimension, key ORDER BY delta * SIGN(group_delta) DESC, artist_name
    ) AS rn
    FROM signed WHERE delta * SIGN(group_delta) > 0
)
SELECT dimension, key, LIST(artist_name ORDER BY rn) AS drivers, SUM(delta) AS driver_change
FROM ranked WHERE rn <= 3 GROUP BY dimension, key ORDER BY dimension, key"""


def daily_sql(metric: Metric) -> str:
    """Total of `metric` per event day with data, non-cancelled concerts, in
    ``[?, ?)``. Columns: day, value."""
    return f"""
WITH per_concert AS (
    SELECT c.concert_id, CAST(c.event_date AS DATE) AS day,
           COALESCE(SUM(s.quantity), 0)::DOUBLE AS tickets,
           COALESCE(SUM(s.quantity * s.unit_price), 0)::DOUBLE AS revenue,
           1.0::DOUBLE AS concerts
    FROM silver.concerts AS c
    LEFT JOIN silver.ticket_sales AS s ON s.concert_id = c.concert_id
    WHERE c.status <> 'cancelled'
      AND c.event_date >= CAST(? AS TIMESTAMP) AND c.event_date < CAST(? AS TIMESTAMP)
    GROUP BY ALL
)
SELECT day, SUM({metric}) AS value FROM per_concert GROUP BY day ORDER BY day"""


FIRST_DAY_SQL = (
    "SELECT CAST(MIN(event_date) AS DATE) AS first_day FROM silver.concerts "
    "WHERE status <> 'cancelled'"
)

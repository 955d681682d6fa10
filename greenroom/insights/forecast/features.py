"""Leak-free features for one show: what was known on its ``as_of`` day, in one SQL query.

A *target* is a row ``(row_id, artist_id, venue_id, show_date, as_of, price_min, price_max,
n_tiers)``: a show (real or hypothetical) and the day the forecast is made. Every history
feature reads only completed concerts whose ``event_date`` falls before ``as_of``, and
their tickets count only sales bought no later than the show itself — so sales made on or
after ``as_of`` can never reach a target's features (``tests/insights/forecast`` shuffles
and deletes them to check). Prices the target does not carry fall back to the median
lowest price of the artist's earlier shows.

The query is set-based over the silver tables (DuckDB range joins); table names come
from :class:`Sources`, so a test can point it at altered copies.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from greenroom.lake.reader import Reader

TARGETS = "fc_targets"

CATEGORICAL: tuple[str, ...] = ("primary_genre", "venue_type", "country")
NUMERIC: tuple[str, ...] = (
    "popularity_score",
    "log_capacity",
    "weekday",
    "month",
    "days_ahead",
    "price_min",
    "price_max",
    "n_tiers",
    "a_n",
    "a_n_365",
    "a_mean_log",
    "a_max_log",
    "a_last_log",
    "a_fill",
    "a_log_cap",
    "a_days_since",
    "v_n",
    "v_mean_log",
    "v_fill",
    "g_mean_log",
    "g_fill",
    "all_mean_log",
    "cap_vs_artist_cap",
    "cap_vs_artist_sold",
)
FEATURES: tuple[str, ...] = NUMERIC + CATEGORICAL
BASELINES: tuple[str, ...] = ("venue_mean", "artist_mean", "seasonal_naive")


@dataclass(frozen=True)
class Sources:
    """The relations the features read (lake tables by default)."""

    concerts: str = "silver.concerts"
    sales: str = "silver.ticket_sales"
    artists: str = "silver.artists"
    venues: str = "silver.venues"


LAKE = Sources()


_SQL = """
WITH sold AS (
    SELECT s.concert_id, SUM(s.quantity)::DOUBLE AS tickets
    FROM {sales} s JOIN {concerts} c ON c.concert_id = s.concert_id
    WHERE s.purchase_timestamp <= c.event_date
    GROUP BY s.concert_id
), hist AS (
    SELECT c.artist_id, c.venue_id, a.primary_genre, CAST(c.event_date AS DATE) AS day,
           month(CAST(COALESCE(c.local_start, c.event_date) AS DATE)) AS month,
           COALESCE(sold.tickets, 0) AS tickets, v.capacity::DOUBLE AS capacity
    FROM {concerts} c
    JOIN {venues} v ON v.venue_id = c.venue_id
    JOIN {artists} a ON a.artist_id = c.artist_id
    LEFT JOIN sold ON sold.concert_id = c.concert_id
    WHERE c.status = 'completed'
), t AS (
    SELECT t.*, a.primary_genre, a.popularity_score, v.capacity::DOUBLE AS capacity,
           v.venue_type, v.country
    FROM {targets} t
    LEFT JOIN {artists} a ON a.artist_id = t.artist_id
    LEFT JOIN {venues} v ON v.venue_id = t.venue_id
), ah AS (
    SELECT t.row_id, COUNT(h.day) AS a_n,
           COUNT(h.day) FILTER (WHERE h.day >= t.as_of - 365) AS a_n_365,
           AVG(ln(1 + h.tickets)) AS a_mean_log, ln(1 + MAX(h.tickets)) AS a_max_log,
           ln(1 + arg_max(h.tickets, h.day)) AS a_last_log,
           AVG(h.tickets / NULLIF(h.capacity, 0)) AS a_fill, AVG(ln(h.capacity)) AS a_log_cap,
           t.as_of - MAX(h.day) AS a_days_since, AVG(h.tickets) AS artist_mean,
           arg_max(h.tickets, h.day) FILTER (WHERE h.month = month(t.show_date)) AS a_same_month
    FROM t LEFT JOIN hist h ON h.artist_id = t.artist_id AND h.day < t.as_of
    GROUP BY t.row_id, t.as_of, t.show_date
), ap AS (
    SELECT t.row_id, median(list_min(map_values(c.ticket_prices))) AS a_price
    FROM t JOIN {concerts} c
      ON c.artist_id = t.artist_id AND CAST(c.event_date AS DATE) < t.as_of
     AND c.status <> 'cancelled'
    GROUP BY t.row_id
), vh AS (
    SELECT t.row_id, COUNT(h.day) AS v_n, AVG(ln(1 + h.tickets)) AS v_mean_log,
           AVG(h.tickets / NULLIF(h.capacity, 0)) AS v_fill, AVG(h.tickets) AS venue_mean
    FROM t LEFT JOIN hist h ON h.venue_id = t.venue_id AND h.day < t.as_of
    GROUP BY t.row_id
), gh AS (
    SELECT t.row_id, AVG(ln(1 + h.tickets)) AS g_mean_log,
           AVG(h.tickets / NULLIF(h.capacity, 0)) AS g_fill
    FROM t LEFT JOIN hist h ON h.primary_genre = t.primary_genre AND h.day < t.as_of
    GROUP BY t.row_id
), al AS (
    SELECT t.row_id, AVG(ln(1 + h.tickets)) AS all_mean_log, AVG(h.tickets) AS all_mean
    FROM t LEFT JOIN hist h ON h.day < t.as_of
    GROUP BY t.row_id
)
SELECT t.row_id, t.artist_id, t.venue_id, t.show_date, t.as_of,
       t.popularity_score::DOUBLE AS popularity_score, ln(t.capacity) AS log_capacity,
       t.capacity, isodow(t.show_date)::DOUBLE AS weekday, month(t.show_date)::DOUBLE AS month,
       (t.show_date - t.as_of)::DOUBLE AS days_ahead,
       COALESCE(t.price_min, ap.a_price)::DOUBLE AS price_min, t.price_max::DOUBLE AS price_max,
       t.n_tiers::DOUBLE AS n_tiers,
       ah.a_n::DOUBLE AS a_n, ah.a_n_365::DOUBLE AS a_n_365, ah.a_mean_log, ah.a_max_log,
       ah.a_last_log, ah.a_fill, ah.a_log_cap, ah.a_days_since::DOUBLE AS a_days_since,
       vh.v_n::DOUBLE AS v_n, vh.v_mean_log, vh.v_fill, gh.g_mean_log, gh.g_fill,
       al.all_mean_log, ln(t.capacity) - ah.a_log_cap AS cap_vs_artist_cap,
       ln(t.capacity) - ah.a_mean_log AS cap_vs_artist_sold, t.primary_genre, t.venue_type, t.country,
       COALESCE(vh.venue_mean, al.all_mean) AS venue_mean,
       COALESCE(ah.artist_mean, al.all_mean) AS artist_mean,
       COALESCE(ah.a_same_month, exp(ah.a_last_log) - 1, al.all_mean) AS seasonal_naive
FROM t
JOIN ah ON ah.row_id = t.row_id
JOIN vh ON vh.row_id = t.row_id
JOIN gh ON gh.row_id = t.row_id
JOIN al ON al.row_id = t.row_id
LEFT JOIN ap ON ap.row_id = t.row_id
ORDER BY t.row_id
"""

TARGETS_SCHEMA = pa.schema(
    [
        ("row_id", pa.int64()),
        ("artist_id", pa.string()),
        ("venue_id", pa.string()),
        ("show_date", pa.date32()),
        ("as_of", pa.date32()),
        ("price_min", pa.float64()),
        ("price_max", pa.float64()),
        ("n_tiers", pa.int64()),
    ]
)


def build_features(reader: Reader, targets: pa.Table, sources: Sources = LAKE) -> pa.Table:
    """One row of features (and the three baselines) per target, ordered by ``row_id``."""
    reader.register(TARGETS, targets.select(TARGETS_SCHEMA.names).cast(TARGETS_SCHEMA))
    sql = _SQL.format(
        targets=TARGETS,
        concerts=sources.concerts,
        sales=sources.sales,
        artists=sources.artists,
        venues=sources.venues,
    )
    return reader.sql(sql)


_CONCERT_TARGETS = """
SELECT row_number() OVER (ORDER BY c.concert_id)::BIGINT AS row_id, c.concert_id,
       c.artist_id, c.venue_id, CAST(COALESCE(c.local_start, c.event_date) AS DATE) AS show_date,
       {as_of} AS as_of,
       list_min(map_values(c.ticket_prices))::DOUBLE AS price_min,
       list_max(map_values(c.ticket_prices))::DOUBLE AS price_max,
       len(map_keys(c.ticket_prices))::BIGINT AS n_tiers,
       sold.tickets AS actual, c.status, c.promoter_id
FROM {concerts} c
LEFT JOIN (
    SELECT s.concert_id, SUM(s.quantity)::DOUBLE AS tickets
    FROM {sales} s JOIN {concerts} c2 ON c2.concert_id = s.concert_id
    WHERE s.purchase_timestamp <= c2.event_date
    GROUP BY s.concert_id
) sold ON sold.concert_id = c.concert_id
WHERE {where}
ORDER BY row_id
"""


def concert_targets(
    reader: Reader, where: str, as_of: str, params: list[object], sources: Sources = LAKE
) -> pa.Table:
    """Targets for the lake's own concerts matching ``where`` (SQL over alias ``c``), with
    ``as_of`` an SQL expression; ``actual`` is the tickets sold where the show took place."""
    sql = _CONCERT_TARGETS.format(
        concerts=sources.concerts, sales=sources.sales, where=where, as_of=as_of
    )
    return reader.sql(sql, params)

"""silver and gold hold every CONTRACT.md column with its type, and its invariants."""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa
import pytest

from greenroom.lake import Lakehouse
from tests.conftest import BuiltWorld

pytestmark = pytest.mark.slow

Check = Callable[[pa.DataType], bool]
STR: Check = lambda t: pa.types.is_string(t) or pa.types.is_large_string(t)  # noqa: E731
F64: Check = pa.types.is_float64
INT: Check = pa.types.is_integer
DATE: Check = pa.types.is_date
TS: Check = lambda t: pa.types.is_timestamp(t) and t.tz in ("UTC", "+00:00")  # noqa: E731
STR_LIST: Check = lambda t: (pa.types.is_list(t) or pa.types.is_large_list(t)) and STR(t.value_type)  # noqa: E731
PRICE_MAP: Check = lambda t: pa.types.is_map(t) and STR(t.key_type) and F64(t.item_type)  # noqa: E731

CONTRACT: dict[str, dict[str, Check]] = {
    "silver.artists": {
        "artist_id": STR, "name": STR, "genres": STR_LIST, "primary_genre": STR,
        "popularity_score": F64, "formation_date": DATE, "members": STR_LIST, "country": STR,
        "spotify_id": STR, "musicbrainz_id": STR, "created_at": TS, "updated_at": TS,
    },
    "silver.venues": {
        "venue_id": STR, "name": STR, "city": STR, "region": STR, "country": STR,
        "latitude": F64, "longitude": F64, "capacity": INT, "venue_type": STR,
        "amenities": STR_LIST, "ticketmaster_id": STR, "created_at": TS, "updated_at": TS,
    },
    "silver.concerts": {
        "concert_id": STR, "artist_id": STR, "venue_id": STR, "event_date": TS,
        "ticket_prices": PRICE_MAP, "total_attendance": INT, "revenue": F64, "status": STR,
        "created_at": TS, "updated_at": TS,
    },
    "silver.ticket_sales": {
        "sale_id": STR, "concert_id": STR, "customer_id": STR, "price_tier": STR,
        "quantity": INT, "unit_price": F64, "purchase_timestamp": TS, "customer_segment": STR,
        "channel": STR, "created_at": TS,
    },
    "silver.customers": {
        "customer_id": STR, "full_name": STR, "email": STR, "birth_date": DATE, "city": STR,
        "country": STR, "segment": STR, "created_at": TS,
    },
    "silver.entity_xref": {
        "entity_type": STR, "entity_id": STR, "source": STR, "source_record_id": STR,
    },
    "gold.venue_popularity": {
        "venue_id": STR, "popularity_rank": INT, "avg_attendance_rate": F64,
        "revenue_per_event": F64, "booking_frequency": F64, "calculated_at": TS,
    },
    "gold.artist_performance": {
        "artist_id": STR, "total_concerts": INT, "avg_ticket_sales": F64,
        "revenue_generated": F64, "fan_engagement_score": F64, "growth_trend": STR,
        "calculated_at": TS,
    },
}  # fmt: skip


@pytest.mark.parametrize("table", sorted(CONTRACT))
def test_every_contract_column_has_its_type(messy_world: BuiltWorld, table: str) -> None:
    schema = Lakehouse.open(messy_world.settings).schema(table)
    for column, check in CONTRACT[table].items():
        assert column in schema.names, f"{table} lacks `{column}`"
        assert check(schema.field(column).type), f"{table}.{column} is {schema.field(column).type}"


def _one(world: BuiltWorld, sql: str) -> list[tuple[object, ...]]:
    with Lakehouse.open(world.settings).session() as session:
        result = session.sql(sql)
    return [tuple(row.values()) for row in result.to_pylist()]


INVARIANTS = {
    "completed concerts: attendance and revenue are the sums of their sales": """
        SELECT count(*) FROM silver.concerts c
        LEFT JOIN (SELECT concert_id, sum(quantity) q, sum(quantity * unit_price) r
                   FROM silver.ticket_sales GROUP BY 1) s USING (concert_id)
        WHERE c.status = 'completed'
          AND (c.total_attendance <> coalesce(s.q, 0) OR abs(c.revenue - coalesce(s.r, 0)) > 1e-6)""",
    "only completed concerts carry attendance and revenue": """
        SELECT count(*) FROM silver.concerts
        WHERE status <> 'completed' AND (total_attendance IS NOT NULL OR revenue IS NOT NULL)""",
    "status, venue type and channel are closed sets": """
        SELECT (SELECT count(*) FROM silver.concerts
                WHERE status NOT IN ('scheduled', 'completed', 'cancelled'))
             + (SELECT count(*) FROM silver.venues
                WHERE venue_type NOT IN ('arena', 'theater', 'club', 'outdoor'))
             + (SELECT count(*) FROM silver.ticket_sales
                WHERE channel NOT IN ('box_office', 'online', 'stream'))""",
    "sales: quantity >= 1, unit price > 0": """
        SELECT count(*) FROM silver.ticket_sales WHERE quantity < 1 OR unit_price <= 0""",
    "sale ids are unique": """
        SELECT count(*) - count(DISTINCT sale_id) FROM silver.ticket_sales""",
    "entity ids are unique": """
        SELECT (SELECT count(*) - count(DISTINCT artist_id) FROM silver.artists)
             + (SELECT count(*) - count(DISTINCT venue_id) FROM silver.venues)
             + (SELECT count(*) - count(DISTINCT concert_id) FROM silver.concerts)
             + (SELECT count(*) - count(DISTINCT customer_id) FROM silver.customers)""",
    "no orphans: sales → concerts and customers, concerts → artists and venues": """
        SELECT (SELECT count(*) FROM silver.ticket_sales s ANTI JOIN silver.concerts c USING (concert_id))
             + (SELECT count(*) FROM silver.ticket_sales s ANTI JOIN silver.customers c USING (customer_id))
             + (SELECT count(*) FROM silver.concerts c ANTI JOIN silver.artists a USING (artist_id))
             + (SELECT count(*) FROM silver.concerts c ANTI JOIN silver.venues v USING (venue_id))""",
    "every xref row points at an existing entity": """
        SELECT count(*) FROM silver.entity_xref x
        WHERE NOT EXISTS (SELECT 1 FROM silver.artists a WHERE x.entity_type = 'artist' AND a.artist_id = x.entity_id)
          AND NOT EXISTS (SELECT 1 FROM silver.venues v WHERE x.entity_type = 'venue' AND v.venue_id = x.entity_id)
          AND NOT EXISTS (SELECT 1 FROM silver.concerts c WHERE x.entity_type = 'concert' AND c.concert_id = x.entity_id)
          AND NOT EXISTS (SELECT 1 FROM silver.customers u WHERE x.entity_type = 'customer' AND u.customer_id = x.entity_id)""",
    "genres are lower-case and primary_genre is the first": """
        SELECT count(*) FROM silver.artists
        WHERE primary_genre <> genres[1] OR list_filter(genres, lambda g: g <> lower(g)) <> []""",
    "gold ranks are 1..n and rates within 0..1 for sold-out-capped venues": """
        SELECT (SELECT count(*) FROM gold.venue_popularity WHERE popularity_rank < 1
                   OR popularity_rank > (SELECT count(*) FROM gold.venue_popularity))
             + (SELECT count(*) FROM gold.venue_popularity WHERE avg_attendance_rate < 0 OR avg_attendance_rate > 1)
             + (SELECT count(*) FROM gold.artist_performance
                WHERE growth_trend NOT IN ('growing', 'stable', 'declining')
                   OR fan_engagement_score < 0 OR fan_engagement_score > 100)""",
}


@pytest.mark.parametrize("name", sorted(INVARIANTS))
def test_invariant(messy_world: BuiltWorld, name: str) -> None:
    assert _one(messy_world, INVARIANTS[name]) == [(0,)], name


def test_tables_are_not_empty(messy_world: BuiltWorld) -> None:
    for table in CONTRACT:
        (count,) = _one(messy_world, f"SELECT count(*) FROM {table}")[0]
        assert isinstance(count, int) and count > 0, table

"""The dashboard's numbers: every view equals CONTRACT.md's SQL and the semantic layer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from greenroom.governance.session import GovernedSession, governed_session
from greenroom.lake import Lakehouse
from greenroom.semantic import Filter, SemanticError, SemanticLayer, SemanticQuery, TimeRange
from greenroom.web.queries import (
    AnalyticsFilter,
    ConcertNotFoundError,
    Pagination,
    PeriodConflictError,
    artist_performance,
    breakdown,
    concert_detail,
    filter_options,
    overview,
    sales_by_day,
    venue_popularity,
)
from greenroom.web.queries.filters import semantic_filters, sql_conditions, time_range
from tests.conftest import BuiltWorld

SALES = (
    "FROM silver.ticket_sales s JOIN silver.concerts c ON s.concert_id = c.concert_id "
    "JOIN silver.venues v ON c.venue_id = v.venue_id "
    "JOIN silver.artists a ON c.artist_id = a.artist_id "
)


# ---- filters (fast) -----------------------------------------------------------------------


def test_filter_trims_blanks_and_checks_the_date_order() -> None:
    f = AnalyticsFilter(artist="  Motörkult ", city="", genre=" metal")
    assert f.artist == "Motörkult" and f.city is None and f.genre == "metal"
    with pytest.raises(ValidationError, match=r"`date_from` .* is after `date_to`"):
        AnalyticsFilter(date_from=dt.date(2025, 2, 1), date_to=dt.date(2025, 1, 1))
    with pytest.raises(ValidationError):
        AnalyticsFilter(venue="x" * 201)
    with pytest.raises(ValidationError):
        Pagination(limit=501)
    with pytest.raises(ValidationError):
        Pagination(offset=-1)
    assert AnalyticsFilter().is_empty and not AnalyticsFilter(channel="online").is_empty


def test_filter_becomes_the_layers_filters_and_an_inclusive_range() -> None:
    f = AnalyticsFilter(
        date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 1, 31), genre="metal", channel="Online"
    )
    assert semantic_filters(f) == (
        Filter(dimension="genre", values=("metal",)),
        Filter(dimension="channel", values=("Online",)),
    )
    assert time_range(f) == TimeRange(start=dt.date(2025, 1, 1), end=dt.date(2025, 2, 1))
    params: list[object] = []
    conditions = sql_conditions(f, params)
    assert conditions == [
        "list_contains(a.genres, $1)",
        "s.channel = $2",
        "c.event_date >= CAST($3 AS TIMESTAMPTZ)",
        "c.event_date < CAST($4 AS TIMESTAMPTZ)",
    ]
    assert params == ["metal", "online", "2025-01-01", "2025-02-01"]


def test_an_unknown_value_of_a_closed_dimension_matches_nothing() -> None:
    f = AnalyticsFilter(channel="carrier pigeon")
    params: list[object] = []
    assert sql_conditions(f, params) == ["FALSE"] and params == []
    assert semantic_filters(f) == (Filter(dimension="year", values=(0,)),)


# ---- on a built lake ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def reader(messy_world: BuiltWorld) -> Iterator[GovernedSession]:
    with governed_session(Lakehouse.open(messy_world.settings)) as session:
        yield session


@pytest.fixture(scope="module")
def today(messy_world: BuiltWorld) -> dt.date:
    return messy_world.settings.today


def _one(reader: GovernedSession, sql: str, params: list[Any] | None = None) -> Any:
    return reader.sql(sql, params).column(0)[0].as_py()


def _layer(reader: GovernedSession, today: dt.date, metric: str, **query: Any) -> Any:
    table = SemanticLayer(reader, today).run(SemanticQuery(metrics=(metric,), **query)).table
    return table.column(metric)[0].as_py() if table.num_rows else None


def _descending_nulls_last(values: list[float | None]) -> bool:
    known = [v for v in values if v is not None]
    return values == sorted(known, reverse=True) + [None] * (len(values) - len(known))


def _revenue_sql(start: dt.date, end: dt.date, extra: str = "") -> str:
    return (
        f"SELECT SUM(s.quantity * s.unit_price) {SALES} WHERE c.status <> 'cancelled' "
        f"AND c.event_date >= TIMESTAMPTZ '{start}' AND c.event_date < TIMESTAMPTZ '{end}' {extra}"
    )


@pytest.mark.slow
def test_overview_kpis_equal_the_contracts_sql_for_both_periods(
    reader: GovernedSession, today: dt.date
) -> None:
    view = overview(reader, today)
    start, end = view.period.start, view.period.end + dt.timedelta(days=1)
    assert (start, end) == (dt.date(today.year - 1, today.month, today.day) + dt.timedelta(1), today + dt.timedelta(1))  # fmt: skip
    kpis = {k.metric: k for k in view.kpis}
    assert list(kpis) == ["revenue", "tickets_sold", "concerts", "avg_ticket_price", "attendance_rate"]  # fmt: skip
    revenue = _one(reader, _revenue_sql(start, end))
    assert kpis["revenue"].value == pytest.approx(revenue)
    prev_end = view.period.previous_end + dt.timedelta(days=1)
    assert prev_end == start
    previous = _one(reader, _revenue_sql(view.period.previous_start, prev_end))
    assert kpis["revenue"].previous == pytest.approx(previous)
    assert kpis["revenue"].change == pytest.approx((revenue - previous) / previous)
    concerts = _one(
        reader,
        "SELECT count(DISTINCT concert_id) FROM silver.concerts WHERE status <> 'cancelled' "
        "AND event_date >= $1::TIMESTAMPTZ AND event_date < $2::TIMESTAMPTZ",
        [start.isoformat(), end.isoformat()],
    )
    assert kpis["concerts"].value == concerts
    span = TimeRange(start=start, end=end)
    for metric in ("tickets_sold", "avg_ticket_price", "attendance_rate"):
        assert kpis[metric].value == pytest.approx(_layer(reader, today, metric, time=span))
    assert sum(m.revenue or 0 for m in view.revenue_by_month) == pytest.approx(revenue)
    assert [m.month for m in view.revenue_by_month] == sorted(
        m.month for m in view.revenue_by_month
    )
    assert all(start <= m.month + dt.timedelta(days=31) and m.month < end for m in view.revenue_by_month)  # fmt: skip
    for top in (view.top_artists, view.top_venues):
        assert 0 < len(top) <= 5
        assert [t.revenue for t in top] == sorted((t.revenue for t in top), reverse=True)
    best = _one(
        reader,
        f"SELECT max(r) FROM (SELECT SUM(s.quantity * s.unit_price) AS r {SALES} "
        "WHERE c.status <> 'cancelled' AND c.event_date >= $1::TIMESTAMPTZ "
        "AND c.event_date < $2::TIMESTAMPTZ GROUP BY a.name)",
        [start.isoformat(), end.isoformat()],
    )
    assert view.top_artists[0].revenue == pytest.approx(best)


@pytest.mark.slow
def test_overview_takes_filters_dates_or_a_relative_period(
    reader: GovernedSession, today: dt.date
) -> None:
    genre = _one(reader, "SELECT primary_genre FROM silver.artists GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")  # fmt: skip
    f = AnalyticsFilter(date_from=dt.date(2024, 1, 1), date_to=dt.date(2024, 12, 31), genre=genre)
    view = overview(reader, today, f)
    assert (view.period.previous_start, view.period.previous_end) == (dt.date(2023, 1, 1), dt.date(2023, 12, 31))  # fmt: skip
    want = _one(
        reader,
        _revenue_sql(dt.date(2024, 1, 1), dt.date(2025, 1, 1), "AND list_contains(a.genres, $1)"),
        [genre],
    )
    assert view.kpis[0].value == pytest.approx(want)
    last_year = overview(reader, today, period="last_year")
    assert last_year.period.start == dt.date(today.year - 1, 1, 1)
    with pytest.raises(PeriodConflictError) as conflict:
        overview(reader, today, f, period="last_year")
    assert conflict.value.code == "period_conflict"
    with pytest.raises(SemanticError, match="unknown relative period"):
        overview(reader, today, period="the good old days")
    with pytest.raises(SemanticError, match="open-ended"):
        overview(reader, today, period="upcoming")


@pytest.mark.slow
def test_a_channel_filter_keeps_the_numbers_and_nulls_the_attendance_rate(
    reader: GovernedSession, today: dt.date
) -> None:
    kpis = {k.metric: k for k in overview(reader, today, AnalyticsFilter(channel="online")).kpis}
    assert kpis["attendance_rate"].value is None and kpis["revenue"].value
    none = {k.metric: k for k in overview(reader, today, AnalyticsFilter(channel="pigeon")).kpis}
    assert none["revenue"].value is None and none["concerts"].value == 0
    assert artist_performance(reader, today, AnalyticsFilter(channel="pigeon")).total == 0


@pytest.mark.slow
def test_sales_by_day_pages_add_up_to_every_ticket_sold(
    reader: GovernedSession, today: dt.date
) -> None:
    first = sales_by_day(reader, today, page=Pagination(limit=40))
    days, tickets, offset = [], 0, 0
    while offset < first.total:
        page = sales_by_day(reader, today, page=Pagination(limit=40, offset=offset))
        assert page.total == first.total and page.offset == offset and len(page.items) <= 40
        days += [d.day for d in page.items]
        tickets += sum(d.tickets_sold for d in page.items)
        offset += 40
    assert days == sorted(set(days)) and len(days) == first.total
    assert tickets == _layer(reader, today, "tickets_sold")
    past = sales_by_day(reader, today, page=Pagination(limit=10, offset=first.total + 5))
    assert past.items == [] and past.total == first.total
    # the day is the purchase date, not the concert's
    want = _one(reader, "SELECT count(DISTINCT CAST(purchase_timestamp AS DATE)) " + SALES + "WHERE c.status <> 'cancelled'")  # fmt: skip
    assert first.total == want


@pytest.mark.slow
def test_sales_by_day_filters_agree_with_the_layer(reader: GovernedSession, today: dt.date) -> None:
    city = _one(
        reader,
        f"SELECT v.city {SALES} WHERE c.event_date >= TIMESTAMPTZ '2024-03-01' "
        "AND c.event_date < TIMESTAMPTZ '2025-03-01' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1",
    )
    f = AnalyticsFilter(date_from=dt.date(2024, 3, 1), date_to=dt.date(2025, 2, 28), city=city)
    rows = sales_by_day(reader, today, f, Pagination(limit=500)).items
    want = _layer(reader, today, "revenue", filters=semantic_filters(f), time=time_range(f))
    assert want and sum(r.revenue for r in rows) == pytest.approx(want)
    assert sum(r.orders for r in rows) == _one(
        reader,
        f"SELECT count(*) {SALES} WHERE c.status <> 'cancelled' AND v.city = $1 "
        "AND c.event_date >= TIMESTAMPTZ '2024-03-01' AND c.event_date < TIMESTAMPTZ '2025-03-01'",
        [city],
    )


@pytest.mark.slow
def test_venue_popularity_uses_gold_ranks_without_filters_and_revenue_with_them(
    reader: GovernedSession, today: dt.date
) -> None:
    page = venue_popularity(reader, today, page=Pagination(limit=500))
    gold = {
        r["name"]: r["popularity_rank"]
        for r in reader.sql(
            "SELECT v.name, vp.popularity_rank FROM gold.venue_popularity vp "
            "JOIN silver.venues v USING (venue_id)"
        ).to_pylist()
    }
    assert page.total == len(page.items) > 0
    assert all(row.popularity_rank == gold[row.venue] for row in page.items)
    assert sum(r.revenue or 0 for r in page.items) == pytest.approx(
        _layer(reader, today, "revenue")
    )
    country = page.items[0].country
    f = AnalyticsFilter(country=country)
    top = venue_popularity(reader, today, f, Pagination(limit=2))
    rest = venue_popularity(reader, today, f, Pagination(limit=500, offset=2))
    rows = top.items + rest.items
    assert top.total == rest.total == len(rows) and {r.country for r in rows} == {country}
    assert [r.popularity_rank for r in rows] == sorted(r.popularity_rank or 0 for r in rows)
    assert _descending_nulls_last([r.revenue for r in rows])
    assert rows[0].popularity_rank == 1 and rows[0].capacity
    assert sum(r.revenue or 0 for r in rows) == pytest.approx(
        _layer(reader, today, "revenue", filters=semantic_filters(f))
    )


@pytest.mark.slow
def test_a_genre_filter_returns_only_artists_who_play_it(
    reader: GovernedSession, today: dt.date
) -> None:
    genre = _one(reader, "SELECT g FROM (SELECT unnest(genres) AS g FROM silver.artists) GROUP BY g ORDER BY count(*) DESC LIMIT 1")  # fmt: skip
    page = artist_performance(reader, today, AnalyticsFilter(genre=genre), Pagination(limit=500))
    playing = {
        r["name"]
        for r in reader.sql(
            "SELECT name FROM silver.artists WHERE list_contains(genres, $1)", [genre]
        ).to_pylist()
    }
    assert page.items and {r.artist for r in page.items} <= playing
    assert sum(r.revenue or 0 for r in page.items) == pytest.approx(
        _layer(reader, today, "revenue", filters=(Filter(dimension="genre", values=(genre,)),))
    )
    assert all(r.growth_trend in ("growing", "stable", "declining") for r in page.items)
    assert _descending_nulls_last([r.revenue for r in page.items])


@pytest.mark.slow
def test_breakdowns_add_up_to_the_total(reader: GovernedSession, today: dt.date) -> None:
    total = _layer(reader, today, "revenue")
    for by in ("channel", "price_tier", "weekday"):
        rows = breakdown(reader, today, by=by).rows  # type: ignore[arg-type]
        assert sum(r.revenue or 0 for r in rows) == pytest.approx(total), by
    weekdays = [r.value for r in breakdown(reader, today, by="weekday").rows]
    order = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    assert weekdays == [d for d in order if d in weekdays]


@pytest.mark.slow
def test_concert_detail_curve_ends_at_its_tickets_sold(reader: GovernedSession) -> None:
    concert_id = _one(
        reader,
        "SELECT c.concert_id FROM silver.concerts c JOIN silver.ticket_sales s USING (concert_id) "
        "WHERE c.status = 'completed' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1",
    )
    detail = concert_detail(reader, concert_id)
    attendance, capacity = (
        reader.sql(
            "SELECT c.total_attendance, v.capacity FROM silver.concerts c "
            "JOIN silver.venues v USING (venue_id) WHERE concert_id = $1",
            [concert_id],
        )
        .to_pylist()[0]
        .values()
    )
    assert detail.tickets_sold == attendance  # CONTRACT.md: total_attendance = SUM(quantity)
    assert detail.attendance_rate == pytest.approx(attendance / capacity)
    curve = detail.sales_curve
    assert curve[-1].cumulative_tickets == detail.tickets_sold
    assert curve[-1].cumulative_revenue == pytest.approx(detail.revenue)
    assert sum(d.tickets_sold for d in curve) == detail.tickets_sold
    assert [d.day for d in curve] == sorted(d.day for d in curve)
    assert all(d.days_before == (detail.event_date - d.day).days for d in curve)


@pytest.mark.slow
def test_an_unknown_concert_has_a_stable_code(reader: GovernedSession) -> None:
    with pytest.raises(ConcertNotFoundError) as err:
        concert_detail(reader, "con_nope")
    assert err.value.code == "concert_not_found"
    assert err.value.error_payload()["data"] == {"concert_id": "con_nope"}
    assert "`con_nope`" in str(err.value) and "silver.concerts" in str(err.value)


@pytest.mark.slow
def test_filter_options_hold_every_value_a_filter_can_take(reader: GovernedSession) -> None:
    options = filter_options(reader)
    genres = {
        r["g"]
        for r in reader.sql("SELECT DISTINCT unnest(genres) AS g FROM silver.artists").to_pylist()
    }
    assert set(options.genres) == genres and options.genres == sorted(options.genres)
    assert options.channels == ["box_office", "online", "stream"]
    assert len(options.artists) == _one(reader, "SELECT count(DISTINCT name) FROM silver.artists")
    assert len(options.cities) == _one(reader, "SELECT count(DISTINCT city) FROM silver.venues")
    assert options.countries and options.venues
